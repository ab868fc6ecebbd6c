//! The WebAssembly boundary of the npm package `@geckoguard/webhooks`.
//!
//! Bytes come in, results go out: every rule (header, signature, payload,
//! replay window) is the core's. JavaScript builds the event object itself
//! with `JSON.parse`, once the core has accepted the body, so `data` is only
//! checked here ([`ObjectCheck`]), never built. Nothing here reads a clock:
//! `SystemTime` panics on `wasm32-unknown-unknown`, so the time comes from
//! JavaScript. Nothing here panics either: a trap would poison the module
//! for the whole process.

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

    /// Runs every rule on `body`; on success returns the idempotency key.
    /// `now_ms` is read only when a tolerance is set.
    pub fn verify(&self, body: &[u8], signature: &str, now_ms: f64) -> Result<String, CoreError> {
        let checked = self
            .webhook
            .check::<ObjectCheck>(body, signature, now_from_ms(now_ms))?;
        Ok(checked.idempotency_key())
    }

    /// [`verify`](Self::verify) for a body given as a string: its UTF-8
    /// bytes are what is checked.
    #[wasm_bindgen(js_name = verifyStr)]
    pub fn verify_str(
        &self,
        body: &str,
        signature: &str,
        now_ms: f64,
    ) -> Result<String, CoreError> {
        self.verify(body.as_bytes(), signature, now_ms)
    }

    /// [`verify`](Self::verify) with the MACs of `body` computed by the host
    /// (one per secret, in order, concatenated).
    #[wasm_bindgen(js_name = verifyHostMacs)]
    pub fn verify_host_macs(
        &self,
        body: &[u8],
        macs: &[u8],
        signature: &str,
        now_ms: f64,
    ) -> Result<String, CoreError> {
        let checked = self.webhook.check_host_macs::<ObjectCheck>(
            body,
            macs,
            signature,
            now_from_ms(now_ms),
        )?;
        Ok(checked.idempotency_key())
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

/// The `X-GeckoGuard-Signature` value for `body`, keyed with `secret`'s bytes.
#[wasm_bindgen]
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    crate::sign(secret, body)
}
