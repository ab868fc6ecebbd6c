// Types of handler.js: the adapter-independent part of every framework adapter.
import type { KnownEventName, KnownWebhookEvent, WebhookEvent, WebhookBody } from './index.js';

/** The event a handler registered for `E` receives. */
export type EventOf<E extends string> = E extends KnownEventName ? Extract<KnownWebhookEvent, { event: E }> : WebhookEvent;

/** A handler: sync or async. A throw or a rejection fails the delivery (500). */
export type EventHandler<E extends WebhookEvent = WebhookEvent> = (event: E) => unknown;

/** What an adapter-level failure is reported as; `code` and `status` like `WebhookVerificationError`. */
export declare class WebhookRequestError extends Error {
  readonly name: 'WebhookRequestError';
  readonly code: RejectionCode;
  readonly status: 400 | 405 | 408 | 413 | 500;
}

/** Problems an adapter finds before verification. */
export type RejectionCode = 'method_not_allowed' | 'payload_too_large' | 'body_timeout' | 'body_unreadable' | 'body_already_parsed' | 'body_not_raw';

/** Every `context.code` an error hook can see. */
export type FailureCode =
  | RejectionCode
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'invalid_payload'
  | 'timestamp_out_of_tolerance'
  | 'handler_failed'
  | 'dedupe_store_failed'
  | (string & {});

export interface FailureContext {
  /** Stable: `invalid_signature`, `handler_failed`, `payload_too_large`, … */
  code: FailureCode;
  /** The status answered (or, after a 202, the one that would have been). */
  status: number;
  /** The verified event, when the failure came after verification. */
  event?: WebhookEvent;
}

/** Gets every refused or failed delivery with its details (never a secret). May be async. */
export type ErrorHook = (error: unknown, context: FailureContext) => unknown;

/** One log line, structured. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  code?: FailureCode;
  status: number;
  event?: string;
  idempotencyKey?: string;
}

/** Dedupe state of one idempotency key. */
export type DedupeState = 'claimed' | 'processing' | 'done';

/**
 * A shared store for dedupe. `claim` must be atomic: if `key` is unknown, mark
 * it `processing` for `lockTtlMs` and return `'claimed'`; else return its state.
 */
export interface DedupeStore {
  claim(key: string, lockTtlMs: number): DedupeState | Promise<DedupeState>;
  /** Marks `key` processed for `ttlMs`. */
  complete(key: string, ttlMs: number): unknown;
  /** Forgets `key` if it is still `processing` (a handler failed: the retry must run). */
  release(key: string): unknown;
}

export interface DedupeOptions {
  /** Default: an in-memory store (one process). Use `createRedisStore(client)` with several instances. */
  store?: DedupeStore;
  /** How long a processed key is remembered, in ms. Default 24 h. */
  ttlMs?: number;
  /** How long a key stays `processing` if the process dies mid-handler, in ms. Default 2 min. */
  lockTtlMs?: number;
}

export interface WebhookHandlerOptions {
  /**
   * The endpoint secret, `whsec_…`, exactly as the dashboard shows it. `undefined`
   * (an unset environment variable) type-checks and throws a clear error at startup.
   */
  secret?: string | undefined;
  /** Several secrets while rotating: a delivery signed with any of them is accepted. */
  secrets?: readonly string[] | undefined;
  /** Replay window in seconds. Default: off (GeckoGuard may retry the same body later). */
  tolerance?: number;
  /** Largest body accepted, in bytes; a larger one is answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The whole body must arrive within this many ms of the adapter starting to
   * read it, or the answer is 408 and the connection is closed; a partial body
   * is never verified. Applies where the adapter reads the body itself (Express
   * with no body parser before it). Default 10000, GeckoGuard's own delivery timeout.
   */
  bodyTimeoutMs?: number;
  /** Answer 202 if the handlers are still running after this many ms (they go on). Default 8000. */
  deadlineMs?: number;
  /** Process each idempotency key once: `true` for an in-memory store, or options. Default off. */
  dedupe?: boolean | DedupeOptions;
  /** Every refused or failed delivery, with details. */
  onError?: ErrorHook;
  /** Where log lines go; `false` for nowhere. Default: warnings and errors to the console. */
  log?: false | ((entry: LogEntry) => void);
  /** The clock for the replay window, in epoch ms. Default `Date.now`. For tests. */
  now?: () => number;
}

/** What the adapter sends: `body` is short text, `headers` extra headers. */
export interface HandlerResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  event?: WebhookEvent;
}

export interface HandlerRequest {
  /** The HTTP method; anything but POST is answered 405. Leave it out when the framework already routed POST. */
  method?: string;
  /** The raw body, exactly as received. A string is taken as UTF-8. */
  body: Uint8Array | string;
  /** The `X-GeckoGuard-Signature` header value; `undefined`/`null` when absent. */
  signature: string | readonly string[] | null | undefined;
  /** Keeps the handlers alive after a 202, where the runtime needs it (Workers' `ctx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Answer 202 once verified and let the handlers go on (through `waitUntil` where given). */
  background?: boolean;
}

export interface WebhookHandler {
  readonly maxBodyBytes: number;
  readonly bodyTimeoutMs: number;
  readonly deadlineMs: number;
  readonly dedupes: boolean;
  /** True once `on` or `onAny` was called. */
  readonly hasHandlers: boolean;
  on<E extends KnownEventName>(name: E | readonly E[], handler: EventHandler<EventOf<E>>): this;
  on(name: string | readonly string[], handler: EventHandler): this;
  onAny(handler: EventHandler): this;
  onError(handler: ErrorHook): this;
  process(request: HandlerRequest): Promise<HandlerResult>;
  verify(request: HandlerRequest): HandlerResult;
  claim(event: WebhookEvent): Promise<HandlerResult | null>;
  settle(event: WebhookEvent, ok: boolean): Promise<void>;
  reject(code: RejectionCode, detail?: string): HandlerResult;
}

export declare const DEFAULT_MAX_BODY_BYTES: number;
export declare const DEFAULT_DEADLINE_MS: number;
export declare const DEFAULT_DEDUPE_TTL_MS: number;
export declare const DEFAULT_DEDUPE_LOCK_TTL_MS: number;

export declare function createWebhookHandler(
  options: WebhookHandlerOptions,
  core: { Webhook: new (secretOrSecrets: string | readonly string[], options?: { tolerance?: number }) => { verify(body: WebhookBody, signature: string, options?: { now?: number }): WebhookEvent } },
): WebhookHandler;

/** An in-memory dedupe store with a TTL per key, for one process. */
export declare function createMemoryStore(options?: { now?: () => number }): DedupeStore & { readonly size: number };

/**
 * A dedupe store in Redis, shared by every instance. Pass a connected node-redis
 * (`createClient()`) or ioredis client; the package depends on neither.
 */
export declare function createRedisStore(
  client: { sendCommand(args: string[]): Promise<unknown> } | { call(...args: string[]): Promise<unknown> },
  options?: { prefix?: string },
): DedupeStore;
