// The Fetch adapter in Hono on Node (real HTTP), and the Deno, Bun, Hono and
// Next.js examples as shipped in examples/, each with the built package
// installed in a fresh project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import {
  ROOT,
  SECRET,
  delivery,
  largeBodyCases,
  loadVectors,
  postChunked,
  projectWith,
  reportSkipped,
  runBadInputs,
  runVectorsOverHttp,
  signature,
  startServer,
} from './http-cases.mjs';

const DENO = join(ROOT, 'node_modules/@deno/linux-x64-glibc/deno');
const BUN = join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun');
const serverEnv = (extra = {}) => ({ PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...extra });

/** Links packages installed at the repository root into a test project. */
function linkRootPackages(dir, names) {
  for (const name of names) {
    const to = join(dir, 'node_modules', name);
    mkdirSync(join(to, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), to, 'dir');
  }
}

/** What every example must answer on its webhook route. */
async function checkExample(url) {
  const body = delivery('license.revoked', { licenseId: 'lic_example' });
  const post = async (payload, headers = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    return [response.status, await response.text()];
  };
  assert.deepEqual(await post(body, { 'x-geckoguard-signature': await signature(SECRET, body) }), [200, 'OK']);
  assert.deepEqual(await post(body), [401, 'Invalid signature']);
  assert.deepEqual(await post(body, { 'x-geckoguard-signature': await signature('whsec_wrong', body) }), [401, 'Invalid signature']);
  const notJson = 'not json';
  assert.equal((await post(notJson, { 'x-geckoguard-signature': await signature(SECRET, notJson) }))[0], 400);
  assert.equal(await postChunked(url, 1024 * 1024 + 1, { 'x-geckoguard-signature': 'ab'.repeat(32) }, { declareLength: true }), 413);
  assert.equal(await postChunked(url, 3 * 1024 * 1024, { 'x-geckoguard-signature': 'ab'.repeat(32) }), 413);
}

test('hono on node: every shared vector and the bad inputs over HTTP', async (t) => {
  const dir = projectWith({
    'example/app.js': join(ROOT, 'examples/hono/app.js'),
    'app.js': join(ROOT, 'tests/fetch/app.js'),
    'server.js': join(ROOT, 'tests/fetch/hono-server.js'),
  });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  linkRootPackages(dir, ['hono', '@hono/node-server']);
  const { child, port, output } = await startServer(process.execPath, ['server.js'], {
    cwd: dir,
    env: serverEnv({ GECKOGUARD_WEBHOOK_SECRET: SECRET }),
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await t.test('every shared vector through verifyRequest', async () => {
      for (const file of ['verify.json', 'large.json', 'large bodies (WebCrypto path)']) {
        const vectors = file.endsWith('.json') ? loadVectors(file) : await largeBodyCases();
        const { passed, skipped, failures } = await runVectorsOverHttp(base, vectors);
        reportSkipped(`hono/node ${file}`, skipped);
        assert.deepEqual(failures, []);
        assert.equal(passed + skipped.length, vectors.cases.length);
      }
    });
    await t.test('the handler on good and bad requests', async () => {
      assert.deepEqual(await runBadInputs(base), []);
    });
    await t.test('examples/hono/app.js: the handler route and the inline verifyRequest route', async () => {
      await checkExample(`${base}/example/webhooks/geckoguard`);
      const get = await fetch(`${base}/example/webhooks/geckoguard`);
      assert.equal(get.status, 405);
      await get.text();
      const body = delivery('api_key.rotated', { apiKeyId: 'key_1' });
      const inline = await fetch(`${base}/example/webhooks/geckoguard-inline`, {
        method: 'POST',
        headers: { 'x-geckoguard-signature': await signature(SECRET, body) },
        body,
      });
      assert.equal(inline.status, 200);
      assert.deepEqual(await inline.json(), { received: 'api_key.rotated' });
      const refused = await fetch(`${base}/example/webhooks/geckoguard-inline`, { method: 'POST', body });
      assert.deepEqual([refused.status, await refused.text()], [401, 'Invalid signature']);
    });
  } finally {
    child.kill();
  }
  assert.ok(!output().includes(SECRET), 'the server log shows the secret');
});

for (const [name, binary, args, file] of [
  ['deno', DENO, ['run', '--no-prompt', '--node-modules-dir=manual', '--allow-net', '--allow-env=GECKOGUARD_WEBHOOK_SECRET,PORT', 'main.js'], 'main.js'],
  ['bun', BUN, ['run', 'server.js'], 'server.js'],
]) {
  test(`examples/${name}: runs as documented and answers on POST /webhooks/geckoguard`, async () => {
    const dir = projectWith({ [file]: join(ROOT, 'examples', name, file), 'package.json': join(ROOT, 'examples', name, 'package.json') });
    const { child, port, output } = await startServer(binary, args, {
      cwd: dir,
      env: serverEnv({ GECKOGUARD_WEBHOOK_SECRET: SECRET, PORT: '0' }),
    });
    try {
      await checkExample(`http://127.0.0.1:${port}/webhooks/geckoguard`);
      const get = await fetch(`http://127.0.0.1:${port}/webhooks/geckoguard`);
      assert.equal(get.status, 405);
      await get.text();
    } finally {
      child.kill();
    }
    assert.match(output(), /license lic_example revoked/);
    assert.ok(!output().includes(SECRET), 'the server log shows the secret');
  });
}

test('examples/nextjs: the App Router route handler, called with Requests in Node', async () => {
  const dir = projectWith({ 'route.js': join(ROOT, 'examples/nextjs/app/webhooks/geckoguard/route.js') });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  process.env.GECKOGUARD_WEBHOOK_SECRET = SECRET;
  try {
    const route = await import(pathToFileURL(join(dir, 'route.js')).href);
    assert.equal(route.runtime, 'nodejs');
    assert.equal(typeof route.GET, 'undefined', 'Next.js answers 405 to methods the route does not export');
    const url = 'http://localhost:3000/webhooks/geckoguard';
    const send = async (body, headers = {}) => {
      const response = await route.POST(new Request(url, { method: 'POST', headers, body }));
      return [response.status, await response.text()];
    };
    const body = delivery('team.member_added', { teamId: 'team_1', userId: 'user_1' });
    assert.deepEqual(await send(body, { 'x-geckoguard-signature': await signature(SECRET, body) }), [200, 'OK']);
    assert.deepEqual(await send(body), [401, 'Invalid signature']);
    assert.deepEqual(await send('[]', { 'x-geckoguard-signature': await signature(SECRET, '[]') }), [400, 'Invalid payload']);
    const big = 'x'.repeat(1024 * 1024 + 1);
    assert.equal((await send(big, { 'x-geckoguard-signature': await signature(SECRET, big) }))[0], 413);
  } finally {
    delete process.env.GECKOGUARD_WEBHOOK_SECRET;
  }
});
