// A Cloudflare Worker using the package's workerd entry (the .wasm imported
// as a module): it runs the shared vectors it is sent, and verifies real
// requests the way a user's Worker would.
import { sign, Webhook, WebhookVerificationError } from '../../../pkg/workerd.js';
import { runSignVectors, runVerifyVectors } from '../vector-cases.mjs';

const api = { sign, Webhook, WebhookVerificationError };

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/vectors') {
      const { verify, large, signVectors } = await request.json();
      const results = [runVerifyVectors(api, verify), runVerifyVectors(api, large), runSignVectors(api, signVectors)];
      return Response.json({
        passed: results.reduce((n, r) => n + r.passed, 0),
        failures: results.flatMap((r) => r.failures),
      });
    }
    if (url.pathname === '/webhook') {
      try {
        const webhook = new Webhook(env.GECKOGUARD_WEBHOOK_SECRET);
        const event = webhook.verify(await request.arrayBuffer(), request.headers.get('x-geckoguard-signature'));
        return Response.json(event);
      } catch (error) {
        if (error instanceof WebhookVerificationError) {
          return Response.json({ code: error.code, message: error.message }, { status: error.status });
        }
        throw error;
      }
    }
    return new Response('not found', { status: 404 });
  },
};
