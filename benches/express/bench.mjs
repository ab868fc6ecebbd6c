// Throughput of the Express adapter against the handler of GeckoGuard's
// documentation, in the same app (server.mjs), with the same signed body,
// measured with wrk, the routes taking turns so drift hits each alike.
//
//   node benches/express/bench.mjs [--rounds=3] [--seconds=10] [--connections=32] [--express=5]
//
// Before measuring it checks every route: the signed body gets 200 and a
// forged signature 401. During the runs count.lua counts every answer that
// is not 200; any wrong answer fails the benchmark.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A private copy of the built package, so a rebuild of pkg/ during the
// minutes the benchmark runs cannot pull files from under the server.
const PKG = mkdtempSync(join(tmpdir(), 'geckoguard-bench-pkg-'));
cpSync(fileURLToPath(new URL('../../pkg/', import.meta.url)), PKG, { recursive: true });
process.on('exit', () => rmSync(PKG, { recursive: true, force: true }));
if (!['node.js', 'express.js', 'wasm/geckoguard_webhooks_bg.wasm'].every((f) => existsSync(join(PKG, f)))) {
  console.error('bench-express: pkg/ is missing or incomplete: run `make pkg` first');
  process.exit(1);
}
const { sign } = await import(pathToFileURL(join(PKG, 'node.js')).href);

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const ROUNDS = Number(arg('rounds', 3));
const SECONDS = Number(arg('seconds', 10));
const CONNECTIONS = Number(arg('connections', 32));
const EXPRESS = arg('express', '5');
const ROUTES = ['spec', 'adapter', 'router'];

const SECRET = 'whsec_benchmark_0123456789abcdef';
// The spec's example payload, as GeckoGuard sends it (compact JSON).
const BODY = JSON.stringify({
  event: 'license.authorized',
  data: { licenseId: 'license-uuid', productId: 'product-uuid', wasActivated: false, effectiveExpiresAt: '2025-12-31T23:59:59.000Z' },
  timestamp: '2025-01-15T10:30:00.000Z',
});
const SIGNATURE = sign(SECRET, BODY);
const HERE = fileURLToPath(new URL('.', import.meta.url));

const server = spawn(process.execPath, ['server.mjs'], {
  cwd: HERE,
  env: { ...process.env, BENCH_SECRET: SECRET, BENCH_EXPRESS: EXPRESS, BENCH_PKG: PKG, NODE_ENV: 'production' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let port;
try {
  let out = '';
  server.stdout.on('data', (c) => (out += c));
  for (let i = 0; i < 200 && !(port = /ready (\d+)/.exec(out)?.[1]); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!port) throw new Error('the benchmark server did not start');

  for (const route of ROUTES) {
    const url = `http://127.0.0.1:${port}/${route}`;
    const post = (signature) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-geckoguard-signature': signature }, body: BODY });
    const good = await post(SIGNATURE);
    const forged = await post('0'.repeat(64));
    if (good.status !== 200 || forged.status !== 401) {
      throw new Error(`/${route}: signed ${good.status}, forged ${forged.status}; expected 200 and 401`);
    }
  }

  const results = Object.fromEntries(ROUTES.map((r) => [r, []]));
  // Server CPU time per request: unlike throughput, barely moved by other
  // processes competing for the machine.
  const cpuPerRequest = Object.fromEntries(ROUTES.map((r) => [r, []]));
  const cpu = () =>
    new Promise((resolve, reject) => {
      // A fresh connection each time: a kept-alive one may have timed out during the run.
      get({ host: '127.0.0.1', port, path: '/cpu', agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          const { user, system } = JSON.parse(text);
          resolve(user + system);
        });
      }).on('error', reject);
    });
  let wrongTotal = 0;
  const command = (route) => ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', 'count.lua', `http://127.0.0.1:${port}/${route}`];
  console.log(`wrk ${command('<route>').join(' ')}  (Express ${EXPRESS}, ${ROUNDS} rounds, body ${Buffer.byteLength(BODY)} bytes)`);
  // Warm-up, not counted: lets V8 optimize every route before the first round.
  for (const route of ROUTES) {
    execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, '-d2s', '-s', 'count.lua', `http://127.0.0.1:${port}/${route}`], {
      cwd: HERE,
      env: { ...process.env, BENCH_BODY: BODY, BENCH_SIGNATURE: SIGNATURE, BENCH_EXPECT: '200' },
      stdio: 'ignore',
    });
  }
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const route of ROUTES) {
      const cpuBefore = await cpu();
      const output = execFileSync('wrk', command(route), {
        cwd: HERE,
        encoding: 'utf8',
        env: { ...process.env, BENCH_BODY: BODY, BENCH_SIGNATURE: SIGNATURE, BENCH_EXPECT: '200' },
      });
      const cpuUsed = (await cpu()) - cpuBefore;
      const requests = Number(/(\d+) requests in/.exec(output)?.[1]);
      cpuPerRequest[route].push(cpuUsed / requests);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
      const wrong = Number(/WRONG_ANSWERS (\d+)/.exec(output)?.[1]);
      const errors = /Socket errors: (.*)/.exec(output)?.[1];
      const p99 = /99%\s+(\S+)/.exec(output)?.[1];
      if (!Number.isFinite(rps) || !Number.isFinite(wrong)) throw new Error(`cannot read wrk's output:\n${output}`);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
      wrongTotal += Math.max(wrong, non2xx);
      results[route].push(rps);
      console.log(
        `round ${round} /${route.padEnd(8)} ${rps.toFixed(0).padStart(7)} req/s  server CPU ${(cpuUsed / requests).toFixed(1)} µs/req  p99 ${p99}  wrong answers ${wrong}${errors ? `  socket errors: ${errors}` : ''}`,
      );
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const spec = mean(results.spec);
  // Each round's ratio compares runs seconds apart, so a load that comes and
  // goes on the machine moves both sides of most ratios alike.
  const specCpu = median(cpuPerRequest.spec);
  console.log('\nroute      mean req/s   mean vs spec   median of per-round ratios   median server CPU µs/req   spec CPU / route CPU');
  for (const route of ROUTES) {
    const m = mean(results[route]);
    const ratios = results[route].map((rps, i) => rps / results.spec[i]);
    const c = median(cpuPerRequest[route]);
    console.log(
      `/${route.padEnd(9)} ${m.toFixed(0).padStart(10)}   ${(m / spec).toFixed(2).padStart(11)}x   ${median(ratios).toFixed(2).padStart(25)}x   ${c.toFixed(1).padStart(24)}   ${(specCpu / c).toFixed(2).padStart(19)}x`,
    );
  }
  console.log(`wrong answers: ${wrongTotal}`);
  if (wrongTotal !== 0) process.exitCode = 1;
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
}
