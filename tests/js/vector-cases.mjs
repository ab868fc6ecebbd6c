// Runs the shared test vectors (tests/vectors/*.json, format in its README)
// against one build of the package's API. Plain JavaScript with no imports,
// so every runtime (Node, Deno, Bun, workerd) runs the very same checks; each
// runtime's driver loads the JSON its own way and reports the result.

/** The HTTP status each core error code answers with (the core's `Error::http_status`). */
export const STATUS = {
  missing_signature: 401,
  malformed_signature: 401,
  invalid_signature: 401,
  invalid_payload: 400,
  timestamp_out_of_tolerance: 400,
  invalid_secret: 500,
};

function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameJson(a, b) {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  }
  return value;
}

/** The bodies a case is tried with: its bytes always, and its text when it has one. */
function bodiesOf(testCase) {
  if (typeof testCase.body_base64 === 'string') return [['bytes', base64ToBytes(testCase.body_base64)]];
  const bytes = new TextEncoder().encode(testCase.body);
  return [
    ['bytes', bytes],
    ['string', testCase.body],
    ['ArrayBuffer', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)],
  ];
}

/** What one attempt gave: { ok: result } or { error } (any thrown value). */
function attempt(fn) {
  try {
    return { ok: fn() };
  } catch (error) {
    return { error };
  }
}

function checkError(api, testCase, thrown, secretsAndMacs, problems, label) {
  const want = testCase.expect.error;
  if (!(thrown instanceof api.WebhookVerificationError)) {
    problems.push(`${label}: threw ${thrown && thrown.name}: ${thrown && thrown.message}, expected ${want}`);
    return;
  }
  if (thrown.code !== want) problems.push(`${label}: code ${thrown.code}, expected ${want} (${thrown.message})`);
  if (thrown.status !== STATUS[want]) problems.push(`${label}: status ${thrown.status}, expected ${STATUS[want]}`);
  for (const secret of secretsAndMacs) {
    if (secret.length >= 4 && String(thrown.message).includes(secret)) {
      problems.push(`${label}: the message leaks a secret or a MAC`);
    }
  }
}

/**
 * Runs every case of `vectors` (a parsed verify.json or large.json) through
 * `api` ({ Webhook, sign, WebhookVerificationError }). Returns the number of
 * checks passed and a list of failures, each naming its case.
 */
export function runVerifyVectors(api, vectors) {
  let passed = 0;
  const failures = [];
  vectors.cases.forEach((testCase, index) => {
    const problems = [];
    const name = `#${index} ${testCase.name}`;
    const options = testCase.tolerance === undefined ? undefined : { tolerance: testCase.tolerance };
    const verifyOptions = testCase.now_ms === undefined ? undefined : { now: testCase.now_ms };
    const want = testCase.expect;
    const built = attempt(() => new api.Webhook(testCase.secrets, options));
    if (built.error) {
      checkError(api, testCase, built.error, testCase.secrets, problems, `${name} (new Webhook)`);
      if (!want.error) problems.push(`${name}: new Webhook threw ${built.error.message}`);
    } else if (want.error === 'invalid_secret') {
      problems.push(`${name}: new Webhook accepted the secrets, expected invalid_secret`);
    } else {
      for (const [kind, body] of bodiesOf(testCase)) {
        const label = `${name} [${kind}]`;
        const macs = testCase.secrets.map((s) => attempt(() => api.sign(s, body)).ok).filter(Boolean);
        const sensitive = [...testCase.secrets, ...macs];
        const result = attempt(() => built.ok.verify(body, testCase.signature, verifyOptions));
        const signatureOnly = attempt(() => built.ok.verifySignature(body, testCase.signature));
        const signatureCodes = ['missing_signature', 'malformed_signature', 'invalid_signature'];
        if (want.error) {
          if (result.error) checkError(api, testCase, result.error, sensitive, problems, label);
          else problems.push(`${label}: verified, expected ${want.error}`);
          if (signatureCodes.includes(want.error)) {
            if (signatureOnly.error) checkError(api, testCase, signatureOnly.error, sensitive, problems, `${label} verifySignature`);
            else problems.push(`${label}: verifySignature accepted, expected ${want.error}`);
          } else if (signatureOnly.ok !== true) {
            problems.push(`${label}: verifySignature refused a valid signature: ${signatureOnly.error && signatureOnly.error.message}`);
          }
        } else if (result.error) {
          problems.push(`${label}: threw ${result.error.code}: ${result.error.message}`);
        } else {
          const event = result.ok;
          if (event.event !== want.event) problems.push(`${label}: event ${event.event}, expected ${want.event}`);
          if (event.timestamp !== want.timestamp) problems.push(`${label}: timestamp ${event.timestamp}`);
          if (!sameJson(event.data, want.data)) problems.push(`${label}: data differs: ${JSON.stringify(event.data).slice(0, 200)}`);
          if (event.idempotencyKey !== want.idempotency_key) problems.push(`${label}: idempotencyKey ${event.idempotencyKey}`);
          if (signatureOnly.ok !== true) problems.push(`${label}: verifySignature refused: ${signatureOnly.error && signatureOnly.error.message}`);
        }
      }
    }
    if (problems.length === 0) passed += 1;
    else failures.push(...problems);
  });
  return { passed, failures };
}

function hexToBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Runs sign.json: `sign(key bytes, body bytes)` must give the expected hex. */
export function runSignVectors(api, vectors) {
  let passed = 0;
  const failures = [];
  vectors.cases.forEach((testCase, index) => {
    const key = hexToBytes(testCase.key_hex);
    const body = hexToBytes(testCase.body_hex);
    const got = attempt(() => api.sign(key, body));
    const gotBuffer = attempt(() => api.sign(key.buffer, body.buffer));
    // RFC 4231 case 5 publishes only a prefix: `truncate_bytes` says how long.
    const digits = testCase.truncate_bytes === undefined ? 64 : 2 * testCase.truncate_bytes;
    const matches = (hex) => typeof hex === 'string' && hex.length === 64 && hex.slice(0, digits) === testCase.expected_hex;
    if (matches(got.ok) && matches(gotBuffer.ok)) passed += 1;
    else failures.push(`sign #${index} ${testCase.description}: got ${got.ok ?? got.error}, ${gotBuffer.ok ?? gotBuffer.error}`);
  });
  return { passed, failures };
}
