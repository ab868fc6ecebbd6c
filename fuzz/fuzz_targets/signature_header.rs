//! The `X-GeckoGuard-Signature` header rules, through the public API.
//!
//! Input: one mode byte, then bytes. Mode bit 0 clear: the bytes (as text,
//! invalid UTF-8 replaced) are the header. Set: the right signature is
//! spliced between a prefix and a suffix taken from the bytes, with the case
//! of each digit flipped by the bytes too, so the fuzzer also explores the
//! headers that are *nearly* right, where bugs in trimming and case would be.
//! Every answer is compared with `oracle::signature_rule`.
#![no_main]

use std::time::Duration;

use geckoguard_webhooks::sign;
use libfuzzer_sys::fuzz_target;
use oracle::{assert_error_is_clean, payload_rule, signature_rule, webhook};

const SECRETS: [&str; 3] = [
    "whsec_fuzz_primary_secret_0001",
    "whsec_fuzz_rotated_secret_0002",
    "whsec_fuzz_rotated_secret_0003",
];
const BODY: &[u8] = br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
const SENT_MS: u64 = 1_736_937_000_000;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let header = if mode & 1 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let signer = SECRETS[usize::from(mode >> 1) % SECRETS.len()];
        let (prefix, suffix) = rest.split_at(rest.len() / 2);
        let mut mac = sign(signer, BODY).into_bytes();
        for (i, digit) in mac.iter_mut().enumerate() {
            if rest.get(i).is_some_and(|b| b & 1 == 1) {
                digit.make_ascii_uppercase();
            }
        }
        let mut header = String::from_utf8_lossy(prefix).into_owned();
        header.push_str(core::str::from_utf8(&mac).unwrap_or_default());
        header.push_str(&String::from_utf8_lossy(suffix));
        header
    };
    let macs: Vec<String> = SECRETS.iter().map(|s| sign(s, BODY)).collect();
    let payload = payload_rule(BODY).unwrap_or_else(|| unreachable!());

    for (secrets, tolerance) in [
        (&SECRETS[..1], None),
        (&SECRETS[..], None),
        (&SECRETS[..], Some(Duration::from_secs(300))),
    ] {
        let webhook = webhook(secrets, tolerance);
        let expected = signature_rule(secrets, BODY, &header);
        let got = webhook.verify_signature(BODY, &header);
        match (&expected, &got) {
            (Ok(_), Ok(())) => {}
            (Err(code), Err(err)) if err.code() == *code => {}
            _ => panic!("header {header:?}: expected {expected:?}, got {got:?}"),
        }
        // The whole check agrees with the signature stage, and an accepted
        // event carries the MAC from the header as its idempotency key.
        let now = Duration::from_millis(SENT_MS);
        match (expected, webhook.verify_at(BODY, &header, now)) {
            (Ok(mac), Ok(event)) => oracle::assert_event_matches(&event, &payload, &mac),
            (Err(code), Err(err)) if err.code() == code => {
                assert_error_is_clean(&err, secrets, &macs);
            }
            (expected, got) => panic!("header {header:?}: expected {expected:?}, got {got:?}"),
        }
    }
});
