//! Signed test deliveries, sent exactly as GeckoGuard sends them (feature `sender`).
//!
//! GeckoGuard's dashboard can send a `test.ping` to a live endpoint; this
//! module sends any event to any URL, from your own machine, byte for byte the
//! way GeckoGuard delivers it: a `POST` of the JSON payload with
//! `Content-Type: application/json`, `X-GeckoGuard-Signature`,
//! `X-GeckoGuard-Event` and `User-Agent: GeckoGuard-Webhooks/1.0`, a
//! 10-second timeout for the whole request, and any `2xx` counted as success.
//!
//! ```no_run
//! use geckoguard_webhooks::sender;
//!
//! let delivery = sender::send(
//!     "http://127.0.0.1:3000/webhooks/geckoguard",
//!     "whsec_your_endpoint_secret",
//!     "license.revoked",
//!     None,
//! )?;
//! println!("{} → {:?} in {:?}", delivery.event, delivery.status, delivery.duration);
//! assert!(delivery.success, "{:?}", delivery.error);
//! # Ok::<(), geckoguard_webhooks::Error>(())
//! ```
//!
//! To test a handler without any network, [`SignedRequest`] gives the body and
//! headers of a delivery without sending it.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;
use std::io::Read;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Map, Value};

use crate::error::{Error, PayloadIssue};
use crate::event::EVENT_NAMES;
use crate::timestamp;
use crate::{sign, Webhook, EVENT_HEADER, SIGNATURE_HEADER};

/// The `User-Agent` GeckoGuard sends.
pub const USER_AGENT: &str = "GeckoGuard-Webhooks/1.0";
/// The `Content-Type` of every delivery.
pub const CONTENT_TYPE: &str = "application/json";
/// How long a delivery may take, from connecting to the end of the response.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The event the dashboard's "Send a Test Event" sends.
pub const TEST_PING: &str = "test.ping";

/// How much of a failed response's body goes into [`Delivery::error`].
const ERROR_BODY_CHARS: usize = 200;

/// The 15 events of the spec, in its order: every known event but `test.ping`.
pub fn spec_events() -> impl Iterator<Item = &'static str> {
    EVENT_NAMES.into_iter().filter(|name| *name != TEST_PING)
}

/// Example `data` for `event`: the fields the SDK types for it, filled with
/// plausible values (`licenseId` and `productId` for `license.*`, plus
/// `wasActivated` and `effectiveExpiresAt` for `license.authorized`;
/// `apiKeyId` and `productId` for `api_key.*`; `teamId`, `userId` and
/// `email` for `team.*`). `test.ping` and unknown events get `{}`.
/// `at` is the delivery's time; a license authorized then expires a year later.
pub fn example_data(event: &str, at: SystemTime) -> Map<String, Value> {
    const LICENSE_ID: &str = "3f6c1a2e-8b4d-4e7a-9c15-2d8e7b6a4f01";
    const PRODUCT_ID: &str = "a91e5c07-4b3f-4d26-8e1a-6f0b9c2d7e53";
    const API_KEY_ID: &str = "7d2b9e41-0c6a-4f85-b3d7-51e8a2c4f906";
    const TEAM_ID: &str = "c4e81f3a-62d9-4b07-a5f2-8e3d1b7c9a40";
    const USER_ID: &str = "5b0a7c2e-9f14-4d63-8a2b-e6c3f9d1a758";
    const YEAR_MS: i64 = 365 * 86_400_000;

    let mut data = Map::new();
    let mut put = |key: &str, value: Value| {
        data.insert(key.to_owned(), value);
    };
    let family = event.split_once('.').map(|(family, _)| family);
    match family {
        Some(_) if event == TEST_PING => {}
        Some(_) if !EVENT_NAMES.contains(&event) => {}
        Some("license") => {
            put("licenseId", LICENSE_ID.into());
            put("productId", PRODUCT_ID.into());
            if event == "license.authorized" {
                put("wasActivated", false.into());
                let expires = millis_since_epoch(at).saturating_add(YEAR_MS);
                put(
                    "effectiveExpiresAt",
                    timestamp::format_rfc3339_ms(expires).into(),
                );
            }
        }
        Some("api_key") => {
            put("apiKeyId", API_KEY_ID.into());
            put("productId", PRODUCT_ID.into());
        }
        Some("team") => {
            put("teamId", TEAM_ID.into());
            put("userId", USER_ID.into());
            put("email", "member@example.com".into());
        }
        _ => {}
    }
    data
}

/// Formats a time the way GeckoGuard writes `timestamp`, like JavaScript's
/// `toISOString`: RFC 3339 in UTC with milliseconds, `2025-01-15T10:30:00.000Z`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use geckoguard_webhooks::sender::format_timestamp;
/// let t = UNIX_EPOCH + Duration::from_millis(1_736_937_000_123);
/// assert_eq!(format_timestamp(t), "2025-01-15T10:30:00.123Z");
/// ```
pub fn format_timestamp(at: SystemTime) -> String {
    timestamp::format_rfc3339_ms(millis_since_epoch(at))
}

/// Parses an RFC 3339 date-time with the same rules the verifier applies to
/// `timestamp` (`2025-01-15T10:30:00.000Z`, `…+02:00`). `None` if it is not one.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use geckoguard_webhooks::sender::parse_timestamp;
/// let t = parse_timestamp("2025-01-15T12:30:00.5+02:00");
/// assert_eq!(t, Some(UNIX_EPOCH + Duration::from_millis(1_736_937_000_500)));
/// assert_eq!(parse_timestamp("yesterday"), None);
/// ```
pub fn parse_timestamp(s: &str) -> Option<SystemTime> {
    let ms = timestamp::parse_rfc3339_ms(s)?;
    let magnitude = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
}

/// Milliseconds since the epoch, negative before it, saturating far outside.
fn millis_since_epoch(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis())
            .map(|ms| -ms)
            .unwrap_or(i64::MIN),
    }
}

/// The body GeckoGuard would send for `event` at `at`: `{"event", "data",
/// "timestamp"}` in that order, compact JSON. `data` is [`example_data`] with
/// the top-level fields of `extra` written over it (a field set to `null`
/// stays, as `null`).
///
/// # Errors
/// `invalid_payload` if `event` is empty or `extra` is not a JSON object:
/// the sender builds only what a receiver accepts.
pub fn payload(event: &str, extra: Option<&Value>, at: SystemTime) -> Result<String, Error> {
    if event.is_empty() {
        return Err(Error::InvalidPayload(PayloadIssue::EmptyEventName));
    }
    let mut data = example_data(event, at);
    match extra {
        None => {}
        Some(Value::Object(fields)) => {
            for (key, value) in fields {
                data.insert(key.clone(), value.clone());
            }
        }
        Some(_) => return Err(Error::InvalidPayload(PayloadIssue::WrongType("data"))),
    }
    let envelope = Envelope {
        event,
        data: &data,
        timestamp: &format_timestamp(at),
    };
    serde_json::to_string(&envelope)
        .map_err(|_| Error::InvalidPayload(PayloadIssue::WrongType("data")))
}

/// The payload in GeckoGuard's field order (a `Map` would sort its keys).
struct Envelope<'a> {
    event: &'a str,
    data: &'a Map<String, Value>,
    timestamp: &'a str,
}

impl Serialize for Envelope<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Envelope", 3)?;
        s.serialize_field("event", self.event)?;
        s.serialize_field("data", self.data)?;
        s.serialize_field("timestamp", self.timestamp)?;
        s.end()
    }
}

/// A signed delivery that has not been sent: the body and headers GeckoGuard
/// would send. Hand it to your own handler in tests, like Stripe's
/// `generateTestHeaderString`.
///
/// ```
/// use geckoguard_webhooks::{sender::SignedRequest, Webhook};
///
/// let request = SignedRequest::new("whsec_example", "license.revoked", None)?;
/// // In a test: call your handler with request.body and request.headers().
/// let event = Webhook::new("whsec_example")?.verify(request.body.as_bytes(), &request.signature)?;
/// assert_eq!(event.name(), "license.revoked");
/// assert_eq!(request.headers()[1], ("X-GeckoGuard-Signature", request.signature.as_str()));
/// # Ok::<(), geckoguard_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedRequest {
    /// The event name, also sent as `X-GeckoGuard-Event`.
    pub event: String,
    /// The raw JSON body.
    pub body: String,
    /// The value of `X-GeckoGuard-Signature` for `body`.
    pub signature: String,
}

impl SignedRequest {
    /// Builds and signs the delivery of `event`, timestamped now, with
    /// [`example_data`] and `extra` merged over it (see [`payload`]).
    ///
    /// # Errors
    /// `invalid_secret` for a secret a receiver would refuse (empty, or with
    /// surrounding whitespace); `invalid_payload` as for [`payload`].
    pub fn new(secret: &str, event: &str, extra: Option<&Value>) -> Result<Self, Error> {
        Self::at(secret, event, extra, SystemTime::now())
    }

    /// Like [`new`](Self::new), timestamped `at`: for reproducible tests.
    ///
    /// # Errors
    /// As for [`new`](Self::new).
    pub fn at(
        secret: &str,
        event: &str,
        extra: Option<&Value>,
        at: SystemTime,
    ) -> Result<Self, Error> {
        Webhook::new(secret)?;
        let body = payload(event, extra, at)?;
        Ok(SignedRequest {
            event: event.to_owned(),
            signature: sign(secret, body.as_bytes()),
            body,
        })
    }

    /// The request headers, in the order GeckoGuard sends them.
    pub fn headers(&self) -> [(&'static str, &str); 4] {
        [
            ("Content-Type", CONTENT_TYPE),
            (SIGNATURE_HEADER, &self.signature),
            (EVENT_HEADER, &self.event),
            ("User-Agent", USER_AGENT),
        ]
    }

    /// A copy whose body was changed after signing, as by an attacker, so a
    /// receiver must refuse it with `invalid_signature`. A test aid: the last
    /// digit of the body (the timestamp's milliseconds in a built payload)
    /// is changed, so the body stays valid JSON and only the signature gives
    /// it away.
    #[must_use]
    pub fn tampered(&self) -> Self {
        let mut bytes = self.body.clone().into_bytes();
        match bytes.iter_mut().rev().find(|b| b.is_ascii_digit()) {
            Some(digit) => *digit = if *digit == b'9' { b'0' } else { *digit + 1 },
            None => bytes.push(b' '),
        }
        SignedRequest {
            event: self.event.clone(),
            // Only one ASCII digit changed, or an ASCII space was added.
            body: String::from_utf8(bytes).unwrap_or_default(),
            signature: self.signature.clone(),
        }
    }
}

/// One delivery attempt, as GeckoGuard's delivery history records it.
///
/// Serializes as `{"event", "url", "status", "success", "error", "durationMs"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The event delivered.
    pub event: String,
    /// Where it was sent.
    pub url: String,
    /// The HTTP status of the response, if one came.
    pub status: Option<u16>,
    /// Whether the receiver answered `2xx` in time.
    pub success: bool,
    /// Why the delivery failed: `HTTP 401: Invalid signature`, a timeout, a
    /// refused connection… `None` on success.
    pub error: Option<String>,
    /// From the start of the request to the end of the response (or the failure).
    pub duration: Duration,
}

impl Serialize for Delivery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Delivery", 6)?;
        s.serialize_field("event", &self.event)?;
        s.serialize_field("url", &self.url)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("success", &self.success)?;
        s.serialize_field("error", &self.error)?;
        let millis = u64::try_from(self.duration.as_millis()).unwrap_or(u64::MAX);
        s.serialize_field("durationMs", &millis)?;
        s.end()
    }
}

/// Sends signed deliveries over HTTP. Keep one for many deliveries: it
/// reuses connections, as GeckoGuard does.
pub struct Sender {
    agent: ureq::Agent,
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("timeout", &TIMEOUT)
            .finish_non_exhaustive()
    }
}

impl Default for Sender {
    fn default() -> Self {
        Self::new()
    }
}

impl Sender {
    /// A sender with GeckoGuard's delivery rules: a 10-second timeout for the
    /// whole request, redirects not followed (a `3xx` is not a `2xx`).
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(USER_AGENT)
            .build()
            .new_agent();
        Sender { agent }
    }

    /// Delivers `request` to `url` and records the attempt. Never fails: a
    /// failure is a [`Delivery`] with `success: false` and the reason.
    pub fn deliver(&self, url: &str, request: &SignedRequest) -> Delivery {
        let started = Instant::now();
        let (status, error) = self.post(url, request);
        Delivery {
            event: request.event.clone(),
            url: url.to_owned(),
            success: error.is_none(),
            status,
            error,
            duration: started.elapsed(),
        }
    }

    fn post(&self, url: &str, request: &SignedRequest) -> (Option<u16>, Option<String>) {
        let mut post = self.agent.post(url);
        for (name, value) in request.headers() {
            post = post.header(name, value);
        }
        match post.send(request.body.as_bytes()) {
            Ok(mut response) => {
                let status = response.status();
                if status.is_success() {
                    return (Some(status.as_u16()), None);
                }
                // The start of the body says why ("Invalid signature"); a
                // body that does not come in time is left unread.
                let mut head = Vec::new();
                let limit = u64::try_from(ERROR_BODY_CHARS * 4).unwrap_or(u64::MAX);
                let _ = response
                    .body_mut()
                    .as_reader()
                    .take(limit)
                    .read_to_end(&mut head);
                let reason = one_line(&String::from_utf8_lossy(&head));
                let error = if reason.is_empty() {
                    format!("HTTP {}", status.as_u16())
                } else {
                    format!("HTTP {}: {reason}", status.as_u16())
                };
                (Some(status.as_u16()), Some(error))
            }
            Err(err) => (None, Some(describe(&err))),
        }
    }
}

/// Sends one delivery of `event` to `url`, as [`Sender::deliver`] does with a
/// fresh [`SignedRequest::new`].
///
/// # Errors
/// Only for a delivery that cannot be built (see [`SignedRequest::new`]); a
/// delivery that fails is an `Ok` [`Delivery`] with `success: false`.
pub fn send(
    url: &str,
    secret: &str,
    event: &str,
    extra: Option<&Value>,
) -> Result<Delivery, Error> {
    let request = SignedRequest::new(secret, event, extra)?;
    Ok(Sender::new().deliver(url, &request))
}

/// A transport error, said the way a delivery history would say it.
fn describe(err: &ureq::Error) -> String {
    use std::io::ErrorKind;
    match err {
        ureq::Error::Timeout(_) => format!(
            "timed out: no complete response within {} s",
            TIMEOUT.as_secs()
        ),
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            "connection refused: nothing is listening at that address".to_owned()
        }
        ureq::Error::Io(io) => format!("connection error: {io}"),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::BadUri(reason) => format!("invalid URL: {reason}"),
        ureq::Error::Http(http) => format!("invalid request: {http}"),
        ureq::Error::Protocol(protocol) => format!("invalid HTTP response: {protocol}"),
        ureq::Error::Tls(reason) => format!("TLS error: {reason}"),
        other => other.to_string(),
    }
}

/// Text squeezed onto one line and cut to [`ERROR_BODY_CHARS`].
fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    let mut chars = joined.chars();
    let mut cut: String = chars.by_ref().take(ERROR_BODY_CHARS).collect();
    if chars.next().is_some() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
// Indexing a `Value` never panics (a missing key gives `Null`).
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    const AT_MS: u64 = 1_736_937_000_123;

    fn at() -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(AT_MS)
    }

    fn parsed(body: &str) -> Value {
        serde_json::from_str(body).unwrap_or(Value::Null)
    }

    #[test]
    fn spec_events_are_the_fifteen() {
        let events: Vec<_> = spec_events().collect();
        assert_eq!(events.len(), 15);
        assert!(!events.contains(&TEST_PING));
        assert_eq!(events.first(), Some(&"license.created"));
        assert_eq!(events.last(), Some(&"team.member_removed"));
    }

    #[test]
    fn payload_is_geckoguards_shape_in_its_order() {
        let body = payload("license.authorized", None, at()).unwrap_or_default();
        assert!(
            body.starts_with(r#"{"event":"license.authorized","data":{"#),
            "{body}"
        );
        assert!(
            body.ends_with(r#","timestamp":"2025-01-15T10:30:00.123Z"}"#),
            "{body}"
        );
        let value = parsed(&body);
        assert_eq!(value["data"]["wasActivated"], Value::Bool(false));
        assert_eq!(
            value["data"]["effectiveExpiresAt"],
            "2026-01-15T10:30:00.123Z"
        );
        assert!(value["data"]["licenseId"].is_string());
        assert!(value["data"]["productId"].is_string());
    }

    #[test]
    fn every_known_event_gets_its_typed_fields() {
        for event in EVENT_NAMES {
            let request = SignedRequest::at("whsec_t", event, None, at());
            let Ok(request) = request else {
                unreachable!("{event}: {request:?}")
            };
            let Ok(webhook) = Webhook::new("whsec_t") else {
                unreachable!()
            };
            let verified = webhook.verify(request.body.as_bytes(), &request.signature);
            let Ok(verified) = verified else {
                unreachable!("{event}: {verified:?}")
            };
            assert_eq!(verified.name(), event);
            let fields = match event.split_once('.').map(|(f, _)| f) {
                _ if event == TEST_PING => &[][..],
                Some("license") if event == "license.authorized" => &[
                    "effectiveExpiresAt",
                    "licenseId",
                    "productId",
                    "wasActivated",
                ][..],
                Some("license") => &["licenseId", "productId"][..],
                Some("api_key") => &["apiKeyId", "productId"][..],
                _ => &["email", "teamId", "userId"][..],
            };
            let keys: Vec<_> = verified.raw_data.keys().map(String::as_str).collect();
            assert_eq!(keys, fields, "{event}");
            // The typed view sees every example field (none is None).
            let debug = format!("{:?}", verified.data);
            assert!(!debug.contains("None"), "{event}: {debug}");
        }
    }

    #[test]
    fn unknown_events_are_sent_with_their_name_and_empty_data() {
        let body = payload("invoice.paid", None, at()).unwrap_or_default();
        assert_eq!(
            body,
            r#"{"event":"invoice.paid","data":{},"timestamp":"2025-01-15T10:30:00.123Z"}"#
        );
        let body = payload("license.transferred", None, at()).unwrap_or_default();
        assert_eq!(parsed(&body)["data"], Value::Object(Map::new()));
    }

    #[test]
    fn extra_data_is_merged_over_the_example() {
        let extra = parsed(r#"{"productId":"prod_mine","seats":3,"licenseId":null}"#);
        let body = payload("license.created", Some(&extra), at()).unwrap_or_default();
        let data = &parsed(&body)["data"];
        assert_eq!(data["productId"], "prod_mine");
        assert_eq!(data["seats"], 3);
        assert_eq!(data["licenseId"], Value::Null);
        assert_eq!(data.as_object().map(Map::len), Some(3));
    }

    #[test]
    fn what_a_receiver_would_refuse_is_not_built() {
        let array = parsed("[1]");
        assert_eq!(
            payload("license.created", Some(&array), at())
                .err()
                .map(|e| e.code()),
            Some("invalid_payload")
        );
        assert_eq!(
            payload("", None, at()).err(),
            Some(Error::InvalidPayload(PayloadIssue::EmptyEventName))
        );
        for secret in ["", " whsec_a", "whsec_a\n"] {
            let err = SignedRequest::at(secret, "test.ping", None, at()).err();
            assert_eq!(err.map(|e| e.code()), Some("invalid_secret"), "{secret:?}");
        }
    }

    #[test]
    fn headers_are_geckoguards() {
        let Ok(request) = SignedRequest::at("whsec_t", "test.ping", None, at()) else {
            unreachable!()
        };
        assert_eq!(request.signature, sign("whsec_t", request.body.as_bytes()));
        assert_eq!(
            request.headers(),
            [
                ("Content-Type", "application/json"),
                ("X-GeckoGuard-Signature", request.signature.as_str()),
                ("X-GeckoGuard-Event", "test.ping"),
                ("User-Agent", "GeckoGuard-Webhooks/1.0"),
            ]
        );
    }

    #[test]
    fn a_tampered_request_stays_json_and_fails_verification() {
        let Ok(request) = SignedRequest::at("whsec_t", "license.revoked", None, at()) else {
            unreachable!()
        };
        let tampered = request.tampered();
        assert_ne!(tampered.body, request.body);
        assert_eq!(tampered.body.len(), request.body.len());
        assert!(
            tampered.body.ends_with(r#""2025-01-15T10:30:00.124Z"}"#),
            "{}",
            tampered.body
        );
        assert_eq!(tampered.signature, request.signature);
        let Ok(webhook) = Webhook::new("whsec_t") else {
            unreachable!()
        };
        assert_eq!(
            webhook
                .verify(tampered.body.as_bytes(), &tampered.signature)
                .err(),
            Some(Error::InvalidSignature)
        );
        let odd = SignedRequest {
            event: "x".into(),
            body: "{}".into(),
            signature: String::new(),
        };
        assert_eq!(odd.tampered().body, "{} ");
    }

    #[test]
    fn timestamps_round_trip_through_the_verifiers_parser() {
        assert_eq!(format_timestamp(at()), "2025-01-15T10:30:00.123Z");
        assert_eq!(parse_timestamp("2025-01-15T10:30:00.123Z"), Some(at()));
        assert_eq!(
            parse_timestamp("1969-12-31T23:59:59.999Z"),
            UNIX_EPOCH.checked_sub(Duration::from_millis(1))
        );
        assert_eq!(parse_timestamp("2025-01-15 10:30:00Z"), None);
        let now = SystemTime::now();
        let Some(back) = parse_timestamp(&format_timestamp(now)) else {
            unreachable!()
        };
        // Formatting keeps milliseconds, so at most 1 ms is lost.
        assert!(now
            .duration_since(back)
            .is_ok_and(|d| d < Duration::from_millis(1)));
    }

    #[test]
    fn delivery_serializes_like_the_history() {
        let delivery = Delivery {
            event: "test.ping".into(),
            url: "http://127.0.0.1:1/x".into(),
            status: Some(500),
            success: false,
            error: Some("HTTP 500".into()),
            duration: Duration::from_millis(12),
        };
        assert_eq!(
            serde_json::to_string(&delivery).unwrap_or_default(),
            r#"{"event":"test.ping","url":"http://127.0.0.1:1/x","status":500,"success":false,"error":"HTTP 500","durationMs":12}"#
        );
    }

    #[test]
    fn error_bodies_are_cut_to_one_line() {
        assert_eq!(one_line("  Invalid\r\n signature \n"), "Invalid signature");
        let long = "x".repeat(ERROR_BODY_CHARS + 5);
        assert_eq!(one_line(&long).chars().count(), ERROR_BODY_CHARS + 1);
    }
}
