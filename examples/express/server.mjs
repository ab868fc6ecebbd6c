// A GeckoGuard webhook receiver in Express.
//
//   make build
//   GECKOGUARD_WEBHOOK_SECRET=whsec_… node examples/express/server.mjs
//
// Listens on 127.0.0.1:3000 (HOST and PORT change that) and receives
// POST /webhooks/geckoguard. Every verified event is logged on one line; the
// answers are the adapter's: 200, 202 (handlers past the deadline), 401
// Invalid signature, 400, 405, 413, 500.
//
// Try it with the command-line tool (cargo run --features cli -- --help) or:
//   body='{"event":"test.ping","data":{"message":"hi"},"timestamp":"2025-01-15T10:30:00.000Z"}'
//   sig=$(printf %s "$body" | openssl dgst -sha256 -hmac "$GECKOGUARD_WEBHOOK_SECRET" -hex | sed 's/.* //')
//   curl -i http://127.0.0.1:3000/webhooks/geckoguard -H 'content-type: application/json' \
//     -H "x-geckoguard-signature: $sig" --data-binary "$body"
import express from 'express';
import { geckoguard } from '@geckoguard/webhooks/express';

const secret = process.env.GECKOGUARD_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set GECKOGUARD_WEBHOOK_SECRET to the endpoint secret (whsec_…) from the GeckoGuard dashboard.');
  process.exit(1);
}
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';

/** The fields worth a glance, whichever event it is. */
const KEY_FIELDS = ['licenseId', 'productId', 'apiKeyId', 'teamId', 'userId', 'email', 'reason'];

function describe(event) {
  const fields = KEY_FIELDS.filter((name) => event.data[name] !== undefined && event.data[name] !== null).map(
    (name) => `${name}=${event.data[name]}`,
  );
  return [`event=${event.event}`, ...fields, `idempotencyKey=${event.idempotencyKey}`].join(' ');
}

const webhooks = geckoguard({ secret, dedupe: true })
  .on('license.revoked', async (event) => {
    // Your code: revoke access for event.data.licenseId. Throwing here answers
    // 500, and GeckoGuard records the failure and retries.
  })
  .onAny((event) => {
    console.log(describe(event));
  })
  .onError((error, context) => {
    // Refused deliveries are already logged (one line each); send the
    // failures of your own handlers to your error tracker.
    if (context.code === 'handler_failed') console.error(error);
  });

const app = express();
app.use('/webhooks/geckoguard', webhooks);

const server = app.listen(port, host, () => {
  const { address, port: actual } = server.address();
  console.log(`listening on http://${address}:${actual}/webhooks/geckoguard`);
});
