// The network backstop's matcher: does a request body carry a held (blocked) value?
//
// Exists because a site can post by doors the DOM gate never sees (its own fetch, a script's
// form.submit(), a GraphQL mutation). The backstop looks at the bytes that leave instead, in the
// encodings sites actually use: JSON (with \u escapes), GraphQL variables (JSON, sometimes as a
// JSON string inside a form field), URL-encoding, form data, multipart. Pure functions, no
// browser API, so the bench (bench/backstop.mjs) measures exactly what the listener runs.
//
// Values and bodies are compared in one canonical form: lower case, every run of characters that
// are neither letters nor digits folded to one space. A value matches only on whole words
// (`ass` does not match inside `password`), so unrelated text is not blocked.

const SEPARATORS = /[^\p{L}\p{N}]+/gu;
const MAX_VIEWS = 5000; // decoded views of one body (fields, JSON leaves, nested encodings)
const MAX_DEPTH = 3;
export const MAX_BODY = 8 * 1024 * 1024; // bytes of a body that are looked at

/** The canonical form of a value or a body view. */
export function canonical(s) {
  return String(s).toLowerCase().replace(SEPARATORS, ' ').trim();
}

/**
 * The forms of one blocked value (a finding's text) that are held: its canonical form, and for a
 * number written with separators (card, phone, account) also its digits only, since sites often
 * send `4111111111111111` for what the user typed as `4111 1111 1111 1111`.
 */
export function heldForms(text) {
  const forms = new Set();
  const c = canonical(text);
  if (c.length >= 3) forms.add(c);
  if (/^[\d\s.\-/()+]+$/.test(String(text).trim())) {
    const digits = String(text).replace(/\D+/g, '');
    if (digits.length >= 6) forms.add(digits);
  }
  return [...forms];
}

/** True when `needle` occurs in `hay` (both canonical) as whole words. */
export function containsWords(hay, needle) {
  if (!needle) return false;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) {
    const end = i + needle.length;
    if ((i === 0 || hay.charCodeAt(i - 1) === 32) && (end === hay.length || hay.charCodeAt(end) === 32)) return true;
  }
  return false;
}

/** Decodes %XX and + (application/x-www-form-urlencoded), leaving malformed escapes as they are. */
function urlDecode(s) {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try { return decodeURIComponent(run); } catch { return run; }
    });
  }
}

/** Undoes JSON string escapes found in text that is not itself valid JSON (a JSON part inside multipart, a fragment). */
function jsonUnescape(s) {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\(["\\/bfnrt])/g, (_, hex, c) => {
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    return { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[c] ?? c;
  });
}

/** Every string and number of a parsed JSON value, in document order. */
function jsonLeaves(value, out) {
  if (out.length > 10000) return out;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) jsonLeaves(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) jsonLeaves(v, out);
  return out;
}

/** Adds `s` and what it decodes to (URL-encoding, JSON, JSON escapes), recursively, to `views`. */
function addViews(s, views, depth) {
  if (typeof s !== 'string' || !s || views.length >= MAX_VIEWS) return;
  const head = depth < MAX_DEPTH ? s.trimStart()[0] : '';
  let parsed;
  let ok = false;
  if (head === '{' || head === '[' || head === '"') {
    try { parsed = JSON.parse(s); ok = true; } catch { /* not JSON */ }
  }
  // Valid JSON is read through its strings (below), not also as raw text: a third less work.
  if (!ok) views.push(s);
  if (depth >= MAX_DEPTH) return;
  {
    if (ok) {
      const leaves = jsonLeaves(parsed, []);
      // All leaves as one view (a post split into paragraphs), then each leaf that may itself
      // be encoded (a JSON string of GraphQL variables).
      views.push(leaves.join('\n'));
      for (const leaf of leaves) {
        if (/[%+\\{[]/.test(leaf)) addViews(leaf, views, depth + 1);
        else if (views.length < MAX_VIEWS) views.push(leaf);
      }
      return;
    }
  }
  if (s.includes('\\')) addViews(jsonUnescape(s), views, depth + 1);
  if (/%[0-9a-f]{2}|\+/i.test(s) && /^[^\s]*$/.test(s.slice(0, 4096))) {
    // URL-encoded: the decoded whole, and each field's value (it may be JSON: GraphQL variables).
    addViews(urlDecode(s), views, depth + 1);
    if (s.includes('=')) {
      for (const pair of s.split('&')) {
        const eq = pair.indexOf('=');
        const value = eq === -1 ? '' : urlDecode(pair.slice(eq + 1));
        addViews(value, views, depth + 1);
      }
    }
  }
}

/**
 * The canonical views of a webRequest `requestBody`: `raw` byte parts decoded as UTF-8, or the
 * parsed `formData` fields; each with the encodings inside it undone. Returns [] for no body.
 */
export function bodyViews(requestBody) {
  if (!requestBody || typeof requestBody !== 'object') return [];
  const views = [];
  if (requestBody.formData && typeof requestBody.formData === 'object') {
    const fields = [];
    for (const [name, values] of Object.entries(requestBody.formData)) {
      for (const v of Array.isArray(values) ? values : [values]) {
        if (typeof v !== 'string') continue;
        fields.push(v);
        addViews(v, views, 1);
      }
      fields.push(name);
    }
    views.push(fields.join('\n'));
  }
  if (Array.isArray(requestBody.raw)) {
    const parts = [];
    let size = 0;
    for (const part of requestBody.raw) {
      const bytes = part && part.bytes;
      if (!bytes || size >= MAX_BODY) continue;
      const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
      if (!view) continue;
      const take = view.subarray(0, MAX_BODY - size);
      parts.push(take);
      size += take.length;
    }
    if (parts.length) {
      const all = parts.length === 1 ? parts[0] : concat(parts, size);
      addViews(new TextDecoder('utf-8').decode(all), views, 0);
    }
  }
  return views.map(canonical);
}

function concat(parts, size) {
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  return all;
}

/** The held forms (canonical) that occur in any of the body's views. */
export function heldIn(views, held) {
  return held.filter((form) => views.some((v) => containsWords(v, form)));
}

/** The form of an overridden text that a request must carry to pass: whole and by paragraph. */
export function allowedText(text) {
  return { text: canonical(text), parts: String(text).split(/\n+/).map(canonical).filter(Boolean) };
}

/**
 * True when the body carries exactly the overridden text: one field (a JSON string, a form field)
 * is that text, or, for a site that sends a post paragraph by paragraph, each paragraph is a field.
 */
export function carriesText(views, allowed) {
  if (!allowed || !allowed.text) return false;
  if (views.includes(allowed.text)) return true;
  return Array.isArray(allowed.parts) && allowed.parts.length > 1 && allowed.parts.every((p) => views.includes(p));
}
