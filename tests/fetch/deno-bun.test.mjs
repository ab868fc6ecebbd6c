// The Fetch adapter served over HTTP on loopback by Deno (Deno.serve) and by
// Bun (Bun.serve), the package installed in a fresh project: every shared
// vector and the bad inputs, the same checks as in workerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

import { ROOT, SECRET, largeBodyCases, loadVectors, projectWith, reportSkipped, runBadInputs, runVectorsOverHttp, startServer } from './http-cases.mjs';

const RUNTIMES = {
  deno: {
    binary: join(ROOT, 'node_modules/@deno/linux-x64-glibc/deno'),
    args: ['run', '--no-prompt', '--node-modules-dir=manual', '--allow-net=127.0.0.1', '--allow-env=GECKOGUARD_WEBHOOK_SECRET', 'server.js'],
  },
  bun: {
    binary: join(ROOT, 'node_modules/@oven/bun-linux-x64/bin/bun'),
    args: ['run', 'server.js'],
  },
};

for (const [runtime, { binary, args }] of Object.entries(RUNTIMES)) {
  test(`${runtime}: the Fetch adapter over HTTP`, async (t) => {
    const dir = projectWith({ 'app.js': join(ROOT, 'tests/fetch/app.js'), 'server.js': join(ROOT, 'tests/fetch/server.js') });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: { '@geckoguard/webhooks': '*' } }));
    const { child, port, output } = await startServer(binary, args, {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GECKOGUARD_WEBHOOK_SECRET: SECRET, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await t.test('every shared vector through verifyRequest', async () => {
        for (const file of ['verify.json', 'large.json', 'large bodies (WebCrypto path)']) {
          const vectors = file.endsWith('.json') ? loadVectors(file) : await largeBodyCases();
          const { passed, skipped, failures } = await runVectorsOverHttp(base, vectors);
          reportSkipped(`${runtime} ${file}`, skipped);
          assert.deepEqual(failures, []);
          assert.equal(passed + skipped.length, vectors.cases.length);
        }
      });
      await t.test('the handler on good and bad requests', async () => {
        assert.deepEqual(await runBadInputs(base), []);
      });
    } finally {
      child.kill();
    }
    const log = output();
    assert.ok(!log.includes(SECRET), 'the server log shows the secret');
    assert.ok(!/Unhandled|uncaught/i.test(log), `the server reported an unhandled error:\n${log}`);
  });
}
