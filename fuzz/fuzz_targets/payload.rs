//! The payload rules and the replay window, through the public API: every
//! body is signed with the right secret, so each input reaches the payload
//! reader.
//!
//! Input: one mode byte, then bytes. Mode bit 0 clear: the bytes are the
//! body. Set: the bytes (as text) are the `timestamp` of an otherwise valid
//! payload, so the RFC 3339 reader is explored directly. Every answer is
//! compared with `oracle::payload_rule` and `oracle::rfc3339_rule`.
#![no_main]

use std::time::Duration;

use geckoguard_webhooks::sign;
use libfuzzer_sys::fuzz_target;
use oracle::{assert_error_is_clean, assert_event_matches, payload_rule, rfc3339_rule, webhook};

const SECRET: &str = "whsec_fuzz_payload_secret_0001";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let body = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let timestamp = String::from_utf8_lossy(rest);
        let timestamp = serde_json::to_string(&timestamp).unwrap_or_default();
        format!(r#"{{"event":"test.ping","data":{{}},"timestamp":{timestamp}}}"#).into_bytes()
    };
    let mac = sign(SECRET, &body);
    let macs = [mac.clone()];
    let expected = payload_rule(&body);

    // No replay window: the payload rule alone decides.
    let got = webhook(&[SECRET], None).verify(&body, &mac);
    match (&expected, &got) {
        (Some(payload), Ok(event)) => assert_event_matches(event, payload, &mac),
        (None, Err(err)) if err.code() == "invalid_payload" => {
            assert_error_is_clean(err, &[SECRET], &macs);
        }
        _ => panic!(
            "body {:?}: expected {expected:?}, got {got:?}",
            String::from_utf8_lossy(&body)
        ),
    }

    // With a replay window: the timestamp must be RFC 3339, and then it is
    // exactly `sent` ms: accepted at `sent` with no tolerance at all,
    // refused 1 ms either side, accepted from anywhere with the widest one.
    let Some(payload) = expected else {
        return;
    };
    let sent = rfc3339_rule(&payload.timestamp);
    let exact = webhook(&[SECRET], Some(Duration::ZERO));
    let widest = webhook(&[SECRET], Some(Duration::MAX));
    let check = |webhook: &geckoguard_webhooks::Webhook, now_ms: u64, want: &str| {
        let got = webhook.verify_at(&body, &mac, Duration::from_millis(now_ms));
        match (&got, want) {
            (Ok(event), "ok") => assert_event_matches(event, &payload, &mac),
            (Err(err), code) if err.code() == code => assert_error_is_clean(err, &[SECRET], &macs),
            _ => panic!(
                "timestamp {:?} (rule: {sent:?} ms), now {now_ms} ms: expected {want}, got {got:?}",
                payload.timestamp
            ),
        }
    };
    match sent.map(u64::try_from) {
        None => {
            check(&exact, 0, "invalid_payload");
            check(&widest, u64::MAX, "invalid_payload");
        }
        Some(Ok(sent)) => {
            check(&exact, sent, "ok");
            check(&exact, sent + 1, "timestamp_out_of_tolerance");
            if sent > 0 {
                check(&exact, sent - 1, "timestamp_out_of_tolerance");
            }
            check(&widest, 0, "ok");
            check(&widest, u64::MAX, "ok");
        }
        // Before 1970: `now` is never that early, so the event is too old.
        Some(Err(_)) => {
            check(&exact, 0, "timestamp_out_of_tolerance");
            check(&widest, u64::MAX, "ok");
        }
    }
});
