// The Express adapter (`@geckoguard/webhooks/express`), for Express 4 and 5.
//
// It supplies what handler.js needs from Express and nothing more: the raw
// body (whatever body parser ran before it), the signature header, and a way
// to send the answer. Verification, routing, the deadline and dedupe live in
// handler.js, shared with the other adapters.
import { Webhook, WebhookVerificationError } from './node.js';
import { createWebhookHandler, createMemoryStore, createRedisStore, WebhookRequestError } from './handler.js';

const SIGNATURE_HEADER = 'x-geckoguard-signature';

/**
 * Express middleware that verifies GeckoGuard webhooks.
 *
 * Middleware mode (no handler registered): verifies the delivery, puts the
 * event on `req.geckoguard` and calls `next()`; a refused delivery is answered
 * at once (401 `Invalid signature`, 400, 413, 500) and `next` is not called.
 *
 * Router mode (after `.on(…)` or `.onAny(…)`): runs the handlers and answers
 * itself: 200 when they finished, 202 when they are still running at the
 * deadline (they go on), 500 when one threw. Mounted with `app.use(path, …)`
 * it owns the route and answers 405 to any method but POST.
 *
 * The raw body comes from, in order: `req.rawBody` (left by some hosts and by
 * the `verify` hook of `express.json`), a Buffer left by `express.raw`, a
 * string left by `express.text` (taken as UTF-8 when its charset is UTF-8),
 * or the request stream, read here up to `maxBodyBytes`. A body that
 * `express.json()` parsed without keeping a raw copy cannot be checked: 500,
 * and a log line that says how to fix it.
 *
 * Options:
 * - `secret`: the endpoint secret, `whsec_…`, exactly as the dashboard shows it;
 *   or `secrets`: several, while rotating.
 * - `tolerance`: replay window in seconds (default: off; see the README).
 * - `maxBodyBytes`: default 1 MiB; a larger body is answered 413.
 * - `bodyTimeoutMs`: default 10000; when this middleware reads the body
 *   itself, the whole body must arrive within it, or the answer is 408 and
 *   the connection is closed: a client that trickles its body, stops
 *   mid-body or announces more bytes than it sends cannot hold the request
 *   open, and a partial body is never verified. (A body parser mounted
 *   before this middleware reads the body under its own rules; bound it
 *   with Node's `server.requestTimeout`.)
 * - `deadlineMs`: default 8000; answer 202 if handlers are still running then.
 * - `dedupe`: `true` (in memory) or `{ store, ttlMs, lockTtlMs }`: each
 *   idempotency key is processed once; a repeat is answered 200.
 * - `onError(error, context)`: every refused or failed delivery, with details.
 * - `log(entry)` or `false`: default prints warnings and errors to the console.
 *
 * A wrong configuration (no secret, an unknown option, a bad value) throws
 * here, when the middleware is created.
 *
 * @example
 * import express from 'express';
 * import { geckoguard } from '@geckoguard/webhooks/express';
 *
 * const app = express();
 * app.post('/webhooks/geckoguard', geckoguard({ secret: process.env.GECKOGUARD_WEBHOOK_SECRET }), (req, res) => {
 *   console.log(req.geckoguard.event, req.geckoguard.data);
 *   res.sendStatus(200);
 * });
 */
export function geckoguard(options) {
  const handler = createWebhookHandler(options, { Webhook });
  const limit = handler.maxBodyBytes;
  const bodyTimeoutMs = handler.bodyTimeoutMs;

  function middleware(req, res, next) {
    const routerMode = handler.hasHandlers;
    if (req.method !== 'POST') {
      if (routerMode) send(res, handler.reject('method_not_allowed', `got ${req.method}`));
      else next();
      return;
    }
    const source = bodySource(req, limit);
    if (source.reject) {
      if (source.reject === 'payload_too_large') res.setHeader('Connection', 'close');
      send(res, handler.reject(source.reject, source.detail));
      return;
    }
    if (source.body !== undefined) {
      deliver(req, res, next, routerMode, source.body);
      return;
    }
    readStream(req, limit, bodyTimeoutMs, (outcome) => {
      if (outcome.reject) {
        // The rest of the body is left unread: close the connection after
        // the answer rather than read the leftovers as the next request.
        if (outcome.reject === 'payload_too_large' || outcome.reject === 'body_timeout') res.setHeader('Connection', 'close');
        send(res, handler.reject(outcome.reject, outcome.detail));
      } else {
        deliver(req, res, next, routerMode, outcome.body);
      }
    });
  }

  function deliver(req, res, next, routerMode, body) {
    const signature = req.headers[SIGNATURE_HEADER];
    if (routerMode) {
      handler
        .process({ method: 'POST', body, signature })
        .then((result) => send(res, result))
        .catch((error) => fail(res, error));
      return;
    }
    const verified = handler.verify({ method: 'POST', body, signature });
    if (verified.status !== 200) {
      send(res, verified);
      return;
    }
    const { event } = verified;
    if (!handler.dedupes) {
      req.geckoguard = event;
      next();
      return;
    }
    handler.claim(event).then((answer) => {
      if (answer) {
        send(res, answer);
        return;
      }
      // The route's own handler decides: a 2xx marks the key processed,
      // anything else (or a connection closed first) releases it for the retry.
      let settled = false;
      const settle = (ok) => {
        if (settled) return;
        settled = true;
        handler.settle(event, ok);
      };
      res.once('finish', () => settle(res.statusCode >= 200 && res.statusCode < 300));
      res.once('close', () => settle(false));
      req.geckoguard = event;
      next();
    }).catch((error) => fail(res, error));
  }

  function fail(res, error) {
    // handler.js reports its own failures; this is the last resort for a bug.
    console.error(`[@geckoguard/webhooks] unexpected error in the Express adapter: ${error?.stack ?? error}`);
    send(res, { status: 500, body: 'Internal Server Error', headers: {} });
  }

  middleware.on = (name, fn) => {
    handler.on(name, fn);
    return middleware;
  };
  middleware.onAny = (fn) => {
    handler.onAny(fn);
    return middleware;
  };
  middleware.onError = (fn) => {
    handler.onError(fn);
    return middleware;
  };
  return middleware;
}

/**
 * Where the raw body is when something ran before this middleware:
 * `{ body }`, `{ reject, detail }`, or `{}` when the stream is still unread.
 */
function bodySource(req, limit) {
  const { rawBody, body } = req;
  if (rawBody !== undefined && rawBody !== null) {
    if (typeof rawBody === 'string') return sized(Buffer.from(rawBody, 'utf8'), limit);
    if (rawBody instanceof Uint8Array) return sized(rawBody, limit);
  }
  if (body instanceof Uint8Array) return sized(body, limit); // express.raw
  const consumed = req._body === true || req.readableEnded; // body-parser 1 sets _body; 2 reads to the end
  if (typeof body === 'string' && consumed) {
    // express.text decoded the bytes with the request's charset. For UTF-8,
    // encoding the string again gives the bytes back (GeckoGuard sends UTF-8
    // JSON); for any other charset it does not.
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return { reject: 'body_not_raw', detail: `charset ${charset.slice(0, 32)}` };
    }
    return sized(Buffer.from(body, 'utf8'), limit);
  }
  if (consumed) {
    return { reject: 'body_already_parsed' };
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return { reject: 'payload_too_large', detail: `Content-Length ${Number(declared)} > ${limit}` };
  }
  return {};
}

function sized(bytes, limit) {
  if (bytes.length > limit) return { reject: 'payload_too_large', detail: `${bytes.length} bytes > ${limit}` };
  return { body: bytes };
}

function charsetOf(contentType) {
  if (typeof contentType !== 'string') return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match ? match[1].toLowerCase() : undefined;
}

/**
 * Reads the request stream, stopping as soon as it passes `limit` or when
 * `timeoutMs` pass before its end. Calls `done` once, with the whole body or
 * a rejection: never with part of a body.
 */
function readStream(req, limit, timeoutMs, done) {
  const chunks = [];
  let size = 0;
  let finished = false;
  // One bound for the whole body, not per chunk: a client sending a byte a
  // second would reset an idle timer forever.
  const timer = setTimeout(() => {
    req.pause();
    finish({ reject: 'body_timeout', detail: `${size} bytes received in ${timeoutMs} ms` });
  }, timeoutMs);
  function finish(outcome) {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('close', onClose);
    done(outcome);
  }
  function onData(chunk) {
    size += chunk.length;
    if (size > limit) {
      // Stop reading: the answer goes out now, and `Connection: close` ends
      // the connection instead of draining the rest of the body.
      req.pause();
      finish({ reject: 'payload_too_large', detail: `more than ${limit} bytes received` });
      return;
    }
    chunks.push(chunk);
  }
  function onEnd() {
    finish({ body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
  }
  function onError(error) {
    finish({ reject: 'body_unreadable', detail: error?.code ?? 'stream error' });
  }
  function onClose() {
    finish({ reject: 'body_unreadable', detail: 'the connection closed before the body was complete' });
  }
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('close', onClose);
}

function send(res, result) {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  res.statusCode = result.status;
  for (const name of Object.keys(result.headers)) res.setHeader(name, result.headers[name]);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(result.body));
  res.end(result.body);
}

export { createMemoryStore, createRedisStore, WebhookVerificationError, WebhookRequestError };
