//! [`Webhook`]: the verifier a receiver keeps for the life of the process.

use alloc::string::String;
use core::fmt;
use core::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, TimestampIssue};
use crate::event::{Event, EventData};
use crate::payload::{self, Envelope};
use crate::signature::{self, Keys, Tag};
use crate::timestamp;

/// Hex digits of the idempotency key: the first 16 bytes of the verified tag.
const IDEMPOTENCY_KEY_BYTES: usize = 16;

/// Verifies GeckoGuard webhooks signed with one or more secrets.
///
/// Build it once (it precomputes each secret's HMAC state) and share it.
///
/// ```
/// use geckoguard_webhooks::{sign, Webhook};
///
/// let webhook = Webhook::new("whsec_example")?;
/// let body = br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
/// let event = webhook.verify(body, &sign("whsec_example", body))?;
/// assert_eq!(event.name(), "test.ping");
/// assert_eq!(webhook.verify(body, &sign("whsec_other", body)).unwrap_err().code(), "invalid_signature");
/// # Ok::<(), geckoguard_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    keys: Keys,
    tolerance: Option<Duration>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &format_args!("[redacted; {}]", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

/// What a checked delivery yields before its data is typed.
pub(crate) struct Checked<'a, D> {
    pub(crate) envelope: Envelope<'a, D>,
    pub(crate) tag: Tag,
}

impl<D> Checked<'_, D> {
    /// The idempotency key: hex of the first 16 bytes of the verified tag.
    pub(crate) fn idempotency_key(&self) -> String {
        hex::encode(self.idempotency_key_bytes())
    }

    /// The bytes the idempotency key is the hex of (the Wasm bindings hand
    /// these to JavaScript, which only hex-encodes them).
    pub(crate) fn idempotency_key_bytes(&self) -> [u8; IDEMPOTENCY_KEY_BYTES] {
        let mut key = [0; IDEMPOTENCY_KEY_BYTES];
        for (byte, tag_byte) in key.iter_mut().zip(&self.tag) {
            *byte = *tag_byte;
        }
        key
    }
}

impl Webhook {
    /// A verifier for one secret, used exactly as GeckoGuard shows it
    /// (`whsec_…`, prefix included).
    ///
    /// # Errors
    /// `invalid_secret` if the secret is empty or starts or ends with whitespace.
    pub fn new(secret: impl AsRef<str>) -> Result<Self, Error> {
        Self::from_secrets([secret])
    }

    /// A verifier that accepts a signature made with any of `secrets`, for
    /// rotating a secret without dropping deliveries.
    ///
    /// Every secret is tried on every delivery, so verification costs one
    /// HMAC per secret: remove the old secret once the rotation is done.
    ///
    /// ```
    /// use geckoguard_webhooks::{sign, Webhook};
    /// let webhook = Webhook::from_secrets(["whsec_old", "whsec_new"])?;
    /// let body = br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
    /// assert!(webhook.verify_signature(body, &sign("whsec_old", body)).is_ok());
    /// assert!(webhook.verify_signature(body, &sign("whsec_new", body)).is_ok());
    /// # Ok::<(), geckoguard_webhooks::Error>(())
    /// ```
    ///
    /// # Errors
    /// `invalid_secret` if there is no secret, or one is empty or surrounded by whitespace.
    pub fn from_secrets<I, S>(secrets: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Webhook {
            keys: Keys::new(secrets)?,
            tolerance: None,
        })
    }

    /// Refuses events whose signed `timestamp` is further than `tolerance`
    /// from now, in either direction (`timestamp_out_of_tolerance`).
    ///
    /// Off by default. It limits how long a captured delivery can be
    /// replayed, but GeckoGuard may retry the same signed body later, and a
    /// retry older than the tolerance is then refused too: pick a tolerance
    /// longer than GeckoGuard's retries, and use [`Event::idempotency_key`]
    /// to drop duplicates inside it.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// The replay window, if one is set.
    pub fn tolerance(&self) -> Option<Duration> {
        self.tolerance
    }

    /// Checks the signature only, in constant time.
    ///
    /// # Errors
    /// `missing_signature`, `malformed_signature` or `invalid_signature`.
    pub fn verify_signature(&self, body: &[u8], signature: &str) -> Result<(), Error> {
        self.keys.verify(body, signature).map(|_| ())
    }

    /// Verifies a delivery and returns its typed event. `body` is the raw
    /// request body exactly as received, `signature` the value of
    /// `X-GeckoGuard-Signature` (`""` when the header is absent).
    ///
    /// The signature is checked first; the payload is read only when it is
    /// valid. With a tolerance set, the system clock is read (the `std`
    /// feature); without a clock use [`verify_at`](Self::verify_at).
    ///
    /// # Errors
    /// Any [`Error`] but `invalid_secret`.
    pub fn verify(&self, body: &[u8], signature: &str) -> Result<Event, Error> {
        let now = if self.tolerance.is_some() {
            system_now()
        } else {
            None
        };
        self.verify_with(body, signature, now)
    }

    /// Like [`verify`](Self::verify), with the current time given as the
    /// time since the Unix epoch: for tests and for targets with no clock.
    ///
    /// ```
    /// use core::time::Duration;
    /// use geckoguard_webhooks::{sign, Webhook};
    ///
    /// let webhook = Webhook::new("whsec_example")?.with_tolerance(Duration::from_secs(300));
    /// let body = br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
    /// let signature = sign("whsec_example", body);
    /// let sent = Duration::from_millis(1_736_937_000_000);
    /// assert!(webhook.verify_at(body, &signature, sent + Duration::from_secs(300)).is_ok());
    /// let err = webhook.verify_at(body, &signature, sent + Duration::from_secs(301)).unwrap_err();
    /// assert_eq!(err.code(), "timestamp_out_of_tolerance");
    /// # Ok::<(), geckoguard_webhooks::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any [`Error`] but `invalid_secret`.
    pub fn verify_at(&self, body: &[u8], signature: &str, now: Duration) -> Result<Event, Error> {
        self.verify_with(body, signature, Some(now))
    }

    fn verify_with(
        &self,
        body: &[u8],
        signature: &str,
        now: Option<Duration>,
    ) -> Result<Event, Error> {
        let checked = self.check::<Map<String, Value>>(body, signature, now)?;
        let idempotency_key = checked.idempotency_key();
        let Envelope {
            event,
            data,
            timestamp,
        } = checked.envelope;
        Ok(Event {
            data: EventData::new(&event, &data),
            raw_data: data,
            timestamp: timestamp.into_owned(),
            idempotency_key,
        })
    }

    /// Every rule of a delivery, in order: signature, payload, replay window.
    /// `data` is read as `D`, so callers that build the object themselves
    /// (the Wasm bindings) can skip building it here.
    pub(crate) fn check<'a, D: Deserialize<'a>>(
        &self,
        body: &'a [u8],
        signature: &str,
        now: Option<Duration>,
    ) -> Result<Checked<'a, D>, Error> {
        let tag = self.keys.verify(body, signature)?;
        self.check_payload(body, tag, now)
    }

    /// [`check`](Self::check) with the MACs of `body` computed by the host,
    /// one per configured secret in order and concatenated (the Wasm
    /// bindings' path for large bodies, where the host's native HMAC is
    /// faster). The header rules, the constant-time comparison and the
    /// payload rules are the same code as in `check`.
    #[cfg_attr(not(feature = "wasm"), allow(dead_code))]
    pub(crate) fn check_host_macs<'a, D: Deserialize<'a>>(
        &self,
        body: &'a [u8],
        macs: &[u8],
        signature: &str,
        now: Option<Duration>,
    ) -> Result<Checked<'a, D>, Error> {
        let tag = signature::verify_host_macs(macs, self.keys.len(), signature)?;
        self.check_payload(body, tag, now)
    }

    /// Checks the signature with host-computed MACs only (see [`check_host_macs`](Self::check_host_macs)).
    #[cfg_attr(not(feature = "wasm"), allow(dead_code))]
    pub(crate) fn verify_signature_host_macs(
        &self,
        macs: &[u8],
        signature: &str,
    ) -> Result<(), Error> {
        signature::verify_host_macs(macs, self.keys.len(), signature).map(|_| ())
    }

    /// The rules after the signature: payload, then replay window.
    fn check_payload<'a, D: Deserialize<'a>>(
        &self,
        body: &'a [u8],
        tag: Tag,
        now: Option<Duration>,
    ) -> Result<Checked<'a, D>, Error> {
        let envelope = payload::parse::<D>(body).map_err(Error::InvalidPayload)?;
        if let Some(tolerance) = self.tolerance {
            let sent = timestamp::parse_rfc3339_ms(&envelope.timestamp)
                .ok_or(Error::InvalidPayload(crate::PayloadIssue::BadTimestamp))?;
            let now = now.ok_or(Error::TimestampOutOfTolerance(TimestampIssue::NoClock))?;
            timestamp::check_window(sent, now, tolerance)
                .map_err(Error::TimestampOutOfTolerance)?;
        }
        Ok(Checked { envelope, tag })
    }
}

/// The system clock, where this build has one. On `wasm32-unknown-unknown`
/// `SystemTime::now` panics, so the clock there comes from JavaScript.
fn system_now() -> Option<Duration> {
    #[cfg(all(
        feature = "std",
        not(all(target_arch = "wasm32", target_os = "unknown"))
    ))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
    }
    #[cfg(not(all(
        feature = "std",
        not(all(target_arch = "wasm32", target_os = "unknown"))
    )))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign;

    const BODY: &[u8] =
        br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#;

    #[test]
    fn debug_never_shows_the_secret() {
        let webhook = Webhook::from_secrets(["whsec_topsecret", "whsec_other"]);
        let text = alloc::format!("{webhook:?}");
        assert!(
            !text.contains("topsecret") && !text.contains("other"),
            "{text}"
        );
        assert!(text.contains("[redacted; 2]"), "{text}");
    }

    #[test]
    fn idempotency_key_is_stable_per_body() {
        let webhook = Webhook::new("whsec_a").ok();
        let key = |body: &[u8]| {
            webhook
                .as_ref()
                .and_then(|w| w.verify(body, &sign("whsec_a", body)).ok())
                .map(|e| e.idempotency_key)
        };
        let first = key(BODY);
        assert_eq!(first.as_ref().map(String::len), Some(32));
        assert_eq!(first, key(BODY));
        let other =
            br#"{"event":"test.ping","data":{"n":1},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
        assert_ne!(first, key(other));
    }

    #[test]
    fn tolerance_needs_a_parseable_timestamp_only_when_set() {
        let body = br#"{"event":"test.ping","data":{},"timestamp":"yesterday"}"#;
        let signature = sign("whsec_a", body);
        let Ok(webhook) = Webhook::new("whsec_a") else {
            unreachable!()
        };
        assert!(webhook.verify(body, &signature).is_ok());
        let strict = webhook.with_tolerance(Duration::from_secs(300));
        assert_eq!(
            strict
                .verify_at(body, &signature, Duration::ZERO)
                .err()
                .map(|e| e.code()),
            Some("invalid_payload")
        );
    }

    #[test]
    #[cfg(feature = "std")]
    fn std_reads_the_clock() {
        let Ok(webhook) = Webhook::new("whsec_a") else {
            unreachable!()
        };
        let webhook = webhook.with_tolerance(Duration::from_secs(300));
        // 2025 is long gone by the time this runs, so the event is too old.
        let err = webhook.verify(BODY, &sign("whsec_a", BODY)).err();
        assert!(
            matches!(
                err,
                Some(Error::TimestampOutOfTolerance(
                    TimestampIssue::TooOld { .. }
                ))
            ),
            "{err:?}"
        );
    }
}
