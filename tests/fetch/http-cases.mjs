// Client side of the Fetch runtime tests: sends the shared vectors and the bad
// inputs over real HTTP to a server running tests/fetch/app.js, and checks
// the answers. The same checks run against workerd, Deno, Bun and Node.
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATUS } from '../js/vector-cases.mjs';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const PKG = join(ROOT, 'pkg');
export const SECRET = 'whsec_fetch_adapter_test_secret';

export const loadVectors = (name) => JSON.parse(readFileSync(join(ROOT, 'tests/vectors', name), 'utf8'));

const projects = [];
process.on('exit', () => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

/**
 * A temporary project that has the built package installed (node_modules
 * links to pkg/, as `npm install file:…` does) and `files` copied in.
 * Removed when the process exits.
 */
export function projectWith(files) {
  const dir = mkdtempSync(join(tmpdir(), 'geckoguard-fetch-'));
  projects.push(dir);
  mkdirSync(join(dir, 'node_modules', '@geckoguard'), { recursive: true });
  symlinkSync(PKG, join(dir, 'node_modules', '@geckoguard', 'webhooks'), 'dir');
  for (const [to, from] of Object.entries(files)) cpSync(from, join(dir, to), { recursive: true });
  return dir;
}

/** Why a header value cannot cross HTTP unchanged (Fetch Headers trim and refuse some), or null. */
function headerSkipReason(value) {
  if (value === null) return null;
  if (/^[ \t\r\n]|[ \t\r\n]$/.test(value)) return 'leading or trailing whitespace, which HTTP strips from header values';
  if (/[^\x20-\x7e]/.test(value)) return 'a control or non-ASCII character, which HTTP clients refuse or re-encode in header values';
  return null;
}

function bodyOf(testCase) {
  if (typeof testCase.body === 'string') return new TextEncoder().encode(testCase.body);
  return Uint8Array.from(atob(testCase.body_base64), (c) => c.charCodeAt(0));
}

const toBase64Json = (value) => btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))));

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}
const sameJson = (a, b) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/**
 * Sends every case of `vectors` to `${base}/vectors` (verifyRequest) and to
 * `${base}/vectors-handler` (a geckoguard() handler) and checks both answers.
 * Returns { passed, skipped: [[name, reason]], failures: [message] }.
 */
export async function runVectorsOverHttp(base, vectors) {
  let passed = 0;
  const skipped = [];
  const failures = [];
  for (const [index, testCase] of vectors.cases.entries()) {
    const name = `#${index} ${testCase.name}`;
    const reason = headerSkipReason(testCase.signature);
    if (reason) {
      skipped.push([name, reason]);
      continue;
    }
    const headers = {
      'content-type': 'application/json',
      'x-test-case': toBase64Json({ secrets: testCase.secrets, tolerance: testCase.tolerance, now_ms: testCase.now_ms }),
    };
    if (testCase.signature !== null) headers['x-geckoguard-signature'] = testCase.signature;
    const problems = [];
    let response;
    let answer;
    try {
      response = await fetch(`${base}/vectors`, { method: 'POST', headers, body: bodyOf(testCase) });
      answer = await response.json();
    } catch (error) {
      failures.push(`${name}: request failed: ${error.message}`);
      continue;
    }
    const want = testCase.expect;
    if (want.error) {
      if (response.status !== STATUS[want.error]) problems.push(`status ${response.status}, expected ${STATUS[want.error]}`);
      if (answer.code !== want.error) problems.push(`code ${answer.code}, expected ${want.error} (${answer.message ?? answer.crash})`);
      if (answer.name !== 'WebhookVerificationError') problems.push(`threw ${answer.name}`);
      for (const secret of testCase.secrets) {
        if (secret.trim().length >= 4 && String(answer.message).includes(secret)) problems.push('the message leaks the secret');
      }
    } else if (response.status !== 200) {
      problems.push(`status ${response.status}: ${answer.code}: ${answer.message ?? answer.crash}`);
    } else {
      const event = answer.ok;
      if (event.event !== want.event) problems.push(`event ${event.event}, expected ${want.event}`);
      if (event.timestamp !== want.timestamp) problems.push(`timestamp ${event.timestamp}`);
      if (!sameJson(event.data, want.data)) problems.push('data differs');
      if (event.idempotencyKey !== want.idempotency_key) problems.push(`idempotencyKey ${event.idempotencyKey}`);
    }
    // The same case through a geckoguard() handler: the status it answers GeckoGuard.
    try {
      const viaHandler = await fetch(`${base}/vectors-handler`, { method: 'POST', headers, body: bodyOf(testCase) });
      const text = await viaHandler.text();
      const wantStatus = want.error ? STATUS[want.error] : 200;
      if (viaHandler.status !== wantStatus) problems.push(`handler answered ${viaHandler.status} ${text}, expected ${wantStatus}`);
      if (want.error === 'invalid_secret' && text !== 'invalid_secret') problems.push(`handler factory: ${text}, expected invalid_secret`);
    } catch (error) {
      problems.push(`handler request failed: ${error.message}`);
    }
    if (problems.length === 0) passed += 1;
    else failures.push(`${name}: ${problems.join('; ')}`);
  }
  return { passed, skipped, failures };
}

/**
 * Cases in the format of verify.json with bodies of 4 KiB and more, where the
 * Fetch adapter has WebCrypto compute the MACs (one per secret, in order):
 * rotation with the match in every position, wrong, uppercase and malformed
 * headers, a signed body that is not a payload, and the replay window. Signed
 * with node:crypto, not with this SDK.
 */
export async function largeBodyCases() {
  const { createHmac } = await import('node:crypto');
  const mac = (secret, body) => createHmac('sha256', secret).update(body).digest('hex');
  const payload = (size, timestamp = '2025-01-15T10:30:00.000Z') => {
    const head = '{"event":"license.authorized","data":{"licenseId":"lic_big","note":"';
    const tail = `"},"timestamp":"${timestamp}"}`;
    return head + 'y'.repeat(size - head.length - tail.length) + tail;
  };
  const ok = (body) => {
    const parsed = JSON.parse(body);
    return { event: parsed.event, timestamp: parsed.timestamp, data: parsed.data };
  };
  const secrets = ['whsec_rotation_first', 'whsec_rotation_second', 'whsec_rotation_third'];
  const cases = [];
  for (const size of [4096, 65536, 1024 * 1024]) {
    const body = payload(size);
    secrets.forEach((secret, i) => {
      const signature = mac(secret, body);
      cases.push({ name: `${size} B, signed with secret ${i + 1} of 3`, secrets, body, signature, expect: { ...ok(body), idempotency_key: signature.slice(0, 32) } });
    });
    const signature = mac(secrets[0], body);
    cases.push({ name: `${size} B, uppercase header`, secrets: [secrets[0]], body, signature: signature.toUpperCase(), expect: { ...ok(body), idempotency_key: signature.slice(0, 32) } });
    cases.push({ name: `${size} B, signed by another secret`, secrets, body, signature: mac('whsec_someone_else', body), expect: { error: 'invalid_signature' } });
    cases.push({ name: `${size} B, header one digit short`, secrets, body, signature: signature.slice(1), expect: { error: 'malformed_signature' } });
    cases.push({ name: `${size} B, no header`, secrets, body, signature: null, expect: { error: 'missing_signature' } });
    const broken = `${body.slice(0, -1)}`;
    cases.push({ name: `${size} B, signed but not JSON`, secrets, body: broken, signature: mac(secrets[2], broken), expect: { error: 'invalid_payload' } });
    const old = payload(size, '2025-01-15T10:00:00.000Z');
    cases.push({ name: `${size} B, outside the replay window`, secrets, body: old, signature: mac(secrets[1], old), tolerance: 300, now_ms: Date.parse('2025-01-15T10:30:00.000Z'), expect: { error: 'timestamp_out_of_tolerance' } });
  }
  return { description: 'large bodies for the WebCrypto path', cases };
}

/** Prints the skipped cases with their reasons, once per runtime. */
export function reportSkipped(runtime, skipped) {
  for (const [name, reason] of skipped) console.log(`${runtime}: skipped ${name}: ${reason}`);
}

/** Starts `command` and resolves with { child, port } once it prints `listening on <port>`. */
export function startServer(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (data) => {
      output += data;
      const match = output.match(/listening on (\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data) => {
      output += data;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before listening:\n${output}`));
    });
  });
}

/** The X-GeckoGuard-Signature GeckoGuard sends for `body`, from node:crypto (not this SDK). */
export async function signature(secret, body) {
  const { createHmac } = await import('node:crypto');
  return createHmac('sha256', secret).update(body).digest('hex');
}

let serial = 0;
/** A fresh delivery (its own idempotency key) of `event`. */
export function delivery(event = 'license.revoked', data = { licenseId: 'lic_1' }) {
  serial += 1;
  return JSON.stringify({ event, data: { ...data, n: serial, at: Date.now() }, timestamp: new Date().toISOString() });
}

async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function seen(base) {
  return (await fetch(`${base}/seen`)).json();
}

/**
 * POSTs `total` bytes with chunked transfer encoding (no Content-Length), or
 * with `declareLength` a Content-Length, a chunk every few milliseconds, and resolves with the status as soon as the
 * server answers. A server that refuses early closes the connection while the
 * rest is still coming; a write that then meets the reset can make the
 * client's TCP stack drop the answer it had not read yet, so the chunks are
 * paced, and a connection reset before any answer is tried again (twice):
 * a server that read the whole body would answer 401, never reset.
 */
export async function postChunked(url, total, headers, { attempts = 3, declareLength = false } = {}) {
  const { request } = await import('node:http');
  const once = () =>
    new Promise((resolve, reject) => {
      let answered = false;
      const lengthHeader = declareLength ? { 'content-length': String(total) } : {};
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...lengthHeader, ...headers } }, (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode);
        req.destroy();
      });
      req.on('error', (error) => {
        if (!answered) reject(Object.assign(new Error(`no answer before the connection failed: ${error.message}`), { reset: true }));
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const writeMore = () => {
        if (answered || req.destroyed) return;
        if (sent >= total) return void req.end();
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (req.write(piece)) setTimeout(writeMore, 3);
        else req.once('drain', () => setTimeout(writeMore, 3));
      };
      writeMore();
      setTimeout(() => {
        if (!answered) {
          req.destroy();
          reject(new Error('no answer within 20 s'));
        }
      }, 20_000).unref();
    });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await once();
    } catch (error) {
      if (!error.reset || attempt >= attempts) throw error;
    }
  }
}

/**
 * The adapter's answers to good and bad requests on `${base}/webhooks/…`,
 * served with SECRET in the environment. Returns a list of failures.
 */
export async function runBadInputs(base) {
  const failures = [];
  const expect = (what, got, want) => {
    if (got !== want) failures.push(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  const url = `${base}/webhooks/geckoguard`;

  const body = delivery();
  const sig = await signature(SECRET, body);
  let r = await post(url, body, { 'x-geckoguard-signature': sig });
  expect('valid delivery status', r.status, 200);
  expect('valid delivery body', r.text, 'OK');
  const key = sig.slice(0, 32);
  expect('handler saw the event', (await seen(base)).events.includes(`main license.revoked ${key}`), true);

  r = await post(url, body);
  expect('missing header status', r.status, 401);
  expect('missing header body', r.text, 'Invalid signature');

  r = await post(url, body, { 'x-geckoguard-signature': await signature('whsec_someone_else', body) });
  expect('wrong signature status', r.status, 401);
  expect('wrong signature body', r.text, 'Invalid signature');

  r = await post(url, body, { 'x-geckoguard-signature': 'sha256=abc' });
  expect('malformed signature status', r.status, 401);

  const notJson = 'event=license.revoked&licenseId=lic_1';
  r = await post(url, notJson, { 'x-geckoguard-signature': await signature(SECRET, notJson) });
  expect('signed body that is not JSON status', r.status, 400);
  expect('no secret in any answer', r.text.includes(SECRET), false);

  for (const method of ['GET', 'PUT', 'DELETE']) {
    const response = await fetch(url, { method });
    await response.text();
    expect(`${method} status`, response.status, 405);
    expect(`${method} Allow header`, response.headers.get('allow'), 'POST');
  }

  try {
    expect('body over 1 MiB (Content-Length) status', await postChunked(url, 1024 * 1024 + 1, { 'x-geckoguard-signature': sig }, { declareLength: true }), 413);
  } catch (error) {
    failures.push(`body over 1 MiB (Content-Length): ${error.message}`);
  }

  try {
    expect('chunked body over 1 MiB status', await postChunked(url, 3 * 1024 * 1024, { 'x-geckoguard-signature': sig }), 413);
  } catch (error) {
    failures.push(`chunked body over 1 MiB: ${error.message}`);
  }

  const exactly = JSON.stringify({ event: 'test.ping', data: {}, timestamp: 'now', pad: '' });
  const padded = exactly.replace('"pad":""', `"pad":"${'x'.repeat(1024 * 1024 - exactly.length)}"`);
  r = await post(url, padded, { 'x-geckoguard-signature': await signature(SECRET, padded) });
  expect('a body of exactly 1 MiB status', r.status, 200);

  const failing = delivery('test.fail');
  r = await post(url, failing, { 'x-geckoguard-signature': await signature(SECRET, failing) });
  expect('throwing handler status', r.status, 500);

  const slow = delivery('license.created');
  const slowSig = await signature(SECRET, slow);
  // Order, not speed: the 300 ms deadline's 202 comes while the 1.5 s handler still runs.
  r = await post(`${base}/webhooks/slow`, slow, { 'x-geckoguard-signature': slowSig });
  expect('handler past the deadline status', r.status, 202);
  expect('deadline: not finished when answered', (await seen(base)).finished.includes(`slow ${slowSig.slice(0, 32)}`), false);
  const until = Date.now() + 10_000;
  let finished = false;
  while (!finished && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    finished = (await seen(base)).finished.includes(`slow ${slowSig.slice(0, 32)}`);
  }
  expect('the slow handler finished after the 202', finished, true);

  const later = delivery('license.frozen');
  const laterSig = await signature(SECRET, later);
  r = await post(`${base}/webhooks/background`, later, { 'x-geckoguard-signature': laterSig });
  expect('background: true status', r.status, 202);
  expect('background: not finished when answered', (await seen(base)).finished.includes(`background ${laterSig.slice(0, 32)}`), false);
  let done = false;
  for (const stop = Date.now() + 10_000; !done && Date.now() < stop; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    done = (await seen(base)).finished.includes(`background ${laterSig.slice(0, 32)}`);
  }
  expect('background: the handler finished after the answer', done, true);
  r = await post(`${base}/webhooks/background`, later);
  expect('background: a missing signature is still refused first', r.status, 401);

  const twice = delivery('license.expired');
  const twiceSig = await signature(SECRET, twice);
  expect('dedupe first status', (await post(`${base}/webhooks/dedupe`, twice, { 'x-geckoguard-signature': twiceSig })).status, 200);
  expect('dedupe repeat status', (await post(`${base}/webhooks/dedupe`, twice, { 'x-geckoguard-signature': twiceSig })).status, 200);
  const runs = (await seen(base)).events.filter((line) => line === `dedupe ${twiceSig.slice(0, 32)}`).length;
  expect('dedupe: handler runs', runs, 1);

  return failures;
}
