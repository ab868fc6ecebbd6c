// Every shared vector (tests/vectors/verify.json and large.json) as a real HTTP
// delivery to a real Express 4 and Express 5 app, in middleware mode and in
// router mode. The body goes as bytes, the header on the wire byte for byte.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { EXPRESSES, geckoguard, listen, rawPost, WebhookVerificationError } from './harness.mjs';
import { STATUS } from '../vector-cases.mjs';

const load = (name) => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8')).cases;
const CASES = [...load('verify.json'), ...load('large.json')];

const bodyOf = (c) => (c.body_base64 === undefined ? Buffer.from(c.body, 'utf8') : Buffer.from(c.body_base64, 'base64'));

/**
 * Why a header value cannot cross HTTP unchanged, or null when it can. A field
 * value is HTAB, SP, visible ASCII and obs-text (0x80–0xFF, sent as Latin-1);
 * CR, LF, FF and VT cannot be sent at all. Leading and trailing SP/HTAB can be
 * sent but every HTTP parser strips them (RFC 9110 §5.5), so the adapter sees
 * the value without them; the SDK strips them too, so the outcome is the same.
 */
function unsendable(signature) {
  if (signature === null) return null;
  for (const ch of signature) {
    const code = ch.codePointAt(0);
    const ok = code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff);
    if (!ok) return `its header holds U+${code.toString(16).toUpperCase().padStart(4, '0')}, which an HTTP header cannot carry`;
  }
  return null;
}

const sendable = CASES.filter((c) => c.expect.error !== 'invalid_secret' && unsendable(c.signature) === null);
const skipped = CASES.filter((c) => c.expect.error !== 'invalid_secret' && unsendable(c.signature) !== null);
const secretCases = CASES.filter((c) => c.expect.error === 'invalid_secret');

test('the vectors this suite cannot send over HTTP are few, and named', (t) => {
  for (const c of skipped) t.diagnostic(`skipped over HTTP: "${c.name}": ${unsendable(c.signature)} (tests/js/node runs it in process)`);
  assert.ok(skipped.length <= 6, `${skipped.length} cases skipped`);
  assert.ok(sendable.length >= 130, `${sendable.length} cases sent`);
});

test('invalid_secret: the factory throws at once, before any request', () => {
  for (const c of secretCases) {
    assert.throws(
      () => geckoguard({ secrets: c.secrets, log: false }),
      (error) => error instanceof WebhookVerificationError && error.code === 'invalid_secret',
      c.name,
    );
  }
});

for (const [name, express] of EXPRESSES) {
  for (const mode of ['middleware', 'router']) {
    describe(`${name}, ${mode} mode: every vector over HTTP`, () => {
      let server;
      const seen = new Map(); // case index -> event (router mode)
      const failures = new Map(); // case index -> codes seen by onError

      before(async () => {
        const app = express();
        sendable.forEach((c, i) => {
          const middleware = geckoguard({
            secrets: c.secrets,
            ...(c.tolerance === undefined ? {} : { tolerance: c.tolerance, now: () => c.now_ms }),
            log: false,
            onError: (error, context) => {
              if (!failures.has(i)) failures.set(i, []);
              failures.get(i).push(context.code);
            },
          });
          if (mode === 'router') {
            middleware.onAny((event) => {
              seen.set(i, event);
            });
            app.use(`/case/${i}`, middleware);
          } else {
            app.post(`/case/${i}`, middleware, (req, res) => res.json(req.geckoguard));
          }
        });
        server = await listen(app);
      });
      after(() => server.close());

      test(`${sendable.length} cases`, async () => {
        const problems = [];
        for (const [i, c] of sendable.entries()) {
          const lines = c.signature === null ? [] : [`X-GeckoGuard-Signature: ${c.signature}`];
          const { status, text } = await rawPost(server.port, `/case/${i}`, bodyOf(c), lines);
          const label = `"${c.name}"`;
          if (c.expect.error) {
            const want = STATUS[c.expect.error];
            if (status !== want) problems.push(`${label}: status ${status}, expected ${want}`);
            if (want === 401 && text !== 'Invalid signature') problems.push(`${label}: body ${JSON.stringify(text)}`);
            const codes = failures.get(i) ?? [];
            if (!codes.includes(c.expect.error)) problems.push(`${label}: onError saw ${codes}, expected ${c.expect.error}`);
            if (seen.has(i)) problems.push(`${label}: a handler ran for a refused delivery`);
            continue;
          }
          if (status !== 200) {
            problems.push(`${label}: status ${status} (${text}), expected 200; onError: ${failures.get(i)}`);
            continue;
          }
          const event = mode === 'router' ? seen.get(i) : JSON.parse(text);
          const expected = {
            event: c.expect.event,
            data: c.expect.data,
            timestamp: c.expect.timestamp,
            idempotencyKey: c.expect.idempotency_key,
          };
          try {
            assert.deepStrictEqual({ ...event }, expected);
          } catch {
            problems.push(`${label}: got ${JSON.stringify(event).slice(0, 300)}`);
          }
        }
        assert.deepEqual(problems, []);
      });
    });
  }
}
