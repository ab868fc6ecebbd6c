// deno run --allow-read=tests/vectors tests/js/runtimes/deno.mjs
import * as api from '../../../pkg/deno.js';
import { run } from './vectors.mjs';

const readJson = (name) => JSON.parse(Deno.readTextFileSync(new URL(`../../vectors/${name}`, import.meta.url)));
if (run(`Deno ${Deno.version.deno}`, [['ESM', api]], readJson) !== 0) Deno.exit(1);
