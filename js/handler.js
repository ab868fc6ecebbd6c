/**
 * The part of every framework adapter that does not depend on the framework.
 *
 * An adapter (Express, Fetch, …) supplies three small things: the raw body,
 * the `X-GeckoGuard-Signature` header, and a way to send `{ status, body }`.
 * Everything else lives here, once: option validation, verification through
 * the core `Webhook`, routing (`on` / `onAny` / `onError`), the response
 * deadline, deduplication and its stores, and what each outcome answers.
 *
 * ```js
 * import { Webhook } from './node.js'; // or the runtime's own entry point
 * import { createWebhookHandler } from './handler.js';
 *
 * const handler = createWebhookHandler({ secret, deadlineMs: 8000 }, { Webhook });
 * handler.on('license.revoked', async (event) => revoke(event.data.licenseId));
 *
 * // per request, in the adapter:
 * const result = await handler.process({
 *   method: 'POST',
 *   body,                      // Uint8Array | string (a string is taken as UTF-8)
 *   signature,                 // string | undefined | null
 *   waitUntil,                 // optional (promise) => void: keeps handlers alive after a 202
 *   background,                // optional: true answers 202 at once, handlers go on (waitUntil)
 * });
 * // result: { status, body, headers, event? }; send it as text/plain.
 * ```
 *
 * Interface (all of it; adapters use nothing else):
 *
 * - `createWebhookHandler(options, { Webhook })` validates `options` and
 *   throws a `TypeError` (or the core's `invalid_secret` error) at once when
 *   they are wrong. Options: `secret` | `secrets`, `tolerance` (seconds),
 *   `maxBodyBytes` (default 1 MiB, enforced by the adapter while reading),
 *   `bodyTimeoutMs` (default 10000: the whole body must arrive within it,
 *   enforced by an adapter that reads the body itself; see below),
 *   `deadlineMs` (default 8000), `dedupe` (`true` or `{ store, ttlMs,
 *   lockTtlMs }`), `onError(error, context)`, `log(entry) | false`,
 *   `now()` (clock in ms, for the replay window in tests).
 * - `handler.on(name | names[], fn)`, `handler.onAny(fn)`,
 *   `handler.onError(fn)`: register handlers; each returns the handler.
 *   `fn(event)` may be sync or async. `handler.hasHandlers` is true once
 *   `on` or `onAny` was called (router mode: the adapter answers itself).
 * - `handler.process(request)`: the whole delivery: method check (405),
 *   verification (401 / 400), dedupe (200 for a processed key, 409 while
 *   the key is being processed), handlers raced against the deadline
 *   (200, 202 after the deadline, 500 when a handler throws).
 * - `handler.verify(request)`: only the method check and verification; the
 *   result carries `event` when the status is 200 (middleware mode).
 * - `handler.claim(event)` / `handler.settle(event, ok)`: dedupe for
 *   middleware mode. `claim` resolves to `null` when the caller should
 *   process the event, or to the result to send (duplicate, in progress,
 *   store failure). `settle(event, true)` marks the key processed,
 *   `settle(event, false)` releases it so GeckoGuard's retry is processed.
 * - `handler.reject(code, detail?)`: the result for a problem the adapter
 *   found while reading the body: `payload_too_large` (413),
 *   `body_timeout` (408),
 *   `body_already_parsed` (500), `body_not_raw` (500), `body_unreadable`
 *   (400). It is reported to `onError` and the log like every other failure.
 * - `handler.maxBodyBytes`: the validated limit, for the adapter's reader.
 * - `handler.bodyTimeoutMs`: the validated body-read bound, for the same reader.
 *
 * Results are `{ status, body, headers, event? }`: `body` is a short text
 * (`OK`, `Invalid signature`, …) that never contains a detail an attacker
 * could use; details go to `onError` and `log`, never a secret.
 *
 * Stores: `createMemoryStore()` (the default for `dedupe: true`) and
 * `createRedisStore(client)` implement the `DedupeStore` interface
 * (`claim`, `complete`, `release`); see their JSDoc.
 */

const PACKAGE = '[@geckoguard/webhooks]';

/** 1 MiB: GeckoGuard payloads are a few hundred bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Answer before GeckoGuard's 10-second delivery timeout, with room for the network. */
export const DEFAULT_DEADLINE_MS = 8000;
/**
 * How long an adapter that reads the body itself waits for all of it. A body
 * still incomplete after GeckoGuard's own 10-second delivery timeout comes
 * from a sender that has given up, or from a client holding the connection
 * open on purpose (a slow-body attack): either way it is answered 408 and
 * the connection closed, and the partial body is never verified.
 */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
/** How long a processed idempotency key is remembered. */
export const DEFAULT_DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a key stays marked "processing" if the process dies mid-handler. */
export const DEFAULT_DEDUPE_LOCK_TTL_MS = 2 * 60 * 1000;

const TEXT = {
  200: 'OK',
  202: 'Accepted',
  400: 'Invalid payload',
  401: 'Invalid signature',
  405: 'Method Not Allowed',
  409: 'Delivery in progress',
  408: 'Request Timeout',
  413: 'Payload too large',
  500: 'Internal Server Error',
};

/** What the adapter-level codes answer, and the line the log gets. */
const REJECTIONS = {
  method_not_allowed: { status: 405, level: 'info', message: 'only POST is accepted on the webhook route' },
  payload_too_large: { status: 413, level: 'warn', message: 'the request body is larger than maxBodyBytes' },
  body_unreadable: { status: 400, level: 'warn', message: 'the request body could not be read' },
  body_timeout: { status: 408, level: 'warn', message: 'the request body did not arrive within bodyTimeoutMs' },
  body_already_parsed: {
    status: 500,
    level: 'error',
    message:
      'a body parser (express.json() or similar) consumed the request before the GeckoGuard middleware and kept no raw copy, ' +
      'so the signature cannot be checked. Fix: mount the GeckoGuard route before app.use(express.json()), ' +
      'or keep the raw bytes with express.json({ verify: (req, res, buf) => { req.rawBody = buf } })',
  },
  body_not_raw: {
    status: 500,
    level: 'error',
    message:
      'the request body was decoded to text with a charset other than UTF-8, so its raw bytes are lost. ' +
      'Fix: mount the GeckoGuard route before the text body parser, or use express.raw({ type: "application/json" }) on it',
  },
};

const OPTION_NAMES = new Set([
  'secret',
  'secrets',
  'tolerance',
  'maxBodyBytes',
  'bodyTimeoutMs',
  'deadlineMs',
  'dedupe',
  'onError',
  'log',
  'now',
]);

/** The error every adapter-level failure is reported as; `code` and `status` like the core's. */
export class WebhookRequestError extends Error {
  constructor(code, message, status) {
    super(message);
    this.name = 'WebhookRequestError';
    this.code = code;
    this.status = status;
  }
}

function optionError(message) {
  return new TypeError(`${PACKAGE} ${message}`);
}

function checkPositiveInteger(name, value, max) {
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw optionError(`${name} must be a positive integer no larger than ${max}, got ${describe(value)}`);
  }
}

/** The type of a value, never its contents: for secrets. */
function kindOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/** Describes a bad option value without ever printing a string's contents (it may be a secret). */
function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}

function validateSecrets(options) {
  const hasSecret = options.secret !== undefined;
  const hasSecrets = options.secrets !== undefined;
  if (hasSecret && hasSecrets) {
    throw optionError('pass either secret or secrets, not both');
  }
  if (!hasSecret && !hasSecrets) {
    throw optionError(
      'secret is missing: pass { secret: process.env.GECKOGUARD_WEBHOOK_SECRET } and check that the variable is set',
    );
  }
  if (hasSecret) {
    if (typeof options.secret !== 'string') {
      throw optionError(`secret must be a string (the whsec_… value from the dashboard), got ${kindOf(options.secret)}`);
    }
    return options.secret;
  }
  const { secrets } = options;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw optionError('secrets must be a non-empty array of strings');
  }
  secrets.forEach((s, i) => {
    if (typeof s !== 'string') {
      throw optionError(`secrets[${i}] must be a string, got ${kindOf(s)} (is an environment variable unset?)`);
    }
  });
  return [...secrets];
}

function validateDedupe(dedupe) {
  if (dedupe === undefined || dedupe === false) return null;
  if (dedupe === true) dedupe = {};
  if (typeof dedupe !== 'object' || dedupe === null) {
    throw optionError('dedupe must be true or an object { store?, ttlMs?, lockTtlMs? }');
  }
  for (const key of Object.keys(dedupe)) {
    if (!['store', 'ttlMs', 'lockTtlMs'].includes(key)) {
      throw optionError(`unknown dedupe option ${JSON.stringify(key)} (known: store, ttlMs, lockTtlMs)`);
    }
  }
  const ttlMs = dedupe.ttlMs ?? DEFAULT_DEDUPE_TTL_MS;
  const lockTtlMs = dedupe.lockTtlMs ?? DEFAULT_DEDUPE_LOCK_TTL_MS;
  checkPositiveInteger('dedupe.ttlMs', ttlMs, Number.MAX_SAFE_INTEGER);
  checkPositiveInteger('dedupe.lockTtlMs', lockTtlMs, Number.MAX_SAFE_INTEGER);
  const store = dedupe.store ?? createMemoryStore();
  for (const method of ['claim', 'complete', 'release']) {
    if (typeof store[method] !== 'function') {
      throw optionError(`dedupe.store must implement claim, complete and release (missing ${method})`);
    }
  }
  return { store, ttlMs, lockTtlMs };
}

/** The default log: warnings and errors to the console, one line each. */
function consoleLog(entry) {
  if (entry.level === 'info') return;
  const fields = [];
  if (entry.code) fields.push(`code=${entry.code}`);
  fields.push(`status=${entry.status}`);
  if (entry.event) fields.push(`event=${entry.event}`);
  if (entry.idempotencyKey) fields.push(`idempotencyKey=${entry.idempotencyKey}`);
  const line = `${PACKAGE} ${entry.message} (${fields.join(' ')})`;
  if (entry.level === 'error') console.error(line);
  else console.warn(line);
}

function result(status, extra) {
  return { status, body: TEXT[status], headers: {}, ...extra };
}

function isThenable(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
}

/**
 * Validates `options` and returns the adapter-independent webhook handler
 * (interface at the top of this module).
 *
 * @param {object} options see the module comment
 * @param {{ Webhook: new (secretOrSecrets: string | string[], options?: { tolerance?: number }) => { verify(body: Uint8Array | string, signature: string, options?: { now?: number }): any } }} core
 */
export function createWebhookHandler(options, core) {
  if (typeof options !== 'object' || options === null) {
    throw optionError('options must be an object, e.g. { secret: process.env.GECKOGUARD_WEBHOOK_SECRET }');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      throw optionError(`unknown option ${JSON.stringify(key)} (known: ${[...OPTION_NAMES].join(', ')})`);
    }
  }
  const secrets = validateSecrets(options);
  const { tolerance } = options; // checked by the core's Webhook constructor
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  checkPositiveInteger('maxBodyBytes', maxBodyBytes, 2 ** 31 - 1);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  checkPositiveInteger('bodyTimeoutMs', bodyTimeoutMs, 2 ** 31 - 1);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  checkPositiveInteger('deadlineMs', deadlineMs, 2 ** 31 - 1);
  const dedupe = validateDedupe(options.dedupe);
  for (const name of ['onError', 'now']) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw optionError(`${name} must be a function, got ${describe(options[name])}`);
    }
  }
  if (options.log !== undefined && options.log !== false && typeof options.log !== 'function') {
    throw optionError(`log must be a function or false, got ${describe(options.log)}`);
  }
  const log = options.log === false ? () => {} : (options.log ?? consoleLog);
  const now = options.now;

  // The core checks the secrets (empty, surrounding whitespace) and throws its
  // `invalid_secret` error here, when the factory is called.
  const webhook = new core.Webhook(secrets, tolerance === undefined ? {} : { tolerance });

  const byEvent = new Map();
  const anyHandlers = [];
  const errorHandlers = options.onError ? [options.onError] : [];

  function safeLog(entry) {
    try {
      log(entry);
    } catch {
      // A broken log hook must not turn a delivery into a crash.
    }
  }

  /** Reports a failure to the log and every onError hook; never throws. */
  function report(error, context, level, message) {
    const entry = { level, message, code: context.code, status: context.status };
    if (context.event) {
      entry.event = context.event.event;
      entry.idempotencyKey = context.event.idempotencyKey;
    }
    safeLog(entry);
    for (const hook of errorHandlers) {
      try {
        const returned = hook(error, context);
        if (isThenable(returned)) {
          Promise.resolve(returned).catch((hookError) =>
            safeLog({ level: 'error', message: `onError hook failed: ${errorText(hookError)}`, status: context.status }),
          );
        }
      } catch (hookError) {
        safeLog({ level: 'error', message: `onError hook failed: ${errorText(hookError)}`, status: context.status });
      }
    }
  }

  function reject(code, detail) {
    const known = REJECTIONS[code];
    if (!known) throw optionError(`unknown rejection code ${JSON.stringify(code)}`);
    const message = detail ? `${known.message}: ${detail}` : known.message;
    const error = new WebhookRequestError(code, message, known.status);
    report(error, { code, status: known.status }, known.level, message);
    const res = result(known.status);
    if (code === 'method_not_allowed') res.headers = { Allow: 'POST' };
    return res;
  }

  function verify({ method, body, signature }) {
    if (method !== undefined && method !== 'POST') return reject('method_not_allowed', `got ${String(method).slice(0, 16)}`);
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
      // An adapter bug, not a request problem: say so loudly, answer 500.
      const error = new WebhookRequestError('body_not_raw', 'the adapter passed a body that is neither bytes nor a string', 500);
      report(error, { code: error.code, status: 500 }, 'error', error.message);
      return result(500);
    }
    try {
      const event = webhook.verify(
        body,
        signature ?? '',
        now ? { now: now() } : undefined,
      );
      return result(200, { event });
    } catch (error) {
      const code = typeof error?.code === 'string' ? error.code : 'internal_error';
      const status = error?.status === 400 || error?.status === 401 ? error.status : 500;
      report(error, { code, status }, status === 500 ? 'error' : 'warn', `delivery refused: ${errorText(error)}`);
      return result(status);
    }
  }

  async function claim(event) {
    if (!dedupe) return null;
    let state;
    try {
      // A store that hangs (Redis unreachable, an offline queue) must not
      // hold the delivery past the deadline: that is a failure, answered 500.
      state = await withTimeout(dedupe.store.claim(event.idempotencyKey, dedupe.lockTtlMs), deadlineMs, 'dedupe store claim');
    } catch (error) {
      report(error, { code: 'dedupe_store_failed', status: 500, event }, 'error', `dedupe store failed: ${errorText(error)}`);
      return result(500);
    }
    if (state === 'claimed') return null;
    if (state === 'done') {
      safeLog({ level: 'info', message: 'duplicate delivery acknowledged', status: 200, event: event.event, idempotencyKey: event.idempotencyKey });
      return result(200, { event });
    }
    // Another delivery of the same body is being processed right now: a
    // non-2xx answer makes GeckoGuard retry later, when it has finished (or
    // failed and released the key).
    safeLog({ level: 'info', message: 'same delivery already being processed', status: 409, event: event.event, idempotencyKey: event.idempotencyKey });
    return result(409, { event });
  }

  async function settle(event, ok) {
    if (!dedupe) return;
    try {
      if (ok) await withTimeout(dedupe.store.complete(event.idempotencyKey, dedupe.ttlMs), deadlineMs, 'dedupe store complete');
      else await withTimeout(dedupe.store.release(event.idempotencyKey), deadlineMs, 'dedupe store release');
    } catch (error) {
      report(error, { code: 'dedupe_store_failed', status: 500, event }, 'error', `dedupe store failed: ${errorText(error)}`);
    }
  }

  /** Runs every handler for the event; resolves when all finished, rejects with the first failure. */
  function runHandlers(event) {
    const handlers = [...(byEvent.get(event.event) ?? []), ...anyHandlers];
    const pending = [];
    for (const fn of handlers) {
      try {
        const returned = fn(event);
        if (isThenable(returned)) pending.push(Promise.resolve(returned));
      } catch (error) {
        // Let the others run; the delivery still fails.
        pending.push(Promise.reject(error));
      }
    }
    if (pending.length === 0) return null;
    if (pending.length === 1) return pending[0];
    return Promise.allSettled(pending).then((outcomes) => {
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  function handlerFailed(event, error) {
    report(
      error,
      { code: 'handler_failed', status: 500, event },
      'error',
      `handler for ${event.event} failed: ${errorText(error)}`,
    );
  }

  /** Hands the handlers' promise to the host's waitUntil (Workers' ctx.waitUntil), if any. */
  function keepAlive(request, finished) {
    if (typeof request.waitUntil !== 'function') return;
    try {
      request.waitUntil(finished);
    } catch {
      // A host without a working waitUntil: the promise still runs.
    }
  }

  async function process(request) {
    const verified = verify(request);
    if (verified.status !== 200) return verified;
    const { event } = verified;
    const duplicate = dedupe ? await claim(event) : null;
    if (duplicate) return duplicate;

    let running;
    try {
      running = runHandlers(event);
    } catch (error) {
      running = Promise.reject(error);
    }
    if (running === null) {
      // Every handler was synchronous and returned: no timer needed.
      if (dedupe) await settle(event, true);
      return result(200, { event });
    }

    let timer;
    const finished = running.then(
      async () => {
        await settle(event, true);
        return true;
      },
      async (error) => {
        handlerFailed(event, error);
        await settle(event, false);
        return false;
      },
    );
    if (request.background === true) {
      // The adapter asked to answer at once (the Fetch adapter's `background`
      // option): the handlers go on, kept alive by waitUntil where the host has one.
      keepAlive(request, finished);
      return result(202, { event });
    }
    const deadline = new Promise((resolve) => {
      timer = setTimeout(resolve, deadlineMs, 'deadline');
    });
    const first = await Promise.race([finished, deadline]);
    clearTimeout(timer);
    if (first === 'deadline') {
      safeLog({
        level: 'warn',
        message: `handlers still running after ${deadlineMs} ms: answered 202, they continue in the background`,
        status: 202,
        event: event.event,
        idempotencyKey: event.idempotencyKey,
      });
      keepAlive(request, finished);
      return result(202, { event });
    }
    return result(first ? 200 : 500, { event });
  }

  const handler = {
    maxBodyBytes,
    bodyTimeoutMs,
    deadlineMs,
    /** True when `dedupe` is on: middleware mode then calls `claim` and `settle`. */
    dedupes: dedupe !== null,
    get hasHandlers() {
      return byEvent.size > 0 || anyHandlers.length > 0;
    },
    on(names, fn) {
      const list = Array.isArray(names) ? names : [names];
      if (list.length === 0 || list.some((n) => typeof n !== 'string' || n === '')) {
        throw optionError('on(name, handler): name must be an event name such as "license.revoked", or an array of them');
      }
      if (typeof fn !== 'function') throw optionError('on(name, handler): handler must be a function');
      for (const name of list) {
        if (!byEvent.has(name)) byEvent.set(name, []);
        byEvent.get(name).push(fn);
      }
      return handler;
    },
    onAny(fn) {
      if (typeof fn !== 'function') throw optionError('onAny(handler): handler must be a function');
      anyHandlers.push(fn);
      return handler;
    },
    onError(fn) {
      if (typeof fn !== 'function') throw optionError('onError(handler): handler must be a function');
      errorHandlers.push(fn);
      return handler;
    },
    process,
    verify,
    claim,
    settle,
    reject,
  };
  return handler;
}

/** `value` (a promise or not), or a rejection once `ms` have passed. */
function withTimeout(value, ms, what) {
  if (!isThenable(value)) return value;
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve(value), timeout]).finally(() => clearTimeout(timer));
}

function errorText(error) {
  if (error instanceof Error) return error.code ? `${error.code}: ${error.message}` : `${error.name}: ${error.message}`;
  return `non-Error value thrown (${typeof error})`;
}

/**
 * A dedupe store keeps, per idempotency key, whether a delivery is being
 * processed or was processed. Implement it for any shared store:
 *
 * - `claim(key, lockTtlMs)`: atomically, if `key` is unknown, mark it
 *   `processing` for `lockTtlMs` and resolve to `'claimed'`; otherwise resolve
 *   to its state, `'processing'` or `'done'`.
 * - `complete(key, ttlMs)`: mark `key` `done` for `ttlMs`.
 * - `release(key)`: forget `key` if it is still `processing` (a handler
 *   failed: GeckoGuard's retry must be processed).
 *
 * Each method may return a value or a promise.
 *
 * @typedef {{ claim(key: string, lockTtlMs: number): Promise<'claimed' | 'processing' | 'done'> | 'claimed' | 'processing' | 'done', complete(key: string, ttlMs: number): unknown, release(key: string): unknown }} DedupeStore
 */

/**
 * An in-memory dedupe store with a TTL per key: right for one process. With
 * several instances behind a load balancer use a shared store such as
 * {@link createRedisStore}.
 *
 * @param {{ now?: () => number }} [options] `now` is a clock in ms, for tests.
 * @returns {DedupeStore}
 */
export function createMemoryStore(options = {}) {
  const clock = options.now ?? Date.now;
  const entries = new Map(); // key -> { state, expires }
  let nextSweep = 0;

  function sweep(t) {
    if (t < nextSweep) return;
    for (const [key, entry] of entries) if (entry.expires <= t) entries.delete(key);
    nextSweep = t + 60_000;
  }
  function live(key, t) {
    const entry = entries.get(key);
    if (entry && entry.expires <= t) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }
  return {
    claim(key, lockTtlMs) {
      const t = clock();
      sweep(t);
      const entry = live(key, t);
      if (entry) return entry.state;
      entries.set(key, { state: 'processing', expires: t + lockTtlMs });
      return 'claimed';
    },
    complete(key, ttlMs) {
      entries.set(key, { state: 'done', expires: clock() + ttlMs });
    },
    release(key) {
      const entry = live(key, clock());
      if (entry && entry.state === 'processing') entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}

// Compare-and-delete: a failed handler frees its own mark, never a `done`.
const RELEASE_SCRIPT = "if redis.call('GET', KEYS[1]) == 'processing' then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * A dedupe store in Redis, shared by every instance of the receiver. Pass a
 * connected client: node-redis (`redis` ≥ 4, `createClient()`) or `ioredis`.
 * The package does not depend on either.
 *
 * The mark is taken with one `SET key processing NX PX lockTtlMs`, so two
 * deliveries of the same body racing on two instances cannot both run the
 * handlers; a failed handler deletes its mark (only while it still reads
 * `processing`) so that GeckoGuard's retry is processed.
 *
 * @param {object} client a connected node-redis or ioredis client
 * @param {{ prefix?: string }} [options] key prefix, default `geckoguard:webhooks:`
 * @returns {DedupeStore}
 */
export function createRedisStore(client, options = {}) {
  const prefix = options.prefix ?? 'geckoguard:webhooks:';
  if (typeof prefix !== 'string') throw optionError('createRedisStore: prefix must be a string');
  let command;
  if (client && typeof client.call === 'function') {
    command = (args) => client.call(...args); // ioredis
  } else if (client && typeof client.sendCommand === 'function') {
    command = (args) => client.sendCommand(args); // node-redis
  } else {
    throw optionError('createRedisStore(client): pass a node-redis (createClient()) or ioredis client');
  }
  const asText = (value) => (value == null ? null : String(value));
  return {
    async claim(key, lockTtlMs) {
      const k = prefix + key;
      const set = await command(['SET', k, 'processing', 'NX', 'PX', String(lockTtlMs)]);
      if (asText(set) === 'OK') return 'claimed';
      // Taken: report what holds it. If it expired in between, "processing"
      // is the safe answer (GeckoGuard retries).
      return asText(await command(['GET', k])) === 'done' ? 'done' : 'processing';
    },
    async complete(key, ttlMs) {
      await command(['SET', prefix + key, 'done', 'PX', String(ttlMs)]);
    },
    async release(key) {
      await command(['EVAL', RELEASE_SCRIPT, '1', prefix + key]);
    },
  };
}
