// The real wasm core in Node, for tests of the policy layers and the deployment kit: the same
// `policyCheck` and `defaultPolicyJson` the extension's service worker uses.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './browsers.mjs';

const PKG = join(ROOT, 'target/pkg');

/** Resolves with `{ policyCheck(doc) -> [{path, message}], defaults, TextChecker }`. */
export async function loadPolicyCore() {
  const glue = join(PKG, 'safepost.js');
  if (!existsSync(glue)) throw new Error('target/pkg is missing: run `bash scripts/build.sh` first');
  const mod = await import(glue);
  await mod.default({ module_or_path: readFileSync(join(PKG, 'safepost_bg.wasm')) });
  return {
    policyCheck: (doc) => mod.policyCheck(typeof doc === 'string' ? doc : JSON.stringify(doc)),
    defaults: JSON.parse(mod.defaultPolicyJson()),
    TextChecker: mod.TextChecker,
  };
}
