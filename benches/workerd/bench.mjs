// Times verification inside workerd from outside: worker.js, bundled by
// wrangler and run by miniflare, runs N verifications per request; this
// script times requests with N and with N = 0 and divides the difference.
//
//   make bench-workerd          (or: node benches/workerd/bench.mjs [--rounds=7])
//
// Prints one row per body size: µs per verification for each implementation.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { ROOT, projectWith } from '../../tests/fetch/http-cases.mjs';
import { bundle, serve } from '../../tests/fetch/workerd-harness.mjs';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 7);
const SIZES = [300, 64 * 1024, 1024 * 1024];
const IMPLS = (process.argv.find((a) => a.startsWith('--impls='))?.slice(8) ?? 'ours,ours-fetch,webcrypto,webcrypto-noparse').split(',');
/** Verifications per request: about 50-100 ms of work per request at each size. */
const PER_REQUEST = { 300: 20000, [64 * 1024]: 300, [1024 * 1024]: 20 };

const dist = bundle(projectWith({ 'src/index.js': join(ROOT, 'benches/workerd/worker.js') }), [
  '--name', 'geckoguard-bench', '--compatibility-date', '2025-09-01', 'src/index.js',
]);
const { mf, base } = await serve(dist, {});

async function timeRequest(impl, size, n) {
  const started = performance.now();
  const response = await fetch(`${base}/?impl=${impl}&size=${size}&n=${n}`);
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (text !== 'ok') throw new Error(`${impl} ${size}: ${response.status} ${text}`);
  return elapsed;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const results = {};
  for (const size of SIZES) {
    const n = PER_REQUEST[size];
    results[size] = {};
    for (const impl of IMPLS) {
      for (let i = 0; i < 3; i += 1) await timeRequest(impl, size, n); // warm up: JIT, caches
      const full = [];
      const empty = [];
      for (let i = 0; i < rounds; i += 1) {
        empty.push(await timeRequest(impl, size, 0));
        full.push(await timeRequest(impl, size, n));
      }
      results[size][impl] = ((median(full) - median(empty)) * 1000) / n;
    }
  }
  const header = ['body', ...IMPLS.map((impl) => `${impl} µs`), 'webcrypto / ours'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const size of SIZES) {
    const row = results[size];
    const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
    const best = Math.min(row.ours ?? Infinity, row['ours-fetch'] ?? Infinity);
    const ratio = row.webcrypto && Number.isFinite(best) ? `${(row.webcrypto / best).toFixed(2)}×` : '';
    console.log(`| ${label} | ${IMPLS.map((impl) => row[impl].toFixed(2)).join(' | ')} | ${ratio} |`);
  }
} finally {
  await mf.dispose();
}
