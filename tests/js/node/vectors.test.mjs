// The shared vectors through the built package's ES module entry (pkg/node.js),
// on both paths: the Wasm HMAC, and node:crypto's HMAC handed to the core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import * as api from '../../../pkg/node.js';
import * as wasm from '../../../pkg/wasm/geckoguard_webhooks.js';
import { createApi } from '../../../pkg/webhook.js';
import { nativeHmac } from '../../../pkg/node-hmac.js';
import { runSignVectors, runVerifyVectors } from '../vector-cases.mjs';

const load = (name) => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8'));
const verifyVectors = load('verify.json');
const largeVectors = load('large.json');

// The same API with node:crypto computing the MACs of every body, however small.
const nativeEverywhere = { ...api, ...createApi(wasm, nativeHmac(0)) };
// ... and with the Wasm HMAC for every body, however large.
const wasmEverywhere = { ...api, ...createApi(wasm) };

for (const [path, build] of [
  ['default', api],
  ['native HMAC', nativeEverywhere],
  ['Wasm HMAC', wasmEverywhere],
]) {
  test(`verify.json (${path})`, () => {
    const { passed, failures } = runVerifyVectors(build, verifyVectors);
    assert.deepEqual(failures, []);
    assert.equal(passed, verifyVectors.cases.length);
  });

  test(`large.json (${path})`, () => {
    const { passed, failures } = runVerifyVectors(build, largeVectors);
    assert.deepEqual(failures, []);
    assert.equal(passed, largeVectors.cases.length);
  });
}

test('sign.json (RFC 4231 keys as bytes)', () => {
  const vectors = load('sign.json');
  const { passed, failures } = runSignVectors(api, vectors);
  assert.deepEqual(failures, []);
  assert.equal(passed, vectors.cases.length);
});
