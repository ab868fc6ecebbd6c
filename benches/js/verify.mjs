// Benchmarks of the npm package in Node, side by side in one process on the
// same payloads: verify + parse with @geckoguard/webhooks against its peers.
//
//   make bench-js        (node benches/js/verify.mjs [--quick] [--cpu-time]; BENCH_SIZES=300B,4KiB picks sizes)
//
// --cpu-time times each round in CPU time of the process (user + system, all
// its threads) instead of the wall clock: on a machine shared with other work
// the wall clock also counts the time other processes ran.
//
// Prints a Markdown table for BENCHMARKS.md: per-operation time (median of
// interleaved rounds), the ratio to the fastest peer, the .wasm size, the
// cold start and the package size. Timings are noisy: compare the ratios.
import { createHmac, createSecretKey, timingSafeEqual, webcrypto } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';

import { Webhook, sign } from '../../pkg/node.js';
import * as wasm from '../../pkg/wasm/geckoguard_webhooks.js';
import { createApi } from '../../pkg/webhook.js';
import { nativeHmac } from '../../pkg/node-hmac.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICK = process.argv.includes('--quick');
const CPU_TIME = process.argv.includes('--cpu-time');
/** Microseconds since an arbitrary start: wall clock, or CPU time with --cpu-time. */
const clock = CPU_TIME
  ? () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    }
  : () => performance.now() * 1000;
const SECRET = 'whsec_kq8Zt3vN1xWb6PjR0cYh5LmD9sEa-u2G';
const ONLY = process.env.BENCH_SIZES?.split(',');
const SIZES_ALL = [
  ['300 B', 300],
  ['4 KiB', 4096],
  ['64 KiB', 64 * 1024],
  ['1 MiB', 1024 * 1024],
];
const SIZES = ONLY ? SIZES_ALL.filter(([label]) => ONLY.includes(label.replace(' ', ''))) : SIZES_ALL;

/** A license.created body of exactly `size` bytes, like GeckoGuard's compact JSON. */
function bodyOfSize(size) {
  const head = '{"event":"license.created","data":{"licenseId":"3f6c1a2e-8b4d-4e7a-9c15-2d8e7b6a4f01","productId":"a91e5c07-4b3f-4d26-8e1a-6f0b9c2d7e53","note":"';
  const tail = '"},"timestamp":"2025-01-15T10:30:00.000Z"}';
  const fill = size - head.length - tail.length;
  if (fill < 0) throw new Error(`size ${size} too small`);
  let note = '';
  const words = ['license', 'seat', 'device', 'activation', 'GECKO-7Q2M', 'expires', 'product'];
  while (note.length < fill) note += `${words[note.length % words.length]} `;
  return Buffer.from(head + note.slice(0, fill) + tail);
}

// ---- the contenders: each takes (Buffer body, signature) and returns the parsed event ----

const ours = new Webhook(SECRET);
const oursWasm = new (createApi(wasm).Webhook)(SECRET);
const oursNative = new (createApi(wasm, nativeHmac(0)).Webhook)(SECRET);

/** The spec's snippet, verbatim in substance: createHmac + timingSafeEqual, then JSON.parse. */
function specSnippet(buffer, signature) {
  const body = buffer.toString();
  const expected = createHmac('sha256', SECRET).update(body).digest('hex');
  if (!timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) throw new Error('invalid');
  return JSON.parse(body);
}

async function octokit(buffer, signature) {
  const body = buffer.toString();
  if (!(await octokitVerify(SECRET, body, `sha256=${signature}`))) throw new Error('invalid');
  return JSON.parse(body);
}

const standardSecret = `whsec_${Buffer.from(SECRET).toString('base64')}`;
const standard = new StandardWebhook(standardSecret);

const webCryptoKey = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
async function webCrypto(buffer, signature) {
  const ok = await webcrypto.subtle.verify('HMAC', webCryptoKey, Buffer.from(signature, 'hex'), buffer);
  if (!ok) throw new Error('invalid');
  return JSON.parse(buffer.toString());
}

// ---- timing ---------------------------------------------------------------

/** Median time per operation in µs over `rounds` rounds of `n` operations. */
async function time(fn, isAsync, n, rounds) {
  const samples = [];
  for (let r = 0; r < rounds; r += 1) {
    const start = clock();
    if (isAsync) for (let i = 0; i < n; i += 1) await fn();
    else for (let i = 0; i < n; i += 1) fn();
    samples.push((clock() - start) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

// About 50 ms per contender per round (5 ms with --quick), so each round
// includes its share of garbage collection; at least 20 operations.
const iterationsFor = (size) => Math.max(20, Math.floor((QUICK ? 2e6 : 2e7) / (size + 1500)));

async function main() {
  const rows = [];
  for (const [label, size] of SIZES) {
    const body = bodyOfSize(size);
    const signature = sign(SECRET, body);
    const msgId = 'msg_bench';
    const standardHeaders = () => {
      const now = new Date();
      return { 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': standard.sign(msgId, now, body) };
    };
    const headers = standardHeaders();
    const contenders = [
      ['@geckoguard/webhooks verify', () => ours.verify(body, signature), false, true],
      ['  (Wasm HMAC only)', () => oursWasm.verify(body, signature), false, true],
      ['  (node:crypto HMAC only)', () => oursNative.verify(body, signature), false, true],
      ['spec snippet (createHmac + timingSafeEqual) + JSON.parse', () => specSnippet(body, signature), false, false],
      ['@octokit/webhooks-methods verify + JSON.parse', () => octokit(body, signature), true, false],
      ['standardwebhooks verify (parses)', () => standard.verify(body, headers), false, false],
      ['WebCrypto subtle.verify + JSON.parse', () => webCrypto(body, signature), true, false],
    ];
    // Every contender must accept the delivery and give the same event.
    for (const [name, fn] of contenders) {
      const event = await fn();
      if (event.event !== 'license.created' || event.data.note.length < 1) throw new Error(`${name} gave a wrong result`);
    }
    const n = iterationsFor(size);
    const rounds = QUICK ? 5 : 11;
    const results = new Map(contenders.map(([name]) => [name, []]));
    // Interleave: one round of each contender in turn, so drift hits all alike.
    for (let r = 0; r < rounds; r += 1) {
      for (const [name, fn, isAsync] of contenders) {
        results.get(name).push(await time(fn, isAsync, n, 1));
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const timings = contenders.map(([name, , , isOurs]) => ({ name, us: median(results.get(name)), isOurs }));
    const fastestPeer = Math.min(...timings.filter((t) => !t.isOurs).map((t) => t.us));
    for (const t of timings) rows.push({ size: label, ...t, vsPeer: fastestPeer / t.us });
    process.stderr.write(`${label} done\n`);
  }

  console.log(`Node ${process.version}, ${process.arch}; ${CPU_TIME ? 'CPU time' : 'wall clock'}, median of interleaved rounds; "× fastest peer" > 1 means faster than the fastest peer.\n`);
  console.log('| body | implementation | µs / verify | × fastest peer |');
  console.log('|---|---|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.size} | ${r.name.trim().startsWith('(') ? `&nbsp;&nbsp;${r.name.trim()}` : r.name} | ${r.us < 100 ? r.us.toFixed(2) : r.us.toFixed(0)} | ${r.isOurs ? `${r.vsPeer.toFixed(2)}×` : r.vsPeer === 1 ? 'fastest peer' : `${r.vsPeer.toFixed(2)}×`} |`);
  }

  // ---- size and cold start ----
  const wasmBytes = readFileSync(new URL('../../pkg/wasm/geckoguard_webhooks_bg.wasm', import.meta.url));
  const gzipped = gzipSync(wasmBytes, { level: 9 }).length;
  const packed = JSON.parse(execFileSync('npm', ['pack', `${ROOT}pkg`, '--dry-run', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];
  const coldScript = `
    const t0 = performance.now();
    const { Webhook, sign } = await import(${JSON.stringify(new URL('../../pkg/node.js', import.meta.url).href)});
    const body = '{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}';
    new Webhook('whsec_cold').verify(body, sign('whsec_cold', body));
    console.log(performance.now() - t0);`;
  const colds = [];
  for (let i = 0; i < (QUICK ? 5 : 15); i += 1) {
    colds.push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', coldScript], { encoding: 'utf8' }).trim()));
  }
  colds.sort((a, b) => a - b);
  console.log('\n| measure | value |');
  console.log('|---|---:|');
  console.log(`| \`.wasm\` (one file, every entry point) | ${(wasmBytes.length / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped (level 9) |`);
  console.log(`| cold start: \`import\` to first verification (median of ${colds.length} fresh processes) | ${colds[Math.floor(colds.length / 2)].toFixed(1)} ms |`);
  console.log(`| npm tarball | ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${packed.entryCount} files |`);
}

await main();
