// The app every Fetch runtime test serves over HTTP: bundled by wrangler for
// workerd, served by Deno.serve and Bun.serve (server.js). Only the package's
// public subpath is imported, as a user would.
//
//   POST /vectors                  verifyRequest with the case's secrets, tolerance
//                                  and clock (header x-test-case: base64 JSON);
//                                  answers the event, or { code } with error.status
//   POST /vectors-handler          the same case through a geckoguard() handler: its status
//   *    /webhooks/geckoguard      geckoguard(): the secret from the env binding
//   POST /webhooks/slow            a handler (1.5 s) slower than the 300 ms deadline: 202
//   POST /webhooks/background      background: true, answered before the handler ends
//   POST /webhooks/dedupe          dedupe: true
//   GET  /seen                     what the handlers saw, for the tests
import { geckoguard, verifyRequest } from '@geckoguard/webhooks/fetch';

const seen = { events: [], finished: [] };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const webhooks = geckoguard({ log: false });
webhooks.onAny((event) => {
  seen.events.push(`main ${event.event} ${event.idempotencyKey}`);
});
webhooks.on('test.fail', () => {
  throw new Error('handler failed on purpose');
});

const slow = geckoguard({ deadlineMs: 300, log: false });
slow.onAny(async (event) => {
  await sleep(1500);
  seen.finished.push(`slow ${event.idempotencyKey}`);
});

const background = geckoguard({ background: true, log: false });
background.onAny(async (event) => {
  await sleep(1500);
  seen.finished.push(`background ${event.idempotencyKey}`);
});

const dedupe = geckoguard({ dedupe: true, log: false });
dedupe.onAny((event) => {
  seen.events.push(`dedupe ${event.idempotencyKey}`);
});

function fromBase64Json(text) {
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

async function vectors(request) {
  const testCase = fromBase64Json(request.headers.get('x-test-case'));
  const options = { secrets: testCase.secrets };
  if (testCase.tolerance !== undefined) options.tolerance = testCase.tolerance;
  if (testCase.now_ms !== undefined) options.now = testCase.now_ms;
  try {
    return json({ ok: await verifyRequest(request, options) });
  } catch (error) {
    if (typeof error?.status !== 'number') return json({ crash: String(error?.stack ?? error) }, 599);
    return json({ code: error.code, name: error.name, message: error.message }, error.status);
  }
}

// One handler per vector case (its secrets, tolerance and clock), made on first use.
const caseHandlers = new Map();
async function vectorsThroughHandler(request, env, ctx) {
  const header = request.headers.get('x-test-case');
  const testCase = fromBase64Json(header);
  let handler = caseHandlers.get(header);
  if (!handler) {
    const options = { secrets: testCase.secrets, log: false };
    if (testCase.tolerance !== undefined) options.tolerance = testCase.tolerance;
    if (testCase.now_ms !== undefined) options.now = () => testCase.now_ms;
    try {
      handler = geckoguard(options);
    } catch (error) {
      // A configuration the factory refuses: what a deploy would see at startup.
      return new Response(error.code ?? error.name, { status: 500 });
    }
    caseHandlers.set(header, handler);
  }
  return handler(request, env, ctx);
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    switch (pathname) {
      case '/vectors':
        return vectors(request);
      case '/vectors-handler':
        return vectorsThroughHandler(request, env, ctx);
      case '/webhooks/geckoguard':
        return webhooks(request, env, ctx);
      case '/webhooks/slow':
        return slow(request, env, ctx);
      case '/webhooks/background':
        return background(request, env, ctx);
      case '/webhooks/dedupe':
        return dedupe(request, env, ctx);
      case '/seen':
        return json(seen);
      default:
        return new Response('Not found', { status: 404 });
    }
  },
};
