// Where the raw body comes from, whatever the app mounted before the adapter:
// no body parser, express.raw, express.json with and without a raw copy,
// express.text, a host's req.rawBody; chunked bodies; bodies over the limit.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';

import { EXPRESSES, SECRET, chunkedPost, deliver, geckoguard, listen, payload, recorder, sign } from './harness.mjs';

const BODY = payload('team.member_added', { teamId: 't_1', email: 'zoë.müller@example.com', displayName: 'José 🦎 山田' });

/** An app with `setup(app)` run first, then the adapter on POST /hook answering with the event. */
async function appWith(express, setup, options = {}) {
  const rec = recorder();
  const app = express();
  setup(app, express);
  let ran = 0;
  app.post('/hook', geckoguard({ secret: SECRET, log: rec.log, onError: rec.onError, ...options }), (req, res) => {
    ran += 1;
    res.json({ event: req.geckoguard.event, data: req.geckoguard.data, key: req.geckoguard.idempotencyKey });
  });
  const server = await listen(app);
  return { ...server, rec, ran: () => ran };
}

/** Sends only the request head, with a Content-Length it never honours, and reads the answer. */
function headOnly(port, contentLength) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => {
      data += c.toString('latin1');
      if (data.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]));
      }
    });
    socket.on('error', reject);
    socket.write(
      `POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-GeckoGuard-Signature: ${'0'.repeat(64)}\r\nContent-Length: ${contentLength}\r\n\r\n`,
    );
  });
}

for (const [name, express] of EXPRESSES) {
  describe(`${name}: the raw body`, () => {
    const cases = [
      ['no body parser: the adapter reads the stream', () => {}],
      ['express.raw on the app', (app, e) => app.use(e.raw({ type: 'application/json' }))],
      ['express.raw for every type', (app, e) => app.use(e.raw({ type: '*/*' }))],
      [
        'express.json with a raw copy from its verify hook',
        (app, e) => app.use(e.json({ verify: (req, res, buf) => (req.rawBody = buf) })),
      ],
      ['express.json for another content type leaves the stream unread', (app, e) => app.use(e.json({ type: 'text/plain' }))],
      ['express.urlencoded leaves a JSON body alone', (app, e) => app.use(e.urlencoded({ extended: false }))],
      ['express.text (UTF-8): the string is encoded back to the same bytes', (app, e) => app.use(e.text({ type: 'application/json' }))],
      [
        "a host's req.rawBody (Buffer) next to a parsed body",
        (app, e) =>
          app.use((req, res, next) => {
            const chunks = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
              req.rawBody = Buffer.concat(chunks);
              req.body = JSON.parse(req.rawBody.toString('utf8'));
              next();
            });
          }),
      ],
      [
        "a host's req.rawBody as a string",
        (app) =>
          app.use((req, res, next) => {
            let text = '';
            req.setEncoding('utf8');
            req.on('data', (c) => (text += c));
            req.on('end', () => {
              req.rawBody = text;
              next();
            });
          }),
      ],
    ];
    for (const [title, setup] of cases) {
      test(title, async () => {
        const server = await appWith(express, setup);
        try {
          const { status, text } = await deliver(`${server.url}/hook`, BODY);
          assert.equal(status, 200, text);
          const got = JSON.parse(text);
          assert.equal(got.event, 'team.member_added');
          assert.equal(got.data.displayName, 'José 🦎 山田');
          assert.equal(got.key, sign(SECRET, BODY).slice(0, 32));
          assert.deepEqual(server.rec.errors, []);
        } finally {
          await server.close();
        }
      });
    }

    test('express.json without a raw copy: 500 (never 200, never "Invalid signature") and a log line naming the fix', async () => {
      const server = await appWith(express, (app, e) => app.use(e.json()));
      try {
        const { status, text } = await deliver(`${server.url}/hook`, BODY);
        assert.equal(status, 500);
        assert.notEqual(text, 'Invalid signature');
        assert.equal(server.ran(), 0);
        const entry = server.rec.logs.find((l) => l.code === 'body_already_parsed');
        assert.equal(entry.level, 'error');
        assert.match(entry.message, /express\.json\(\{ verify: \(req, res, buf\) => \{ req\.rawBody = buf \} \}\)/);
        assert.match(entry.message, /before app\.use\(express\.json\(\)\)/);
        assert.equal(server.rec.errors[0].context.code, 'body_already_parsed');
        // The same with a wrong signature: still the server's fault, still 500.
        const forged = await deliver(`${server.url}/hook`, BODY, { signature: 'f'.repeat(64) });
        assert.equal(forged.status, 500);
      } finally {
        await server.close();
      }
    });

    test('the default log prints that line to the console', async () => {
      const app = express();
      app.use(express.json());
      app.post('/hook', geckoguard({ secret: SECRET }), (req, res) => res.sendStatus(200));
      const server = await listen(app);
      const printed = [];
      const original = console.error;
      console.error = (...args) => printed.push(args.join(' '));
      try {
        assert.equal((await deliver(`${server.url}/hook`, BODY)).status, 500);
      } finally {
        console.error = original;
        await server.close();
      }
      assert.equal(printed.length, 1);
      assert.match(printed[0], /^\[@geckoguard\/webhooks\] .*Fix: .*req\.rawBody = buf/);
      assert.ok(!printed[0].includes(SECRET));
    });

    test('express.text with a non-UTF-8 charset: 500, the bytes are lost', async () => {
      const server = await appWith(express, (app, e) => app.use(e.text({ type: 'application/json' })));
      try {
        const ascii = payload('license.revoked', { licenseId: 'lic_latin1' });
        const { status } = await deliver(`${server.url}/hook`, ascii, {
          headers: { 'content-type': 'application/json; charset=iso-8859-1' },
        });
        assert.equal(status, 500);
        assert.equal(server.rec.errors[0].context.code, 'body_not_raw');
        assert.match(server.rec.logs[0].message, /express\.raw/);
      } finally {
        await server.close();
      }
    });

    test('a chunked body (no Content-Length), in many small pieces', async () => {
      const server = await appWith(express, () => {});
      try {
        const bytes = Buffer.from(BODY, 'utf8');
        const pieces = [];
        for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7));
        const { status, text } = await chunkedPost(`${server.url}/hook`, pieces, { signature: sign(SECRET, bytes), gapMs: 1 });
        assert.equal(status, 200, text);
        assert.equal(JSON.parse(text).data.email, 'zoë.müller@example.com');
      } finally {
        await server.close();
      }
    });

    test('a body of exactly maxBodyBytes is accepted; one byte more is 413', async () => {
      const bytes = Buffer.from(BODY, 'utf8');
      const server = await appWith(express, () => {}, { maxBodyBytes: bytes.length });
      try {
        assert.equal((await deliver(`${server.url}/hook`, bytes)).status, 200);
        const longer = Buffer.concat([bytes, Buffer.from(' ')]);
        const { status, text } = await deliver(`${server.url}/hook`, longer);
        assert.equal(status, 413);
        assert.equal(text, 'Payload too large');
        assert.equal(server.ran(), 1);
        assert.equal(server.rec.errors[0].context.code, 'payload_too_large');
      } finally {
        await server.close();
      }
    });

    test('Content-Length over the limit: 413 at once, before any body byte is sent', async () => {
      const server = await appWith(express, () => {}, { maxBodyBytes: 1024 });
      try {
        assert.equal(await headOnly(server.port, 50 * 1024 * 1024), 413);
        assert.equal(server.ran(), 0);
      } finally {
        await server.close();
      }
    });

    test('a chunked body over the limit: 413 as soon as the limit is passed, long before the end', async () => {
      const limit = 256 * 1024;
      const server = await appWith(express, () => {}, { maxBodyBytes: limit });
      try {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const chunks = Array.from({ length: 256 }, () => chunk); // 16 MiB offered
        const { status, sent } = await chunkedPost(`${server.url}/hook`, chunks, { signature: '0'.repeat(64), gapMs: 2 });
        assert.equal(status, 413);
        assert.ok(sent < 2 * 1024 * 1024, `the client sent ${sent} bytes before the answer`);
        assert.equal(server.ran(), 0);
        // The server is still healthy.
        assert.equal((await deliver(`${server.url}/hook`, BODY)).status, 200);
      } finally {
        await server.close();
      }
    });

    test('a Buffer from express.raw larger than maxBodyBytes: 413', async () => {
      const server = await appWith(express, (app, e) => app.use(e.raw({ type: '*/*', limit: '10mb' })), { maxBodyBytes: 1024 });
      try {
        const big = Buffer.alloc(4096, 0x20);
        assert.equal((await deliver(`${server.url}/hook`, big)).status, 413);
      } finally {
        await server.close();
      }
    });

    test('a client that hangs up mid-body: no crash, the next delivery works', async () => {
      const server = await appWith(express, () => {});
      try {
        await new Promise((resolve) => {
          const socket = connect(server.port, '127.0.0.1', () => {
            socket.write(
              `POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-GeckoGuard-Signature: ${'0'.repeat(64)}\r\nContent-Length: 1000\r\n\r\n{"event":`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 50);
          });
        });
        await new Promise((r) => setTimeout(r, 50));
        assert.equal((await deliver(`${server.url}/hook`, BODY)).status, 200);
        assert.equal(server.ran(), 1);
      } finally {
        await server.close();
      }
    });
  });
}
