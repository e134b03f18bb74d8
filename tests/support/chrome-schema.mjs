// The subset of JSON Schema that Chromium accepts for an extension's `storage.managed_schema`
// (components/policy/core/common/schema.cc), as a small validator for tests.
//
// `checkSchema` rejects what Chromium's Schema::Parse (kSchemaOptionsNone) rejects: an unknown
// type, an attribute not allowed for the type (Chromium refuses "default", "examples",
// "minLength", "additionalProperties": false, ...), an array without "items", an empty or
// mistyped "enum", a "required" entry that is not a property. `validate` checks a value the way
// Chromium checks a managed policy value, and in strict mode also reports unknown properties
// (Chromium drops those with a warning; in the deployment kit they are typos).

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const COMMON = ['description', 'id', 'sensitiveValue', 'title', 'type'];
const ATTRIBUTES = {
  array: [...COMMON, 'items'],
  boolean: COMMON,
  integer: [...COMMON, 'enum', 'maximum', 'minimum'],
  number: COMMON,
  object: [...COMMON, 'additionalProperties', 'patternProperties', 'properties', 'required'],
  string: [...COMMON, 'enum', 'pattern'],
};
const REF_ATTRIBUTES = ['$ref', 'description', 'title'];
const ATTRIBUTE_TYPES = {
  description: 'string', id: 'string', sensitiveValue: 'boolean', title: 'string', type: 'string', items: 'object',
  enum: 'array', maximum: 'number', minimum: 'number', additionalProperties: 'object', patternProperties: 'object',
  properties: 'object', required: 'array', pattern: 'string', $ref: 'string',
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function kindOf(v) {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Returns the list of problems Chromium would refuse the schema for (empty when it loads). */
export function checkSchema(schema) {
  const problems = [];
  const ids = new Set();
  const refs = [];
  const walk = (node, at) => {
    if (!isObject(node)) return problems.push(`${at}: a schema must be an object`);
    if ('$ref' in node) {
      for (const k of Object.keys(node)) if (!REF_ATTRIBUTES.includes(k)) problems.push(`${at}: unknown attribute '${k}' next to $ref`);
      refs.push([node.$ref, at]);
      return;
    }
    if (typeof node.type !== 'string') return problems.push(`${at}: each schema must have a 'type' or '$ref'`);
    if (!TYPES.includes(node.type)) return problems.push(`${at}: unknown type '${node.type}'`);
    for (const [k, v] of Object.entries(node)) {
      if (!ATTRIBUTES[node.type].includes(k)) {
        problems.push(`${at}: unknown attribute '${k}' for type ${node.type}`);
        continue;
      }
      const want = ATTRIBUTE_TYPES[k];
      const have = kindOf(v);
      if (!(have === want || (want === 'number' && have === 'integer'))) problems.push(`${at}.${k}: must be of type ${want}`);
    }
    if (typeof node.id === 'string') {
      if (ids.has(node.id)) problems.push(`${at}: duplicate id '${node.id}'`);
      ids.add(node.id);
    }
    if ('enum' in node) {
      if (!Array.isArray(node.enum) || node.enum.length === 0) problems.push(`${at}.enum: must be a non-empty list`);
      else if (node.enum.some((x) => kindOf(x) !== node.type)) problems.push(`${at}.enum: items must be of type ${node.type}`);
    }
    if (node.type === 'integer' && typeof node.minimum === 'number' && typeof node.maximum === 'number' && node.minimum > node.maximum) {
      problems.push(`${at}: minimum is above maximum`);
    }
    if (node.type === 'array') {
      if (!isObject(node.items)) problems.push(`${at}: an array schema needs a schema in 'items'`);
      else walk(node.items, `${at}.items`);
    }
    if (node.type === 'string' && typeof node.pattern === 'string') {
      try { new RegExp(node.pattern, 'u'); } catch (err) { problems.push(`${at}.pattern: ${err.message}`); }
    }
    if (node.type === 'object') {
      for (const [k, s] of Object.entries(isObject(node.properties) ? node.properties : {})) walk(s, `${at}.properties.${k}`);
      for (const [k, s] of Object.entries(isObject(node.patternProperties) ? node.patternProperties : {})) {
        try { new RegExp(k, 'u'); } catch (err) { problems.push(`${at}.patternProperties: ${err.message}`); }
        walk(s, `${at}.patternProperties.${k}`);
      }
      if ('additionalProperties' in node) {
        if (!isObject(node.additionalProperties)) problems.push(`${at}.additionalProperties: must be a schema (false is not supported)`);
        else walk(node.additionalProperties, `${at}.additionalProperties`);
      }
      for (const r of Array.isArray(node.required) ? node.required : []) {
        if (typeof r !== 'string' || !isObject(node.properties) || !(r in node.properties)) {
          problems.push(`${at}.required: '${r}' is not a property`);
        }
      }
    }
  };
  walk(schema, '$');
  if (isObject(schema) && schema.type !== 'object') problems.push('$: a managed_schema must be of type object at the top level');
  for (const [ref, at] of refs) if (!ids.has(ref)) problems.push(`${at}: $ref '${ref}' names no id`);
  return { problems, ids: collectIds(schema) };
}

function collectIds(schema) {
  const ids = new Map();
  const walk = (node) => {
    if (!isObject(node)) return;
    if (typeof node.id === 'string') ids.set(node.id, node);
    for (const k of ['items', 'additionalProperties']) walk(node[k]);
    for (const k of ['properties', 'patternProperties']) if (isObject(node[k])) Object.values(node[k]).forEach(walk);
  };
  walk(schema);
  return ids;
}

/**
 * Validates `value` against `schema`. Returns `[{path, message}]` (empty when valid).
 * `strict`: unknown properties are errors too (Chromium ignores them with a warning).
 */
export function validate(schema, value, { strict = true } = {}) {
  const ids = collectIds(schema);
  const errors = [];
  const err = (path, message) => errors.push({ path: path || '$', message });
  const walk = (node, v, path) => {
    if (node.$ref) node = ids.get(node.$ref) || {};
    const have = kindOf(v);
    if (!(have === node.type || (node.type === 'number' && have === 'integer'))) {
      return err(path, `expected ${node.type}, found ${have}`);
    }
    if (node.enum && !node.enum.includes(v)) err(path, `${JSON.stringify(v)} is not one of ${node.enum.map((x) => JSON.stringify(x)).join(', ')}`);
    if (node.type === 'integer') {
      if (typeof node.minimum === 'number' && v < node.minimum) err(path, `below the minimum ${node.minimum}`);
      if (typeof node.maximum === 'number' && v > node.maximum) err(path, `above the maximum ${node.maximum}`);
    }
    // Chromium matches "pattern" with RE2::PartialMatch: anywhere in the string unless anchored.
    if (node.type === 'string' && node.pattern && !new RegExp(node.pattern, 'u').test(v)) err(path, `does not match ${node.pattern}`);
    if (node.type === 'array') v.forEach((item, i) => walk(node.items, item, `${path}[${i}]`));
    if (node.type === 'object') {
      for (const r of node.required || []) if (!(r in v)) err(path ? `${path}.${r}` : r, 'required, missing');
      for (const [k, item] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        const schemas = [];
        if (node.properties && k in node.properties) schemas.push(node.properties[k]);
        for (const [re, s] of Object.entries(node.patternProperties || {})) if (new RegExp(re, 'u').test(k)) schemas.push(s);
        if (!schemas.length && node.additionalProperties) schemas.push(node.additionalProperties);
        if (!schemas.length) {
          if (strict) err(p, 'unknown setting (Chromium ignores it)');
          continue;
        }
        for (const s of schemas) walk(s, item, p);
      }
    }
  };
  walk(schema, value, '');
  return errors;
}
