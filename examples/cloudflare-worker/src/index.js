// GeckoGuard webhooks on Cloudflare Workers: POST /webhooks/geckoguard.
// The secret comes from the GECKOGUARD_WEBHOOK_SECRET binding, per request.
import { geckoguard } from '@geckoguard/webhooks/fetch';

const webhooks = geckoguard({
  // Answer 202 if the handlers take longer than this; ctx.waitUntil keeps them running.
  deadlineMs: 8000,
});

webhooks.on('license.revoked', async (event) => {
  console.log(`license ${event.data.licenseId} revoked`);
});

webhooks.on('license.authorized', (event) => {
  console.log(`license ${event.data.licenseId} authorized, activated: ${event.data.wasActivated}`);
});

webhooks.onAny((event) => {
  console.log(`${event.event} received (idempotency key ${event.idempotencyKey})`);
});

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === '/webhooks/geckoguard') return webhooks(request, env, ctx);
    return new Response('Not found', { status: 404 });
  },
};
