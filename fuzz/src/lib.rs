//! Reference rules the fuzz targets hold the SDK to.
//!
//! Each rule is written again here, as plainly as possible and differently
//! from the core (string methods instead of a lookup table, a `serde_json`
//! map visitor instead of the core's one-pass reader, leap-year counting
//! instead of a civil-calendar algorithm), from the contract in
//! `tests/vectors/README.md`. A fuzz input on which the two disagree is a bug
//! in one of them, and the target stops on it.

use core::fmt;
use std::time::Duration;

use geckoguard_webhooks::{sign, Error, Event, Webhook};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The only codes an error may carry.
pub const CODES: [&str; 6] = [
    "missing_signature",
    "malformed_signature",
    "invalid_signature",
    "invalid_payload",
    "timestamp_out_of_tolerance",
    "invalid_secret",
];

/// What the header rule says about a header value.
#[derive(Debug, PartialEq, Eq)]
pub enum Header {
    /// Absent or blank once ASCII whitespace is stripped.
    Missing,
    /// Not exactly 64 hex digits.
    Malformed,
    /// 64 hex digits: the claimed MAC, lowercased.
    WellFormed(String),
}

/// The header rule: strip space, tab, LF, CR and form feed (and nothing
/// else), then require exactly 64 hex digits of either case.
pub fn header_rule(header: &str) -> Header {
    let trimmed = header.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c'));
    if trimmed.is_empty() {
        Header::Missing
    } else if trimmed.len() == 64 && trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        Header::WellFormed(trimmed.to_ascii_lowercase())
    } else {
        Header::Malformed
    }
}

/// What the signature stage must answer for `header` with these secrets:
/// `Ok(mac)` when the header carries the MAC of one of them, else the code.
pub fn signature_rule(secrets: &[&str], body: &[u8], header: &str) -> Result<String, &'static str> {
    match header_rule(header) {
        Header::Missing => Err("missing_signature"),
        Header::Malformed => Err("malformed_signature"),
        Header::WellFormed(mac) => {
            if secrets.iter().any(|secret| sign(secret, body) == mac) {
                Ok(mac)
            } else {
                Err("invalid_signature")
            }
        }
    }
}

/// Whether a list of secrets is usable: at least one, none empty, none with
/// surrounding (Unicode) whitespace.
pub fn secrets_rule(secrets: &[&str]) -> bool {
    !secrets.is_empty() && secrets.iter().all(|s| !s.is_empty() && s.trim() == *s)
}

/// A payload that follows the rules: its three fields.
#[derive(Debug, PartialEq)]
pub struct Payload {
    pub event: String,
    pub data: Map<String, Value>,
    pub timestamp: String,
}

/// The payload rule: UTF-8, one JSON object, `event` a non-empty string,
/// `data` an object, `timestamp` a string, none of the three repeated; other
/// fields are skipped unread (as `IgnoredAny`, like the core).
pub fn payload_rule(body: &[u8]) -> Option<Payload> {
    let text = core::str::from_utf8(body).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let fields = de.deserialize_map(TopLevel).ok()?;
    de.end().ok()?;
    if fields.duplicate {
        return None;
    }
    let event = match fields.event? {
        Value::String(s) if !s.is_empty() => s,
        _ => return None,
    };
    let data = match fields.data? {
        Value::Object(map) => map,
        _ => return None,
    };
    let timestamp = match fields.timestamp? {
        Value::String(s) => s,
        _ => return None,
    };
    Some(Payload {
        event,
        data,
        timestamp,
    })
}

#[derive(Default)]
struct Fields {
    event: Option<Value>,
    data: Option<Value>,
    timestamp: Option<Value>,
    duplicate: bool,
}

struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "event" => &mut fields.event,
                "data" => &mut fields.data,
                "timestamp" => &mut fields.timestamp,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<Value>()?;
            if slot.is_some() {
                fields.duplicate = true;
            }
            *slot = Some(value);
        }
        Ok(fields)
    }
}

/// The RFC 3339 rule, in milliseconds since the epoch:
/// `YYYY-MM-DD(T|t)HH:MM:SS[.digits](Z|z|±HH:MM)`, a real calendar date,
/// hours up to 23, minutes up to 59, seconds up to 60 (a leap second counts
/// as the next minute's first second, as in the core; the vectors leave it
/// out), the fraction truncated to milliseconds.
pub fn rfc3339_rule(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let field = b.get(from..from + len)?;
        if !field.iter().all(u8::is_ascii_digit) {
            return None;
        }
        core::str::from_utf8(field).ok()?.parse().ok()
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let len = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        let mut padded = fraction[..len.min(3)].to_vec();
        padded.resize(3, b'0');
        millis = core::str::from_utf8(&padded).ok()?.parse::<i64>().ok()?;
        rest = &fraction[len..];
    }
    let offset_minutes = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: &u8, b: &u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (h, m) = (two(h1, h2)?, two(m1, m2)?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    // Days since 0000-01-01 by counting leap years before `year`.
    let days_before_year = |y: i64| 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    let days_before_month: i64 = month_days[..(month - 1) as usize].iter().sum();
    let days = days_before_year(year) + days_before_month + day - 1 - days_before_year(1970);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Checks that an error tells nothing it must not: its code is one of the
/// six, and neither its message nor its `Debug` form contains a secret or
/// any run of 16 hex digits of an expected MAC.
///
/// Only secrets that look like real ones (`whsec_` and at least 6 more
/// characters) are looked for: the fuzzer also makes secrets such as
/// `"Whitespace"` or `"   "`, which occur in the messages' own words.
pub fn assert_error_is_clean(err: &Error, secrets: &[&str], macs: &[String]) {
    assert!(CODES.contains(&err.code()), "unknown code {:?}", err.code());
    assert!(matches!(err.http_status(), 400 | 401 | 500), "{err:?}");
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        for secret in secrets.iter().filter(|s| looks_real(s)) {
            assert!(!text.contains(secret), "a secret leaked into {text:?}");
        }
        for mac in macs {
            for window in mac.as_bytes().windows(16) {
                let window = core::str::from_utf8(window).unwrap_or_default();
                assert!(
                    !text.contains(window),
                    "an expected MAC leaked into {text:?}"
                );
            }
        }
    }
}

/// A secret worth looking for in output: `whsec_` and at least 6 more characters.
pub fn looks_real(secret: &str) -> bool {
    secret.contains("whsec_") && secret.chars().count() >= 12
}

/// Checks an accepted event against the payload the rule read and the MAC.
pub fn assert_event_matches(event: &Event, payload: &Payload, mac: &str) {
    assert_eq!(event.name(), payload.event);
    assert_eq!(event.data.name(), payload.event);
    assert_eq!(event.timestamp, payload.timestamp);
    assert_eq!(event.raw_data, payload.data);
    assert_eq!(event.idempotency_key, mac[..32]);
}

/// A verifier for secrets that the rule says are usable.
pub fn webhook(secrets: &[&str], tolerance: Option<Duration>) -> Webhook {
    let webhook = Webhook::from_secrets(secrets).unwrap_or_else(|e| panic!("{e:?}"));
    match tolerance {
        Some(tolerance) => webhook.with_tolerance(tolerance),
        None => webhook,
    }
}
