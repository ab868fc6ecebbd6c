// The Hono app on Node: `npm install`, then
//   GECKOGUARD_WEBHOOK_SECRET=whsec_... node server.js
import { serve } from '@hono/node-server';
import app from './app.js';

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) }, ({ port }) => {
  console.log(`listening on ${port} (http://localhost:${port}/webhooks/geckoguard)`);
});
