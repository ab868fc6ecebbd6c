// Shared pieces of the Express adapter's tests: real Express 4 and 5 apps on
// loopback, raw HTTP requests, and a real redis-server on a free port.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import express4 from 'express4';
import express5 from 'express5';

export { geckoguard, createMemoryStore, createRedisStore, WebhookVerificationError } from '../../../pkg/express.js';
import { sign } from '../../../pkg/node.js';

export { sign };

/** Both Express majors, run by every suite. */
export const EXPRESSES = [
  ['Express 4', express4],
  ['Express 5', express5],
];

export const SECRET = 'whsec_express_adapter_tests';

/** Starts `app` on 127.0.0.1 and a random port; returns { url, port, close }. */
export async function listen(app) {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A signed GeckoGuard-style payload; each call a different body unless `fields` are the same. */
export function payload(event = 'license.revoked', data = { licenseId: 'lic_1' }, timestamp = '2025-01-15T10:30:00.000Z') {
  return JSON.stringify({ event, data, timestamp });
}

/** POSTs like GeckoGuard: JSON body, signature header. Returns { status, text, headers }. */
export async function deliver(url, body, { signature, secret = SECRET, method = 'POST', headers = {} } = {}) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const sig = signature === undefined ? sign(secret, bytes) : signature;
  const response = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GeckoGuard-Webhooks/1.0',
      ...(sig === null ? {} : { 'x-geckoguard-signature': sig }),
      ...headers,
    },
    body: method === 'GET' || method === 'HEAD' ? undefined : bytes,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/**
 * Sends one request as raw bytes over a socket: the header value goes on the
 * wire exactly as given (Latin-1 bytes), which fetch's Headers would refuse or
 * trim. Resolves to { status, text }.
 */
export function rawPost(port, path, body, headerLines) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const response = Buffer.concat(chunks);
      const split = response.indexOf('\r\n\r\n');
      const head = response.subarray(0, split).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const text = response.subarray(split + 4).toString('utf8');
      resolve({ status, text, head });
    });
    const head =
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      headerLines.map((line) => `${line}\r\n`).join('') +
      `Content-Length: ${body.length}\r\n\r\n`;
    socket.write(Buffer.from(head, 'latin1'));
    socket.end(body);
  });
}

/**
 * Streams a body with chunked transfer encoding (no Content-Length), one chunk
 * every `gapMs`, until the server answers or `total` bytes are sent.
 * Resolves to { status, text, sent }: `sent` shows when the answer came.
 */
export function chunkedPost(url, chunks, { signature, gapMs = 0, extraHeaders = {} } = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let sent = 0;
    let answered = false;
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          ...(signature ? { 'x-geckoguard-signature': signature } : {}),
          ...extraHeaders,
        },
      },
      (res) => {
        answered = true;
        const parts = [];
        res.on('data', (c) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(parts).toString('utf8'), sent }));
        res.on('error', reject);
      },
    );
    // The server may close the connection while we are still sending: that is
    // the point of some tests, not a failure, once the answer has arrived.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    (async () => {
      for (const chunk of chunks) {
        if (answered || req.destroyed) break;
        await new Promise((done) => req.write(chunk, done));
        sent += chunk.length;
        if (gapMs) await sleep(gapMs);
      }
      if (!answered && !req.destroyed) req.end();
    })().catch(() => {});
  });
}

/** A free TCP port on loopback. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a real redis-server on a free loopback port, without persistence.
 * Returns { port, url, stop }.
 */
export async function startRedis() {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout.on('data', (c) => (log += c));
    child.stderr.on('data', (c) => (log += c));
    const exited = once(child, 'exit').then(() => 'exit');
    const ready = (async () => {
      for (let i = 0; i < 100; i += 1) {
        if (await ping(port)) return 'ready';
        await sleep(50);
      }
      return 'timeout';
    })();
    const outcome = await Promise.race([ready, exited]);
    if (outcome === 'ready') {
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await exited;
          }
        },
      };
    }
    child.kill('SIGKILL');
    if (!/Address already in use/.test(log) && outcome !== 'exit') {
      throw new Error(`redis-server did not start: ${log}`);
    }
  }
  throw new Error('redis-server: no free port after 5 attempts');
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c) => {
      socket.destroy();
      resolve(c.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Collects what the log and onError hooks receive, so tests stay quiet and can assert on it. */
export function recorder() {
  const logs = [];
  const errors = [];
  return {
    logs,
    errors,
    log: (entry) => logs.push(entry),
    onError: (error, context) => errors.push({ error, context }),
  };
}

/** Resolves after `ms`, or when `predicate()` turns true (checked every 10 ms). */
export async function waitFor(predicate, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (predicate()) return true;
    await sleep(10);
  }
  return predicate();
}
