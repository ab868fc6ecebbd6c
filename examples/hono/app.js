// GeckoGuard webhooks in a Hono app. The same app runs on Cloudflare Workers
// (`export default app`; the secret comes from the GECKOGUARD_WEBHOOK_SECRET
// binding in c.env), on Deno, on Bun and on Node (server.js).
import { Hono } from 'hono';
import { env } from 'hono/adapter';
import { geckoguard, verifyRequest } from '@geckoguard/webhooks/fetch';

const webhooks = geckoguard();
webhooks.on('license.revoked', async (event) => {
  console.log(`license ${event.data.licenseId} revoked`);
});
webhooks.onAny((event) => console.log(`${event.event} received (${event.idempotencyKey})`));

const app = new Hono();

// The whole route: verification, routing to the handlers above, 405 for other methods.
app.all('/webhooks/geckoguard', (c) => webhooks(c.req.raw, c.env));

// Or verify inside your own route and answer yourself.
app.post('/webhooks/geckoguard-inline', async (c) => {
  try {
    // env(c): the Worker binding, or the environment variable on Node, Deno and Bun.
    const event = await verifyRequest(c.req.raw, { secret: env(c).GECKOGUARD_WEBHOOK_SECRET });
    return c.json({ received: event.event });
  } catch (error) {
    return c.text(error.status === 401 ? 'Invalid signature' : 'Bad request', error.status ?? 500);
  }
});

export default app;
