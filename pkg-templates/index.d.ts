// Type declarations of @geckoguard/webhooks (every entry point has the same API).

/** The raw request body, exactly as received. Bytes are safest: a string is hashed as its UTF-8 encoding. */
export type WebhookBody = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** The value of the `X-GeckoGuard-Signature` header; `undefined`/`null` when it is absent. */
export type SignatureHeader = string | readonly string[] | null | undefined;

/** The codes of the Rust core, shared by every runtime. */
export type CoreErrorCode =
  | 'missing_signature'
  | 'malformed_signature'
  | 'invalid_signature'
  | 'invalid_payload'
  | 'timestamp_out_of_tolerance'
  | 'invalid_secret';

/** The codes only JavaScript can raise: arguments of the wrong type or size. */
export type JsErrorCode = 'body_already_parsed' | 'invalid_argument' | 'payload_too_large';

export type WebhookErrorCode = CoreErrorCode | JsErrorCode;

/** Thrown by every failed check, with a stable code and the HTTP status to answer with. */
export declare class WebhookVerificationError extends Error {
  readonly name: 'WebhookVerificationError';
  /** Stable, machine-readable: `invalid_signature`, `invalid_payload`, … */
  readonly code: WebhookErrorCode;
  /** 401 for signature problems, 400 for payload problems, 413 for a body over 256 MiB, 500 for a misconfiguration. */
  readonly status: 400 | 401 | 413 | 500;
}

/** The data of `license.authorized`, the one event the GeckoGuard docs describe field by field. */
export interface LicenseAuthorizedData {
  licenseId: string;
  productId: string;
  wasActivated: boolean;
  effectiveExpiresAt: string | null;
  [field: string]: unknown;
}

/** The data of the other `license.*` events: their likely identifiers (not documented by GeckoGuard). */
export interface LicenseData {
  licenseId?: string;
  productId?: string;
  [field: string]: unknown;
}

/** The data of the `api_key.*` events: their likely identifiers (not documented by GeckoGuard). */
export interface ApiKeyData {
  apiKeyId?: string;
  productId?: string;
  [field: string]: unknown;
}

/** The data of the `team.*` events: their likely identifiers (not documented by GeckoGuard). */
export interface TeamMemberData {
  teamId?: string;
  userId?: string;
  email?: string;
  [field: string]: unknown;
}

/** Event name → shape of its `data`. */
export interface EventDataMap {
  'license.created': LicenseData;
  'license.revoked': LicenseData;
  'license.unrevoked': LicenseData;
  'license.expired': LicenseData;
  'license.authorized': LicenseAuthorizedData;
  'license.authorization_denied': LicenseData;
  'license.hwid_reset': LicenseData;
  'license.ip_reset': LicenseData;
  'license.frozen': LicenseData;
  'license.unfrozen': LicenseData;
  'api_key.created': ApiKeyData;
  'api_key.revoked': ApiKeyData;
  'api_key.rotated': ApiKeyData;
  'team.member_added': TeamMemberData;
  'team.member_removed': TeamMemberData;
  'test.ping': Record<string, unknown>;
}

/** Every event name the SDK knows. */
export type KnownEventName = keyof EventDataMap;

interface DeliveryFields {
  /** The signed `timestamp`, as sent (RFC 3339 from GeckoGuard). */
  timestamp: string;
  /** The same for every retry of this delivery, different for any other: process each key once. */
  idempotencyKey: string;
}

/** A verified delivery of a known event. */
export type KnownWebhookEvent = {
  [E in KnownEventName]: { event: E; data: EventDataMap[E] } & DeliveryFields;
}[KnownEventName];

/**
 * The data of an event this version does not know yet: anything, with the
 * identifiers of the known events typed where present. (TypeScript cannot
 * remove an open `string` from a union when you compare `event` with a known
 * name, so this shape stays beside the known one after
 * `if (e.event === 'license.authorized')`: typing its fields keeps
 * `e.data.wasActivated` a `boolean | undefined` there instead of `unknown`.)
 */
export interface UnknownEventData {
  licenseId?: string;
  productId?: string;
  wasActivated?: boolean;
  effectiveExpiresAt?: string | null;
  apiKeyId?: string;
  teamId?: string;
  userId?: string;
  email?: string;
  [field: string]: unknown;
}

/**
 * A verified delivery of an event this version does not know yet. `event` is a
 * plain `string` on purpose: with `string & {}` TypeScript stops narrowing the
 * union on `event` at all.
 */
export type UnknownWebhookEvent = { event: string; data: UnknownEventData } & DeliveryFields;

/** What `verify` returns: narrow it on `event`. */
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

export interface WebhookOptions {
  /**
   * Replay window in seconds: refuse events whose signed timestamp is further
   * than this from now, either way (`timestamp_out_of_tolerance`). Off by default:
   * GeckoGuard may retry the same signed body later; use `idempotencyKey` against duplicates.
   */
  tolerance?: number;
}

export interface VerifyOptions {
  /** The current time, for tests: a Date or epoch milliseconds. Default: `Date.now()`. */
  now?: Date | number;
}

/** Verifies GeckoGuard webhooks signed with one secret, or with any of several while rotating. */
export declare class Webhook {
  /**
   * @param secretOrSecrets the endpoint secret exactly as the dashboard shows it (`whsec_…`), or several while rotating
   * @throws WebhookVerificationError `invalid_secret` when there is none, or one is empty or surrounded by whitespace
   */
  constructor(secretOrSecrets: string | readonly string[], options?: WebhookOptions);
  /**
   * Checks the signature, then the payload (and the replay window, if set), and returns the event.
   * @param body the raw request body exactly as received (bytes are safest)
   * @param signatureHeader the `X-GeckoGuard-Signature` header value
   * @throws WebhookVerificationError
   */
  verify(body: WebhookBody, signatureHeader: SignatureHeader, options?: VerifyOptions): WebhookEvent;
  /**
   * Checks the signature only. Returns `true`, or throws.
   * @throws WebhookVerificationError
   */
  verifySignature(body: WebhookBody, signatureHeader: SignatureHeader): true;
}

/**
 * The `X-GeckoGuard-Signature` value GeckoGuard would send for `body`: lowercase hex
 * HMAC-SHA256 keyed with the secret's bytes (a string is taken as UTF-8). For tests.
 */
export declare function sign(secret: string | Uint8Array | ArrayBuffer, body: WebhookBody): string;
