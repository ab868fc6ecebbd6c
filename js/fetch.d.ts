// Types of @geckoguard/webhooks/fetch: Cloudflare Workers, Deno, Bun, Next.js route handlers, Hono.
import type { KnownEventName, WebhookEvent } from './index.js';
import type { ErrorHook, EventHandler, EventOf, WebhookHandlerOptions } from './handler.js';

export type {
  DedupeOptions,
  DedupeState,
  DedupeStore,
  ErrorHook,
  EventHandler,
  EventOf,
  FailureCode,
  FailureContext,
  LogEntry,
  RejectionCode,
} from './handler.js';
export { createMemoryStore, WebhookRequestError } from './handler.js';
export { WebhookVerificationError } from './index.js';
export type { WebhookEvent, KnownWebhookEvent, KnownEventName, EventDataMap } from './index.js';

/** `GECKOGUARD_WEBHOOK_SECRET`: the binding (or environment variable) the handler reads the secret from by default. */
export declare const SECRET_BINDING: 'GECKOGUARD_WEBHOOK_SECRET';

/** Options of {@link verifyRequest}: `secret` or `secrets` is required. */
export interface VerifyRequestOptions {
  /** The endpoint secret, `whsec_…`, e.g. `env.GECKOGUARD_WEBHOOK_SECRET`. Unset: `invalid_secret` (500). */
  secret?: string | undefined;
  /** Several secrets while rotating: a delivery signed with any of them is accepted. */
  secrets?: readonly string[];
  /** Replay window in seconds. Default: off (GeckoGuard may retry the same body later). */
  tolerance?: number;
  /** Largest body accepted, in bytes: `payload_too_large` (413) above. Default 1 MiB. */
  maxBodyBytes?: number;
  /** The clock for the replay window, for tests: a Date or epoch milliseconds. */
  now?: Date | number;
}

/**
 * Verifies a GeckoGuard delivery from a Fetch `Request` (reading its body, at
 * most `maxBodyBytes`) and resolves with the typed event. Rejects with a
 * `WebhookVerificationError` whose `status` is the answer to send: 405
 * `method_not_allowed`, 413 `payload_too_large`, 401 for signature problems,
 * 400 for payload problems, 500 for a missing or invalid secret.
 *
 * @example
 * const event = await verifyRequest(request, { secret: env.GECKOGUARD_WEBHOOK_SECRET });
 * if (event.event === 'license.revoked') await revoke(event.data.licenseId);
 */
export declare function verifyRequest(request: Request, options: VerifyRequestOptions): Promise<WebhookEvent>;

/** Options of {@link geckoguard}: those of the Express adapter, plus where the secret comes from. */
export interface FetchHandlerOptions extends Omit<WebhookHandlerOptions, 'bodyTimeoutMs'> {
  /**
   * Where the secret is read per request when neither `secret` nor `secrets` is
   * among the options (one given but `undefined` throws at once, as in Express):
   * `env[secretBinding]` (Workers), else `process.env` or `Deno.env`. Several
   * names while rotating. Default `GECKOGUARD_WEBHOOK_SECRET`.
   */
  secretBinding?: string | readonly string[];
  /**
   * Answer 202 as soon as the delivery is verified and run the handlers after
   * the answer (`ctx.waitUntil` on Workers: pass `ctx`). A handler that fails
   * then reaches `onError` but cannot make GeckoGuard retry. Default false.
   */
  background?: boolean;
}

/** What Workers pass as the third argument of `fetch`. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** The Fetch handler, with routing methods. */
export interface FetchWebhookHandler {
  (request: Request, env?: object | undefined, ctx?: WaitUntilContext | undefined): Promise<Response>;
  /** Runs `handler` for this event (or these events), typed by name. */
  on<E extends KnownEventName>(name: E | readonly E[], handler: EventHandler<EventOf<E>>): this;
  on(name: string | readonly string[], handler: EventHandler): this;
  /** Runs `handler` for every verified event. */
  onAny(handler: EventHandler): this;
  /** Gets every refused or failed delivery, with details (never a secret). */
  onError(handler: ErrorHook): this;
}

/**
 * A Fetch handler, `(request, env?, ctx?) => Promise<Response>`, that verifies
 * each delivery and runs your handlers: 200 when they finished, 202 past
 * `deadlineMs` (or at once with `background`), 401 `Invalid signature`, 400,
 * 405, 413, 500 when a handler throws. Throws at once on a wrong configuration.
 *
 * @example
 * const webhooks = geckoguard();
 * webhooks.on('license.revoked', async (event) => revoke(event.data.licenseId));
 * export default { fetch: (request, env, ctx) => webhooks(request, env, ctx) };
 */
export declare function geckoguard(options?: FetchHandlerOptions): FetchWebhookHandler;
