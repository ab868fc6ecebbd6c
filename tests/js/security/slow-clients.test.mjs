// Slow and broken clients against the Express adapter, over raw sockets on
// loopback: a body that trickles in, one that stops halfway, a
// Content-Length that lies in either direction, a client that hangs up
// mid-body. The adapter must answer (or close) within `bodyTimeoutMs` plus a
// little, and must never hand a partial body to verification: a partial
// body is answered 408 and reported as `body_timeout`, never verified (which
// would show as `invalid_signature` in onError, or as a handled event).
//
// Express 4 and 5 each run every scenario, all at the same time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import express4 from 'express4';
import express5 from 'express5';
import { geckoguard } from '../../../pkg/express.js';
import { sign } from '../../../pkg/node.js';

const SECRET = 'whsec_slow_clients_3c9e71d0a4';
const BODY_TIMEOUT_MS = 1500;
/** How much later than the timeout the answer may come: timers and a busy machine. */
const SLACK_MS = 1500;
const BODY = JSON.stringify({
  event: 'license.revoked',
  data: { licenseId: 'lic_slow', productId: 'prod_1' },
  timestamp: '2025-01-15T10:30:00.000Z',
});
const SIGNATURE = sign(SECRET, BODY);
const PATH = '/webhooks/geckoguard';

/** An app in router mode that records what reached verification and the handlers. */
async function start(express) {
  const seen = { handled: [], failures: [] };
  const app = express();
  app.use(
    PATH,
    geckoguard({ secret: SECRET, bodyTimeoutMs: BODY_TIMEOUT_MS, log: false })
      .onAny((event) => {
        seen.handled.push(event.data.licenseId);
      })
      .onError((error, context) => {
        seen.failures.push(context.code);
      }),
  );
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: server.address().port, server, seen };
}

function head(contentLength, signature = SIGNATURE) {
  return (
    `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
    `X-GeckoGuard-Signature: ${signature}\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

/**
 * Opens a raw connection and runs `script(socket)`, which writes (slowly, or
 * not at all). Resolves when the server closes the connection, or after
 * `waitMs`, with every response seen, the time to the first byte of an
 * answer and whether the server closed the connection.
 */
function rawClient(port, script, waitMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const chunks = [];
    let firstByteMs;
    let closedByServer = false;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ statuses, firstByteMs, closedByServer, text });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => {
      firstByteMs ??= performance.now() - started;
      chunks.push(chunk);
    });
    socket.on('end', () => {
      closedByServer = true;
      done();
    });
    socket.on('close', done);
    socket.on('error', () => {});
    socket.on('connect', () => script(socket).catch(() => {}));
  });
}

/** Writes `bytes` in pieces of `size`, `gapMs` apart, while the socket is open. */
async function trickle(socket, bytes, gapMs, size = 1) {
  for (let at = 0; at < bytes.length; at += size) {
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(bytes.subarray(at, at + size));
    await sleep(gapMs);
  }
}

const body = Buffer.from(BODY, 'utf8');
const half = body.subarray(0, body.length >> 1);

const SCENARIOS = [
  {
    name: 'a body trickled in 8 bytes every 20 ms, complete within the bound, is verified',
    run: (port) =>
      rawClient(port, async (s) => {
        s.write(head(body.length));
        await trickle(s, body, 20, 8);
      }, BODY_TIMEOUT_MS + SLACK_MS),
    expect: { status: 200, handled: 1 },
  },
  {
    name: 'a body trickled in one byte every 40 ms (longer than the bound) is answered 408 and closed',
    run: (port) =>
      rawClient(port, async (s) => {
        s.write(head(body.length));
        await trickle(s, body, 40);
      }, BODY_TIMEOUT_MS + SLACK_MS * 2),
    expect: { status: 408, closed: true, failure: 'body_timeout' },
  },
  {
    name: 'a client that stops mid-body and waits is answered 408 and closed',
    run: (port) =>
      rawClient(port, async (s) => {
        s.write(head(body.length));
        s.write(half);
      }, BODY_TIMEOUT_MS + SLACK_MS * 2),
    expect: { status: 408, closed: true, failure: 'body_timeout' },
  },
  {
    name: 'a Content-Length longer than the (complete, validly signed) body is answered 408, not verified',
    run: (port) =>
      rawClient(port, async (s) => {
        s.write(head(body.length + 10));
        s.write(body);
      }, BODY_TIMEOUT_MS + SLACK_MS * 2),
    expect: { status: 408, closed: true, failure: 'body_timeout' },
  },
  {
    name: 'a Content-Length shorter than the body: the declared bytes are verified and refused',
    run: (port) =>
      rawClient(port, async (s) => {
        s.write(head(body.length - 5));
        s.write(body);
      }, BODY_TIMEOUT_MS + SLACK_MS),
    // Node's HTTP parser reads Content-Length bytes as the body: the truncated
    // body does not match the signature (invalid_signature). The 5 leftover
    // bytes are not a request: Node answers them 400 and closes, which may go
    // out before the adapter's 401 and cut it off.
    expect: { status: [401, 400], failure: 'invalid_signature' },
  },
  {
    name: 'a client that hangs up mid-body gets nothing verified',
    run: (port) =>
      rawClient(port, async (s) => {
        s.write(head(body.length));
        s.write(half);
        await sleep(100);
        s.destroy();
      }, BODY_TIMEOUT_MS + SLACK_MS),
    expect: { status: undefined, failure: 'body_unreadable' },
  },
];

for (const [name, express] of [
  ['Express 4', express4],
  ['Express 5', express5],
]) {
  test(`${name}: slow and broken clients are answered within bodyTimeoutMs and never verified half-read`, async (t) => {
    const apps = await Promise.all(SCENARIOS.map(() => start(express)));
    try {
      const results = await Promise.all(SCENARIOS.map((scenario, i) => scenario.run(apps[i].port)));
      // Give the server's own bookkeeping (onError after a hang-up) a moment.
      await sleep(200);
      SCENARIOS.forEach((scenario, i) => {
        const { statuses, firstByteMs, closedByServer } = results[i];
        const { seen } = apps[i];
        const { expect } = scenario;
        const where = `${scenario.name}: statuses ${JSON.stringify(statuses)}, failures ${JSON.stringify(seen.failures)}, handled ${JSON.stringify(seen.handled)}`;
        const allowed = Array.isArray(expect.status) ? expect.status : [expect.status];
        assert.ok(allowed.includes(statuses[0]), where);
        if (expect.status !== undefined) {
          assert.ok(firstByteMs <= BODY_TIMEOUT_MS + SLACK_MS, `${where}: answered after ${Math.round(firstByteMs)} ms`);
        }
        if (expect.closed) assert.ok(closedByServer, `${where}: the server kept the connection open`);
        assert.equal(seen.handled.length, expect.handled ?? 0, where);
        if (expect.failure) assert.deepEqual(seen.failures, [expect.failure], where);
        else assert.deepEqual(seen.failures, [], where);
        // A body that never arrived whole never reached the core.
        if (expect.failure === 'body_timeout' || expect.failure === 'body_unreadable') {
          assert.ok(!seen.failures.includes('invalid_signature'), where);
        }
      });
      // Every server still answers a normal delivery correctly.
      for (const { port } of apps) {
        const response = await fetch(`http://127.0.0.1:${port}${PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-geckoguard-signature': SIGNATURE },
          body: BODY,
        });
        assert.equal(response.status, 200);
      }
    } finally {
      for (const { server } of apps) {
        server.closeAllConnections?.();
        server.close();
      }
    }
  });
}

test('bodyTimeoutMs is checked when the middleware is created', () => {
  for (const bad of [0, -1, 1.5, '1000', Infinity]) {
    assert.throws(() => geckoguard({ secret: SECRET, bodyTimeoutMs: bad }), TypeError, String(bad));
  }
  assert.doesNotThrow(() => geckoguard({ secret: SECRET, bodyTimeoutMs: 60_000 }));
});
