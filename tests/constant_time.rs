//! Constant time, measured: the number of instructions a verification costs
//! must not depend on where a forged signature differs from the right one,
//! nor on which of several rotated secrets matched.
//!
//! Seconds are noise on a shared machine; instruction counts under valgrind
//! are deterministic. This file is its own test binary (`harness = false`)
//! with two roles:
//!
//! - run with no argument (as `cargo test` does), it is the test: it runs
//!   itself once per kind of signature under `valgrind --tool=cachegrind`,
//!   reads the total instruction count (`I refs`) of each run, and compares;
//! - run as `constant_time probe <kind>`, it is the measured program: it
//!   builds one signature of that kind and verifies it `ROUNDS` times.
//!
//! Every probe run executes the same code up to the signature's bytes: the
//! kind is one digit on the command line (so argument handling costs the
//! same), each kind's signature is made by the same XOR with a mask from a
//! table, each secret has the same length. Two runs may differ in count only
//! if verification itself does.
//!
//! It measures the optimized build (`cargo test --release --test
//! constant_time`); a debug build only says so. Without valgrind the test
//! says so and passes, so `cargo test` works anywhere; `make test` installs
//! valgrind and sets `GECKOGUARD_REQUIRE_VALGRIND=1`, which turns a missing
//! valgrind into a failure.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::hint::black_box;
use std::process::{Command, ExitCode};

use geckoguard_webhooks::{sign, Webhook};

/// Verifications per probe run: a difference per verification shows up
/// multiplied, well above any one-off difference in start-up.
const ROUNDS: u32 = 50;

/// Three rotated secrets, plus one that is not configured. Same length, so
/// signing with any of them costs the same.
const SECRETS: [&str; 4] = [
    "whsec_rotation_secret_number_1_aaaaaaaa",
    "whsec_rotation_secret_number_2_bbbbbbbb",
    "whsec_rotation_secret_number_3_cccccccc",
    "whsec_not_configured_secret_4_dddddddd",
];

const BODY: &[u8] = br#"{"event":"license.authorized","data":{"licenseId":"license-uuid","productId":"product-uuid","wasActivated":false,"effectiveExpiresAt":"2025-12-31T23:59:59.000Z"},"timestamp":"2025-01-15T10:30:00.000Z"}"#;

/// One kind of signature: which secret signs, which bytes of the MAC are
/// flipped, and whether verification must succeed.
struct Kind {
    name: &'static str,
    signer: usize,
    mask: [u8; 32],
    valid: bool,
}

const fn mask_at(index: usize) -> [u8; 32] {
    let mut mask = [0u8; 32];
    mask[index] = 0x01;
    mask
}

const KINDS: [Kind; 8] = [
    Kind {
        name: "wrong in the first byte",
        signer: 0,
        mask: mask_at(0),
        valid: false,
    },
    Kind {
        name: "wrong in the middle byte",
        signer: 0,
        mask: mask_at(16),
        valid: false,
    },
    Kind {
        name: "wrong in the last byte",
        signer: 0,
        mask: mask_at(31),
        valid: false,
    },
    Kind {
        name: "wrong in every byte",
        signer: 0,
        mask: [0xA5; 32],
        valid: false,
    },
    Kind {
        name: "rotation: the first of three secrets matches",
        signer: 0,
        mask: [0; 32],
        valid: true,
    },
    Kind {
        name: "rotation: the second of three secrets matches",
        signer: 1,
        mask: [0; 32],
        valid: true,
    },
    Kind {
        name: "rotation: the third of three secrets matches",
        signer: 2,
        mask: [0; 32],
        valid: true,
    },
    Kind {
        name: "rotation: none of the three secrets matches",
        signer: 3,
        mask: [0; 32],
        valid: false,
    },
];

/// The groups whose counts must be equal, by index into `KINDS`.
///
/// - Every refused signature goes through `verify` (the whole check) and
///   must cost the same: forgeries wrong in different places (where the
///   first wrong byte is, is what a timing attack would learn) and a
///   signature made with a secret that is not configured (none of the three
///   matches).
/// - The three matching rotations go through `verify` too, and succeed: each
///   must cost the same, whichever secret matched.
/// - The same three through `verify_signature` alone.
const GROUPS: [(&str, Mode, &[usize]); 3] = [
    (
        "refused signatures through verify",
        Mode::Verify,
        &[0, 1, 2, 3, 7],
    ),
    (
        "accepted rotations through verify",
        Mode::Verify,
        &[4, 5, 6],
    ),
    (
        "accepted rotations through verify_signature",
        Mode::Signature,
        &[4, 5, 6],
    ),
];

/// Accepted and refused differ in what they return (`Ok` or an `Error`),
/// which the caller reveals anyway with its HTTP status; that costs a few
/// instructions, nothing like an HMAC (thousands). Measured through
/// `verify_signature`, which parses no payload, the difference per
/// verification between "the first secret matches" and "none matches" must
/// stay under this bound: a verifier that stopped at the first match, or
/// skipped secrets when none matched, would cost a whole HMAC more or less.
const ACCEPT_REFUSE_BOUND: u64 = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Verify,
    Signature,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("probe") => probe(&args),
        // `cargo test` may pass libtest flags (`--nocapture`, a filter): they
        // are not for this binary's test role and are ignored.
        _ => measure(),
    }
}

/// The measured program: `probe <v|s> <kind digit>`.
fn probe(args: &[String]) -> ExitCode {
    let mode = match args.get(2).map(String::as_str) {
        Some("v") => Mode::Verify,
        Some("s") => Mode::Signature,
        _ => return ExitCode::from(2),
    };
    let Some(kind) = args
        .get(3)
        .and_then(|digit| digit.parse::<usize>().ok())
        .and_then(|index| KINDS.get(index))
    else {
        return ExitCode::from(2);
    };
    let webhook = Webhook::from_secrets(&SECRETS[..3]).unwrap();

    // The right MAC for the kind's secret, flipped by the kind's mask with
    // the same 32 XORs whatever the mask.
    let mut mac = [0u8; 32];
    hex_decode(&sign(SECRETS[kind.signer], BODY), &mut mac);
    for (byte, flip) in mac.iter_mut().zip(kind.mask) {
        *byte ^= flip;
    }
    let header = hex_encode(&mac);

    let mut accepted = 0u32;
    for _ in 0..ROUNDS {
        let ok = match mode {
            Mode::Verify => webhook.verify(black_box(BODY), black_box(&header)).is_ok(),
            Mode::Signature => webhook
                .verify_signature(black_box(BODY), black_box(&header))
                .is_ok(),
        };
        accepted += u32::from(black_box(ok));
    }
    // Checked without a branch on the kind: the exit code is computed.
    let expected = u32::from(kind.valid) * ROUNDS;
    ExitCode::from(u8::from(accepted != expected))
}

/// Hex without branches on the digits, so building the header costs the
/// same for every kind.
fn hex_encode(bytes: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0x0F)];
    }
    String::from_utf8(out.to_vec()).unwrap()
}

fn hex_decode(hex: &str, out: &mut [u8; 32]) {
    const fn value(c: u8) -> u8 {
        // `sign` writes lowercase digits only.
        (c & 0x0F) + 9 * (c >> 6)
    }
    for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        *byte = (value(pair[0]) << 4) | value(pair[1]);
    }
}

/// The test: one probe run per kind under cachegrind, counts compared.
fn measure() -> ExitCode {
    // What ships is the optimized build, and the optimizer is what could
    // turn a branch-free comparison into an early exit: measure that build.
    if cfg!(debug_assertions) {
        eprintln!(
            "constant_time: measured on the optimized build only: \
             cargo test --release --test constant_time (make test runs it)"
        );
        return ExitCode::SUCCESS;
    }
    let required = std::env::var_os("GECKOGUARD_REQUIRE_VALGRIND").is_some_and(|v| v == "1");
    if Command::new("valgrind").arg("--version").output().is_err() {
        if required {
            eprintln!("constant_time: valgrind is required but not installed");
            return ExitCode::FAILURE;
        }
        eprintln!(
            "constant_time: valgrind not installed, instruction counts not measured \
             (make test installs it)"
        );
        return ExitCode::SUCCESS;
    }
    let exe = std::env::current_exe().unwrap();
    let mut failed = false;
    for (group, mode, members) in GROUPS {
        let counts: Vec<(usize, u64)> = members
            .iter()
            .map(|&index| (index, instructions(&exe, mode, index)))
            .collect();
        let first = counts[0].1;
        let equal = counts.iter().all(|&(_, count)| count == first);
        println!(
            "{} {group} ({ROUNDS} verifications each):",
            if equal { "ok  " } else { "FAIL" }
        );
        for (index, count) in counts {
            println!("       {count:>12} instructions  {}", KINDS[index].name);
        }
        failed |= !equal;
    }
    let accepted = instructions(&exe, Mode::Signature, 4);
    let refused = instructions(&exe, Mode::Signature, 7);
    let per_verification = accepted.abs_diff(refused).div_ceil(u64::from(ROUNDS));
    let close = per_verification < ACCEPT_REFUSE_BOUND;
    println!(
        "{} accepted vs refused through verify_signature ({ROUNDS} verifications each):",
        if close { "ok  " } else { "FAIL" }
    );
    println!("       {accepted:>12} instructions  {}", KINDS[4].name);
    println!("       {refused:>12} instructions  {}", KINDS[7].name);
    println!(
        "       {per_verification:>12} instructions per verification apart \
         (bound {ACCEPT_REFUSE_BOUND}: building Ok or Err, not an HMAC)"
    );
    failed |= !close;
    if failed {
        eprintln!("constant_time: instruction counts differ between kinds of signature");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Total instructions of one probe run, from cachegrind's summary.
fn instructions(exe: &std::path::Path, mode: Mode, kind: usize) -> u64 {
    let out_file = std::env::temp_dir().join(format!(
        "geckoguard-ct-{}-{mode:?}-{kind}.out",
        std::process::id()
    ));
    let output = Command::new("valgrind")
        .arg("--tool=cachegrind")
        .arg("--cache-sim=no")
        .arg(format!("--cachegrind-out-file={}", out_file.display()))
        .arg(exe)
        .arg("probe")
        .arg(if mode == Mode::Verify { "v" } else { "s" })
        .arg(kind.to_string())
        .output()
        .expect("valgrind runs");
    let _ = std::fs::remove_file(&out_file);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "probe {mode:?} {} did not give the expected result:\n{stderr}",
        KINDS[kind].name
    );
    stderr
        .lines()
        .find_map(|line| {
            // `==1234== I   refs:      26,985,692`
            let (_, rest) = line.split_once("== ")?;
            let rest = rest.trim_start().strip_prefix('I')?;
            let count = rest.trim_start().strip_prefix("refs:")?;
            count.trim().replace(',', "").parse().ok()
        })
        .unwrap_or_else(|| panic!("no `I refs` in valgrind's output:\n{stderr}"))
}
