//! Verification cost against `ring::hmac::verify`, side by side in one run.
//!
//! `cargo bench --bench verify` (or `make bench`). ring's tag is hex-decoded
//! before the clock starts, so it is measured at its best; ours includes
//! parsing the header.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geckoguard_webhooks::{sign, Webhook};
use ring::hmac;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A `license.authorized` payload of about `size` bytes.
fn payload(size: usize) -> Vec<u8> {
    let head = r#"{"event":"license.authorized","data":{"licenseId":"4b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d","productId":"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d","wasActivated":false,"effectiveExpiresAt":"2025-12-31T23:59:59.000Z","note":""#;
    let tail = r#""},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    format!("{head}{}{tail}", "x".repeat(pad)).into_bytes()
}

fn bench(c: &mut Criterion) {
    let webhook = Webhook::new(SECRET).expect("valid secret");
    let ring_key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());

    let mut group = c.benchmark_group("signature only");
    for (label, size) in [
        ("300 B", 300),
        ("4 KiB", 4 << 10),
        ("64 KiB", 64 << 10),
        ("1 MiB", 1 << 20),
    ] {
        let body = payload(size);
        let header = sign(SECRET, &body);
        let tag = hex_decode(&header);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("geckoguard-webhooks", label),
            &body,
            |b, body| {
                b.iter(|| {
                    webhook
                        .verify_signature(black_box(body), black_box(&header))
                        .expect("valid")
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("ring", label), &body, |b, body| {
            b.iter(|| hmac::verify(&ring_key, black_box(body), black_box(&tag)).expect("valid"))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("verify and parse");
    let body = payload(300);
    let header = sign(SECRET, &body);
    let tag = hex_decode(&header);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function(BenchmarkId::new("geckoguard-webhooks", "300 B"), |b| {
        b.iter(|| {
            webhook
                .verify(black_box(&body), black_box(&header))
                .expect("valid")
        })
    });
    group.bench_function(BenchmarkId::new("ring + serde_json::Value", "300 B"), |b| {
        b.iter(|| {
            hmac::verify(&ring_key, black_box(&body), black_box(&tag)).expect("valid");
            serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("json")
        })
    });
    group.finish();
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

criterion_group!(benches, bench);
criterion_main!(benches);
