// The pieces of one `webhook.verify` in Node, timed alone in one process:
// where the time of verify + parse goes at each body size.
//
//   node benches/js/pieces.mjs          (after `make pkg`; BENCH_SIZES=300B,64KiB picks sizes)
//
// Times are CPU time of this process (user + system) per operation, median of
// 9 rounds: on a shared machine that is steadier than the wall clock.
import { createHmac } from 'node:crypto';

import { Webhook, sign } from '../../pkg/node.js';
import * as wasm from '../../pkg/wasm/geckoguard_webhooks.js';
import { createApi } from '../../pkg/webhook.js';

const SECRET = 'whsec_kq8Zt3vN1xWb6PjR0cYh5LmD9sEa-u2G';
const ONLY = process.env.BENCH_SIZES?.split(',');
const SIZES = [['300 B', 300], ['4 KiB', 4096], ['64 KiB', 65536], ['1 MiB', 1 << 20]].filter(
  ([label]) => !ONLY || ONLY.includes(label.replace(' ', '')),
);

function bodyOfSize(size) {
  const head = '{"event":"license.created","data":{"licenseId":"3f6c1a2e-8b4d-4e7a-9c15-2d8e7b6a4f01","productId":"a91e5c07-4b3f-4d26-8e1a-6f0b9c2d7e53","note":"';
  const tail = '"},"timestamp":"2025-01-15T10:30:00.000Z"}';
  let note = '';
  const words = ['license', 'seat', 'device', 'activation', 'GECKO-7Q2M', 'expires', 'product'];
  while (note.length < size - head.length - tail.length) note += `${words[note.length % words.length]} `;
  return Buffer.from(head + note.slice(0, size - head.length - tail.length) + tail);
}

function time(fn, n, rounds = 9) {
  const samples = [];
  for (let r = 0; r < rounds; r += 1) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i += 1) fn();
    const spent = process.cpuUsage(start);
    samples.push((spent.user + spent.system) / n);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const wasmOnly = new (createApi(wasm).Webhook)(SECRET);
const ours = new Webhook(SECRET);
const verifier = new wasm.Verifier([SECRET], undefined);
const scratch = new wasm.Scratch(0xffffffff);

for (const [label, size] of SIZES) {
  const body = bodyOfSize(size);
  const header = sign(SECRET, body);
  const macs = createHmac('sha256', SECRET).update(body).digest();
  const text = body.toString();
  const n = Math.max(20, Math.floor(1e7 / (size + 1500)));
  const pieces = [
    ['webhook.verify (Node entry)', () => ours.verify(body, header)],
    ['webhook.verify (Wasm HMAC only)', () => wasmOnly.verify(body, header)],
    ['core: verifyInto (Wasm HMAC; body and header copied in)', () => verifier.verifyInto(scratch, body, header, 0)],
    ['core: verifyHostMacsInto (MACs given; body, MACs, header copied in)', () => verifier.verifyHostMacsInto(scratch, body, macs, header, 0)],
    ['core: verifySignature (Wasm HMAC only)', () => verifier.verifySignature(body, header)],
    ['node:crypto createHmac + digest', () => createHmac('sha256', SECRET).update(body).digest()],
    ['TextDecoder.decode', () => decoder.decode(body)],
    ['Buffer toString utf8', () => body.toString('utf8')],
    ['Buffer toString latin1', () => body.toString('latin1')],
    ['JSON.parse (of a string)', () => JSON.parse(text)],
    ['TextDecoder.decode + JSON.parse', () => JSON.parse(decoder.decode(body))],
    ['Buffer toString utf8 + JSON.parse', () => JSON.parse(body.toString('utf8'))],
    ['Buffer toString latin1 + JSON.parse', () => JSON.parse(body.toString('latin1'))],
  ];
  console.log(`\n${label} (${body.length} bytes)`);
  for (const [name, fn] of pieces) console.log(`  ${time(fn, n).toFixed(2).padStart(9)} µs  ${name}`);
}
