// The Fetch adapter inside real workerd: the example Worker and the test app,
// each bundled by wrangler exactly as `wrangler deploy` bundles it (no
// nodejs_compat), run by miniflare and called over HTTP on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

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
} from './http-cases.mjs';
import { COMPATIBILITY_DATE, bundle, serve } from './workerd-harness.mjs';

let example;
let app;

before(async () => {
  const exampleDir = join(ROOT, 'examples/cloudflare-worker');
  const exampleProject = projectWith({
    src: join(exampleDir, 'src'),
    'wrangler.toml': join(exampleDir, 'wrangler.toml'),
    'package.json': join(exampleDir, 'package.json'),
  });
  const appProject = projectWith({ 'src/index.js': join(ROOT, 'tests/fetch/app.js') });
  const [exampleDist, appDist] = [
    bundle(exampleProject),
    bundle(appProject, ['--name', 'fetch-adapter-test', '--compatibility-date', COMPATIBILITY_DATE, 'src/index.js']),
  ];
  example = await serve(exampleDist, { GECKOGUARD_WEBHOOK_SECRET: SECRET });
  app = await serve(appDist, { GECKOGUARD_WEBHOOK_SECRET: SECRET });
});

after(async () => {
  await example?.mf.dispose();
  await app?.mf.dispose();
});

test('workerd: every shared vector over HTTP through verifyRequest', async () => {
  for (const file of ['verify.json', 'large.json', 'large bodies (WebCrypto path)']) {
    const vectors = file.endsWith('.json') ? loadVectors(file) : await largeBodyCases();
    const { passed, skipped, failures } = await runVectorsOverHttp(app.base, vectors);
    reportSkipped(`workerd ${file}`, skipped);
    assert.deepEqual(failures, []);
    assert.equal(passed + skipped.length, vectors.cases.length);
    assert.ok(passed > 0);
  }
});

test('workerd: the handler on good and bad requests (deadline, waitUntil, dedupe, limits)', async () => {
  assert.deepEqual(await runBadInputs(app.base), []);
});

test('workerd: the example Worker from examples/cloudflare-worker, as wrangler bundles it', async () => {
  const url = `${example.base}/webhooks/geckoguard`;
  const body = delivery('license.authorized', { licenseId: 'lic_9', productId: 'prod_1', wasActivated: true });
  const post = async (payload, headers) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    return [response.status, await response.text()];
  };
  assert.deepEqual(await post(body, { 'x-geckoguard-signature': await signature(SECRET, body) }), [200, 'OK']);
  assert.deepEqual(await post(body, {}), [401, 'Invalid signature']);
  assert.deepEqual(await post('{"event":', { 'x-geckoguard-signature': await signature(SECRET, '{"event":') }), [400, 'Invalid payload']);
  assert.equal(await postChunked(url, 1024 * 1024 + 1, { 'x-geckoguard-signature': 'ab'.repeat(32) }, { declareLength: true }), 413);
  assert.equal(await postChunked(url, 3 * 1024 * 1024, { 'x-geckoguard-signature': 'ab'.repeat(32) }), 413);
  const get = await fetch(url);
  assert.equal(get.status, 405);
  await get.text();
  const other = await fetch(`${example.base}/elsewhere`, { method: 'POST', body });
  assert.equal(other.status, 404);
  await other.text();
});

test('workerd: the command-line sender delivers all 15 events to the example Worker, and a tampered one is refused', () => {
  // The CLI sends exactly what GeckoGuard sends (headers, User-Agent, 10 s timeout); make test-fetch builds it.
  const cli = join(ROOT, 'target/debug/geckoguard-webhooks');
  const url = `${example.base}/webhooks/geckoguard`;
  const env = { ...process.env, GECKOGUARD_WEBHOOK_SECRET: SECRET };
  const run = (args) => spawnSync(cli, args, { env, encoding: 'utf8', timeout: 60_000 });
  const all = run(['send', '--url', url, '--all', '--format', 'json']);
  assert.equal(all.status, 0, `${all.stdout}${all.stderr}`);
  const attempts = all.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(attempts.length, 15);
  assert.ok(attempts.every((a) => a.status === 200), all.stdout);
  const tampered = run(['send', '--url', url, '--event', 'license.revoked', '--tamper', '--format', 'json']);
  assert.equal(tampered.status, 1, 'a refused delivery makes the sender exit 1');
  assert.equal(JSON.parse(tampered.stdout.trim()).status, 401, tampered.stdout);
  assert.ok(!`${all.stdout}${tampered.stdout}${tampered.stderr}`.includes(SECRET));
});

test('workerd: a Worker without the secret binding answers 500 and names the binding in its log only', async () => {
  const exampleDir = join(ROOT, 'examples/cloudflare-worker');
  const dist = bundle(
    projectWith({ src: join(exampleDir, 'src'), 'wrangler.toml': join(exampleDir, 'wrangler.toml') }),
  );
  const unset = await serve(dist, {});
  try {
    const body = delivery();
    const response = await fetch(`${unset.base}/webhooks/geckoguard`, {
      method: 'POST',
      headers: { 'x-geckoguard-signature': await signature(SECRET, body) },
      body,
    });
    assert.equal(response.status, 500);
    assert.equal(await response.text(), 'Internal Server Error');
    await new Promise((resolve) => setTimeout(resolve, 200)); // logs arrive asynchronously
    assert.ok(unset.logs.some((line) => line.includes('no webhook secret') && line.includes('GECKOGUARD_WEBHOOK_SECRET')), unset.logs.join('\n'));
  } finally {
    await unset.mf.dispose();
  }
});

test('workerd: no uncaught error or unhandled rejection in the Workers, and the secret in no log line', () => {
  const lines = [...example.logs, ...app.logs];
  assert.ok(lines.length > 0, 'the Workers logged nothing: is the log capture broken?');
  assert.deepEqual(lines.filter((line) => /uncaught|unhandled/i.test(line)), []);
  assert.deepEqual(lines.filter((line) => line.includes(SECRET)), []);
});
