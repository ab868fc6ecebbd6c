// Times verification inside workerd from outside: worker.js, bundled by
// wrangler and run by miniflare, runs N verifications per request; this
// script times requests with N and with 0 and divides the difference by N.
// (Inside workerd the clocks stand still while JavaScript runs.)
//
//   make bench-workerd
//   node benches/workerd/bench.mjs [--rounds=9] [--sizes=300,65536,1048576] [--impls=…]
//
// Needs Node 22 or later (wrangler, miniflare) and a built pkg/.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { ROOT, projectWith } from '../../tests/fetch/http-cases.mjs';
import { COMPATIBILITY_DATE, bundle, serve } from '../../tests/fetch/workerd-harness.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rounds = Number(arg('rounds', '9'));
const SIZES = arg('sizes', '300,65536,1048576').split(',').map(Number);
const IMPLS = arg('impls', 'ours,webcrypto,ours-fetch,webcrypto-fetch').split(',');
/** Verifications per request: some tens of milliseconds of work at every size. */
const perRequest = (size) => Math.max(10, Math.round(4e6 / (size + 1000)));

const dist = bundle(projectWith({ 'src/index.js': join(ROOT, 'benches/workerd/worker.js') }), [
  '--name', 'geckoguard-bench', '--compatibility-date', COMPATIBILITY_DATE, 'src/index.js',
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

const label = (size) => (size >= 1 << 20 ? `${size / (1 << 20)} MiB` : size >= 1024 ? `${size / 1024} KiB` : `${size} B`);
const ratio = (a, b) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '–');

try {
  const results = {};
  for (const size of SIZES) {
    const n = perRequest(size);
    for (const impl of IMPLS) for (let i = 0; i < 3; i += 1) await timeRequest(impl, size, n); // warm-up: JIT, caches
    const full = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
    const empty = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
    // Interleaved rounds, so a busy machine slows every implementation alike;
    // the fastest round of each is the least disturbed one.
    for (let round = 0; round < rounds; round += 1) {
      for (const impl of IMPLS) {
        empty[impl].push(await timeRequest(impl, size, 0));
        full[impl].push(await timeRequest(impl, size, n));
      }
    }
    results[size] = Object.fromEntries(
      IMPLS.map((impl) => [impl, ((Math.min(...full[impl]) - Math.min(...empty[impl])) * 1000) / n]),
    );
  }
  console.log(`µs per verification inside workerd, best of ${rounds} interleaved rounds`);
  console.log('| body | ' + IMPLS.join(' | ') + ' | WebCrypto ÷ ours (bytes) | WebCrypto ÷ ours (Request) |');
  console.log('|---|' + IMPLS.map(() => '---:').join('|') + '|---:|---:|');
  for (const size of SIZES) {
    const row = results[size];
    console.log(
      `| ${label(size)} | ${IMPLS.map((impl) => row[impl].toFixed(2)).join(' | ')} | ${ratio(row.webcrypto, row.ours)} | ${ratio(row['webcrypto-fetch'], row['ours-fetch'])} |`,
    );
  }
} finally {
  await mf.dispose();
}
