// The Fetch adapter, `@geckoguard/webhooks/fetch`: Request in, Response out,
// for every runtime with the Fetch API (Cloudflare Workers, Deno, Bun,
// Next.js route handlers, Hono).
//
// This file only speaks Fetch: it reads the body (bounded, while streaming),
// the header and the secret binding, and turns results into Responses. The
// core decides what is valid; handler.js (shared with the Express adapter)
// does the routing, the deadline and deduplication. `#core` is the package's
// own entry for the runtime (package.json `imports`: workerd, deno, node,
// browser), so a Worker gets the `.wasm` imported as a module and `initSync`.
import { Webhook, WebhookVerificationError } from '#core';
import { createMemoryStore, createWebhookHandler, DEFAULT_MAX_BODY_BYTES, WebhookRequestError } from './handler.js';
import { HOST_MACS } from './webhook.js';

/** The environment binding (or variable) the secret is read from by default. */
export const SECRET_BINDING = 'GECKOGUARD_WEBHOOK_SECRET';

const PACKAGE = '[@geckoguard/webhooks/fetch]';
const SIGNATURE_HEADER = 'x-geckoguard-signature';

// From this body size on, the MACs are computed with WebCrypto's HMAC (native
// code) and handed to the core, which still parses the header, compares in
// constant time and checks the payload. Measured crossovers, where WebCrypto's
// asynchronous call starts to cost less than the Wasm HMAC: about 2 KiB in
// workerd, about 4 KiB in Deno (BENCHMARKS.md, "Workers (workerd)"). Node and
// Bun are left out: their entry already hands large bodies to node:crypto,
// synchronously.
const WEBCRYPTO_MIN_BYTES = 4096;
const userAgent = globalThis.navigator?.userAgent ?? '';
const NODE_CRYPTO_ENTRY =
  !userAgent.startsWith('Cloudflare-Workers') &&
  globalThis.Deno === undefined &&
  (globalThis.Bun !== undefined || globalThis.process?.release?.name === 'node');
const subtle = NODE_CRYPTO_ENTRY ? undefined : globalThis.crypto?.subtle;

/** How many verifiers (one per distinct secret configuration) are kept. */
const CACHE_SIZE = 8;

const optionError = (message) => new TypeError(`${PACKAGE} ${message}`);

/** Describes a value without ever printing a string's contents (it may be a secret). */
function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}

/**
 * Reads the body of `request` as bytes, at most `maxBodyBytes` of them. A
 * `Content-Length` over the limit is refused before anything is read; a body
 * sent without one (chunked) is refused as soon as the limit is crossed, so an
 * unbounded body is never buffered. Throws `{ code, detail }` on failure.
 */
async function readBody(request, maxBodyBytes) {
  const header = request.headers.get('content-length');
  const declared = header !== null && /^\s*\d+\s*$/.test(header) ? Number(header) : null;
  if (declared !== null && declared > maxBodyBytes) {
    cancel(request.body);
    throw { code: 'payload_too_large', detail: `Content-Length ${declared} > ${maxBodyBytes}` };
  }
  if (request.bodyUsed) {
    throw {
      code: 'body_already_parsed',
      detail:
        'the Request body was already read (request.bodyUsed), so the bytes GeckoGuard signed are gone. ' +
        'Fix: verify before anything reads the body, or pass request.clone()',
    };
  }
  if (declared !== null) {
    // The HTTP layer of every runtime stops a body at its Content-Length, so
    // the native read is bounded too, and much cheaper than a JavaScript loop.
    // The check after it covers a Request built in-process with a wrong one.
    let bytes;
    try {
      bytes = new Uint8Array(await request.arrayBuffer());
    } catch (error) {
      throw { code: 'body_unreadable', detail: error instanceof Error ? error.message : 'the stream failed' };
    }
    if (bytes.byteLength > maxBodyBytes) throw { code: 'payload_too_large', detail: `more than ${maxBodyBytes} bytes` };
    return bytes;
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > maxBodyBytes) {
        reader.cancel().catch(() => {});
        throw { code: 'payload_too_large', detail: `more than ${maxBodyBytes} bytes` };
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error && error.code === 'payload_too_large') throw error;
    throw { code: 'body_unreadable', detail: error instanceof Error ? error.message : 'the stream failed' };
  } finally {
    reader.releaseLock?.();
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function cancel(stream) {
  if (stream && !stream.locked) stream.cancel().catch(() => {});
}

/** The secrets as an array, from `secret` or `secrets`. */
function secretsOf(options, where) {
  const { secret, secrets } = options;
  if (secret !== undefined && secrets !== undefined) throw optionError('pass either secret or secrets, not both');
  const list = secrets !== undefined ? secrets : secret === undefined ? [] : [secret];
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw optionError(`secret must be a string (the whsec_… value) and secrets an array of them, got ${describe(secret ?? secrets)}`);
  }
  if (list.length === 0) {
    throw new WebhookVerificationError(
      'invalid_secret',
      500,
      `invalid secret: no secret was given to ${where}. On Workers set the ${SECRET_BINDING} secret ` +
        `(npx wrangler secret put ${SECRET_BINDING}) and pass env.${SECRET_BINDING}`,
    );
  }
  return list;
}

// Secrets never leave this module; the key joins them with a character that
// cannot start or end a valid secret (whitespace is refused there).
const cacheKey = (secrets, tolerance) => `${tolerance ?? ''}\n${secrets.join('\n')}`;

/** A Map that keeps its `CACHE_SIZE` newest entries. */
function remember(map, key, make) {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    if (map.size >= CACHE_SIZE) map.delete(map.keys().next().value);
    map.set(key, value);
  }
  return value;
}

const webhooks = new Map();
const webhookFor = (secrets, tolerance) =>
  remember(webhooks, cacheKey(secrets, tolerance), () => new Webhook(secrets, tolerance === undefined ? undefined : { tolerance }));

const encoder = new TextEncoder();
const hostKeys = new Map();

/**
 * Whether WebCrypto computes the MACs of `body`: a large body with a header to
 * check (without one the core refuses before any HMAC). Checked before any
 * `await`, so small bodies skip a tick.
 */
const wantsWebCrypto = (body, signature) => subtle !== undefined && body.byteLength >= WEBCRYPTO_MIN_BYTES && signature !== null;

/**
 * The MACs of `body`, one per secret, concatenated, from WebCrypto; or
 * undefined when WebCrypto failed (the Wasm HMAC then computes them: the
 * outcome is the same).
 */
async function webCryptoMacs(secrets, body) {
  try {
    const keys = await remember(hostKeys, cacheKey(secrets), () =>
      Promise.all(secrets.map((s) => subtle.importKey('raw', encoder.encode(s), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']))),
    );
    const macs = new Uint8Array(32 * keys.length);
    const each = await Promise.all(keys.map((key) => subtle.sign('HMAC', key, body)));
    each.forEach((mac, i) => macs.set(new Uint8Array(mac), 32 * i));
    return macs;
  } catch {
    hostKeys.delete(cacheKey(secrets));
    return undefined;
  }
}

/** Bodies whose WebCrypto MACs the handler computed, for the next `verify` of that very body. */
const pendingMacs = new WeakMap();

/** The Webhook handler.js builds for the handler factory: it picks up the MACs computed for a body. */
class FetchWebhook extends Webhook {
  verify(body, signature, options) {
    const macs = pendingMacs.get(body);
    return super.verify(body, signature, macs === undefined ? options : { ...options, [HOST_MACS]: macs });
  }
}

const VERIFY_OPTIONS = new Set(['secret', 'secrets', 'tolerance', 'maxBodyBytes', 'now']);

/**
 * Verifies a GeckoGuard delivery from a Fetch `Request` and returns the event.
 *
 * Reads the body (at most `maxBodyBytes`), then checks the signature, the
 * payload and, if `tolerance` is set, the replay window. The verifier built
 * for a secret is kept, so calling this per request with `env.…` is cheap.
 *
 * @param {Request} request the incoming request; its body is read here
 * @param {object} options
 * @param {string} [options.secret] the endpoint secret (`whsec_…`), e.g. `env.GECKOGUARD_WEBHOOK_SECRET`
 * @param {string[]} [options.secrets] several secrets while rotating, instead of `secret`
 * @param {number} [options.tolerance] replay window in seconds (default: none)
 * @param {number} [options.maxBodyBytes] default 1 MiB; a larger body is `payload_too_large` (413)
 * @param {Date|number} [options.now] the clock for the replay window, for tests
 * @returns {Promise<object>} the event: `{ event, data, timestamp, idempotencyKey }`
 * @throws {WebhookVerificationError} with `.code` and `.status`: 405 `method_not_allowed`,
 *   413 `payload_too_large`, 401 signature codes, 400 payload codes, 500 `invalid_secret`
 *
 * @example
 * export default {
 *   async fetch(request, env) {
 *     try {
 *       const event = await verifyRequest(request, { secret: env.GECKOGUARD_WEBHOOK_SECRET });
 *       return new Response('OK');
 *     } catch (error) {
 *       return new Response(error.status === 401 ? 'Invalid signature' : 'Bad request', { status: error.status ?? 500 });
 *     }
 *   },
 * };
 */
export async function verifyRequest(request, options) {
  if (!isRequest(request)) throw optionError(`verifyRequest(request, options): request must be a Fetch Request, got ${describe(request)}`);
  if (typeof options !== 'object' || options === null) {
    throw optionError('verifyRequest(request, options): options must be an object, e.g. { secret: env.GECKOGUARD_WEBHOOK_SECRET }');
  }
  for (const name of Object.keys(options)) {
    if (!VERIFY_OPTIONS.has(name)) throw optionError(`unknown option ${JSON.stringify(name)} (known: ${[...VERIFY_OPTIONS].join(', ')})`);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw optionError(`maxBodyBytes must be a positive integer, got ${describe(maxBodyBytes)}`);
  }
  const secrets = secretsOf(options, 'verifyRequest');
  const webhook = webhookFor(secrets, options.tolerance);
  if (request.method !== 'POST') {
    cancel(request.body);
    throw new WebhookVerificationError('method_not_allowed', 405, `method not allowed: GeckoGuard delivers with POST, got ${request.method.slice(0, 16)}`);
  }
  let body;
  try {
    body = await readBody(request, maxBodyBytes);
  } catch (failure) {
    const status = { payload_too_large: 413, body_unreadable: 400 }[failure.code] ?? 500;
    throw new WebhookVerificationError(failure.code, status, `${failure.code.replaceAll('_', ' ')}: ${failure.detail}`);
  }
  const verifyOptions = options.now === undefined ? {} : { now: options.now };
  const signature = request.headers.get(SIGNATURE_HEADER);
  if (wantsWebCrypto(body, signature)) {
    const macs = await webCryptoMacs(secrets, body);
    if (macs !== undefined) verifyOptions[HOST_MACS] = macs;
  }
  return webhook.verify(body, signature, verifyOptions);
}

function isRequest(value) {
  return value !== null && typeof value === 'object' && typeof value.method === 'string' && typeof value.headers?.get === 'function';
}

/**
 * Makes a Fetch handler, `(request, env?, ctx?) => Promise<Response>`, that
 * verifies each delivery and runs your handlers for its event: the same
 * options, routing, deadline and deduplication as the Express adapter.
 *
 * Answers: 200 when the handlers finished; 202 when they are still running at
 * `deadlineMs`, or at once with `background: true` (they go on, kept alive
 * with `ctx.waitUntil` on Workers); 401
 * `Invalid signature` (no detail); 400 invalid payload; 405 for other methods;
 * 413 over `maxBodyBytes`; 500 when a handler throws (GeckoGuard retries) or
 * the secret is missing. Details go to `onError` and `log`, never the secret.
 *
 * @param {object} [options]
 * @param {string} [options.secret] the endpoint secret (given but unset: throws now); left out,
 *   it is read per request from `env[secretBinding]` (Workers), else `process.env` or `Deno.env`
 * @param {string[]} [options.secrets] several secrets while rotating
 * @param {string|string[]} [options.secretBinding] default `GECKOGUARD_WEBHOOK_SECRET`;
 *   several names while rotating (the ones not set are skipped)
 * @param {number} [options.tolerance] replay window in seconds (default: none)
 * @param {number} [options.maxBodyBytes] default 1 MiB (413 above)
 * @param {number} [options.deadlineMs] default 8000: answer 202 if handlers take longer
 * @param {boolean} [options.background] default false; true answers 202 as soon as the delivery
 *   is verified and runs the handlers after the answer (`ctx.waitUntil` on Workers: pass `ctx`).
 *   A handler that fails then cannot make GeckoGuard retry: it reaches `onError` only
 * @param {true|object} [options.dedupe] process each idempotency key once
 *   (`true`: in memory, per isolate; `{ store, ttlMs, lockTtlMs }` for a shared store)
 * @param {Function} [options.onError] `(error, context)` for every refused delivery and failed handler
 * @param {Function|false} [options.log] `(entry)`; default: warnings and errors to the console
 * @returns the handler, with `on(name, fn)`, `onAny(fn)` and `onError(fn)`
 *
 * @example
 * const webhooks = geckoguard();
 * webhooks.on('license.revoked', async (event) => revoke(event.data.licenseId));
 * export default { fetch: webhooks };
 */
export function geckoguard(options = {}) {
  if (typeof options !== 'object' || options === null) {
    throw optionError('geckoguard(options): options must be an object, e.g. { secret: Deno.env.get("GECKOGUARD_WEBHOOK_SECRET") }');
  }
  const { secretBinding = SECRET_BINDING, background = false, ...shared } = options;
  if (typeof background !== 'boolean') throw optionError(`background must be true or false, got ${describe(background)}`);
  const bindings = Array.isArray(secretBinding) ? secretBinding : [secretBinding];
  if (bindings.length === 0 || !bindings.every((name) => typeof name === 'string' && name !== '')) {
    throw optionError(`secretBinding must name an environment binding, or several while rotating, got ${describe(secretBinding)}`);
  }
  // `secret: process.env.X` with X unset is a configuration error, thrown now
  // by the shared handler as in Express; leave both out to read the binding.
  const fixed = 'secret' in shared || 'secrets' in shared;

  // One in-memory dedupe store for every secret the bindings may hold.
  if (shared.dedupe === true || (typeof shared.dedupe === 'object' && shared.dedupe !== null && shared.dedupe.store === undefined)) {
    shared.dedupe = { ...(shared.dedupe === true ? {} : shared.dedupe), store: createMemoryStore() };
  }

  const registrations = [];
  const build = (secrets) => {
    const core = createWebhookHandler(secrets ? { ...shared, secrets } : shared, { Webhook: FetchWebhook });
    for (const [method, args] of registrations) core[method](...args);
    return core;
  };
  // Wrong options throw now, not on the first request: checked with the
  // secret when it is given, else with a stand-in never used to verify.
  const checked = build(fixed ? undefined : ['whsec_stand_in_for_the_options_check']);
  const fixedSecrets = fixed ? secretsOf(shared, 'geckoguard') : undefined;
  const cores = new Map(); // secrets from the environment -> handler
  const coreFor = (secrets) => {
    const key = cacheKey(secrets);
    let core = cores.get(key);
    if (core === undefined) {
      core = build(secrets); // throws the core's invalid_secret for a bad binding
      if (cores.size >= CACHE_SIZE) cores.delete(cores.keys().next().value);
      cores.set(key, core);
    }
    return core;
  };

  function secretsFromEnv(env) {
    const read = (name) => {
      const fromEnv = env !== null && typeof env === 'object' ? env[name] : undefined;
      if (fromEnv !== undefined) return fromEnv;
      try {
        return globalThis.process?.env?.[name] ?? globalThis.Deno?.env?.get(name);
      } catch {
        return undefined; // Deno without --allow-env
      }
    };
    return bindings.map(read).filter((value) => value !== undefined && value !== '');
  }

  async function handle(request, env, ctx) {
    if (!isRequest(request)) {
      throw optionError(`the handler takes a Fetch Request (in Hono: c.req.raw), got ${describe(request)}`);
    }
    let core = checked;
    let secrets = fixedSecrets;
    if (!fixed) {
      secrets = secretsFromEnv(env);
      const problem =
        secrets.length === 0
          ? `no webhook secret: set the ${bindings[0]} binding (npx wrangler secret put ${bindings[0]}) or environment variable, or pass { secret }`
          : secrets.some((s) => typeof s !== 'string')
            ? `the ${bindings.join(' / ')} binding is not a string`
            : null;
      try {
        if (problem === null) core = coreFor(secrets);
      } catch (error) {
        configurationError(`the ${bindings.join(' / ')} binding holds an invalid secret: ${error?.message ?? error}`);
        return respond({ status: 500, body: 'Internal Server Error', headers: {} });
      }
      if (problem !== null) {
        configurationError(problem);
        return respond({ status: 500, body: 'Internal Server Error', headers: {} });
      }
    }
    const waitUntil = ctx !== null && typeof ctx?.waitUntil === 'function' ? (promise) => ctx.waitUntil(promise) : undefined;
    if (request.method !== 'POST') {
      cancel(request.body);
      return respond(await core.process({ method: request.method, body: '', signature: null, waitUntil }));
    }
    let body;
    try {
      body = await readBody(request, core.maxBodyBytes);
    } catch (failure) {
      return respond(core.reject(failure.code, failure.detail));
    }
    const signature = request.headers.get(SIGNATURE_HEADER);
    if (wantsWebCrypto(body, signature)) {
      const macs = await webCryptoMacs(secrets, body);
      if (macs !== undefined) pendingMacs.set(body, macs);
    }
    return respond(await core.process({ method: 'POST', body, signature, waitUntil, background }));
  }

  /** A server misconfiguration: to onError and the console, never to the caller. */
  function configurationError(message) {
    const error = new WebhookVerificationError('invalid_secret', 500, `${PACKAGE} ${message}; answered 500`);
    console.error(error.message);
    try {
      shared.onError?.(error, { code: error.code, status: 500 });
    } catch {
      // A broken hook must not turn a delivery into a crash.
    }
  }

  for (const method of ['on', 'onAny', 'onError']) {
    handle[method] = (...args) => {
      checked[method](...args); // checks the arguments: throws now when they are wrong
      registrations.push([method, args]);
      for (const core of cores.values()) core[method](...args);
      return handle;
    };
  }
  return handle;
}

function respond({ status, body, headers }) {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

export { createMemoryStore, WebhookRequestError, WebhookVerificationError };
