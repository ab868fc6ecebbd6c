// GeckoGuard webhooks on Deno: POST /webhooks/geckoguard.
//
//   npm install        (or: deno install; the package comes from package.json)
//   GECKOGUARD_WEBHOOK_SECRET=whsec_... deno run --allow-net --allow-env=GECKOGUARD_WEBHOOK_SECRET,PORT main.js
import { geckoguard } from '@geckoguard/webhooks/fetch';

const webhooks = geckoguard({ secret: Deno.env.get('GECKOGUARD_WEBHOOK_SECRET') });

webhooks.on('license.revoked', async (event) => {
  console.log(`license ${event.data.licenseId} revoked`);
});
webhooks.onAny((event) => console.log(`${event.event} received (${event.idempotencyKey})`));

Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 8000),
    onListen: ({ hostname, port }) => console.log(`listening on ${port} (http://${hostname}:${port}/webhooks/geckoguard)`),
  },
  (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/webhooks/geckoguard') return webhooks(request);
    return new Response('Not found', { status: 404 });
  },
);
