//! Runs the shared test vectors (`tests/vectors/*.json`) against the Rust core.
//! Every runtime runs the same files; see `tests/vectors/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::time::Duration;

use base64::Engine as _;
use geckoguard_webhooks::{sign, EventData, Webhook, EVENT_NAMES};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File<T> {
    cases: Vec<T>,
}

#[derive(Deserialize)]
struct VerifyCase {
    name: String,
    secrets: Vec<String>,
    body: Option<String>,
    body_base64: Option<String>,
    signature: Option<String>,
    tolerance: Option<u64>,
    now_ms: Option<u64>,
    expect: Value,
}

#[derive(Deserialize)]
struct SignCase {
    description: String,
    key_hex: String,
    body_hex: String,
    expected_hex: String,
    truncate_bytes: Option<usize>,
}

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str::<File<T>>(&text)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .cases
}

/// Runs one case; `Err` says how the outcome differed from the expectation.
fn run(case: &VerifyCase) -> Result<(), String> {
    let body = match (&case.body, &case.body_base64) {
        (Some(text), None) => text.clone().into_bytes(),
        (None, Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| e.to_string())?,
        _ => return Err("a case needs exactly one of body and body_base64".into()),
    };
    let signature = case.signature.as_deref().unwrap_or("");
    let now = match (case.tolerance, case.now_ms) {
        (Some(seconds), Some(ms)) => {
            Some((Duration::from_secs(seconds), Duration::from_millis(ms)))
        }
        (None, None) => None,
        _ => return Err("tolerance and now_ms go together".into()),
    };
    let outcome = Webhook::from_secrets(&case.secrets).and_then(|webhook| match now {
        None => webhook.verify(&body, signature),
        Some((tolerance, now)) => webhook
            .with_tolerance(tolerance)
            .verify_at(&body, signature, now),
    });
    let expect = &case.expect;
    match (outcome, expect.get("error").and_then(Value::as_str)) {
        (Err(err), Some(code)) if err.code() == code => {
            // Messages never carry a secret.
            let message = format!("{err} {err:?}");
            match case
                .secrets
                .iter()
                .find(|s| s.len() > 6 && message.contains(s.as_str()))
            {
                Some(_) => Err(format!("the error message leaks a secret: {message}")),
                None => Ok(()),
            }
        }
        (Err(err), Some(code)) => Err(format!("expected {code}, got {} ({err})", err.code())),
        (Err(err), None) => Err(format!("expected success, got {} ({err})", err.code())),
        (Ok(event), Some(code)) => Err(format!("expected {code}, got success ({})", event.name())),
        (Ok(event), None) => {
            let got = serde_json::json!({
                "event": event.name(),
                "timestamp": event.timestamp,
                "data": event.raw_data,
                "idempotency_key": event.idempotency_key,
            });
            if &got != expect {
                return Err(format!("expected {expect}\n     got {got}"));
            }
            check_typed(&event)
        }
    }
}

/// The typed view agrees with the raw data, and only unknown names are `Unknown`.
fn check_typed(event: &geckoguard_webhooks::Event) -> Result<(), String> {
    let known = EVENT_NAMES.contains(&event.name());
    if known == matches!(event.data, EventData::Unknown { .. }) {
        return Err(format!("{} typed as {:?}", event.name(), event.data));
    }
    let raw = |key: &str| {
        event
            .raw_data
            .get(key)
            .and_then(Value::as_str)
            .map(String::from)
    };
    if let EventData::LicenseAuthorized(d) = &event.data {
        let activated = event.raw_data.get("wasActivated").and_then(Value::as_bool);
        if d.license_id != raw("licenseId")
            || d.product_id != raw("productId")
            || d.was_activated != activated
            || d.effective_expires_at != raw("effectiveExpiresAt")
        {
            return Err(format!(
                "typed fields {d:?} disagree with {:?}",
                event.raw_data
            ));
        }
    }
    Ok(())
}

fn run_file(name: &str, minimum: usize) {
    let cases: Vec<VerifyCase> = load(name);
    assert!(
        cases.len() >= minimum,
        "{name} has {} cases, expected at least {minimum}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, case)| {
            run(case)
                .err()
                .map(|why| format!("#{i} {}: {why}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn verify_vectors() {
    run_file("verify.json", 60);
}

#[test]
fn large_vectors() {
    run_file("large.json", 2);
}

#[test]
fn sign_vectors() {
    let cases: Vec<SignCase> = load("sign.json");
    assert!(cases.len() >= 7);
    for case in cases {
        let key = hex::decode(&case.key_hex).unwrap();
        let body = hex::decode(&case.body_hex).unwrap();
        let got = sign(&key, &body);
        assert_eq!(got.len(), 64, "{}", case.description);
        let want_len = case.truncate_bytes.map_or(64, |n| 2 * n);
        assert_eq!(&got[..want_len], case.expected_hex, "{}", case.description);
    }
}
