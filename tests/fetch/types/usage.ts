// Type tests for @geckoguard/webhooks/fetch (`tsc -p tests/fetch/types`):
// every `@ts-expect-error` line must be an error, every other line must type-check.
import { geckoguard, verifyRequest, SECRET_BINDING, WebhookVerificationError, createMemoryStore } from '@geckoguard/webhooks/fetch';
import type { FetchWebhookHandler, WebhookEvent, FailureContext } from '@geckoguard/webhooks/fetch';

interface Env {
  GECKOGUARD_WEBHOOK_SECRET: string;
}
interface Ctx {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

// The Worker of the README.
export default {
  async fetch(request: Request, env: Env, ctx: Ctx): Promise<Response> {
    try {
      const event = await verifyRequest(request, { secret: env.GECKOGUARD_WEBHOOK_SECRET });
      if (event.event === 'license.authorized') {
        const activated: boolean | undefined = event.data.wasActivated;
        const id: string | undefined = event.data.licenseId;
      }
      const key: string = event.idempotencyKey;
      return new Response('OK');
    } catch (error) {
      if (error instanceof WebhookVerificationError) return new Response(error.code, { status: error.status });
      throw error;
    }
  },
};

// An unset environment variable type-checks (and is a clear 500 at run time).
declare const maybe: string | undefined;
verifyRequest(new Request('https://x'), { secret: maybe, tolerance: 300, maxBodyBytes: 65536, now: new Date() });
verifyRequest(new Request('https://x'), { secrets: ['whsec_old', 'whsec_new'] });
// @ts-expect-error options are required
verifyRequest(new Request('https://x'));
// @ts-expect-error a Request, not a string
verifyRequest('https://x', { secret: 'whsec_x' });

// The handler factory: routing typed per event.
const webhooks: FetchWebhookHandler = geckoguard({ deadlineMs: 5000, dedupe: true, background: false });
webhooks.on('license.revoked', async (event) => {
  const id: string | undefined = event.data.licenseId;
});
webhooks.on(['api_key.created', 'api_key.rotated'], (event) => {
  const id: string | undefined = event.data.apiKeyId;
});
webhooks.on('invoice.paid', (event: WebhookEvent) => undefined);
webhooks.onAny((event) => console.log(event.event)).onError((error: unknown, context: FailureContext) => console.log(context.code));
geckoguard({ secretBinding: ['GECKOGUARD_WEBHOOK_SECRET', 'GECKOGUARD_WEBHOOK_SECRET_OLD'], dedupe: { store: createMemoryStore(), ttlMs: 1000 } });
geckoguard({ secret: 'whsec_x', log: false });
const binding: 'GECKOGUARD_WEBHOOK_SECRET' = SECRET_BINDING;

const answer: Promise<Response> = webhooks(new Request('https://x'), { GECKOGUARD_WEBHOOK_SECRET: 'whsec_x' }, { waitUntil() {} });
webhooks(new Request('https://x'));

// @ts-expect-error background is a boolean
geckoguard({ background: 'yes' });
// @ts-expect-error unknown options are refused
geckoguard({ secretBindings: 'X' });
// @ts-expect-error the handler gets a Request
webhooks('https://x');
webhooks.on('license.revoked', (event) => {
  // @ts-expect-error license.revoked has no wasActivated
  const activated: boolean = event.data.wasActivated;
});
