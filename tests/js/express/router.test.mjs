// Router mode (on / onAny / onError), the answers, the deadline and 202,
// failing handlers, concurrency, and configuration errors, in Express 4 and 5.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { EXPRESSES, SECRET, deliver, geckoguard, listen, payload, recorder, waitFor, WebhookVerificationError } from './harness.mjs';

async function mount(express, webhooks, how = 'use') {
  const app = express();
  if (how === 'use') app.use('/webhooks/geckoguard', webhooks);
  else app.post('/webhooks/geckoguard', webhooks);
  const server = await listen(app);
  return { ...server, hook: `${server.url}/webhooks/geckoguard` };
}

for (const [name, express] of EXPRESSES) {
  describe(`${name}: router mode`, () => {
    test('on, on([…]) and onAny run for their events, sync or async; other events are acknowledged', async () => {
      const rec = recorder();
      const calls = [];
      const webhooks = geckoguard({ secret: SECRET, log: rec.log, onError: rec.onError })
        .on('license.revoked', (event) => calls.push(`revoked:${event.data.licenseId}`))
        .on(['license.frozen', 'license.unfrozen'], async (event) => {
          await sleep(5);
          calls.push(`frozen-or-not:${event.event}`);
        })
        .onAny(async (event) => calls.push(`any:${event.event}`));
      const server = await mount(express, webhooks);
      try {
        for (const event of ['license.revoked', 'license.frozen', 'license.unfrozen', 'test.ping']) {
          const { status, text, headers } = await deliver(server.hook, payload(event, { licenseId: 'lic_9' }));
          assert.equal(status, 200);
          assert.equal(text, 'OK');
          assert.match(headers.get('content-type'), /^text\/plain/);
        }
        assert.deepEqual(calls.sort(), [
          'any:license.frozen',
          'any:license.revoked',
          'any:license.unfrozen',
          'any:test.ping',
          'frozen-or-not:license.frozen',
          'frozen-or-not:license.unfrozen',
          'revoked:lic_9',
        ]);
        assert.deepEqual(rec.errors, []);
      } finally {
        await server.close();
      }
    });

    test('405 with Allow: POST for every other method when the adapter owns the route', async () => {
      let ran = 0;
      const webhooks = geckoguard({ secret: SECRET, log: false }).onAny(() => (ran += 1));
      const server = await mount(express, webhooks);
      try {
        for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
          const { status, headers } = await deliver(server.hook, payload(), { method });
          assert.equal(status, 405, method);
          assert.equal(headers.get('allow'), 'POST');
        }
        assert.equal(ran, 0);
      } finally {
        await server.close();
      }
    });

    test('middleware mode on app.use does not own the route: other methods go to the next route', async () => {
      const app = express();
      app.use('/hook', geckoguard({ secret: SECRET, log: false }));
      app.get('/hook', (req, res) => res.send('a page'));
      const server = await listen(app);
      try {
        const { status, text } = await deliver(`${server.url}/hook`, payload(), { method: 'GET' });
        assert.equal(status, 200);
        assert.equal(text, 'a page');
      } finally {
        await server.close();
      }
    });

    test('401 "Invalid signature" for missing, malformed and wrong signatures; the details only reach onError', async () => {
      const rec = recorder();
      let ran = 0;
      const webhooks = geckoguard({ secret: SECRET, log: rec.log, onError: rec.onError }).onAny(() => (ran += 1));
      const server = await mount(express, webhooks);
      try {
        const body = payload();
        for (const [signature, code] of [
          [null, 'missing_signature'],
          ['', 'missing_signature'],
          ['sha256=abc', 'malformed_signature'],
          ['a'.repeat(64), 'invalid_signature'],
        ]) {
          const { status, text } = await deliver(server.hook, body, { signature });
          assert.equal(status, 401);
          assert.equal(text, 'Invalid signature');
          const last = rec.errors.at(-1);
          assert.equal(last.context.code, code);
          assert.ok(last.error instanceof WebhookVerificationError);
        }
        // Signed with another secret.
        assert.equal((await deliver(server.hook, body, { secret: 'whsec_someone_else' })).status, 401);
        assert.equal(ran, 0);
        for (const entry of rec.logs) assert.ok(!JSON.stringify(entry).includes(SECRET));
        for (const { error } of rec.errors) assert.ok(!String(error.message).includes(SECRET));
      } finally {
        await server.close();
      }
    });

    test('400 "Invalid payload" for a correctly signed body that is not a GeckoGuard payload', async () => {
      const rec = recorder();
      const webhooks = geckoguard({ secret: SECRET, log: rec.log, onError: rec.onError }).onAny(() => {});
      const server = await mount(express, webhooks);
      try {
        for (const body of ['{"event":"x"}', '[1,2]', 'not json', '']) {
          const { status, text } = await deliver(server.hook, body);
          assert.equal(status, 400, body);
          assert.equal(text, 'Invalid payload');
          assert.equal(rec.errors.at(-1).context.code, 'invalid_payload');
        }
      } finally {
        await server.close();
      }
    });

    test('rotation: a delivery signed with either secret is accepted', async () => {
      const webhooks = geckoguard({ secrets: ['whsec_old', 'whsec_new'], log: false }).onAny(() => {});
      const server = await mount(express, webhooks);
      try {
        assert.equal((await deliver(server.hook, payload(), { secret: 'whsec_old' })).status, 200);
        assert.equal((await deliver(server.hook, payload(), { secret: 'whsec_new' })).status, 200);
        assert.equal((await deliver(server.hook, payload(), { secret: 'whsec_other' })).status, 401);
      } finally {
        await server.close();
      }
    });

    test('a slow handler: 202 at the deadline, and the handler still runs to the end', async () => {
      const rec = recorder();
      let finished = false;
      const webhooks = geckoguard({ secret: SECRET, deadlineMs: 150, log: rec.log, onError: rec.onError }).on(
        'license.revoked',
        async () => {
          await sleep(2000);
          finished = true;
        },
      );
      const server = await mount(express, webhooks);
      try {
        const { status, text } = await deliver(server.hook, payload());
        assert.equal(status, 202);
        assert.equal(text, 'Accepted');
        assert.equal(finished, false, 'answered before the handler finished');
        assert.ok(await waitFor(() => finished, 10_000), 'the handler finished after the 202');
        assert.ok(rec.logs.some((l) => l.status === 202 && l.level === 'warn'));
        assert.deepEqual(rec.errors, []);
      } finally {
        await server.close();
      }
    });

    test('a handler that throws (sync) or rejects (async): 500, and onError gets the error and the event', async () => {
      const rec = recorder();
      const webhooks = geckoguard({ secret: SECRET, log: rec.log })
        .on('license.revoked', () => {
          throw new Error('database down');
        })
        .on('license.frozen', async () => {
          await sleep(5);
          throw new Error('queue full');
        })
        .onError(rec.onError);
      const server = await mount(express, webhooks);
      try {
        const sync = await deliver(server.hook, payload('license.revoked'));
        assert.equal(sync.status, 500);
        assert.ok(!sync.text.includes('database'), 'no detail to the caller');
        const async = await deliver(server.hook, payload('license.frozen'));
        assert.equal(async.status, 500);
        assert.deepEqual(
          rec.errors.map(({ error, context }) => [error.message, context.code, context.event.event]),
          [
            ['database down', 'handler_failed', 'license.revoked'],
            ['queue full', 'handler_failed', 'license.frozen'],
          ],
        );
      } finally {
        await server.close();
      }
    });

    test('a handler that fails after the 202 still reaches onError', async () => {
      const rec = recorder();
      const webhooks = geckoguard({ secret: SECRET, deadlineMs: 100, log: rec.log, onError: rec.onError }).onAny(async () => {
        await sleep(400);
        throw new Error('late failure');
      });
      const server = await mount(express, webhooks);
      try {
        assert.equal((await deliver(server.hook, payload())).status, 202);
        assert.ok(await waitFor(() => rec.errors.length === 1, 10_000));
        assert.equal(rec.errors[0].error.message, 'late failure');
      } finally {
        await server.close();
      }
    });

    test('hooks that throw do not break a delivery', async () => {
      const webhooks = geckoguard({
        secret: SECRET,
        log: () => {
          throw new Error('log broke');
        },
        onError: async () => {
          throw new Error('onError broke');
        },
      }).onAny(() => {
        throw new Error('handler broke');
      });
      webhooks.onError(() => {
        throw new Error('second onError broke');
      });
      const server = await mount(express, webhooks);
      try {
        assert.equal((await deliver(server.hook, payload())).status, 500);
        assert.equal((await deliver(server.hook, payload(), { signature: null })).status, 401);
      } finally {
        await server.close();
      }
    });

    test('60 concurrent deliveries: each answered 200, each handler run once', async () => {
      const seen = new Map();
      const webhooks = geckoguard({ secret: SECRET, log: false }).on('license.created', async (event) => {
        await sleep(Math.floor(Math.random() * 30));
        seen.set(event.data.licenseId, (seen.get(event.data.licenseId) ?? 0) + 1);
      });
      const server = await mount(express, webhooks, 'post');
      try {
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) => deliver(server.hook, payload('license.created', { licenseId: `lic_${i}` }))),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          Array(60).fill(200),
        );
        assert.equal(seen.size, 60);
        assert.ok([...seen.values()].every((n) => n === 1));
      } finally {
        await server.close();
      }
    });
  });
}

describe('a wrong configuration throws when geckoguard() is called', () => {
  const cases = [
    ['no options', () => geckoguard(), /options must be an object/],
    ['secret undefined (an unset environment variable)', () => geckoguard({ secret: undefined }), /secret is missing.*GECKOGUARD_WEBHOOK_SECRET/],
    ['secret and secrets', () => geckoguard({ secret: 'whsec_a', secrets: ['whsec_b'] }), /either secret or secrets/],
    ['secret not a string', () => geckoguard({ secret: 42 }), /secret must be a string/],
    ['secrets empty', () => geckoguard({ secrets: [] }), /non-empty array/],
    ['a secret in secrets undefined', () => geckoguard({ secrets: ['whsec_a', undefined] }), /secrets\[1\] must be a string/],
    ['an unknown option (a typo)', () => geckoguard({ secret: 'whsec_a', maxBodySize: 10 }), /unknown option "maxBodySize"/],
    ['maxBodyBytes 0', () => geckoguard({ secret: 'whsec_a', maxBodyBytes: 0 }), /maxBodyBytes must be a positive integer/],
    ['maxBodyBytes "1mb"', () => geckoguard({ secret: 'whsec_a', maxBodyBytes: '1mb' }), /maxBodyBytes must be a positive integer/],
    ['deadlineMs negative', () => geckoguard({ secret: 'whsec_a', deadlineMs: -1 }), /deadlineMs must be a positive integer/],
    ['dedupe "yes"', () => geckoguard({ secret: 'whsec_a', dedupe: 'yes' }), /dedupe must be true or an object/],
    ['a dedupe store without release', () => geckoguard({ secret: 'whsec_a', dedupe: { store: { claim() {}, complete() {} } } }), /missing release/],
    ['an unknown dedupe option', () => geckoguard({ secret: 'whsec_a', dedupe: { ttl: 5 } }), /unknown dedupe option "ttl"/],
    ['onError not a function', () => geckoguard({ secret: 'whsec_a', onError: 'console' }), /onError must be a function/],
    ['log not a function', () => geckoguard({ secret: 'whsec_a', log: console }), /log must be a function or false/],
    ['tolerance negative', () => geckoguard({ secret: 'whsec_a', tolerance: -5 }), /tolerance/],
    ['on() without a name', () => geckoguard({ secret: 'whsec_a' }).on(undefined, () => {}), /name must be an event name/],
    ['on() without a handler', () => geckoguard({ secret: 'whsec_a' }).on('license.revoked'), /handler must be a function/],
  ];
  for (const [title, make, message] of cases) {
    test(title, () => {
      assert.throws(make, (error) => {
        assert.match(error.message, message);
        assert.match(error.message, /^\[@geckoguard\/webhooks\]|^invalid argument/);
        return true;
      });
    });
  }

  test('a secret with surrounding whitespace: invalid_secret, and the message never shows the secret', () => {
    const secret = 'whsec_pasted_with_a_newline\n';
    assert.throws(
      () => geckoguard({ secret }),
      (error) => error instanceof WebhookVerificationError && error.code === 'invalid_secret' && !error.message.includes('pasted'),
    );
    assert.throws(
      () => geckoguard({ secret: 12345678 }),
      (error) => !error.message.includes('12345678'),
    );
  });
});
