// Type tests for @geckoguard/webhooks/express (`tsc -p tests/js/express/types`):
// every `@ts-expect-error` line must be an error, every other line must type-check.
import express from 'express';
import type { Request, Response } from 'express';
import { geckoguard, createMemoryStore, createRedisStore, WebhookVerificationError } from '@geckoguard/webhooks/express';
import type { DedupeStore, FailureContext, GeckoGuardMiddleware, WebhookEvent } from '@geckoguard/webhooks/express';

const app = express();

// The one-liner of the README, with an environment variable (string | undefined).
app.post('/hook', geckoguard({ secret: process.env.GECKOGUARD_WEBHOOK_SECRET }), (req, res) => res.sendStatus(200));

// Middleware mode: the event is on Express's Request type (declaration merging).
app.post('/webhooks/geckoguard', geckoguard({ secret: 'whsec_x' }), (req, res) => {
  const event: WebhookEvent = req.geckoguard;
  const key: string = req.geckoguard.idempotencyKey;
  if (req.geckoguard.event === 'license.authorized') {
    const activated: boolean | undefined = req.geckoguard.data.wasActivated;
  }
  res.sendStatus(200);
});

function plainHandler(req: Request, res: Response) {
  res.json({ event: req.geckoguard.event });
}
app.post('/other', geckoguard({ secrets: ['whsec_old', 'whsec_new'], tolerance: 600 }), plainHandler);

// Router mode: handlers typed per event.
const webhooks: GeckoGuardMiddleware = geckoguard({
  secret: 'whsec_x',
  maxBodyBytes: 64 * 1024,
  deadlineMs: 5000,
  dedupe: { store: createMemoryStore(), ttlMs: 3_600_000 },
  log: (entry) => console.log(entry.level, entry.message, entry.code),
  onError: (error: unknown, context: FailureContext) => console.error(context.code, context.status, context.event?.idempotencyKey),
})
  .on('license.authorized', (event) => {
    const expires: string | null = event.data.effectiveExpiresAt;
    // @ts-expect-error wasActivated is a boolean
    const wrong: string = event.data.wasActivated;
  })
  .on(['license.revoked', 'license.frozen'], async (event) => {
    const name: 'license.revoked' | 'license.frozen' = event.event;
    const licenseId: string | undefined = event.data.licenseId;
  })
  .on('invoice.paid', (event) => {
    const data: Record<string, unknown> = event.data;
  })
  .onAny(async (event) => {
    await Promise.resolve(event.idempotencyKey);
  })
  .onError((error, context) => {
    if (error instanceof WebhookVerificationError) console.log(error.code);
  });
app.use('/webhooks/geckoguard', webhooks);

// Dedupe with a shared store: any client exposing sendCommand (node-redis) or call (ioredis).
declare const nodeRedis: { sendCommand(args: string[]): Promise<unknown> };
const redisStore: DedupeStore = createRedisStore(nodeRedis, { prefix: 'app:' });
geckoguard({ secret: 'whsec_x', dedupe: { store: redisStore } });
geckoguard({ secret: 'whsec_x', dedupe: true });

// @ts-expect-error a secret is a string
geckoguard({ secret: 42 });
// @ts-expect-error maxBodyBytes is a number of bytes
geckoguard({ secret: 'whsec_x', maxBodyBytes: '1mb' });
// @ts-expect-error there is no such option
geckoguard({ secret: 'whsec_x', maxBodySize: 10 });
// @ts-expect-error a dedupe store implements claim, complete and release
geckoguard({ secret: 'whsec_x', dedupe: { store: {} } });
// @ts-expect-error a handler takes the event
webhooks.on('license.revoked', (event: string) => {});
