// The package inside real workerd (miniflare): the shared vectors, and real
// requests to a Worker that verifies them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SECRET = 'whsec_workerd_secret_0123456789';
const load = (name) => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8'));

const mf = new Miniflare({
  modules: true,
  scriptPath: fileURLToPath(new URL('./worker.mjs', import.meta.url)),
  modulesRoot: ROOT,
  // pkg/ is "type": "module": its .js files are ES modules, as wrangler would read them.
  modulesRules: [
    { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
    { type: 'CompiledWasm', include: ['**/*.wasm'] },
  ],
  compatibilityDate: '2025-01-01',
  bindings: { GECKOGUARD_WEBHOOK_SECRET: SECRET },
});
after(() => mf.dispose());

test('shared vectors inside workerd', async () => {
  const verify = load('verify.json');
  const large = load('large.json');
  const signVectors = load('sign.json');
  const response = await mf.dispatchFetch('http://worker/vectors', {
    method: 'POST',
    body: JSON.stringify({ verify, large, signVectors }),
  });
  assert.equal(response.status, 200);
  const { passed, failures } = await response.json();
  assert.deepEqual(failures, []);
  assert.equal(passed, verify.cases.length + large.cases.length + signVectors.cases.length);
});

test('a Worker verifies real requests', async () => {
  const { sign } = await import('../../../pkg/node.js');
  const body = '{"event":"license.authorized","data":{"licenseId":"lic_1","productId":"prod_1","wasActivated":false,"effectiveExpiresAt":null},"timestamp":"2025-01-15T10:30:00.000Z"}';
  const ok = await mf.dispatchFetch('http://worker/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-geckoguard-signature': sign(SECRET, body) },
    body,
  });
  assert.equal(ok.status, 200);
  const event = await ok.json();
  assert.equal(event.event, 'license.authorized');
  assert.equal(event.data.wasActivated, false);
  assert.equal(event.idempotencyKey, sign(SECRET, body).slice(0, 32));

  const forged = await mf.dispatchFetch('http://worker/webhook', {
    method: 'POST',
    headers: { 'x-geckoguard-signature': sign('whsec_other', body) },
    body,
  });
  assert.equal(forged.status, 401);
  assert.equal((await forged.json()).code, 'invalid_signature');

  const unsigned = await mf.dispatchFetch('http://worker/webhook', { method: 'POST', body });
  assert.equal(unsigned.status, 401);
  assert.equal((await unsigned.json()).code, 'missing_signature');
});
