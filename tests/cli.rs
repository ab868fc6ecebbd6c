//! The `geckoguard-webhooks` command-line tool against real HTTP servers on
//! loopback: the example receiver, a capturing server, one that answers 500,
//! one that never answers, and a closed port. Every signature is checked
//! against node:crypto's HMAC, and `verify` must accept every delivery `send`
//! makes.
#![cfg(feature = "cli")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use geckoguard_webhooks::EVENT_NAMES;
use serde_json::Value;

const SECRET: &str = "whsec_cli_test_kq8Zt3vN1xWb6PjR0cYh5LmD9sEa";
const ROUTE: &str = "/webhooks/geckoguard";

// ---- running the tool ------------------------------------------------------

fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_geckoguard-webhooks"));
    // Only what each test sets: no secret or proxy from the environment.
    for var in [
        "GECKOGUARD_WEBHOOK_SECRET",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        command.env_remove(var);
    }
    command
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(output: Output) -> Run {
        Run {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Asserts the secret appears nowhere in what was printed.
    fn never_shows(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "the secret was printed:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// The JSON lines of stdout.
    fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

fn run(args: &[&str]) -> Run {
    Run::of(cli().args(args).output().expect("runs"))
}

fn run_with_stdin(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut child = cli()
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // A command that fails before reading stdin closes it: that is no error here.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    Run::of(child.wait_with_output().unwrap())
}

/// A file holding `bytes`, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(bytes: &[u8]) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "geckoguard-cli-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// HMAC-SHA256 hex of `body` keyed with `secret`, computed by node:crypto as
/// GeckoGuard's own documentation does.
fn node_hmac(secret: &str, body: &[u8]) -> String {
    let file = TempFile::new(body);
    let output = Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('node:crypto').createHmac('sha256', process.env.KEY)\
             .update(require('node:fs').readFileSync(process.argv[1])).digest('hex'))",
            file.path(),
        ])
        .env("KEY", secret)
        .output()
        .expect("node is needed for the cross-check (Node.js 18 or later)");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

// ---- servers on loopback ---------------------------------------------------

/// One request as a server received it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A server that records every request and answers `status` with `reply`.
struct Capture {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    server: Arc<tiny_http::Server>,
}

impl Capture {
    fn start(status: u16, reply: &'static str) -> Capture {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let (srv, log) = (Arc::clone(&server), Arc::clone(&received));
        std::thread::spawn(move || {
            for mut request in srv.incoming_requests() {
                let mut body = Vec::new();
                request.as_reader().read_to_end(&mut body).unwrap();
                log.lock().unwrap().push(Received {
                    method: request.method().to_string(),
                    url: request.url().to_owned(),
                    headers: request
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.to_string()))
                        .collect(),
                    body,
                });
                let _ = request
                    .respond(tiny_http::Response::from_string(reply).with_status_code(status));
            }
        });
        Capture {
            url: format!("http://127.0.0.1:{port}{ROUTE}"),
            received,
            server,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// The example receiver (`examples/receiver.rs`), run as its own process.
struct Receiver {
    child: Child,
    url: String,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Receiver {
    fn start(secret: &str) -> Receiver {
        // `cargo test` builds the examples next to the test binaries.
        let exe = std::env::current_exe().unwrap();
        let path = exe
            .parent()
            .and_then(|deps| deps.parent())
            .map(|dir| dir.join("examples").join("receiver"))
            .unwrap();
        assert!(
            path.exists(),
            "{} is missing: run `cargo test --all-features` (it builds the examples) \
             or `cargo build --example receiver` first",
            path.display()
        );
        let mut child = Command::new(path)
            .arg("0")
            .env("GECKOGUARD_WEBHOOK_SECRET", secret)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines.recv_timeout(Duration::from_secs(30)).unwrap();
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_owned();
        Receiver { child, url, lines }
    }

    /// The next `n` log lines (one per delivery).
    fn log(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| self.lines.recv_timeout(Duration::from_secs(10)).unwrap())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port with nothing listening on it (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---- signatures ------------------------------------------------------------

#[test]
fn sign_matches_node_crypto() {
    let bodies: [&[u8]; 5] = [
        br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#,
        b"",
        "{\"event\":\"license.created\",\"data\":{\"note\":\"caf\u{e9} \u{1f98e} \u{5c71}\u{7530}\"},\"timestamp\":\"t\"}\n".as_bytes(),
        b"\x00\xff not even JSON",
        &[b'x'; 100_000],
    ];
    for body in bodies {
        let expected = node_hmac(SECRET, body);
        let file = TempFile::new(body);
        let from_file = run(&["sign", "--secret", SECRET, "--file", file.path()]);
        assert_eq!(from_file.code, 0, "{}", from_file.stderr);
        assert_eq!(from_file.stdout, format!("{expected}\n"));
        from_file.never_shows(SECRET);

        let from_stdin = run_with_stdin(&["sign"], body, &[("GECKOGUARD_WEBHOOK_SECRET", SECRET)]);
        assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
        assert_eq!(from_stdin.stdout, format!("{expected}\n"));
        from_stdin.never_shows(SECRET);

        let json = run(&[
            "sign",
            "--secret",
            SECRET,
            "--file",
            file.path(),
            "--format",
            "json",
        ]);
        assert_eq!(
            json.json_lines(),
            [serde_json::json!({ "signature": expected })]
        );
    }
}

/// Checks one captured delivery: GeckoGuard's request line and headers, a
/// signature node:crypto agrees with, and `verify` accepting it as sent.
fn check_delivery(received: &Received, secret: &str) -> Value {
    assert_eq!(received.method, "POST");
    assert_eq!(received.url, ROUTE);
    let body: Value = serde_json::from_slice(&received.body).unwrap();
    let event = body["event"].as_str().unwrap();
    assert_eq!(received.header("Content-Type"), Some("application/json"));
    assert_eq!(received.header("X-GeckoGuard-Event"), Some(event));
    assert_eq!(
        received.header("User-Agent"),
        Some("GeckoGuard-Webhooks/1.0")
    );
    let signature = received.header("X-GeckoGuard-Signature").unwrap();
    assert_eq!(signature, node_hmac(secret, &received.body), "{event}");

    // The payload GeckoGuard documents: these three fields, in this order.
    let text = std::str::from_utf8(&received.body).unwrap();
    assert!(
        text.starts_with(&format!(r#"{{"event":"{event}","data":{{"#)),
        "{text}"
    );
    let timestamp = body["timestamp"].as_str().unwrap();
    assert_eq!(
        timestamp.len(),
        "2025-01-15T10:30:00.000Z".len(),
        "{timestamp}"
    );
    assert!(timestamp.ends_with('Z'), "{timestamp}");

    let file = TempFile::new(&received.body);
    let verified = run(&[
        "verify",
        "--secret",
        secret,
        "--signature",
        signature,
        "--file",
        file.path(),
        "--format",
        "json",
    ]);
    assert_eq!(verified.code, 0, "{event}: {}", verified.stderr);
    verified.never_shows(secret);
    let out: Value = serde_json::from_str(&verified.stdout).unwrap();
    assert_eq!(out["event"], body["event"]);
    assert_eq!(out["data"], body["data"]);
    assert_eq!(out["timestamp"], body["timestamp"]);
    assert_eq!(out["idempotencyKey"].as_str().map(str::len), Some(32));
    body
}

#[test]
fn every_delivery_is_geckoguards_and_verifies() {
    let server = Capture::start(200, "OK");
    let url = server.url.clone();

    let all = run(&[
        "send", "--url", &url, "--secret", SECRET, "--all", "--format", "json",
    ]);
    assert_eq!(all.code, 0, "{}{}", all.stdout, all.stderr);
    all.never_shows(SECRET);
    let records = all.json_lines();
    let spec: Vec<&str> = EVENT_NAMES
        .iter()
        .copied()
        .filter(|e| *e != "test.ping")
        .collect();
    assert_eq!(records.len(), 15);
    for (record, event) in records.iter().zip(&spec) {
        assert_eq!(record["event"], *event);
        assert_eq!(record["url"], url.as_str());
        assert_eq!(record["status"], 200);
        assert_eq!(record["success"], true);
        assert_eq!(record["error"], Value::Null);
        assert!(record["durationMs"].is_u64());
    }

    let ping = run_with_stdin(
        &["ping", "--url", &url],
        b"",
        &[("GECKOGUARD_WEBHOOK_SECRET", SECRET)],
    );
    assert_eq!(ping.code, 0, "{}", ping.stderr);
    assert!(ping.stdout.contains("test.ping"), "{}", ping.stdout);
    ping.never_shows(SECRET);

    let custom = run(&[
        "send",
        "--url",
        &url,
        "--secret",
        SECRET,
        "--event",
        "invoice.paid",
        "--data",
        r#"{"amount":1250,"currency":"EUR","note":"caf\u00e9 🦎"}"#,
    ]);
    assert_eq!(custom.code, 0, "{}", custom.stderr);
    let merged = run(&[
        "send",
        "--url",
        &url,
        "--secret",
        SECRET,
        "--event",
        "license.authorized",
        "--data",
        r#"{"licenseId":"lic_mine","wasActivated":true}"#,
    ]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);

    let received = server.received();
    assert_eq!(received.len(), 18);
    let bodies: Vec<Value> = received.iter().map(|r| check_delivery(r, SECRET)).collect();
    let names: Vec<&str> = bodies
        .iter()
        .map(|b| b["event"].as_str().unwrap())
        .collect();
    let mut expected = spec.clone();
    expected.extend(["test.ping", "invoice.paid", "license.authorized"]);
    assert_eq!(names, expected);

    // Example data for the typed fields, user data merged over it.
    assert_eq!(
        bodies[0]["data"]["licenseId"].as_str().map(str::is_empty),
        Some(false)
    );
    assert_eq!(bodies[15]["data"], serde_json::json!({}));
    assert_eq!(bodies[16]["data"]["amount"], 1250);
    assert_eq!(bodies[16]["data"]["note"], "café 🦎");
    assert_eq!(bodies[17]["data"]["licenseId"], "lic_mine");
    assert_eq!(bodies[17]["data"]["wasActivated"], true);
    assert!(bodies[17]["data"]["productId"].is_string());
    assert!(bodies[17]["data"]["effectiveExpiresAt"].is_string());
}

// ---- against the example receiver -------------------------------------------

#[test]
fn example_receiver_verifies_every_event_and_refuses_tampering() {
    let receiver = Receiver::start(SECRET);
    let url = receiver.url.clone();

    let all = run(&["send", "--url", &url, "--secret", SECRET, "--all"]);
    assert_eq!(all.code, 0, "{}{}", all.stdout, all.stderr);
    assert!(all.stdout.contains("15 of 15 deliveries"), "{}", all.stdout);
    let ping = run(&[
        "ping", "--url", &url, "--secret", SECRET, "--format", "json",
    ]);
    assert_eq!(ping.code, 0, "{}", ping.stderr);
    assert_eq!(ping.json_lines()[0]["status"], 200);

    let log = receiver.log(16);
    for (line, event) in log.iter().zip(EVENT_NAMES) {
        assert!(
            line.starts_with(&format!("200 verified {event} ")),
            "{line}"
        );
    }

    let tampered = run(&[
        "send",
        "--url",
        &url,
        "--secret",
        SECRET,
        "--event",
        "license.revoked",
        "--tamper",
        "--format",
        "json",
    ]);
    assert_eq!(tampered.code, 1, "{}", tampered.stderr);
    let record = &tampered.json_lines()[0];
    assert_eq!(record["status"], 401);
    assert_eq!(record["success"], false);
    assert_eq!(record["error"], "HTTP 401: Invalid signature");

    let other_secret = run(&[
        "ping",
        "--url",
        &url,
        "--secret",
        "whsec_not_this_one",
        "--format",
        "json",
    ]);
    assert_eq!(other_secret.code, 1);
    assert_eq!(other_secret.json_lines()[0]["status"], 401);
    other_secret.never_shows("whsec_not_this_one");

    let log = receiver.log(2);
    assert!(
        log.iter()
            .all(|l| l.starts_with("401 rejected invalid_signature")),
        "{log:?}"
    );
}

// ---- failing deliveries ------------------------------------------------------

#[test]
fn a_500_fails_the_delivery_and_shows_the_status() {
    let server = Capture::start(500, "database unavailable");
    let json = run(&[
        "send",
        "--url",
        &server.url,
        "--secret",
        SECRET,
        "--event",
        "license.expired",
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 1);
    json.never_shows(SECRET);
    let record = &json.json_lines()[0];
    assert_eq!(record["status"], 500);
    assert_eq!(record["success"], false);
    assert_eq!(record["error"], "HTTP 500: database unavailable");

    let table = run(&["ping", "--url", &server.url, "--secret", SECRET]);
    assert_eq!(table.code, 1);
    let row = table.stdout.lines().nth(1).unwrap();
    assert!(
        row.starts_with("test.ping") && row.contains(" 500 ") && row.contains(" no "),
        "{row}"
    );
    assert!(row.contains("HTTP 500: database unavailable"), "{row}");
    assert!(
        table.stdout.contains("0 of 1 deliveries"),
        "{}",
        table.stdout
    );
    // The server did receive both, correctly signed.
    for received in server.received() {
        check_delivery(&received, SECRET);
    }
}

#[test]
fn any_2xx_succeeds_and_a_redirect_is_not_followed() {
    for (status, success) in [
        (200, true),
        (202, true),
        (204, true),
        (299, true),
        (302, false),
        (404, false),
    ] {
        let server = Capture::start(status, "");
        let run = run(&[
            "ping",
            "--url",
            &server.url,
            "--secret",
            SECRET,
            "--format",
            "json",
        ]);
        assert_eq!(run.code, if success { 0 } else { 1 }, "{status}");
        let record = &run.json_lines()[0];
        assert_eq!(record["status"], status);
        assert_eq!(record["success"], success, "{status}");
        if !success {
            assert_eq!(record["error"], format!("HTTP {status}"));
        }
        // Exactly one request: a 302 is reported, not followed.
        assert_eq!(server.received().len(), 1, "{status}");
    }
}

#[test]
fn a_server_that_never_answers_fails_after_ten_seconds() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept, read the request, and never answer; keep the sockets open.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut buf = [0u8; 4096];
            let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
            let _ = stream.read(&mut buf);
            held.push(stream);
        }
    });
    let url = format!("http://127.0.0.1:{port}{ROUTE}");
    let started = Instant::now();
    let run = run(&[
        "ping", "--url", &url, "--secret", SECRET, "--format", "json",
    ]);
    let elapsed = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let record = &run.json_lines()[0];
    assert_eq!(record["status"], Value::Null);
    assert_eq!(record["success"], false);
    assert!(
        record["error"].as_str().unwrap().contains("timed out"),
        "{record}"
    );
    // The timeout is GeckoGuard's 10 s: not before, and not much later.
    assert!(
        elapsed >= Duration::from_millis(9_500),
        "gave up after {elapsed:?}"
    );
    assert!(
        elapsed <= Duration::from_secs(13),
        "gave up after {elapsed:?}"
    );
    let recorded = record["durationMs"].as_u64().unwrap();
    assert!(
        (9_500..=13_000).contains(&recorded),
        "recorded {recorded} ms"
    );
}

#[test]
fn a_closed_port_fails_at_once_with_a_clear_error() {
    let url = format!("http://127.0.0.1:{}{ROUTE}", closed_port());
    let started = Instant::now();
    let run = run(&[
        "send", "--url", &url, "--secret", SECRET, "--all", "--format", "json",
    ]);
    assert_eq!(run.code, 1);
    // A refused connection is reported, not waited out like a timeout.
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    let records = run.json_lines();
    assert_eq!(records.len(), 15);
    for record in records {
        assert_eq!(record["status"], Value::Null);
        assert_eq!(record["success"], false);
        assert!(
            record["error"]
                .as_str()
                .unwrap()
                .contains("connection refused"),
            "{record}"
        );
    }
}

// ---- verify ----------------------------------------------------------------

const BODY: &[u8] =
    br#"{"event":"license.revoked","data":{"licenseId":"lic_1"},"timestamp":"2025-01-15T10:30:00.000Z"}"#;

#[test]
fn verify_prints_the_event_in_the_payloads_shape() {
    let signature = node_hmac(SECRET, BODY);
    let ok = run_with_stdin(
        &["verify", "--signature", &signature],
        BODY,
        &[("GECKOGUARD_WEBHOOK_SECRET", SECRET)],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    ok.never_shows(SECRET);
    let event: Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(
        event,
        serde_json::json!({
            "event": "license.revoked",
            "data": {"licenseId": "lic_1"},
            "timestamp": "2025-01-15T10:30:00.000Z",
            "idempotencyKey": &signature[..32],
        })
    );
    // Rotation: any of several secrets.
    let rotated = run_with_stdin(
        &[
            "verify",
            "--secret",
            "whsec_new",
            "--secret",
            SECRET,
            "--signature",
            &signature,
            "--format",
            "json",
        ],
        BODY,
        &[],
    );
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    assert_eq!(rotated.stdout.lines().count(), 1);
}

#[test]
fn a_refused_delivery_exits_1_with_its_code_and_never_the_secret() {
    let good = node_hmac(SECRET, BODY);
    let other = node_hmac("whsec_other", BODY);
    let tampered = b"{\"event\":\"license.revoked\",\"data\":{\"licenseId\":\"lic_2\"},\"timestamp\":\"2025-01-15T10:30:00.000Z\"}";
    for (body, signature, code) in [
        (BODY, other.as_str(), "invalid_signature"),
        (&tampered[..], good.as_str(), "invalid_signature"),
        (BODY, "abc", "malformed_signature"),
        (BODY, "", "missing_signature"),
        (
            b"not json",
            &*node_hmac(SECRET, b"not json"),
            "invalid_payload",
        ),
    ] {
        let refused = run_with_stdin(
            &["verify", "--secret", SECRET, "--signature", signature],
            body,
            &[],
        );
        assert_eq!(refused.code, 1, "{code}: {}", refused.stderr);
        assert_eq!(refused.stdout, "", "{code}");
        assert!(
            refused.stderr.starts_with(&format!("{code}: ")),
            "{}",
            refused.stderr
        );
        refused.never_shows(SECRET);
        refused.never_shows(&good); // nor the expected signature

        let json = run_with_stdin(
            &[
                "verify",
                "--secret",
                SECRET,
                "--signature",
                signature,
                "--format",
                "json",
            ],
            body,
            &[],
        );
        assert_eq!(json.code, 1);
        let error: Value = serde_json::from_str(json.stderr.trim()).unwrap();
        assert_eq!(error["code"], code);
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        json.never_shows(SECRET);
    }
}

#[test]
fn verify_applies_the_tolerance_at_the_given_time() {
    let signature = node_hmac(SECRET, BODY);
    let file = TempFile::new(BODY);
    let at = |now: &str| {
        run(&[
            "verify",
            "--secret",
            SECRET,
            "--signature",
            &signature,
            "--file",
            file.path(),
            "--tolerance",
            "300",
            "--now",
            now,
        ])
    };
    assert_eq!(at("2025-01-15T10:35:00.000Z").code, 0);
    assert_eq!(at("2025-01-15T12:25:00+02:00").code, 0);
    let late = at("2025-01-15T10:35:00.001Z");
    assert_eq!(late.code, 1);
    assert!(
        late.stderr.starts_with("timestamp_out_of_tolerance: "),
        "{}",
        late.stderr
    );
    // Without --now the clock is used, and 2025 is long past.
    let clock = run(&[
        "verify",
        "--secret",
        SECRET,
        "--signature",
        &signature,
        "--file",
        file.path(),
        "--tolerance",
        "300",
    ]);
    assert_eq!(clock.code, 1);
    assert!(
        clock.stderr.starts_with("timestamp_out_of_tolerance: "),
        "{}",
        clock.stderr
    );
}

// ---- usage -----------------------------------------------------------------

#[test]
fn usage_errors_exit_2_and_say_what_is_wrong() {
    let body = TempFile::new(BODY);
    let url = format!("http://127.0.0.1:{}{ROUTE}", closed_port());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], "Usage"),
        (vec!["frobnicate"], "unrecognized subcommand"),
        (vec!["sign"], "--secret"),
        (
            vec![
                "sign",
                "--secret",
                SECRET,
                "--file",
                "/nonexistent/body.json",
            ],
            "cannot read",
        ),
        (vec!["sign", "--secret", " whsec_padded"], "invalid_secret"),
        (
            vec!["sign", "--secret", "", "--file", body.path()],
            "invalid_secret",
        ),
        (
            vec!["verify", "--secret", SECRET, "--file", body.path()],
            "--signature",
        ),
        (
            vec![
                "verify",
                "--secret",
                SECRET,
                "--signature",
                "x",
                "--tolerance",
                "soon",
            ],
            "--tolerance",
        ),
        (
            vec![
                "verify",
                "--secret",
                SECRET,
                "--signature",
                "x",
                "--tolerance",
                "5",
                "--now",
                "yesterday",
            ],
            "RFC 3339",
        ),
        (
            vec![
                "verify",
                "--secret",
                SECRET,
                "--signature",
                "x",
                "--now",
                "2025-01-15T10:30:00Z",
            ],
            "--tolerance",
        ),
        (vec!["send", "--url", &url, "--secret", SECRET], "--event"),
        (
            vec![
                "send",
                "--url",
                &url,
                "--secret",
                SECRET,
                "--all",
                "--event",
                "test.ping",
            ],
            "cannot be used with",
        ),
        (
            vec!["send", "--url", &url, "--secret", SECRET, "--event", ""],
            "invalid_payload",
        ),
        (
            vec![
                "send",
                "--url",
                &url,
                "--secret",
                SECRET,
                "--event",
                "license\nrevoked",
            ],
            "without spaces or control characters",
        ),
        (
            vec![
                "send",
                "--url",
                "ftp://example.com/hook",
                "--secret",
                SECRET,
                "--all",
            ],
            "http:// or https://",
        ),
        (
            vec!["send", "--url", "not a url", "--secret", SECRET, "--all"],
            "http:// or https://",
        ),
        (
            vec![
                "send", "--url", &url, "--secret", SECRET, "--all", "--data", "{nope",
            ],
            "not valid JSON",
        ),
        (
            vec![
                "send", "--url", &url, "--secret", SECRET, "--all", "--data", "[1,2]",
            ],
            "JSON object",
        ),
        (vec!["ping", "--secret", SECRET], "--url"),
        (
            vec![
                "ping", "--url", &url, "--secret", SECRET, "--format", "yaml",
            ],
            "--format",
        ),
    ];
    for (args, says) in cases {
        let run = run_with_stdin(&args, BODY, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(says),
            "{args:?} should say {says:?}: {}",
            run.stderr
        );
        run.never_shows(SECRET);
    }
}

#[test]
fn help_on_every_command_and_version() {
    let version = run(&["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout.trim(),
        format!("geckoguard-webhooks {}", env!("CARGO_PKG_VERSION"))
    );
    for command in [
        vec!["--help"],
        vec!["sign", "--help"],
        vec!["verify", "--help"],
        vec!["send", "--help"],
        vec!["ping", "--help"],
        vec!["help", "send"],
    ] {
        // Even with the secret in the environment, help never shows its value.
        let run = run_with_stdin(&command, b"", &[("GECKOGUARD_WEBHOOK_SECRET", SECRET)]);
        assert_eq!(run.code, 0, "{command:?}: {}", run.stderr);
        assert!(
            run.stdout.contains("Usage: geckoguard-webhooks"),
            "{command:?}"
        );
        run.never_shows(SECRET);
    }
    let send = run(&["send", "--help"]);
    for flag in [
        "--url",
        "--secret",
        "--event",
        "--all",
        "--data",
        "--tamper",
        "--format",
        "GECKOGUARD_WEBHOOK_SECRET",
    ] {
        assert!(send.stdout.contains(flag), "send --help lacks {flag}");
    }
}
