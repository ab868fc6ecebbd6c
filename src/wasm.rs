//! The WebAssembly boundary of the npm package `@geckoguard/webhooks`.
//!
//! Bytes come in, results go out: every rule (header, signature, payload,
//! replay window) is the core's. JavaScript builds the event object itself
//! with `JSON.parse`, once the core has accepted the body, so `data` is only
//! checked here ([`ObjectCheck`]), never built. Nothing here reads a clock:
//! `SystemTime` panics on `wasm32-unknown-unknown`, so the time comes from
//! JavaScript. Nothing here panics either: a trap would poison the module
//! for the whole process.
//!
//! The verify methods hand their outcome back through a [`Scratch`]: a
//! status number, the idempotency key's bytes (which JavaScript only
//! hex-encodes) or the error. Small deliveries are also written into the
//! scratch by JavaScript, so a call allocates nothing on either side.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::time::Duration;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::payload::ObjectCheck;
use crate::{Error, Webhook};

/// A verifier holding the precomputed HMAC state of each secret.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Verifier {
    webhook: Webhook,
}

/// Why the core refused a delivery or a secret: what JavaScript turns into a
/// `WebhookVerificationError`. The message never contains a secret or a MAC.
#[wasm_bindgen]
#[derive(Debug)]
pub struct CoreError {
    code: &'static str,
    status: u16,
    message: String,
}

#[wasm_bindgen]
impl CoreError {
    /// The stable code, e.g. `invalid_signature`.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.code.to_string()
    }
    /// The HTTP status to answer with (`Error::http_status`).
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The safe, human-readable message.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.message.clone()
    }
}

impl From<Error> for CoreError {
    fn from(error: Error) -> Self {
        CoreError {
            code: error.code(),
            status: error.http_status(),
            message: error.to_string(),
        }
    }
}

/// Bytes of Wasm memory that JavaScript writes a delivery into, reused from
/// one call to the next: the fast path for small deliveries, which would
/// otherwise pay an allocation and a free per argument and a string for the
/// result. Its size is fixed ([`SCRATCH_BYTES`]); larger inputs take the
/// methods that copy their arguments. After a call it holds the outcome:
/// the idempotency key's 16 bytes at its start, or the error to take.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Scratch {
    bytes: Vec<u8>,
    error: Option<CoreError>,
    ascii_from: usize,
}

/// The size of a [`Scratch`]: body, host MACs and header together.
pub const SCRATCH_BYTES: usize = 16 * 1024;

/// What the scratch methods return; the rest of the outcome is in the [`Scratch`].
/// Accepted, and the body is not all ASCII.
const OK: u32 = 0;
/// Refused: the error is in the scratch.
const FAILED: u32 = 1;
/// Accepted, and every byte of the body is ASCII, so decoding it as Latin-1
/// gives the same string as UTF-8 (Node decodes Latin-1 about twice as fast).
const OK_ASCII: u32 = 2;

#[wasm_bindgen]
impl Scratch {
    /// A scratch of [`SCRATCH_BYTES`] bytes. Accepted bodies of `ascii_from`
    /// bytes or more are also checked for being all ASCII (see [`OK_ASCII`]);
    /// `usize::MAX` for never, where the host has no faster decoding for it.
    #[wasm_bindgen(constructor)]
    pub fn new(ascii_from: usize) -> Scratch {
        Scratch {
            bytes: alloc::vec![0; SCRATCH_BYTES],
            error: None,
            ascii_from,
        }
    }

    /// Where its bytes start in Wasm memory. They never move: the buffer is
    /// allocated once at its full size.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> usize {
        self.bytes.as_ptr() as usize
    }

    /// How many bytes it holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.bytes.len()
    }

    /// The error of the last call that returned a failure.
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&mut self) -> Option<CoreError> {
        self.error.take()
    }

    /// The three parts JavaScript wrote, one after the other: `body`, then
    /// `macs`, then the header's UTF-8. A length that runs past the end, or
    /// a header that is not UTF-8 (JavaScript writes strings with
    /// `TextEncoder`, so neither happens), is a malformed signature.
    fn parts(
        &self,
        body_len: usize,
        macs_len: usize,
        header_len: usize,
    ) -> Result<(&[u8], &[u8], &str), Error> {
        let (body, rest) = self
            .bytes
            .split_at_checked(body_len)
            .ok_or(Error::MalformedSignature)?;
        let (macs, rest) = rest
            .split_at_checked(macs_len)
            .ok_or(Error::MalformedSignature)?;
        let header = rest.get(..header_len).ok_or(Error::MalformedSignature)?;
        let header = core::str::from_utf8(header).map_err(|_| Error::MalformedSignature)?;
        Ok((body, macs, header))
    }

    /// Whether to report `body` as all ASCII (see [`Scratch::new`]).
    fn ascii(&self, body: &[u8]) -> bool {
        body.len() >= self.ascii_from && is_ascii(body)
    }

    /// Records an outcome: the key's bytes at the start, or the error.
    fn settle(&mut self, outcome: Result<([u8; 16], bool), Error>) -> u32 {
        match outcome {
            Ok((key, ascii)) => {
                for (byte, key_byte) in self.bytes.iter_mut().zip(key) {
                    *byte = key_byte;
                }
                if ascii {
                    OK_ASCII
                } else {
                    OK
                }
            }
            Err(error) => {
                self.error = Some(error.into());
                FAILED
            }
        }
    }
}

/// Whether every byte is ASCII: eight bytes at a time, four words per step.
/// (`<[u8]>::is_ascii` reads one 32-bit word at a time on wasm32: about 85 µs
/// for 1 MiB in Node, against about 29 µs here.)
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let word = |chunk: &[u8]| -> u64 {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        u64::from_le_bytes(word)
    };
    let mut chunks = bytes.chunks_exact(32);
    let mut high = 0u64;
    for chunk in &mut chunks {
        let (a, b) = chunk.split_at(16);
        let (a0, a1) = a.split_at(8);
        let (b0, b1) = b.split_at(8);
        high |= word(a0) | word(a1) | word(b0) | word(b1);
    }
    high & HIGH_BITS == 0 && chunks.remainder().is_ascii()
}

/// Milliseconds from JavaScript as a `Duration`. JavaScript checks that the
/// number is finite and not negative; a fraction of a millisecond is dropped
/// (going through seconds as a float would turn 1 ms into 0.999… ms).
fn from_ms(ms: f64) -> Duration {
    // `as` saturates: NaN is 0 and anything beyond u64::MAX is u64::MAX.
    Duration::from_millis(ms as u64)
}

/// The core's `now`, from `Date.now()` or the caller's `now`.
fn now_from_ms(now_ms: f64) -> Option<Duration> {
    Some(from_ms(now_ms))
}

#[wasm_bindgen]
impl Verifier {
    /// Builds a verifier; `tolerance_ms` is the replay window, if any
    /// (JavaScript checks it is a finite number that is not negative).
    #[wasm_bindgen(constructor)]
    pub fn new(secrets: Vec<String>, tolerance_ms: Option<f64>) -> Result<Verifier, CoreError> {
        let mut webhook = Webhook::from_secrets(&secrets)?;
        if let Some(ms) = tolerance_ms {
            webhook = webhook.with_tolerance(from_ms(ms));
        }
        Ok(Verifier { webhook })
    }

    /// Runs every rule on `body`. The outcome goes into `scratch`: returns
    /// [`OK`] or [`OK_ASCII`] with the idempotency key's 16 bytes at the start
    /// of the scratch, or [`FAILED`] with the error in it
    /// ([`Scratch::take_error`]). `now_ms` is read only when a tolerance is
    /// set. Deliveries that fit in the scratch take
    /// [`verify_scratch`](Self::verify_scratch) instead.
    #[wasm_bindgen(js_name = verifyInto)]
    pub fn verify_into(
        &self,
        scratch: &mut Scratch,
        body: &[u8],
        signature: &str,
        now_ms: f64,
    ) -> u32 {
        let outcome = self
            .webhook
            .check::<ObjectCheck>(body, signature, now_from_ms(now_ms))
            .map(|checked| (checked.idempotency_key_bytes(), scratch.ascii(body)));
        scratch.settle(outcome)
    }

    /// [`verify_into`](Self::verify_into) for a body given as a string: its
    /// UTF-8 bytes are what is checked.
    #[wasm_bindgen(js_name = verifyStrInto)]
    pub fn verify_str_into(
        &self,
        scratch: &mut Scratch,
        body: &str,
        signature: &str,
        now_ms: f64,
    ) -> u32 {
        self.verify_into(scratch, body.as_bytes(), signature, now_ms)
    }

    /// [`verify_into`](Self::verify_into) with the MACs of `body` computed by
    /// the host (one per secret, in order, concatenated).
    #[wasm_bindgen(js_name = verifyHostMacsInto)]
    pub fn verify_host_macs_into(
        &self,
        scratch: &mut Scratch,
        body: &[u8],
        macs: &[u8],
        signature: &str,
        now_ms: f64,
    ) -> u32 {
        let outcome = self
            .webhook
            .check_host_macs::<ObjectCheck>(body, macs, signature, now_from_ms(now_ms))
            .map(|checked| (checked.idempotency_key_bytes(), scratch.ascii(body)));
        scratch.settle(outcome)
    }

    /// [`verify_into`](Self::verify_into) of a delivery written into
    /// `scratch`: the body's `body_len` bytes, then the header's `header_len`
    /// bytes. No argument is copied and no string is made: for small
    /// deliveries this is a good part of the whole cost.
    #[wasm_bindgen(js_name = verifyScratch)]
    pub fn verify_scratch(
        &self,
        scratch: &mut Scratch,
        body_len: usize,
        header_len: usize,
        now_ms: f64,
    ) -> u32 {
        let outcome = scratch
            .parts(body_len, 0, header_len)
            .and_then(|(body, _, header)| {
                self.webhook
                    .check::<ObjectCheck>(body, header, now_from_ms(now_ms))
                    .map(|checked| (checked.idempotency_key_bytes(), scratch.ascii(body)))
            });
        scratch.settle(outcome)
    }

    /// [`verify_scratch`](Self::verify_scratch) with the host's MACs written
    /// between the body and the header (`macs_len` bytes; see
    /// [`verify_host_macs_into`](Self::verify_host_macs_into)).
    #[wasm_bindgen(js_name = verifyScratchHostMacs)]
    pub fn verify_scratch_host_macs(
        &self,
        scratch: &mut Scratch,
        body_len: usize,
        macs_len: usize,
        header_len: usize,
        now_ms: f64,
    ) -> u32 {
        let outcome =
            scratch
                .parts(body_len, macs_len, header_len)
                .and_then(|(body, macs, header)| {
                    self.webhook
                        .check_host_macs::<ObjectCheck>(body, macs, header, now_from_ms(now_ms))
                        .map(|checked| (checked.idempotency_key_bytes(), scratch.ascii(body)))
                });
        scratch.settle(outcome)
    }

    /// Checks the signature only.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(&self, body: &[u8], signature: &str) -> Result<(), CoreError> {
        Ok(self.webhook.verify_signature(body, signature)?)
    }

    /// [`verify_signature`](Self::verify_signature) for a body given as a string.
    #[wasm_bindgen(js_name = verifySignatureStr)]
    pub fn verify_signature_str(&self, body: &str, signature: &str) -> Result<(), CoreError> {
        self.verify_signature(body.as_bytes(), signature)
    }

    /// [`verify_signature`](Self::verify_signature) with host-computed MACs.
    #[wasm_bindgen(js_name = verifySignatureHostMacs)]
    pub fn verify_signature_host_macs(
        &self,
        macs: &[u8],
        signature: &str,
    ) -> Result<(), CoreError> {
        Ok(self.webhook.verify_signature_host_macs(macs, signature)?)
    }
}

/// The module's linear memory (a `WebAssembly.Memory`), where JavaScript
/// writes into a [`Scratch`].
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> wasm_bindgen::JsValue {
    wasm_bindgen::memory()
}

/// The `X-GeckoGuard-Signature` value for `body`, keyed with `secret`'s bytes.
#[wasm_bindgen]
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    crate::sign(secret, body)
}
