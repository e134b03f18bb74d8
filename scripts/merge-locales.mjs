// Builds each locale's messages.json from the parts kept per job in extension/_locales/<lang>/*.json
// (foundation.json, live.json, tickets.json, policy.json, ...). A key defined twice, or an English
// key missing from another locale, or a folder not named like a locale (pt_BR), fails the build: every string is translated exactly once.
// Usage: node scripts/merge-locales.mjs SRC_DIR OUT_DIR
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
const merged = {};
for (const lang of readdirSync(src)) {
  // Browsers read only folders named like Chrome's locale codes: "es", "pt_BR", "zh_CN" (an
  // underscore; "pt-BR" would be ignored, so the strings would silently fall back to English).
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(lang)) throw new Error(`_locales/${lang}: not a locale folder name (write it like pt_BR)`);
  const messages = {};
  for (const part of readdirSync(join(src, lang)).filter((f) => f.endsWith('.json')).sort()) {
    const entries = JSON.parse(readFileSync(join(src, lang, part), 'utf8'));
    for (const [key, value] of Object.entries(entries)) {
      if (key in messages) throw new Error(`_locales/${lang}: "${key}" is defined twice (${part})`);
      messages[key] = value;
    }
  }
  merged[lang] = messages;
}
const english = Object.keys(merged.en || {});
for (const [lang, messages] of Object.entries(merged)) {
  const missing = english.filter((k) => !(k in messages));
  if (missing.length) throw new Error(`_locales/${lang} lacks ${missing.join(', ')}`);
  mkdirSync(join(out, lang), { recursive: true });
  writeFileSync(join(out, lang, 'messages.json'), JSON.stringify(messages, null, 1) + '\n');
}
