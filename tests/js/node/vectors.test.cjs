// The shared vectors through the built package's CommonJS entry (pkg/node.cjs).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const api = require('../../../pkg/node.cjs');

const load = (name) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'vectors', name), 'utf8'));

test('require() gives the whole API', () => {
  assert.equal(typeof api.Webhook, 'function');
  assert.equal(typeof api.sign, 'function');
  assert.equal(typeof api.WebhookVerificationError, 'function');
});

test('shared vectors through require()', async () => {
  // vector-cases.mjs is an ES module: CommonJS reaches it with import().
  const { runVerifyVectors, runSignVectors } = await import('../vector-cases.mjs');
  for (const name of ['verify.json', 'large.json']) {
    const vectors = load(name);
    const { passed, failures } = runVerifyVectors(api, vectors);
    assert.deepEqual(failures, [], name);
    assert.equal(passed, vectors.cases.length, name);
  }
  const signVectors = load('sign.json');
  const signed = runSignVectors(api, signVectors);
  assert.deepEqual(signed.failures, []);
  assert.equal(signed.passed, signVectors.cases.length);
});
