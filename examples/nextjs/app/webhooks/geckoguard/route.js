// GeckoGuard webhooks in a Next.js App Router route handler:
// app/webhooks/geckoguard/route.js answers POST /webhooks/geckoguard.
// Next.js answers 405 to the methods this file does not export.
import { geckoguard } from '@geckoguard/webhooks/fetch';

// The Node.js runtime (the default): the package reads GECKOGUARD_WEBHOOK_SECRET
// from process.env per request. Set it in .env.local or your host's settings.
export const runtime = 'nodejs';

const webhooks = geckoguard();

webhooks.on('license.revoked', async (event) => {
  console.log(`license ${event.data.licenseId} revoked`);
});
webhooks.onAny((event) => console.log(`${event.event} received (${event.idempotencyKey})`));

export async function POST(request) {
  return webhooks(request);
}
