// Type tests for the package's declarations (`tsc -p tests/js/types`): every
// `@ts-expect-error` line must be an error, every other line must type-check.
import { sign, Webhook, WebhookVerificationError } from '@geckoguard/webhooks';
import type { KnownWebhookEvent, WebhookEvent, WebhookErrorCode } from '@geckoguard/webhooks';

const webhook = new Webhook('whsec_x', { tolerance: 300 });
new Webhook(['whsec_old', 'whsec_new']);
// @ts-expect-error a secret is a string
new Webhook(42);
// @ts-expect-error tolerance is a number of seconds
new Webhook('whsec_x', { tolerance: '300' });

const e = webhook.verify(new Uint8Array(), 'sig', { now: new Date() });
webhook.verify('{}', undefined, { now: 1_736_937_000_000 });
webhook.verify(new ArrayBuffer(0), ['a', 'b']);
// @ts-expect-error a parsed body is not a body
webhook.verify({ event: 'x' }, 'sig');
// @ts-expect-error now is a Date or a number
webhook.verify('{}', 'sig', { now: '2025-01-15' });

const key: string = e.idempotencyKey;
const timestamp: string = e.timestamp;

if (e.event === 'license.authorized') {
  // `| undefined`: the unknown-event shape stays in the union (see UnknownEventData).
  const activated: boolean | undefined = e.data.wasActivated;
  const expires: string | null | undefined = e.data.effectiveExpiresAt;
  const licenseId: string | undefined = e.data.licenseId;
  if (e.data.wasActivated) console.log('first activation');
  // @ts-expect-error wasActivated is a boolean
  const wrong: string = e.data.wasActivated;
  // @ts-expect-error effectiveExpiresAt is a string or null
  const expiresNumber: number | undefined = e.data.effectiveExpiresAt;
  void [activated, expires, licenseId, wrong, expiresNumber];
}

// With a known event in hand (e.g. from a switch on a KnownWebhookEvent), data is exact.
declare const known: KnownWebhookEvent;
if (known.event === 'license.authorized') {
  const activated: boolean = known.data.wasActivated;
  const expires: string | null = known.data.effectiveExpiresAt;
  void [activated, expires];
}

if (e.event === 'license.revoked') {
  const licenseId: string | undefined = e.data.licenseId;
  // @ts-expect-error licenseId is a string
  const licenseNumber: number | undefined = e.data.licenseId;
  void [licenseId, licenseNumber];
}

if (e.event === 'api_key.rotated') {
  const apiKeyId: string | undefined = e.data.apiKeyId;
  void apiKeyId;
}

if (e.event === 'team.member_added') {
  const email: string | undefined = e.data.email;
  const other: unknown = e.data.role;
  void [email, other];
}

// An event this version does not know still type-checks, with untyped data.
if (e.event === 'invoice.paid') {
  const data: Record<string, unknown> = e.data;
  void data;
}

function handle(event: WebhookEvent): string {
  switch (event.event) {
    case 'license.authorized':
      return event.data.wasActivated ? 'activated' : 'validated';
    case 'test.ping':
      return 'ping';
    default:
      return event.event;
  }
}
void handle(e);

try {
  webhook.verifySignature(new Uint8Array(), 'sig');
} catch (error) {
  if (error instanceof WebhookVerificationError) {
    const code: WebhookErrorCode = error.code;
    const status: 400 | 401 | 413 | 500 = error.status;
    // @ts-expect-error codes are a closed set
    const bad: typeof error.code = 'nope';
    void [code, status, bad];
  }
}

const signature: string = sign(new Uint8Array([1, 2]), '{}');
sign('whsec_x', new Uint8Array());
// @ts-expect-error sign needs a body
sign('whsec_x');
void [key, timestamp, signature];
