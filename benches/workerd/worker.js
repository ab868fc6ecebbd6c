// A Worker that runs N verifications per request, for timing from outside
// (inside workerd the clocks stand still while JavaScript runs). Bundled by
// wrangler like any user's Worker; bench.mjs drives it.
//
//   GET /?impl=<impl>&size=<bytes>&n=<count>
//
//   ours        new Webhook(secret) once, then webhook.verify(body, header) (sync: Wasm HMAC, JSON.parse)
//   ours-fetch  verifyRequest(new Request(…), { secret }): the Fetch adapter's whole path, body read included
//               (the Request carries Content-Length, as one from the network does)
//   webcrypto   subtle.importKey once, then per delivery: hex-decode the header,
//               await subtle.verify('HMAC', …), JSON.parse
//   webcrypto-noparse  the same without JSON.parse
//   webcrypto-fetch    webcrypto with the body read from a new Request, as ours-fetch
//   ours-bare-request  ours with the body read from a new Request by hand: the adapter's overhead is ours-fetch minus this
//   none        the loop alone (the baseline subtracted by bench.mjs)
import { Webhook, sign } from '@geckoguard/webhooks';
import { verifyRequest } from '@geckoguard/webhooks/fetch';

const SECRET = 'whsec_bench_MfKQ9r2mXc7vLp4T';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const webhook = new Webhook(SECRET);
const deliveries = new Map();
let cryptoKey;

/** A license.authorized delivery of exactly `size` bytes, and its header. */
function delivery(size) {
  let cached = deliveries.get(size);
  if (!cached) {
    const head = '{"event":"license.authorized","data":{"licenseId":"license-uuid","productId":"product-uuid","wasActivated":false,"effectiveExpiresAt":"2025-12-31T23:59:59.000Z","note":"';
    const tail = '"},"timestamp":"2025-01-15T10:30:00.000Z"}';
    const body = encoder.encode(head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail);
    const header = sign(SECRET, body);
    cached = { body, header };
    deliveries.set(size, cached);
  }
  return cached;
}

function hexToBytes(hex) {
  if (hex.length !== 64) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) {
    const byte = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    if (Number.isNaN(byte)) return null;
    bytes[i] = byte;
  }
  return bytes;
}

async function webcrypto(body, header, parse) {
  const mac = hexToBytes(header.trim().toLowerCase());
  if (!mac || !(await crypto.subtle.verify('HMAC', cryptoKey, mac, body))) throw new Error('invalid signature');
  return parse ? JSON.parse(decoder.decode(body)) : null;
}

export default {
  async fetch(request) {
    const params = new URL(request.url).searchParams;
    const impl = params.get('impl');
    const n = Number(params.get('n'));
    const { body, header } = delivery(Number(params.get('size')));
    cryptoKey ??= await crypto.subtle.importKey('raw', encoder.encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    let last;
    switch (impl) {
      case 'ours':
        for (let i = 0; i < n; i += 1) last = webhook.verify(body, header).event;
        break;
      case 'ours-fetch':
        for (let i = 0; i < n; i += 1) {
          const req = new Request('https://example.com/webhooks/geckoguard', {
            method: 'POST',
            headers: { 'x-geckoguard-signature': header, 'content-length': String(body.byteLength) },
            body,
          });
          last = (await verifyRequest(req, { secret: SECRET })).event;
        }
        break;
      case 'ours-bare-request':
        for (let i = 0; i < n; i += 1) {
          const req = new Request('https://example.com/webhooks/geckoguard', {
            method: 'POST',
            headers: { 'x-geckoguard-signature': header, 'content-length': String(body.byteLength) },
            body,
          });
          last = webhook.verify(new Uint8Array(await req.arrayBuffer()), req.headers.get('x-geckoguard-signature')).event;
        }
        break;
      case 'webcrypto-fetch':
        for (let i = 0; i < n; i += 1) {
          const req = new Request('https://example.com/webhooks/geckoguard', {
            method: 'POST',
            headers: { 'x-geckoguard-signature': header, 'content-length': String(body.byteLength) },
            body,
          });
          last = (await webcrypto(new Uint8Array(await req.arrayBuffer()), req.headers.get('x-geckoguard-signature'), true)).event;
        }
        break;
      case 'webcrypto':
        for (let i = 0; i < n; i += 1) last = (await webcrypto(body, header, true)).event;
        break;
      case 'webcrypto-noparse':
        for (let i = 0; i < n; i += 1) await webcrypto(body, header, false);
        last = 'license.authorized';
        break;
      case 'none':
        for (let i = 0; i < n; i += 1) last = 'license.authorized';
        break;
      default:
        return new Response(`unknown impl ${impl}`, { status: 400 });
    }
    if (n > 0 && last !== 'license.authorized') return new Response('wrong result', { status: 500 });
    return new Response('ok');
  },
};
