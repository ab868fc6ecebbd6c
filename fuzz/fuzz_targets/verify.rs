//! The whole of `verify`: any secrets, any header, any body, with and
//! without a replay window, through the public API.
//!
//! Input layout (so seeds can be written from the shared vectors):
//!
//! ```text
//! flags: u8            bits 0-1: number of secrets - 1 (1 to 4)
//!                      bit 2: a replay window is set
//!                      bit 3: verify with the system clock instead of `now`
//! tolerance_s: u32 LE
//! now_ms: u64 LE
//! secret 0x00 … secret 0x00 header 0x00 body    (the body may hold 0x00)
//! ```
//!
//! Invariants: building the verifier fails exactly when the secrets rule
//! says so, with `invalid_secret`; every error has one of the six codes and
//! leaks no secret and no expected MAC; the signature stage answers exactly
//! as `oracle::signature_rule`; and the body signed with any configured
//! secret never fails on its signature, and gets the same outcome whichever
//! secret signed it.
#![no_main]

use std::time::Duration;

use geckoguard_webhooks::{sign, Webhook};
use libfuzzer_sys::fuzz_target;
use oracle::{assert_error_is_clean, payload_rule, secrets_rule, signature_rule};

fuzz_target!(|data: &[u8]| {
    let Some((&[flags], rest)) = data.split_first_chunk::<1>() else {
        return;
    };
    let Some((tolerance_s, rest)) = rest.split_first_chunk::<4>() else {
        return;
    };
    let Some((now_ms, rest)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let count = usize::from(flags & 0b11) + 1;
    let mut parts = rest.splitn(count + 2, |&b| b == 0);
    let secrets: Vec<String> = parts
        .by_ref()
        .take(count)
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    let header = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let body = parts.next().unwrap_or_default();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let macs: Vec<String> = secrets.iter().map(|s| sign(s, body)).collect();
    let tolerance = (flags & 0b100 != 0)
        .then(|| Duration::from_secs(u64::from(u32::from_le_bytes(*tolerance_s))));
    let now = Duration::from_millis(u64::from_le_bytes(*now_ms));
    let system_clock = flags & 0b1000 != 0;

    let webhook = match Webhook::from_secrets(&secrets) {
        Ok(webhook) => {
            assert!(secrets_rule(&secrets), "accepted the secrets {secrets:?}");
            webhook
        }
        Err(err) => {
            assert!(
                !secrets_rule(&secrets),
                "refused the secrets {secrets:?}: {err:?}"
            );
            assert_eq!(err.code(), "invalid_secret");
            assert_error_is_clean(&err, &secrets, &macs);
            return;
        }
    };
    let debug = format!("{webhook:?}");
    for secret in secrets.iter().filter(|s| oracle::looks_real(s)) {
        assert!(!debug.contains(secret), "a secret leaked into {debug:?}");
    }
    let webhook = match tolerance {
        Some(tolerance) => webhook.with_tolerance(tolerance),
        None => webhook,
    };
    let verify = |header: &str| {
        if system_clock {
            webhook.verify(body, header)
        } else {
            webhook.verify_at(body, header, now)
        }
    };

    // The fuzzer's header.
    let expected = signature_rule(&secrets, body, &header);
    let got = verify(&header);
    match (&expected, &got) {
        (Ok(_), Ok(_)) => {}
        (Ok(_), Err(err)) => assert!(
            matches!(err.code(), "invalid_payload" | "timestamp_out_of_tolerance"),
            "a right signature failed: {err:?}"
        ),
        (Err(code), Err(err)) => assert_eq!(err.code(), *code, "header {header:?}"),
        (Err(code), Ok(_)) => panic!("header {header:?}: expected {code}, got an event"),
    }
    if let Err(err) = &got {
        assert_error_is_clean(err, &secrets, &macs);
    }

    // The right signature of each configured secret: never a signature
    // error, and the same outcome whichever secret signed.
    let payload_ok = payload_rule(body).is_some();
    let mut outcomes = Vec::new();
    for mac in &macs {
        let got = verify(mac);
        match &got {
            Ok(event) => {
                assert!(payload_ok, "accepted a body the payload rule refuses");
                assert_eq!(event.idempotency_key, mac[..32]);
            }
            Err(err) => {
                assert!(
                    matches!(err.code(), "invalid_payload" | "timestamp_out_of_tolerance"),
                    "a right signature failed: {err:?}"
                );
                assert!(
                    payload_ok || err.code() == "invalid_payload",
                    "a body the payload rule refuses got {err:?}"
                );
                assert_error_is_clean(err, &secrets, &macs);
            }
        }
        outcomes.push(got.map(|event| (event.data, event.raw_data, event.timestamp)));
    }
    // With the system clock, two calls may straddle the window's edge.
    if !system_clock {
        assert!(
            outcomes.windows(2).all(|w| w[0] == w[1]),
            "the outcome depends on which secret signed: {outcomes:?}"
        );
    }
});
