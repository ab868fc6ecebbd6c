// examples/express/server.mjs run as a user runs it (`node examples/express/server.mjs`),
// with @geckoguard/webhooks/express resolved through the package's exports
// from the example's own node_modules (installed from pkg/ by make).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { SECRET, deliver, freePort, payload, waitFor } from './harness.mjs';

const EXAMPLE = fileURLToPath(new URL('../../../examples/express/', import.meta.url));
let child;
let hook;
let stdout = '';
let stderr = '';

before(async () => {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), GECKOGUARD_WEBHOOK_SECRET: SECRET };
  delete env.HOST;
  child = spawn(process.execPath, ['server.mjs'], {
    cwd: EXAMPLE,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  assert.ok(await waitFor(() => stdout.includes('listening on'), 10_000), `the example did not start: ${stderr}`);
  hook = `http://127.0.0.1:${port}/webhooks/geckoguard`;
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

test('it listens on 127.0.0.1 by default', () => {
  assert.match(stdout, /listening on http:\/\/127\.0\.0\.1:\d+\/webhooks\/geckoguard/);
});

test('a delivery is answered 200 and logged on one line: name, key fields, idempotency key', async () => {
  const body = payload('license.revoked', { licenseId: 'lic_example', productId: 'prod_1', reason: 'chargeback' });
  const { status, text } = await deliver(hook, body);
  assert.equal(status, 200);
  assert.equal(text, 'OK');
  const line = stdout.split('\n').find((l) => l.startsWith('event=license.revoked'));
  assert.match(line, /^event=license\.revoked licenseId=lic_example productId=prod_1 reason=chargeback idempotencyKey=[0-9a-f]{32}$/);
});

test('the same delivery again: 200, not logged twice (dedupe)', async () => {
  const body = payload('license.created', { licenseId: 'lic_twice' });
  assert.equal((await deliver(hook, body)).status, 200);
  assert.equal((await deliver(hook, body)).status, 200);
  assert.equal(stdout.split('\n').filter((l) => l.includes('licenseId=lic_twice')).length, 1);
});

test('the answers: 401 Invalid signature, 400, 405, 413', async () => {
  const unsigned = await deliver(hook, payload(), { signature: null });
  assert.deepEqual([unsigned.status, unsigned.text], [401, 'Invalid signature']);
  assert.equal((await deliver(hook, payload(), { secret: 'whsec_wrong' })).status, 401);
  assert.equal((await deliver(hook, '{"not":"a payload"}')).status, 400);
  assert.equal((await deliver(hook, payload(), { method: 'GET' })).status, 405);
  assert.equal((await deliver(hook, Buffer.alloc(1024 * 1024 + 1, 0x20))).status, 413);
  assert.match(stderr, /missing_signature/);
  assert.ok(!stderr.includes(SECRET) && !stdout.includes(SECRET));
});

test('without GECKOGUARD_WEBHOOK_SECRET it stops at once with a clear message', () => {
  const env = { ...process.env };
  delete env.GECKOGUARD_WEBHOOK_SECRET;
  assert.throws(
    () => execFileSync(process.execPath, ['server.mjs'], { cwd: EXAMPLE, env, stdio: 'pipe', timeout: 10_000 }),
    (error) => error.status === 1 && /Set GECKOGUARD_WEBHOOK_SECRET/.test(error.stderr.toString()),
  );
});

test('require("@geckoguard/webhooks/express") works too (CommonJS)', () => {
  const out = execFileSync(
    process.execPath,
    ['-e', "const m = require('@geckoguard/webhooks/express'); console.log(typeof m.geckoguard, typeof m.createRedisStore, require.resolve('@geckoguard/webhooks/express'))"],
    { cwd: EXAMPLE, encoding: 'utf8' },
  );
  assert.match(out, /^function function .*express\.cjs\n$/);
});
