// GeckoGuard webhooks on Bun: POST /webhooks/geckoguard.
//
//   bun install
//   GECKOGUARD_WEBHOOK_SECRET=whsec_... bun run server.js
import { geckoguard } from '@geckoguard/webhooks/fetch';

// The secret is read from process.env.GECKOGUARD_WEBHOOK_SECRET; pass { secret } to set it yourself.
const webhooks = geckoguard();

webhooks.on('license.revoked', async (event) => {
  console.log(`license ${event.data.licenseId} revoked`);
});
webhooks.onAny((event) => console.log(`${event.event} received (${event.idempotencyKey})`));

const server = Bun.serve({
  port: Number(process.env.PORT ?? 3000),
  fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/webhooks/geckoguard') return webhooks(request);
    return new Response('Not found', { status: 404 });
  },
});
console.log(`listening on ${server.port} (http://${server.hostname}:${server.port}/webhooks/geckoguard)`);
