// The JavaScript API of @geckoguard/webhooks, shared by every entry point.
//
// This layer carries bytes in and results out. The Rust core (compiled to
// Wasm) decides every rule: the header, the signature, the payload and the
// replay window. JavaScript checks only the types of its own arguments, and
// calls JSON.parse on a body the core has already accepted, to build the event.
// Each entry point (node.js, workerd.js, deno.js, browser.js) initializes the
// Wasm module its own way and calls createApi with the module's bindings.

const RAW_BODY_HELP =
  'Pass the raw request body exactly as received: a Buffer, Uint8Array, ArrayBuffer or string. ' +
  "In Express, mount express.raw({ type: 'application/json' }) on the webhook route and pass req.body; " +
  'in Fetch runtimes (Cloudflare Workers, Deno, Bun, Next.js route handlers) pass await request.arrayBuffer().';

/** The error every failed check throws, with a stable `code` and the HTTP `status` to answer with. */
export class WebhookVerificationError extends Error {
  constructor(code, status, message) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
    this.status = status;
  }
}

const argumentError = (message) => new WebhookVerificationError('invalid_argument', 500, message);

const typeName = (value) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;

const isArrayBuffer = (value) =>
  value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]';

/**
 * A Uint8Array over the bytes of an ArrayBuffer or a view. A detached buffer
 * (transferred to a worker or with postMessage) has no bytes left, and
 * `new Uint8Array` throws a TypeError on it: that is the caller's argument
 * error, said as one, not an exception of another kind.
 */
function bytesOf(value, what) {
  try {
    return isArrayBuffer(value) ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  } catch {
    throw argumentError(`invalid argument: the ${what}'s ArrayBuffer is detached (transferred elsewhere), so its bytes are gone`);
  }
}

/**
 * The largest body (and `sign` input) copied into Wasm memory. Wasm memory is
 * 32-bit: one allocation of 2 GiB or more, or a memory grown past 4 GiB, would
 * trap, and a trap must never happen. GeckoGuard deliveries are a few KiB.
 */
const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** The longest header or secret string: far beyond any HTTP server's header limit. */
const MAX_STRING_CHARS = 64 * 1024 * 1024;

function sizeChecked(bytes, what) {
  if (bytes.length > MAX_BODY_BYTES) {
    throw new WebhookVerificationError(
      'payload_too_large',
      413,
      `payload too large: the ${what} is ${bytes.length} bytes, more than the ${MAX_BODY_BYTES} this package reads (GeckoGuard deliveries are a few KiB)`,
    );
  }
  return bytes;
}

/**
 * The body as bytes or as a string (never copied here), or a clear error:
 * a parsed object can no longer be verified, since its bytes are gone.
 */
function readBody(body) {
  // A string is passed on as is, unless its UTF-8 form may exceed the limit.
  if (typeof body === 'string') return body.length > MAX_BODY_BYTES / 3 ? sizeChecked(encoder.encode(body), 'body') : body;
  // An empty view may be one over a detached buffer: bytesOf says so.
  if (body instanceof Uint8Array) return sizeChecked(body.length === 0 ? bytesOf(body, 'body') : body, 'body');
  if (ArrayBuffer.isView(body) || isArrayBuffer(body)) return sizeChecked(bytesOf(body, 'body'), 'body');
  if (body !== null && typeof body === 'object') {
    throw new WebhookVerificationError(
      'body_already_parsed',
      500,
      `body_already_parsed: the body is ${typeName(body)}, already parsed from JSON, so the bytes GeckoGuard signed are lost. ${RAW_BODY_HELP}`,
    );
  }
  throw argumentError(`invalid argument: the body is ${typeName(body)}. ${RAW_BODY_HELP}`);
}

/**
 * The header value as the core reads it. Absent is "" (missing_signature). An
 * array, as Node gives for a repeated header, is joined the way Node and the
 * Fetch API join repeated headers, so the core judges it like any other value.
 */
function readHeader(header) {
  let value;
  if (typeof header === 'string') value = header;
  else if (header === undefined || header === null) value = '';
  else if (Array.isArray(header) && header.every((part) => typeof part === 'string')) value = header.join(', ');
  if (value !== undefined) {
    if (value.length <= MAX_STRING_CHARS) return value;
    throw argumentError(
      `invalid argument: the signature header is ${value.length} characters long, more than the ${MAX_STRING_CHARS} this package reads; X-GeckoGuard-Signature is 64 hex digits`,
    );
  }
  throw argumentError(
    `invalid argument: the signature header is ${typeName(header)}; pass the X-GeckoGuard-Signature header's value, a string (req.headers['x-geckoguard-signature'] in Node, request.headers.get('x-geckoguard-signature') in Fetch runtimes)`,
  );
}

/** Epoch milliseconds from a Date or a number, checked. */
function readNow(now) {
  const ms = now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw argumentError('invalid argument: `now` must be a valid Date or epoch milliseconds (a finite number, not negative)');
  }
  return ms;
}

const NO_OPTIONS = Object.freeze({});

function readOptions(options, what) {
  if (options === undefined || options === null) return NO_OPTIONS;
  if (typeof options !== 'object') throw argumentError(`invalid argument: the ${what} options must be an object`);
  return options;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** What the core's scratch methods return (src/wasm.rs): refused, or accepted and all ASCII (else 0). */
const REFUSED = 1;
const ACCEPTED_ASCII = 2;
/** A size no body reaches (usize::MAX in Wasm). */
const NEVER = 0xffffffff;
/** Two lowercase hex digits for each byte value. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();

/**
 * A `verify` option for the package's own adapters, not for users: the MACs of
 * the body already computed by the host (the Fetch adapter's WebCrypto HMAC,
 * asynchronously), one per secret in order, concatenated. The core still
 * parses the header, compares in constant time and checks the payload. A
 * symbol, so no user option can pass MACs by accident.
 */
export const HOST_MACS = Symbol('@geckoguard/webhooks host MACs');

/**
 * Builds the API from the Wasm bindings. `hostMac`, where the runtime has a
 * native HMAC faster than Wasm on large bodies, is `{ minBytes, keys(secrets),
 * macs(keys, bytes) }`: it computes MACs only; the core still parses the
 * header, compares in constant time and checks the payload. `asciiText`,
 * where the runtime decodes Latin-1 faster than TextDecoder decodes UTF-8, is
 * `{ minBytes, decode(bytes) }`: from `minBytes` on, a body the core accepted
 * and found to be all ASCII (for which both decodings give the same string)
 * is decoded that way for JSON.parse.
 */
export function createApi(wasm, hostMac, asciiText) {
  const { Verifier, CoreError, Scratch } = wasm;

  /** Runs a call into the core, turning its errors into WebhookVerificationError. */
  function core(call) {
    try {
      return call();
    } catch (error) {
      if (error instanceof CoreError) {
        const failure = new WebhookVerificationError(error.code, error.status, error.message);
        error.free();
        throw failure;
      }
      throw error;
    }
  }

  // The scratch: a fixed buffer in Wasm memory that small deliveries are
  // written into, so a call costs no allocation and no result string (see
  // `Scratch` in src/wasm.rs). Made on the first verification.
  let scratch;
  let scratchAt = 0;
  let scratchEnd = 0;
  let memory;
  let memoryBytes;

  /** A view of Wasm memory, made again once the memory has grown (the old one is then empty). */
  function wasmBytes() {
    if (memoryBytes.length === 0) memoryBytes = new Uint8Array(memory.buffer);
    return memoryBytes;
  }

  /**
   * Runs the core on a delivery, with the host's MACs if any. Small ones are
   * written into the scratch (the body, the MACs, then the header, one after
   * the other); larger ones are copied in as arguments. Either way the
   * outcome comes back in the scratch: returns the status (0, or
   * ACCEPTED_ASCII) with the idempotency key's bytes at the scratch's start,
   * or throws the core's error.
   */
  function runCore(verifier, input, macs, header, nowMs) {
    if (scratch === undefined) {
      // The core reports an accepted body as all ASCII only where that is used.
      scratch = new Scratch(asciiText === undefined ? NEVER : asciiText.minBytes);
      scratchAt = scratch.address;
      scratchEnd = scratchAt + scratch.size;
      memory = wasm.wasmMemory();
      memoryBytes = new Uint8Array(memory.buffer);
    }
    let status = inScratch(verifier, input, macs, header, nowMs);
    if (status === undefined) {
      if (macs !== undefined) status = verifier.verifyHostMacsInto(scratch, input, macs, header, nowMs);
      else if (typeof input === 'string') status = verifier.verifyStrInto(scratch, input, header, nowMs);
      else status = verifier.verifyInto(scratch, input, header, nowMs);
    }
    if (status === REFUSED) {
      const error = scratch.takeError();
      const failure = new WebhookVerificationError(error.code, error.status, error.message);
      error.free();
      throw failure;
    }
    return status;
  }

  /** The scratch path of runCore; undefined when the delivery does not fit. */
  function inScratch(verifier, input, macs, header, nowMs) {
    const bytes = wasmBytes();
    const room = scratchEnd - scratchAt;
    let bodyLen;
    if (typeof input === 'string') {
      if (input.length > room) return undefined;
      const { read, written } = encoder.encodeInto(input, bytes.subarray(scratchAt, scratchEnd));
      if (read !== input.length) return undefined;
      bodyLen = written;
    } else {
      bodyLen = input.length;
      if (bodyLen > room) return undefined;
      bytes.set(input, scratchAt);
    }
    const macsLen = macs === undefined ? 0 : macs.length;
    let at = scratchAt + bodyLen + macsLen;
    const headerChars = header.length;
    if (at + headerChars > scratchEnd) return undefined;
    if (macs !== undefined) bytes.set(macs, scratchAt + bodyLen);
    // The header as UTF-8: byte by byte while it is ASCII, as it always is
    // from GeckoGuard; the encoder for the rest of any other.
    let i = 0;
    for (; i < headerChars; i += 1) {
      const code = header.charCodeAt(i);
      if (code > 0x7f) break;
      bytes[at + i] = code;
    }
    at += i;
    if (i < headerChars) {
      const { read, written } = encoder.encodeInto(header.slice(i), bytes.subarray(at, scratchEnd));
      if (read !== headerChars - i) return undefined;
      at += written;
    }
    const headerLen = at - scratchAt - bodyLen - macsLen;
    return macs === undefined
      ? verifier.verifyScratch(scratch, bodyLen, headerLen, nowMs)
      : verifier.verifyScratchHostMacs(scratch, bodyLen, macsLen, headerLen, nowMs);
  }

  /** The idempotency key: the hex of the 16 bytes the core wrote at the scratch's start. */
  function scratchKey() {
    const bytes = wasmBytes();
    let key = '';
    for (let j = scratchAt; j < scratchAt + 16; j += 1) key += HEX[bytes[j]];
    return key;
  }

  function toBytes(value, what) {
    if (typeof value === 'string') return sizeChecked(encoder.encode(value), what);
    if (value instanceof Uint8Array) return sizeChecked(value.length === 0 ? bytesOf(value, what) : value, what);
    if (ArrayBuffer.isView(value) || isArrayBuffer(value)) return sizeChecked(bytesOf(value, what), what);
    throw argumentError(`invalid argument: the ${what} is ${typeName(value)}; pass a string or bytes (Uint8Array, Buffer, ArrayBuffer)`);
  }

  /** Makes a string body exactly what the core saw: lone surrogates become U+FFFD, as in UTF-8. */
  const wellFormed =
    typeof String.prototype.isWellFormed === 'function'
      ? (text) => (text.isWellFormed() ? text : text.toWellFormed())
      : (text) => decoder.decode(encoder.encode(text));

  class Webhook {
    #verifier;
    #secrets;
    #hostKeys;
    #hasTolerance;

    constructor(secretOrSecrets, options) {
      const secrets =
        secretOrSecrets === undefined || secretOrSecrets === null
          ? []
          : Array.isArray(secretOrSecrets)
            ? secretOrSecrets
            : [secretOrSecrets];
      if (!secrets.every((secret) => typeof secret === 'string' && secret.length <= MAX_STRING_CHARS)) {
        throw new WebhookVerificationError(
          'invalid_secret',
          500,
          'invalid secret: a secret must be a string, exactly as the dashboard shows it (whsec_ prefix included), or an array of them while rotating',
        );
      }
      const { tolerance } = readOptions(options, 'Webhook');
      if (tolerance !== undefined && (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0)) {
        throw argumentError('invalid argument: `tolerance` is in seconds, a finite number that is not negative (or leave it out: no replay window)');
      }
      this.#verifier = core(() => new Verifier(secrets, tolerance === undefined ? undefined : tolerance * 1000));
      this.#hasTolerance = tolerance !== undefined;
      if (hostMac) this.#secrets = secrets.slice();
    }

    /** One MAC per secret from the host's native HMAC, concatenated. */
    #macs(bytes) {
      this.#hostKeys ??= hostMac.keys(this.#secrets);
      return hostMac.macs(this.#hostKeys, bytes);
    }

    verify(body, signatureHeader, options) {
      const input = readBody(body);
      const header = readHeader(signatureHeader);
      const { now } = readOptions(options, 'verify');
      const nowMs = now === undefined ? (this.#hasTolerance ? Date.now() : 0) : readNow(now);
      const verifier = this.#verifier;
      const given = options?.[HOST_MACS];
      let checked = input;
      let macs;
      if (given instanceof Uint8Array && typeof input !== 'string') {
        macs = given;
      } else if (hostMac && input.length >= hostMac.minBytes) {
        if (typeof input === 'string') checked = encoder.encode(input);
        macs = this.#macs(checked);
      }
      const status = runCore(verifier, checked, macs, header, nowMs);
      const idempotencyKey = scratchKey();
      let payload;
      try {
        payload = JSON.parse(
          typeof input === 'string'
            ? wellFormed(input)
            : status === ACCEPTED_ASCII
              ? asciiText.decode(input)
              : decoder.decode(input),
        );
      } catch {
        // The core accepted this body, so JSON.parse should too; if it ever
        // disagrees, the body is refused rather than half-read.
        throw new WebhookVerificationError('invalid_payload', 400, 'invalid payload: the body is not valid JSON');
      }
      return { event: payload.event, data: payload.data, timestamp: payload.timestamp, idempotencyKey };
    }

    verifySignature(body, signatureHeader) {
      const input = readBody(body);
      const header = readHeader(signatureHeader);
      const verifier = this.#verifier;
      if (hostMac && input.length >= hostMac.minBytes) {
        const macs = this.#macs(typeof input === 'string' ? encoder.encode(input) : input);
        core(() => verifier.verifySignatureHostMacs(macs, header));
      } else if (typeof input === 'string') {
        core(() => verifier.verifySignatureStr(input, header));
      } else {
        core(() => verifier.verifySignature(input, header));
      }
      return true;
    }

    get [Symbol.toStringTag]() {
      return 'Webhook';
    }

    /** Never shows the secrets (console.log, util.inspect). */
    toJSON() {
      return { secrets: '[redacted]', tolerance: this.#hasTolerance };
    }
  }

  function sign(secret, body) {
    return wasm.sign(toBytes(secret, 'secret'), toBytes(body, 'body'));
  }

  return { Webhook, sign };
}
