// Types of @geckoguard/webhooks/express (Express 4 and 5).
import type { IncomingMessage, ServerResponse } from 'node:http';
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
export { createMemoryStore, createRedisStore, WebhookRequestError } from './handler.js';
export { WebhookVerificationError } from './index.js';
export type { WebhookEvent, KnownWebhookEvent, KnownEventName, EventDataMap } from './index.js';

/** Options of {@link geckoguard}. `secret` or `secrets` is required. */
export interface GeckoGuardOptions extends WebhookHandlerOptions {}

/**
 * The middleware, with routing methods. Without handlers it verifies, sets
 * `req.geckoguard` and calls `next()`; after `on`/`onAny` it answers itself.
 */
export interface GeckoGuardMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  /** Runs `handler` for this event (or these events), typed by name. */
  on<E extends KnownEventName>(name: E | readonly E[], handler: EventHandler<EventOf<E>>): this;
  on(name: string | readonly string[], handler: EventHandler): this;
  /** Runs `handler` for every verified event. */
  onAny(handler: EventHandler): this;
  /** Gets every refused or failed delivery, with details (never a secret). */
  onError(handler: ErrorHook): this;
}

/**
 * Express middleware that verifies GeckoGuard webhooks: reads the raw body
 * whatever body parser ran before it, checks the signature and the payload,
 * answers 401 `Invalid signature` / 400 / 413 itself, and puts the typed event
 * on `req.geckoguard`. Throws at once on a wrong configuration.
 *
 * @example
 * app.post('/webhooks/geckoguard', geckoguard({ secret: process.env.GECKOGUARD_WEBHOOK_SECRET }), (req, res) => {
 *   console.log(req.geckoguard.event);
 *   res.sendStatus(200);
 * });
 */
export declare function geckoguard(options: GeckoGuardOptions): GeckoGuardMiddleware;

declare global {
  namespace Express {
    interface Request {
      /**
       * The verified GeckoGuard event, set by the `geckoguard()` middleware
       * before your route handler runs. Absent on routes without it.
       */
      geckoguard: WebhookEvent;
    }
  }
}
