#!/usr/bin/env node
// Writes the shared, language-neutral test vectors of geckoguard-webhooks:
// verify.json, large.json and sign.json, next to this file.
//
//   node tests/vectors/generate.mjs
//
// node:crypto's HMAC is the reference implementation here, on purpose: the
// vectors must not come from the SDK they test. Everything is fixed (secrets,
// timestamps, a seeded PRNG for the large body), so running the script again
// writes byte-identical files. Each case states its expected outcome by hand;
// the script only computes MACs, idempotency keys and encodings, and refuses
// to write anything when a case contradicts itself. See README.md.

import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------
// Primitives

function fail(message) {
  throw new Error(`generate.mjs: ${message}`);
}

/** UTF-8 bytes of a string, refusing strings that are not valid Unicode. */
function utf8(text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.toString('utf8') !== text) fail(`not encodable as UTF-8: ${JSON.stringify(text)}`);
  return bytes;
}

const toBytes = (value) => (typeof value === 'string' ? utf8(value) : Buffer.from(value));

/** Lowercase hex HMAC-SHA256; string keys and bodies are taken as UTF-8. */
function hmacHex(key, body) {
  return createHmac('sha256', toBytes(key)).update(toBytes(body)).digest('hex');
}

/** Exactly what GeckoGuard sends: compact JSON with event, data, timestamp. */
function payload(event, data, timestamp = T0) {
  return JSON.stringify({ event, data, timestamp });
}

/** The success expectation for a body signed with `secret`. */
function ok(secret, body, { event, timestamp, data }) {
  return { event, timestamp, data, idempotency_key: hmacHex(secret, body).slice(0, 32) };
}

const error = (code) => ({ error: code });

const ERROR_CODES = [
  'missing_signature',
  'malformed_signature',
  'invalid_signature',
  'invalid_payload',
  'timestamp_out_of_tolerance',
  'invalid_secret',
];

// ---------------------------------------------------------------------------
// Fixed inputs

// GeckoGuard secrets: "whsec_" and 32 base64url characters.
const SECRET = 'whsec_kq8Zt3vN1xWb6PjR0cYh5LmD9sEa-u2G';
const SECRET_OLD = 'whsec_T7nHq2KdVw9XeLr4Bp_s0AyMjC6fUg1o';
const SECRET_NEW = 'whsec_3mPzR8cLx5WqJt0NvKa7YdHs2Bf-9uGi';
const SECRET_OTHER = 'whsec_Xy4Wn6Qe_8Ru1Tb3Oc5Ld7Mf9Kg0Jh2P';
for (const s of [SECRET, SECRET_OLD, SECRET_NEW, SECRET_OTHER]) {
  if (!/^whsec_[A-Za-z0-9_-]{32}$/.test(s)) fail(`secret does not look like GeckoGuard's: ${s}`);
}

// The timestamp of the spec's example payload, and the same instant in ms.
const T0 = '2025-01-15T10:30:00.000Z';
const T0_MS = 1736937000000;
if (Date.parse(T0) !== T0_MS || new Date(T0_MS).toISOString() !== T0) fail('T0 and T0_MS disagree');
const iso = (ms) => new Date(ms).toISOString();
const TOLERANCE = 300; // seconds

const LICENSE_ID = '3f6c1a2e-8b4d-4e7a-9c15-2d8e7b6a4f01';
const PRODUCT_ID = 'a91e5c07-4b3f-4d26-8e1a-6f0b9c2d7e53';
const API_KEY_ID = 'c2d84b1f-6a7e-4f03-b5c9-18e2a7d06f94';
const TEAM_ID = '7b0e3d95-1c6a-4a8f-9e27-5d4c3b2a1f60';
const USER_ID = 'e5a7f2c1-9d3b-4b8e-a604-7c1f2e9d8b35';

// The data of the spec's example payload, placeholders included.
const SPEC_EXAMPLE_DATA = {
  licenseId: 'license-uuid',
  productId: 'product-uuid',
  wasActivated: false,
  effectiveExpiresAt: '2025-12-31T23:59:59.000Z',
};

// ---------------------------------------------------------------------------
// Case collection

/**
 * Adds a verification case. `body` is a string (sent as its UTF-8 bytes) or a
 * Buffer (written as body_base64 and required not to be valid UTF-8).
 */
function makeCase({ name, secrets, body, signature, tolerance, now_ms, expect }) {
  if (typeof name !== 'string' || name === '') fail('a case needs a name');
  if (!Array.isArray(secrets) || secrets.length === 0) fail(`${name}: secrets must be a non-empty list`);
  if (signature !== null && typeof signature !== 'string') fail(`${name}: signature must be a string or null`);
  if ((tolerance === undefined) !== (now_ms === undefined)) fail(`${name}: tolerance and now_ms go together`);
  const isError = expect && typeof expect.error === 'string';
  if (isError ? !ERROR_CODES.includes(expect.error) : !/^[0-9a-f]{32}$/.test(expect?.idempotency_key ?? '')) {
    fail(`${name}: bad expectation ${JSON.stringify(expect)}`);
  }
  const out = { name, secrets };
  if (typeof body === 'string') {
    utf8(body);
    out.body = body;
  } else if (Buffer.isBuffer(body)) {
    if (isValidUtf8(body)) {
      fail(`${name}: body_base64 is only for bodies that are not valid UTF-8`);
    }
    out.body_base64 = body.toString('base64');
  } else {
    fail(`${name}: body must be a string or a Buffer`);
  }
  out.signature = signature;
  if (tolerance !== undefined) {
    if (!Number.isSafeInteger(tolerance) || tolerance <= 0) fail(`${name}: tolerance must be a positive integer`);
    if (!Number.isSafeInteger(now_ms)) fail(`${name}: now_ms must be an integer`);
    out.tolerance = tolerance;
    out.now_ms = now_ms;
  }
  out.expect = expect;
  return out;
}

function isValidUtf8(bytes) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function collect(build) {
  const cases = [];
  build((spec) => cases.push(makeCase(spec)));
  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.name)) fail(`duplicate case name: ${c.name}`);
    seen.add(c.name);
  }
  return cases;
}

// ---------------------------------------------------------------------------
// verify.json

const verifyCases = collect((add) => {
  // A valid, signed delivery of `event` with `data`.
  const valid = (name, event, data, extra = {}) => {
    const body = payload(event, data);
    add({ name, secrets: [SECRET], body, signature: hmacHex(SECRET, body), expect: ok(SECRET, body, { event, timestamp: T0, data }), ...extra });
  };

  // --- One valid delivery per event of the spec -----------------------------
  valid('license.created', 'license.created', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    key: 'GECKO-7Q2M-XK4P-9WDT',
    expiresAt: '2026-01-15T00:00:00.000Z',
    maxActivations: 3,
  });
  valid('license.revoked', 'license.revoked', { licenseId: LICENSE_ID, productId: PRODUCT_ID, reason: 'chargeback' });
  valid('license.unrevoked', 'license.unrevoked', { licenseId: LICENSE_ID, productId: PRODUCT_ID });
  valid('license.expired', 'license.expired', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    expiredAt: '2025-01-15T10:29:59.000Z',
  });
  valid('license.authorized (the spec example, compact)', 'license.authorized', SPEC_EXAMPLE_DATA);
  valid('license.authorized, first activation, no expiry (effectiveExpiresAt null)', 'license.authorized', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    wasActivated: true,
    effectiveExpiresAt: null,
  });
  valid('license.authorization_denied', 'license.authorization_denied', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    reason: 'hwid_mismatch',
  });
  valid('license.hwid_reset', 'license.hwid_reset', { licenseId: LICENSE_ID, productId: PRODUCT_ID, resetCount: 2 });
  valid('license.ip_reset', 'license.ip_reset', { licenseId: LICENSE_ID, productId: PRODUCT_ID });
  valid('license.frozen', 'license.frozen', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    frozenUntil: '2025-02-15T10:30:00.000Z',
  });
  valid('license.unfrozen', 'license.unfrozen', { licenseId: LICENSE_ID, productId: PRODUCT_ID });
  valid('api_key.created', 'api_key.created', { apiKeyId: API_KEY_ID, name: 'CI deploy key', prefix: 'gg_live_4f9a' });
  valid('api_key.revoked', 'api_key.revoked', { apiKeyId: API_KEY_ID });
  valid('api_key.rotated', 'api_key.rotated', {
    apiKeyId: API_KEY_ID,
    previousApiKeyId: '0d9c8b7a-6e5f-4a3b-8c2d-1e0f9a8b7c6d',
  });
  valid('team.member_added', 'team.member_added', {
    teamId: TEAM_ID,
    userId: USER_ID,
    email: 'ada@example.com',
    role: 'admin',
  });
  valid('team.member_removed', 'team.member_removed', { teamId: TEAM_ID, userId: USER_ID, email: 'ada@example.com' });
  valid('test.ping (sent by the dashboard test endpoint)', 'test.ping', {
    message: 'This is a test webhook from GeckoGuard',
  });

  // --- Other valid deliveries --------------------------------------------------
  valid('unknown event license.transferred verifies like any other', 'license.transferred', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    toUserId: USER_ID,
  });
  valid('unknown event invoice.paid verifies like any other', 'invoice.paid', { invoiceId: 'inv_0001', amount: 4999 });
  valid('empty data object', 'test.ping', {});
  valid('data with extra nested fields, arrays and numbers is kept as is', 'license.created', {
    licenseId: LICENSE_ID,
    productId: PRODUCT_ID,
    maxActivations: 5,
    price: { amount: 19.99, currency: 'EUR', discounts: [] },
    activations: [
      { hwid: 'HW-01', ip: '203.0.113.7', at: '2025-01-14T08:00:00.000Z' },
      { hwid: 'HW-02', ip: null, at: '2025-01-15T09:12:34.567Z' },
    ],
    tags: ['pro', 'annual'],
    counters: [0, -1, 42, 1.5],
    flags: { trial: false, beta: true },
    metadata: { nested: { deeper: { deepest: ['x', { y: 'z' }] } } },
  });
  valid('license.authorized with wrong-typed data fields is still valid', 'license.authorized', {
    licenseId: 12345,
    productId: null,
    wasActivated: 'yes',
    effectiveExpiresAt: 1767225599000,
  });
  valid('multibyte UTF-8 in data (accents, CJK, emoji)', 'team.member_added', {
    teamId: TEAM_ID,
    userId: USER_ID,
    email: 'zoë.müller@example.com',
    displayName: 'José Gecko 🦎 山田太郎',
    note: 'Ünïcödé: ß ø å ñ — “quotes” 💚🇫🇷',
  });

  {
    const event = 'license.created';
    const data = { licenseId: LICENSE_ID, productId: PRODUCT_ID, customer: 'Renée Côté 🦎' };
    const body = `{"event":"license.created","data":{"licenseId":"${LICENSE_ID}","productId":"${PRODUCT_ID}","customer":"Ren\\u00e9e C\\u00f4t\\u00e9 \\ud83e\\udd8e"},"timestamp":"${T0}"}`;
    add({
      name: 'escaped unicode (\\u00e9 and an escaped surrogate pair) in data strings',
      secrets: [SECRET],
      body,
      signature: hmacHex(SECRET, body),
      expect: ok(SECRET, body, { event, timestamp: T0, data }),
    });
    const raw = payload(event, data);
    add({
      name: 'signature over the \\u-escaped body does not verify the same text sent unescaped',
      secrets: [SECRET],
      body: raw,
      signature: hmacHex(SECRET, body),
      expect: error('invalid_signature'),
    });
  }

  {
    const data = SPEC_EXAMPLE_DATA;
    const compact = payload('license.authorized', data);
    const pretty = JSON.stringify({ event: 'license.authorized', data, timestamp: T0 }, null, 2);
    add({
      name: 'pretty-printed body (exactly as in the spec) with its own signature',
      secrets: [SECRET],
      body: pretty,
      signature: hmacHex(SECRET, pretty),
      expect: ok(SECRET, pretty, { event: 'license.authorized', timestamp: T0, data }),
    });
    add({
      name: 'body re-serialized with other whitespace after signing the compact form',
      secrets: [SECRET],
      body: pretty,
      signature: hmacHex(SECRET, compact),
      expect: error('invalid_signature'),
    });
    add({
      name: 'trailing newline appended after signing',
      secrets: [SECRET],
      body: `${compact}\n`,
      signature: hmacHex(SECRET, compact),
      expect: error('invalid_signature'),
    });
    add({
      name: 'trailing newline that was signed is valid JSON whitespace',
      secrets: [SECRET],
      body: `${compact}\n`,
      signature: hmacHex(SECRET, `${compact}\n`),
      expect: ok(SECRET, `${compact}\n`, { event: 'license.authorized', timestamp: T0, data }),
    });
    const padded = ` \t\r\n${compact}\r\n \t`;
    add({
      name: 'JSON whitespace before and after the object',
      secrets: [SECRET],
      body: padded,
      signature: hmacHex(SECRET, padded),
      expect: ok(SECRET, padded, { event: 'license.authorized', timestamp: T0, data }),
    });
  }

  {
    const data = { licenseId: LICENSE_ID, productId: PRODUCT_ID };
    const body = JSON.stringify({ timestamp: T0, data, event: 'license.revoked' });
    add({
      name: 'fields in another order (timestamp, data, event)',
      secrets: [SECRET],
      body,
      signature: hmacHex(SECRET, body),
      expect: ok(SECRET, body, { event: 'license.revoked', timestamp: T0, data }),
    });
    const extra = JSON.stringify({ id: 'evt_01', event: 'license.revoked', data, timestamp: T0, apiVersion: 2, retry: { attempt: 1 } });
    add({
      name: 'extra top-level fields are tolerated and ignored',
      secrets: [SECRET],
      body: extra,
      signature: hmacHex(SECRET, extra),
      expect: ok(SECRET, extra, { event: 'license.revoked', timestamp: T0, data }),
    });
  }

  for (const [name, timestamp] of [
    ['without a tolerance an unparseable timestamp string ("yesterday") is accepted', 'yesterday'],
    ['without a tolerance an empty timestamp string is accepted', ''],
  ]) {
    const data = { message: 'hello' };
    const body = payload('test.ping', data, timestamp);
    add({ name, secrets: [SECRET], body, signature: hmacHex(SECRET, body), expect: ok(SECRET, body, { event: 'test.ping', timestamp, data }) });
  }

  // --- The header --------------------------------------------------------------
  const PING = payload('test.ping', { message: 'header tests' });
  const PING_MAC = hmacHex(SECRET, PING);
  const PING_OK = ok(SECRET, PING, { event: 'test.ping', timestamp: T0, data: { message: 'header tests' } });
  const header = (name, signature, expect) => add({ name, secrets: [SECRET], body: PING, signature, expect });

  header('header: lowercase hex (what GeckoGuard sends)', PING_MAC, PING_OK);
  header('header: uppercase hex is accepted', PING_MAC.toUpperCase(), PING_OK);
  header(
    'header: mixed-case hex is accepted',
    [...PING_MAC].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join(''),
    PING_OK,
  );
  header('header: surrounding spaces are ignored', `  ${PING_MAC}  `, PING_OK);
  header('header: surrounding tabs are ignored', `\t${PING_MAC}\t`, PING_OK);
  header('header: a trailing CRLF is ignored', `${PING_MAC}\r\n`, PING_OK);
  header('header: a leading newline and form feed are ignored', `\n\f${PING_MAC}`, PING_OK);

  header('header: absent (null)', null, error('missing_signature'));
  header('header: empty string', '', error('missing_signature'));
  header('header: only spaces', '   ', error('missing_signature'));
  header('header: only ASCII whitespace (space, tab, CR, LF, FF)', ' \t\r\n\f', error('missing_signature'));

  header('header: 63 hex digits', PING_MAC.slice(0, 63), error('malformed_signature'));
  header('header: 65 hex digits', `${PING_MAC}0`, error('malformed_signature'));
  header('header: 128 hex digits (the signature twice)', PING_MAC + PING_MAC, error('malformed_signature'));
  header('header: "sha256=" prefix', `sha256=${PING_MAC}`, error('malformed_signature'));
  header('header: "0x" prefix', `0x${PING_MAC}`, error('malformed_signature'));
  header('header: a non-hex ASCII letter (g)', `g${PING_MAC.slice(1)}`, error('malformed_signature'));
  header('header: a non-ASCII character (é) in place of a digit', `${PING_MAC.slice(0, 31)}é${PING_MAC.slice(32)}`, error('malformed_signature'));
  header('header: an internal space', `${PING_MAC.slice(0, 32)} ${PING_MAC.slice(32)}`, error('malformed_signature'));
  header('header: two signatures separated by a comma', `${PING_MAC},${PING_MAC}`, error('malformed_signature'));
  header(
    'header: the MAC in base64 instead of hex',
    createHmac('sha256', utf8(SECRET)).update(utf8(PING)).digest('base64'),
    error('malformed_signature'),
  );
  header('header: a surrounding no-break space (U+00A0) is not ASCII whitespace', `\u00a0${PING_MAC}\u00a0`, error('malformed_signature'));
  header('header: a surrounding vertical tab is not stripped', `\u000b${PING_MAC}`, error('malformed_signature'));

  header('header: well-formed but all zeros', '0'.repeat(64), error('invalid_signature'));
  header(
    'header: last hex digit changed',
    PING_MAC.slice(0, 63) + (PING_MAC[63] === '0' ? '1' : '0'),
    error('invalid_signature'),
  );

  // --- Secrets, keys and rotation -----------------------------------------------
  {
    const event = 'license.revoked';
    const data = { licenseId: LICENSE_ID, productId: PRODUCT_ID, reason: 'refund' };
    const body = payload(event, data);
    const expected = (secret) => ok(secret, body, { event, timestamp: T0, data });
    const keyed = (name, secrets, signedWith, expect) =>
      add({ name, secrets, body, signature: hmacHex(signedWith, body), expect });

    keyed('signed with another endpoint\'s secret', [SECRET], SECRET_OTHER, error('invalid_signature'));
    keyed('rotation: the old secret matches', [SECRET_NEW, SECRET_OLD], SECRET_OLD, expected(SECRET_OLD));
    keyed('rotation: the new secret matches', [SECRET_NEW, SECRET_OLD], SECRET_NEW, expected(SECRET_NEW));
    keyed('rotation: three secrets, the last matches', [SECRET_NEW, SECRET_OTHER, SECRET], SECRET, expected(SECRET));
    keyed('rotation: neither secret matches', [SECRET_NEW, SECRET_OLD], SECRET_OTHER, error('invalid_signature'));
    keyed(
      'the whsec_ prefix is part of the key: verifier configured without it',
      [SECRET.slice('whsec_'.length)],
      SECRET,
      error('invalid_signature'),
    );
    keyed(
      'the whsec_ prefix is part of the key: signed without it',
      [SECRET],
      SECRET.slice('whsec_'.length),
      error('invalid_signature'),
    );
    keyed(
      'the key is the secret text, not its base64url decoding',
      [SECRET],
      Buffer.from(SECRET.slice('whsec_'.length), 'base64url'),
      error('invalid_signature'),
    );
    const accented = 'whsec_gécko-Ünïcode_secret_ß';
    keyed('a non-ASCII secret is keyed by its UTF-8 bytes', [accented], accented, expected(accented));
    const spaced = 'whsec_internal space_is_kept';
    keyed('whitespace inside a secret is part of it (only surrounding whitespace is refused)', [spaced], spaced, expected(spaced));

    // invalid_secret is decided when the verifier is built, before anything else.
    keyed('secret: empty', [''], SECRET, error('invalid_secret'));
    keyed('secret: leading space', [` ${SECRET}`], SECRET, error('invalid_secret'));
    keyed('secret: trailing newline (pasted from a file)', [`${SECRET}\n`], SECRET, error('invalid_secret'));
    keyed('secret: trailing CRLF', [`${SECRET}\r\n`], SECRET, error('invalid_secret'));
    keyed('secret: leading tab', [`\t${SECRET}`], SECRET, error('invalid_secret'));
    keyed('secret: trailing no-break space (U+00A0)', [`${SECRET}\u00a0`], SECRET, error('invalid_secret'));
    keyed('secret: leading ideographic space (U+3000)', [`\u3000${SECRET}`], SECRET, error('invalid_secret'));
    keyed('secret: only whitespace', ['   '], SECRET, error('invalid_secret'));
    keyed('rotation: one secret in the list has a trailing space', [SECRET, `${SECRET_OLD} `], SECRET, error('invalid_secret'));
    keyed('rotation: one secret in the list is empty', [SECRET_NEW, ''], SECRET_NEW, error('invalid_secret'));
    add({
      name: 'secret: invalid secret is reported before a missing signature',
      secrets: [` ${SECRET}`],
      body,
      signature: null,
      expect: error('invalid_secret'),
    });
    add({
      name: 'secret: invalid secret is reported before a broken body',
      secrets: [''],
      body: '{"event":',
      signature: hmacHex(SECRET, '{"event":'),
      expect: error('invalid_secret'),
    });
  }

  // --- Signature before payload -------------------------------------------------
  {
    const broken = '{"event":"license.created","data":{';
    add({ name: 'broken body, header absent', secrets: [SECRET], body: broken, signature: null, expect: error('missing_signature') });
    add({ name: 'broken body, malformed header', secrets: [SECRET], body: broken, signature: 'not-a-signature', expect: error('malformed_signature') });
    add({ name: 'broken body, wrong signature', secrets: [SECRET], body: broken, signature: hmacHex(SECRET_OTHER, broken), expect: error('invalid_signature') });
    add({ name: 'broken body, correct signature', secrets: [SECRET], body: broken, signature: hmacHex(SECRET, broken), expect: error('invalid_payload') });
    const notUtf8 = Buffer.concat([utf8('{"event":"test.ping","data":{"message":"'), Buffer.from([0xff, 0xfe]), utf8(`"},"timestamp":"${T0}"}`)]);
    add({ name: 'invalid UTF-8 body, wrong signature', secrets: [SECRET], body: notUtf8, signature: hmacHex(SECRET_OTHER, notUtf8), expect: error('invalid_signature') });
    const data = { licenseId: LICENSE_ID, productId: PRODUCT_ID };
    const body = payload('license.created', data);
    add({
      name: 'tampered body: data changed after signing',
      secrets: [SECRET],
      body: body.replace(LICENSE_ID, '00000000-0000-4000-8000-000000000000'),
      signature: hmacHex(SECRET, body),
      expect: error('invalid_signature'),
    });
    const old = payload('license.created', data, iso(T0_MS - 3_600_000));
    add({
      name: 'wrong signature and a stale timestamp: the signature is reported',
      secrets: [SECRET],
      body: old,
      signature: hmacHex(SECRET_OTHER, old),
      tolerance: TOLERANCE,
      now_ms: T0_MS,
      expect: error('invalid_signature'),
    });
  }

  // --- Payloads with a valid signature ------------------------------------------
  const badPayload = (name, body, extra = {}) =>
    add({ name, secrets: [SECRET], body, signature: hmacHex(SECRET, body), expect: error('invalid_payload'), ...extra });
  const D = `{"licenseId":"${LICENSE_ID}","productId":"${PRODUCT_ID}"}`;

  badPayload('payload: empty body', '');
  badPayload('payload: only whitespace', ' \n');
  badPayload('payload: truncated JSON', `{"event":"license.created","data":${D},"timestamp":"${T0}"`);
  badPayload('payload: trailing comma in the object', `{"event":"license.created","data":${D},"timestamp":"${T0}",}`);
  badPayload('payload: single-quoted strings', `{'event':'license.created','data':{},'timestamp':'${T0}'}`);
  badPayload('payload: trailing garbage after the object', `{"event":"license.created","data":${D},"timestamp":"${T0}"}x`);
  badPayload('payload: two objects back to back', `{"event":"license.created","data":${D},"timestamp":"${T0}"}{}`);
  badPayload(
    'payload: invalid UTF-8 byte (0xFF) inside a string',
    Buffer.concat([utf8('{"event":"test.ping","data":{"message":"'), Buffer.from([0xff]), utf8(`"},"timestamp":"${T0}"}`)]),
  );
  badPayload(
    'payload: UTF-8-encoded surrogate (ED A0 80) is not UTF-8',
    Buffer.concat([utf8('{"event":"test.ping","data":{"message":"'), Buffer.from([0xed, 0xa0, 0x80]), utf8(`"},"timestamp":"${T0}"}`)]),
  );
  badPayload('payload: top-level array', `[{"event":"license.created","data":${D},"timestamp":"${T0}"}]`);
  badPayload('payload: top-level string', '"license.created"');
  badPayload('payload: top-level number', '42');
  badPayload('payload: top-level null', 'null');
  badPayload('payload: top-level true', 'true');
  badPayload('payload: missing event', `{"data":${D},"timestamp":"${T0}"}`);
  badPayload('payload: missing data', `{"event":"license.created","timestamp":"${T0}"}`);
  badPayload('payload: missing timestamp', `{"event":"license.created","data":${D}}`);
  badPayload('payload: empty object', '{}');
  badPayload('payload: event is a number', `{"event":42,"data":${D},"timestamp":"${T0}"}`);
  badPayload('payload: event is null', `{"event":null,"data":${D},"timestamp":"${T0}"}`);
  badPayload('payload: event is an empty string', `{"event":"","data":${D},"timestamp":"${T0}"}`);
  badPayload('payload: data is an array', `{"event":"license.created","data":[${D}],"timestamp":"${T0}"}`);
  badPayload('payload: data is null', `{"event":"license.created","data":null,"timestamp":"${T0}"}`);
  badPayload('payload: data is a string', `{"event":"license.created","data":"${LICENSE_ID}","timestamp":"${T0}"}`);
  badPayload('payload: timestamp is a number', `{"event":"license.created","data":${D},"timestamp":${T0_MS}}`);
  badPayload('payload: timestamp is null', `{"event":"license.created","data":${D},"timestamp":null}`);
  badPayload(
    'payload: duplicated "event" key',
    `{"event":"license.created","data":${D},"timestamp":"${T0}","event":"license.revoked"}`,
  );
  badPayload('payload: duplicated "event" key with the same value', `{"event":"test.ping","event":"test.ping","data":{},"timestamp":"${T0}"}`);
  badPayload('payload: duplicated "data" key', `{"event":"license.created","data":${D},"data":{},"timestamp":"${T0}"}`);
  badPayload(
    'payload: duplicated "timestamp" key',
    `{"event":"license.created","data":${D},"timestamp":"${T0}","timestamp":"2030-01-01T00:00:00.000Z"}`,
  );
  badPayload(
    'payload: data of the wrong type and a stale timestamp: the payload is reported',
    `{"event":"license.created","data":[],"timestamp":"${iso(T0_MS - 86_400_000)}"}`,
    { tolerance: TOLERANCE, now_ms: T0_MS },
  );

  // --- The replay window ----------------------------------------------------------
  const windowCase = (name, timestamp, now_ms, expectError, tolerance = TOLERANCE) => {
    const data = { licenseId: LICENSE_ID, productId: PRODUCT_ID, wasActivated: false, effectiveExpiresAt: null };
    const body = payload('license.authorized', data, timestamp);
    add({
      name,
      secrets: [SECRET],
      body,
      signature: hmacHex(SECRET, body),
      tolerance,
      now_ms,
      expect: expectError ? error(expectError) : ok(SECRET, body, { event: 'license.authorized', timestamp, data }),
    });
  };
  const TOL_MS = TOLERANCE * 1000;
  windowCase('window: timestamp equal to now', T0, T0_MS);
  windowCase('window: exactly tolerance old is accepted', T0, T0_MS + TOL_MS);
  windowCase('window: 1 ms beyond tolerance old is rejected', T0, T0_MS + TOL_MS + 1, 'timestamp_out_of_tolerance');
  windowCase('window: exactly tolerance in the future is accepted', T0, T0_MS - TOL_MS);
  windowCase('window: 1 ms beyond tolerance in the future is rejected', T0, T0_MS - TOL_MS - 1, 'timestamp_out_of_tolerance');
  windowCase('window: a day old', T0, T0_MS + 86_400_000, 'timestamp_out_of_tolerance');
  windowCase('window: an hour in the future', T0, T0_MS - 3_600_000, 'timestamp_out_of_tolerance');
  windowCase('window: tolerance of 1 s, 1 s old is accepted', T0, T0_MS + 1000, undefined, 1);
  windowCase('window: tolerance of 1 s, 1001 ms old is rejected', T0, T0_MS + 1001, 'timestamp_out_of_tolerance', 1);
  windowCase('window: tolerance of 1 day, 23 h old is accepted', T0, T0_MS + 23 * 3_600_000, undefined, 86_400);
  windowCase('window: timestamp without a fraction', '2025-01-15T10:30:00Z', T0_MS + 1234);
  windowCase('window: lowercase t and z', '2025-01-15t10:30:00.000z', T0_MS);
  windowCase('window: +02:00 offset, same instant as now', '2025-01-15T12:30:00.000+02:00', T0_MS);
  windowCase('window: -05:00 offset, exactly tolerance old', '2025-01-15T05:30:00-05:00', T0_MS + TOL_MS);
  windowCase('window: +02:00 offset read as UTC would be 2 h ahead', '2025-01-15T12:30:00+02:00', T0_MS + 60_000);
  windowCase('window: +02:00 offset, 1 ms beyond tolerance old', '2025-01-15T12:30:00.000+02:00', T0_MS + TOL_MS + 1, 'timestamp_out_of_tolerance');
  windowCase('window: 1-digit fraction', '2025-01-15T10:30:00.5Z', T0_MS + 500 + TOL_MS);
  // Truncation, not rounding: .999999 is 999 ms; rounding it would put the
  // timestamp 1 ms further ahead, beyond the window.
  windowCase('window: 6-digit fraction truncated to ms, exactly tolerance ahead', '2025-01-15T10:30:00.999999Z', T0_MS + 999 - TOL_MS);
  // .1239 is 123 ms; rounding to 124 would bring it back inside the window.
  windowCase('window: 4-digit fraction truncated to ms, 1 ms beyond tolerance old', '2025-01-15T10:30:00.1239Z', T0_MS + 123 + TOL_MS + 1, 'timestamp_out_of_tolerance');
  windowCase('window: 29 February of a leap year', '2024-02-29T23:59:59.999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999));
  {
    const data = { invoiceId: 'inv_0002' };
    const body = payload('invoice.paid', data, iso(T0_MS - 600_000));
    add({
      name: 'window: unknown event invoice.paid, 10 min old',
      secrets: [SECRET],
      body,
      signature: hmacHex(SECRET, body),
      tolerance: TOLERANCE,
      now_ms: T0_MS,
      expect: error('timestamp_out_of_tolerance'),
    });
  }

  // With a tolerance the timestamp must be RFC 3339.
  windowCase('window: "yesterday" is not RFC 3339', 'yesterday', T0_MS, 'invalid_payload');
  windowCase('window: empty timestamp', '', T0_MS, 'invalid_payload');
  windowCase('window: month 13', '2025-13-15T10:30:00.000Z', T0_MS, 'invalid_payload');
  windowCase('window: 30 February', '2025-02-30T10:30:00.000Z', T0_MS, 'invalid_payload');
  windowCase('window: 29 February of a common year', '2025-02-29T10:30:00.000Z', T0_MS, 'invalid_payload');
  windowCase('window: hour 24', '2025-01-15T24:00:00.000Z', T0_MS, 'invalid_payload');
  windowCase('window: no time zone', '2025-01-15T10:30:00.000', T0_MS, 'invalid_payload');
  windowCase('window: date only', '2025-01-15', T0_MS, 'invalid_payload');
  windowCase('window: space instead of T', '2025-01-15 10:30:00.000Z', T0_MS, 'invalid_payload');
  windowCase('window: offset without a colon', '2025-01-15T12:30:00.000+0200', T0_MS, 'invalid_payload');
  windowCase('window: dot without fraction digits', '2025-01-15T10:30:00.Z', T0_MS, 'invalid_payload');
  windowCase('window: epoch milliseconds as a string', String(T0_MS), T0_MS, 'invalid_payload');
  badPayload('window: timestamp is a number', `{"event":"license.authorized","data":${D},"timestamp":${T0_MS}}`, {
    tolerance: TOLERANCE,
    now_ms: T0_MS,
  });
});

// ---------------------------------------------------------------------------
// large.json

const LARGE_LIMIT = 1024 * 1024; // 1 MiB
const LARGE_SIZE = LARGE_LIMIT - 1; // the largest body under 1 MiB

/** mulberry32: a small seeded PRNG, so the large body is fixed but not one repeated byte. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const largeCases = collect((add) => {
  const random = mulberry32(0x6ec4a0);
  const words = ['gecko', 'license', 'seat', 'hwid', 'product', 'renewal', 'café', 'naïve', '山田', '🦎', 'ünïcode', 'key'];
  const base = { licenseId: LICENSE_ID, productId: PRODUCT_ID, maxActivations: 1000, notes: '' };
  const overhead = utf8(payload('license.created', base)).length;
  let notes = '';
  let notesBytes = 0;
  for (;;) {
    const word = words[Math.floor(random() * words.length)];
    const next = utf8(`${word} `).length;
    if (overhead + notesBytes + next > LARGE_SIZE) break;
    notes += `${word} `;
    notesBytes += next;
  }
  notes += 'x'.repeat(LARGE_SIZE - overhead - notesBytes); // ASCII filler to the exact size
  const data = { ...base, notes };
  const body = payload('license.created', data);
  if (utf8(body).length !== LARGE_SIZE) fail(`large body is ${utf8(body).length} bytes`);

  add({
    name: `large: ${LARGE_SIZE}-byte license.created body (1 MiB - 1)`,
    secrets: [SECRET],
    body,
    signature: hmacHex(SECRET, body),
    expect: ok(SECRET, body, { event: 'license.created', timestamp: T0, data }),
  });
  const changed = `${body.slice(0, body.length - 3)}y${body.slice(body.length - 2)}`; // last filler 'x' of notes -> 'y'
  if (utf8(changed).length !== LARGE_SIZE || changed === body) fail('the one-byte change went wrong');
  add({
    name: `large: ${LARGE_SIZE}-byte body, signature of the body with one byte changed`,
    secrets: [SECRET],
    body,
    signature: hmacHex(SECRET, changed),
    expect: error('invalid_signature'),
  });
});

// ---------------------------------------------------------------------------
// sign.json

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fill = (byte, n) => Buffer.alloc(n, byte);

// RFC 4231 section 4, HMAC-SHA-256 values copied from the RFC text.
const RFC4231 = [
  {
    description: 'RFC 4231 test case 1',
    key: fill(0x0b, 20),
    data: utf8('Hi There'),
    expected_hex: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    description: 'RFC 4231 test case 2 (key shorter than the output)',
    key: utf8('Jefe'),
    data: utf8('what do ya want for nothing?'),
    expected_hex: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    description: 'RFC 4231 test case 3 (50 bytes of 0xdd)',
    key: fill(0xaa, 20),
    data: fill(0xdd, 50),
    expected_hex: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    description: 'RFC 4231 test case 4 (25-byte key, 50 bytes of 0xcd)',
    key: Buffer.from('0102030405060708090a0b0c0d0e0f10111213141516171819', 'hex'),
    data: fill(0xcd, 50),
    expected_hex: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  {
    description: 'RFC 4231 test case 5 (the RFC gives only the first 128 bits: compare the first truncate_bytes bytes)',
    key: fill(0x0c, 20),
    data: utf8('Test With Truncation'),
    expected_hex: 'a3b6167473100ee06e0c796c2955552b',
    truncate_bytes: 16,
  },
  {
    description: 'RFC 4231 test case 6 (131-byte key, larger than the block: hashed first)',
    key: fill(0xaa, 131),
    data: utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    expected_hex: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    description: 'RFC 4231 test case 7 (131-byte key and data larger than the block)',
    key: fill(0xaa, 131),
    data: utf8(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    expected_hex: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

const signCases = RFC4231.map(({ description, key, data, expected_hex, truncate_bytes }) => {
  const computed = hmacHex(key, data);
  const want = truncate_bytes === undefined ? computed : computed.slice(0, truncate_bytes * 2);
  if (want !== expected_hex) fail(`${description}: node:crypto gives ${computed}, the RFC says ${expected_hex}`);
  const out = { description, key_hex: hex(key), body_hex: hex(data), expected_hex };
  if (truncate_bytes !== undefined) out.truncate_bytes = truncate_bytes;
  return out;
});

for (const [description, key, body] of [
  ['GeckoGuard: the spec example payload (compact) signed with a whsec_ secret', SECRET, payload('license.authorized', SPEC_EXAMPLE_DATA)],
  [
    'GeckoGuard: the spec example payload exactly as printed (2-space indent)',
    SECRET,
    JSON.stringify({ event: 'license.authorized', data: SPEC_EXAMPLE_DATA, timestamp: T0 }, null, 2),
  ],
  ['GeckoGuard: empty body', SECRET, ''],
  ['GeckoGuard: body with multibyte UTF-8 (signed as its UTF-8 bytes)', SECRET_OLD, payload('test.ping', { message: 'Grüße 🦎 こんにちは' })],
  ['GeckoGuard: non-ASCII secret, keyed by its UTF-8 bytes', 'whsec_gécko-Ünïcode_secret_ß', payload('test.ping', { message: 'hi' })],
  ['GeckoGuard: 80-byte secret, longer than the 64-byte block', `whsec_${'Ab3_-Xy9'.repeat(9)}abc`, payload('test.ping', {})],
  ['GeckoGuard: body that is not valid UTF-8', SECRET_NEW, Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d])],
]) {
  signCases.push({ description, key_hex: hex(toBytes(key)), body_hex: hex(toBytes(body)), expected_hex: hmacHex(key, body) });
}

// ---------------------------------------------------------------------------
// Output

function write(file, value) {
  writeFileSync(join(OUT_DIR, file), `${JSON.stringify(value, null, 2)}\n`);
}

write('verify.json', {
  description:
    'GeckoGuard webhook verification cases. See README.md for the format and the rules. Generated by generate.mjs; do not edit by hand.',
  cases: verifyCases,
});
write('large.json', {
  description:
    'Verification cases with a body just under 1 MiB, kept apart from verify.json. Same format. Generated by generate.mjs; do not edit by hand.',
  cases: largeCases,
});
write('sign.json', {
  description:
    'Known-answer vectors for sign(secret, body): lowercase hex HMAC-SHA256 of body_hex keyed with key_hex. Generated by generate.mjs; do not edit by hand.',
  cases: signCases,
});

console.log(`verify.json: ${verifyCases.length} cases, large.json: ${largeCases.length}, sign.json: ${signCases.length}`);
