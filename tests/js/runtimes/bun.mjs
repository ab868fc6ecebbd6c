// bun tests/js/runtimes/bun.mjs — the entries Bun's export conditions select.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as api from '../../../pkg/node.js';
import { run } from './vectors.mjs';

const readJson = (name) => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8'));
const cjs = createRequire(import.meta.url)('../../../pkg/node.cjs');
if (run(`Bun ${Bun.version}`, [['ESM', api], ['CommonJS', cjs]], readJson) !== 0) process.exit(1);
