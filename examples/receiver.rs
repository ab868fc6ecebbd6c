//! A minimal verifying receiver: `POST /webhooks/geckoguard` on loopback,
//! answering 200 for a verified delivery, 401 `Invalid signature`, or 400 for
//! a signed body that is not a GeckoGuard payload, and logging one line per
//! delivery on stdout.
//!
//! ```sh
//! GECKOGUARD_WEBHOOK_SECRET=whsec_... cargo run --example receiver -- 3000
//! ```
//!
//! The port is the first argument (default 3000; 0 picks a free one). The
//! first line printed says where it listens.

// A std program: the core/alloc paths matter only to the no_std library.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::Read;
use std::process::ExitCode;

use geckoguard_webhooks::{Webhook, SIGNATURE_HEADER};
use tiny_http::{Header, Method, Request, Response, Server};

const ROUTE: &str = "/webhooks/geckoguard";
/// Larger bodies are refused unread: GeckoGuard's payloads are small.
const MAX_BODY: u64 = 1024 * 1024;

fn main() -> ExitCode {
    let Ok(secret) = std::env::var("GECKOGUARD_WEBHOOK_SECRET") else {
        eprintln!("error: set GECKOGUARD_WEBHOOK_SECRET to the endpoint's secret (whsec_...)");
        return ExitCode::from(2);
    };
    let webhook = match Webhook::new(&secret) {
        Ok(webhook) => webhook,
        Err(err) => {
            eprintln!("error: {}: {err}", err.code());
            return ExitCode::from(2);
        }
    };
    let port = match std::env::args().nth(1).map(|p| p.parse::<u16>()) {
        None => 3000,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("error: the port must be a number from 0 to 65535");
            return ExitCode::from(2);
        }
    };
    let server = match Server::http(("127.0.0.1", port)) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::from(1);
        }
    };
    let port = server
        .server_addr()
        .to_ip()
        .map_or(port, |addr| addr.port());
    println!("listening on http://127.0.0.1:{port}{ROUTE}");

    for request in server.incoming_requests() {
        let (status, text) = handle(&webhook, request);
        // The log line is what a real handler would act on.
        println!("{status} {text}");
    }
    ExitCode::SUCCESS
}

/// Answers one request; returns the status and a line for the log.
fn handle(webhook: &Webhook, mut request: Request) -> (u16, String) {
    let path = request.url().split('?').next().unwrap_or_default();
    let (status, body, log) = if path != ROUTE {
        (
            404,
            "Not found".to_owned(),
            format!("not found {}", request.url()),
        )
    } else if *request.method() != Method::Post {
        (
            405,
            "Method not allowed".to_owned(),
            "method not allowed".to_owned(),
        )
    } else {
        let signature = request
            .headers()
            .iter()
            .find(|h| h.field.equiv(SIGNATURE_HEADER))
            .map(|h| h.value.as_str().to_owned())
            .unwrap_or_default();
        let mut body = Vec::new();
        let read = request
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut body);
        if read.is_err() || body.len() as u64 > MAX_BODY {
            (
                413,
                "Payload too large".to_owned(),
                "body too large or unreadable".to_owned(),
            )
        } else {
            match webhook.verify(&body, &signature) {
                Ok(event) => {
                    let data = serde_json::to_string(&event.raw_data).unwrap_or_default();
                    let log = format!(
                        "verified {} data={data} timestamp={} idempotencyKey={}",
                        event.name(),
                        event.timestamp,
                        event.idempotency_key
                    );
                    (200, "OK".to_owned(), log)
                }
                // The spec's answer to a bad signature; the code goes to the log only.
                Err(err) if err.http_status() == 401 => (
                    401,
                    "Invalid signature".to_owned(),
                    format!("rejected {}: {err}", err.code()),
                ),
                Err(err) => (
                    err.http_status(),
                    format!("{}: {err}", err.code()),
                    format!("rejected {}: {err}", err.code()),
                ),
            }
        }
    };
    let content_type = Header::from_bytes("Content-Type", "text/plain; charset=utf-8").ok();
    let mut response = Response::from_string(body).with_status_code(status);
    if let Some(header) = content_type {
        response = response.with_header(header);
    }
    // A client that hung up is no reason to stop serving others.
    let _ = request.respond(response);
    (status, log)
}
