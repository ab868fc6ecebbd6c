//! No leaks: every error the crate can return, reached through the public
//! API, and every `Debug` form of a value that holds a secret, are checked
//! for the secret and for the expected MAC (the hex signature the body
//! should have had). A message that quoted either would hand a forger what
//! it needs: the secret outright, or a valid signature for its body.
//!
//! The JavaScript side has the same test in `tests/js/security/no-leaks.test.mjs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeSet;
use std::time::Duration;

use geckoguard_webhooks::{
    sign, Error, PayloadIssue, SecretIssue, TimestampIssue, Webhook, EVENT_NAMES,
};

const SECRET: &str = "whsec_noleak_4f8a1c2e9b7d6053";
const OLD_SECRET: &str = "whsec_noleak_rotated_out_77aa";
const SENT_MS: u64 = 1_736_937_000_000; // 2025-01-15T10:30:00.000Z

const BODY: &str = r#"{"event":"license.revoked","data":{"licenseId":"lic_1"},"timestamp":"2025-01-15T10:30:00.000Z"}"#;

/// Everything that must never appear: both secrets, their distinctive parts,
/// and every 16-digit run of the MAC each secret gives `body`, in either
/// case (the header accepts uppercase).
fn forbidden(body: &[u8]) -> Vec<String> {
    let mut words = vec![
        SECRET.to_owned(),
        OLD_SECRET.to_owned(),
        "4f8a1c2e9b7d6053".to_owned(),
        "rotated_out_77aa".to_owned(),
    ];
    for secret in [SECRET, OLD_SECRET] {
        let mac = sign(secret, body);
        for window in mac.as_bytes().windows(16) {
            let window = String::from_utf8(window.to_vec()).unwrap();
            words.push(window.to_ascii_uppercase());
            words.push(window);
        }
    }
    words
}

fn assert_clean(what: &str, body: &[u8], texts: &[String]) {
    for text in texts {
        for word in forbidden(body) {
            assert!(
                !text.contains(&word),
                "{what}: {word:?} appears in {text:?}"
            );
        }
    }
}

/// The message, `Debug` and pretty `Debug` of an error, and its code.
fn renderings(err: &Error) -> Vec<String> {
    vec![
        err.to_string(),
        format!("{err:?}"),
        format!("{err:#?}"),
        err.code().to_owned(),
        std::error::Error::source(err).map_or_else(String::new, ToString::to_string),
    ]
}

/// One delivery the verifier refuses: its name, body, header and clock.
struct Case {
    name: &'static str,
    body: Vec<u8>,
    header: String,
    tolerance: Option<Duration>,
    now_ms: u64,
    code: &'static str,
}

fn signed(name: &'static str, body: &[u8], code: &'static str) -> Case {
    Case {
        name,
        body: body.to_vec(),
        header: sign(SECRET, body),
        tolerance: None,
        now_ms: SENT_MS,
        code,
    }
}

fn timed(name: &'static str, body: &[u8], now_ms: u64, code: &'static str) -> Case {
    Case {
        tolerance: Some(Duration::from_secs(300)),
        now_ms,
        ..signed(name, body, code)
    }
}

/// A signature error, with a header made from the right MAC.
fn forged(name: &'static str, header: impl Fn(&str) -> String, code: &'static str) -> Case {
    Case {
        header: header(&sign(SECRET, BODY.as_bytes())),
        ..signed(name, BODY.as_bytes(), code)
    }
}

fn cases() -> Vec<Case> {
    vec![
        forged("header absent", |_| String::new(), "missing_signature"),
        forged("header blank", |_| " \t\r\n".into(), "missing_signature"),
        forged("63 digits", |mac| mac[1..].into(), "malformed_signature"),
        forged("65 digits", |mac| format!("{mac}0"), "malformed_signature"),
        forged(
            "sha256= prefix",
            |mac| format!("sha256={mac}"),
            "malformed_signature",
        ),
        forged("twice", |mac| format!("{mac},{mac}"), "malformed_signature"),
        forged(
            "non-hex",
            |mac| format!("g{}", &mac[1..]),
            "malformed_signature",
        ),
        forged(
            "last digit wrong",
            |mac| {
                let last = if mac.ends_with('0') { "1" } else { "0" };
                format!("{}{last}", &mac[..63])
            },
            "invalid_signature",
        ),
        forged(
            "first digit wrong",
            |mac| {
                let first = if mac.starts_with('0') { "1" } else { "0" };
                format!("{first}{}", &mac[1..])
            },
            "invalid_signature",
        ),
        forged("all zeros", |_| "0".repeat(64), "invalid_signature"),
        Case {
            header: sign("whsec_someone_elses_secret_000", BODY.as_bytes()),
            ..signed("another secret", BODY.as_bytes(), "invalid_signature")
        },
        Case {
            header: sign(SECRET, br#"{"event":"license.revoked"}"#),
            ..signed("tampered body", BODY.as_bytes(), "invalid_signature")
        },
        signed("not UTF-8", b"{\"event\":\"\xff\"}", "invalid_payload"),
        signed("not JSON", b"{\"event\":", "invalid_payload"),
        signed("empty body", b"", "invalid_payload"),
        signed("not an object", b"[1,2,3]", "invalid_payload"),
        signed(
            "missing event",
            br#"{"data":{},"timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "missing data",
            br#"{"event":"e","timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "missing timestamp",
            br#"{"event":"e","data":{}}"#,
            "invalid_payload",
        ),
        signed(
            "event of the wrong type",
            br#"{"event":1,"data":{},"timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "data of the wrong type",
            br#"{"event":"e","data":[],"timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "timestamp of the wrong type",
            br#"{"event":"e","data":{},"timestamp":null}"#,
            "invalid_payload",
        ),
        signed(
            "duplicate event",
            br#"{"event":"e","event":"e","data":{},"timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "duplicate data",
            br#"{"event":"e","data":{},"data":{},"timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "duplicate timestamp",
            br#"{"event":"e","data":{},"timestamp":"t","timestamp":"t"}"#,
            "invalid_payload",
        ),
        signed(
            "empty event",
            br#"{"event":"","data":{},"timestamp":"t"}"#,
            "invalid_payload",
        ),
        timed(
            "timestamp not RFC 3339",
            br#"{"event":"e","data":{},"timestamp":"yesterday"}"#,
            SENT_MS,
            "invalid_payload",
        ),
        timed(
            "too old",
            BODY.as_bytes(),
            SENT_MS + 301_000,
            "timestamp_out_of_tolerance",
        ),
        timed(
            "in the future",
            BODY.as_bytes(),
            SENT_MS - 301_000,
            "timestamp_out_of_tolerance",
        ),
    ]
}

#[test]
fn no_refusal_quotes_a_secret_or_the_expected_mac() {
    let mut codes = BTreeSet::new();
    let mut issues = BTreeSet::new();
    for case in cases() {
        let webhook = Webhook::from_secrets([OLD_SECRET, SECRET]).unwrap();
        let webhook = match case.tolerance {
            Some(tolerance) => webhook.with_tolerance(tolerance),
            None => webhook,
        };
        let now = Duration::from_millis(case.now_ms);
        // The whole check, the signature only, and the system clock's path.
        let mut errors = vec![webhook
            .verify_at(&case.body, &case.header, now)
            .unwrap_err()];
        if case.tolerance.is_none() {
            errors.push(webhook.verify(&case.body, &case.header).unwrap_err());
        }
        if let Err(err) = webhook.verify_signature(&case.body, &case.header) {
            errors.push(err);
        }
        for err in &errors {
            assert_eq!(err.code(), case.code, "{}: {err:?}", case.name);
            assert_clean(case.name, &case.body, &renderings(err));
            codes.insert(err.code());
        }
        issues.insert(format!("{:?}", errors[0]));
        // The verifier itself, printed while holding both secrets.
        assert_clean(
            case.name,
            &case.body,
            &[format!("{webhook:?}"), format!("{webhook:#?}")],
        );
    }
    // Every code but invalid_secret (below) was reached, and every issue.
    assert_eq!(codes.len(), 5, "{codes:?}");
    for issue in [
        "NotUtf8",
        "NotJson",
        "NotAnObject",
        "MissingField(\"event\")",
        "MissingField(\"data\")",
        "MissingField(\"timestamp\")",
        "WrongType(\"event\")",
        "WrongType(\"data\")",
        "WrongType(\"timestamp\")",
        "DuplicateField(\"event\")",
        "DuplicateField(\"data\")",
        "DuplicateField(\"timestamp\")",
        "EmptyEventName",
        "BadTimestamp",
        "TooOld",
        "InFuture",
    ] {
        assert!(
            issues.iter().any(|seen| seen.contains(issue)),
            "no case reached {issue}: {issues:?}"
        );
    }
}

#[test]
fn a_refused_secret_is_not_quoted() {
    // Secrets a receiver refuses, each next to a good one. The refused ones
    // are near misses of SECRET (pasted with whitespace), so quoting them
    // would quote SECRET.
    for secrets in [
        vec![SECRET, ""],
        vec![format!(" {SECRET}").leak() as &str],
        vec![format!("{SECRET}\n").leak() as &str],
        vec![format!("{SECRET}\r\n").leak() as &str, OLD_SECRET],
        vec![format!("\u{a0}{SECRET}").leak() as &str],
        vec![],
    ] {
        let err = Webhook::from_secrets(&secrets).unwrap_err();
        assert_eq!(err.code(), "invalid_secret");
        assert_clean("invalid secret", BODY.as_bytes(), &renderings(&err));
    }
}

#[test]
fn every_variant_renders_without_secrets() {
    // Built directly, so variants no input reaches in this build (the
    // missing clock is a no_std case) are covered too.
    let all = [
        Error::MissingSignature,
        Error::MalformedSignature,
        Error::InvalidSignature,
        Error::InvalidPayload(PayloadIssue::NotUtf8),
        Error::InvalidPayload(PayloadIssue::NotJson { line: 1, column: 2 }),
        Error::InvalidPayload(PayloadIssue::NotAnObject),
        Error::InvalidPayload(PayloadIssue::MissingField("event")),
        Error::InvalidPayload(PayloadIssue::WrongType("data")),
        Error::InvalidPayload(PayloadIssue::DuplicateField("timestamp")),
        Error::InvalidPayload(PayloadIssue::EmptyEventName),
        Error::InvalidPayload(PayloadIssue::BadTimestamp),
        Error::TimestampOutOfTolerance(TimestampIssue::TooOld {
            age_ms: u64::MAX,
            tolerance_ms: 0,
        }),
        Error::TimestampOutOfTolerance(TimestampIssue::InFuture {
            ahead_ms: 1,
            tolerance_ms: u64::MAX,
        }),
        Error::TimestampOutOfTolerance(TimestampIssue::NoClock),
        Error::InvalidSecret(SecretIssue::NoSecret),
        Error::InvalidSecret(SecretIssue::Empty),
        Error::InvalidSecret(SecretIssue::SurroundingWhitespace),
    ];
    for err in &all {
        let texts = renderings(err);
        assert_clean("variant", BODY.as_bytes(), &texts);
        // Messages are one line: safe to log as they are.
        assert!(!texts[0].contains('\n'), "{:?}", texts[0]);
        assert!(
            matches!(err.http_status(), 400 | 401 | 500),
            "{err:?}: {}",
            err.http_status()
        );
    }
}

#[test]
fn an_accepted_event_holds_no_secret_and_only_half_the_mac() {
    for name in EVENT_NAMES {
        let body = format!(
            r#"{{"event":"{name}","data":{{"licenseId":"lic_1"}},"timestamp":"2025-01-15T10:30:00.000Z"}}"#
        );
        let webhook = Webhook::from_secrets([OLD_SECRET, SECRET]).unwrap();
        let event = webhook
            .verify(body.as_bytes(), &sign(SECRET, body.as_bytes()))
            .unwrap();
        // The idempotency key is the first half of the MAC by design: it is
        // of no use to a forger, who needs all 64 digits. Nothing else of
        // the MAC, and no secret, may show.
        let text = format!("{event:?}").replace(&event.idempotency_key, "");
        assert_clean(name, body.as_bytes(), &[text]);
    }
}

#[cfg(feature = "sender")]
#[test]
fn the_sender_does_not_quote_its_secret() {
    use geckoguard_webhooks::sender::{Sender, SignedRequest};
    for secret in [
        "",
        " whsec_noleak_4f8a1c2e9b7d6053",
        "whsec_noleak_4f8a1c2e9b7d6053\n",
    ] {
        let err = SignedRequest::new(secret, "license.revoked", None).unwrap_err();
        assert_clean("sender secret", BODY.as_bytes(), &renderings(&err));
    }
    let err = SignedRequest::new(SECRET, "", None).unwrap_err();
    assert_clean("sender event", BODY.as_bytes(), &renderings(&err));
    // A delivery that fails (nothing listens on the port) records why,
    // without the secret.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let request = SignedRequest::new(SECRET, "license.revoked", None).unwrap();
    let delivery = Sender::new().deliver(&format!("http://127.0.0.1:{port}/"), &request);
    assert!(!delivery.success);
    let text = format!(
        "{delivery:?} {}",
        delivery.error.clone().unwrap_or_default()
    );
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains(&request.signature), "{text}");
    assert!(!format!("{:?}", Sender::new()).contains(SECRET));
}
