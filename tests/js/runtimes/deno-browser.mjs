// The `browser` and `default` entry (pkg/browser.js: fetch the .wasm next to
// the module, top-level await), run in Deno, whose fetch reads file: URLs:
//   deno run --allow-read=tests/vectors,pkg tests/js/runtimes/deno-browser.mjs
// No browser runs in make test; this is the closest check of that entry.
import * as api from '../../../pkg/browser.js';
import { run } from './vectors.mjs';

const readJson = (name) => JSON.parse(Deno.readTextFileSync(new URL(`../../vectors/${name}`, import.meta.url)));
if (run(`Deno ${Deno.version.deno}, browser entry`, [['ESM', api]], readJson) !== 0) Deno.exit(1);
