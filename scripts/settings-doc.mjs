// Writes docs/settings.md, the table of every SafePost policy setting, from the one schema
// (extension/managed_schema.json) and the shipped default policy (src/policy/default.json).
//
//   node scripts/settings-doc.mjs            write docs/settings.md
//   node scripts/settings-doc.mjs --check    fail if docs/settings.md is not current
//   node scripts/settings-doc.mjs --schema F --out -   another schema, to standard output
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** id -> schema node, for $ref. */
function idsOf(schema) {
  const ids = new Map();
  const walk = (n) => {
    if (!isObject(n)) return;
    if (typeof n.id === 'string') ids.set(n.id, n);
    walk(n.items);
    walk(n.additionalProperties);
    for (const k of ['properties', 'patternProperties']) if (isObject(n[k])) Object.values(n[k]).forEach(walk);
  };
  walk(schema);
  return ids;
}

const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s) => `\`${s}\``;

function typeOf(node) {
  if (node.type === 'array') return `list of ${node.items?.type === 'object' ? 'objects' : `${node.items?.type}s`}`;
  return node.type;
}

/** The description without its trailing "Values: `a`, `b`." (shown in the values column instead). */
const VALUES = / Values: ((?:`[^`]+`(?:, )?)+)\.$/;
function valuesOf(node) {
  if (node.enum) return node.enum.map(code).join(', ');
  const listed = VALUES.exec(node.description || '');
  if (listed) return listed[1];
  if (node.type === 'integer' && node.minimum !== undefined && node.minimum === node.maximum) return code(node.minimum);
  if (node.type === 'array' && node.items?.enum) return node.items.enum.map(code).join(', ');
  if (node.pattern) return `matches ${code(node.pattern)}`;
  if (node.type === 'boolean') return '`true`, `false`';
  return '';
}

function defaultAt(defaults, path) {
  let v = defaults;
  for (const k of path) {
    if (!isObject(v) || !(k in v)) return '';
    v = v[k];
  }
  if (isObject(v)) return '';
  return code(JSON.stringify(v));
}

/** Rows: [path, type, values, default, description]. */
function rows(schema, defaults) {
  const ids = idsOf(schema);
  const resolveRef = (n) => (n && n.$ref ? { ...ids.get(n.$ref), title: n.title ?? ids.get(n.$ref)?.title, description: n.description ?? ids.get(n.$ref)?.description } : n);
  const out = [];
  const walk = (node, path, label, defaultPath) => {
    node = resolveRef(node);
    if (!node) return;
    const describe = [node.title, (node.description || '').replace(VALUES, '')].filter(Boolean).join(': ');
    if (node.type === 'object' && isObject(node.properties)) {
      if (path) out.push([label, 'object', '', '', describe]);
      // Properties that share one schema (the detectors) become one row group: `detectors.<id>`.
      // Siblings of the same shape (same schema but for their description) are one group.
      const groups = new Map();
      for (const [k, s] of Object.entries(node.properties)) {
        const r = resolveRef(s);
        const key = r?.type === 'object' ? JSON.stringify(r, (name, v) => (['description', 'title', 'id'].includes(name) ? undefined : v)) : `#${k}`;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push([k, s]);
      }
      for (const [key, members] of groups) {
        if (members.length > 3 && !key.startsWith('#')) {
          const names = members.map(([k]) => k);
          const sub = resolveRef(members.find(([, s]) => !s.$ref)?.[1] || members[0][1]);
          const groupLabel = `${label ? `${label}.` : ''}<id>`;
          out.push([groupLabel, 'object', names.map(code).join(', '), '', 'One entry per id listed.']);
          for (const [k, s] of Object.entries(sub.properties || {})) walk(s, `${path}.*.${k}`, `${groupLabel}.${k}`, null);
        } else {
          for (const [k, s] of members) walk(s, `${path}.${k}`, label ? `${label}.${k}` : k, defaultPath && [...defaultPath, k]);
        }
      }
      return;
    }
    if (node.type === 'array' && node.items?.type === 'object') {
      out.push([label, typeOf(node), '', '', describe]);
      for (const [k, s] of Object.entries(node.items.properties || {})) walk(s, `${path}[].${k}`, `${label}[].${k}`, null);
      return;
    }
    out.push([label, typeOf(node), valuesOf(node), defaultPath ? defaultAt(defaults, defaultPath) : '',
      `${describe}${node.sensitiveValue ? ' (secret: masked in chrome://policy and on the options page)' : ''}`]);
  };
  walk(schema, '', '', []);
  return out;
}

export function settingsDoc(schema, defaults) {
  const table = rows(schema, defaults);
  const detectorRows = Object.entries(defaults.detectors || {})
    .map(([id, d]) => `| ${code(id)} | ${d.enabled ? 'on' : 'off'} | ${code(d.severity)} |`);
  return [
    '# SafePost settings',
    '',
    '<!-- Generated by scripts/settings-doc.mjs from extension/managed_schema.json and src/policy/default.json. Do not edit: run `node scripts/settings-doc.mjs`. -->',
    '',
    'Every setting below can be set by IT through the browser\'s policy (Chrome, Edge: the',
    '`3rdparty` extension policy; Firefox: `policies.json` `3rdparty.Extensions`), as one policy',
    'document: see [deploy/README.md](deploy/README.md). Anything not set keeps SafePost\'s default.',
    'The same document is what `safepost policy check FILE` validates; [policy.md](policy.md) explains',
    'how a document is applied and how to write rules.',
    '',
    'The effective policy is: shipped defaults, then the managed policy (wins), then the user\'s own',
    'settings on the options page, which may only make things stricter. An invalid value is reported',
    '(options page, popup, `safepost policy check`) and ignored; every valid setting still applies.',
    '',
    '| Setting | Type | Values | Default | Description |',
    '|---|---|---|---|---|',
    ...table.map((r) => `| ${r.map((c, i) => (i === 0 ? code(cell(c)) : cell(c))).join(' | ')} |`),
    '',
    '## Built-in detectors by default',
    '',
    '| Detector | Default | Severity |',
    '|---|---|---|',
    ...detectorRows,
    '',
    '## Rules in the default policy',
    '',
    'A rule in your policy with one of these ids changes that rule (for example',
    '`{"id": "offensive_language", "enabled": false}`); any other id adds a rule.',
    '',
    ...(defaults.rules || []).map((r) => `- ${code(r.id)} (${r.kind}, ${r.severity}): ${r.message}`),
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const schemaFile = arg('--schema') || join(ROOT, 'extension/managed_schema.json');
  const outFile = arg('--out') || join(ROOT, 'docs/settings.md');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const defaults = JSON.parse(readFileSync(join(ROOT, 'src/policy/default.json'), 'utf8'));
  const text = settingsDoc(schema, defaults);
  if (process.argv.includes('--check')) {
    if (!existsSync(outFile) || readFileSync(outFile, 'utf8') !== text) {
      console.error('docs/settings.md is not current: run node scripts/settings-doc.mjs');
      process.exit(1);
    }
  } else if (outFile === '-') {
    process.stdout.write(text);
  } else {
    writeFileSync(outFile, text);
  }
}
