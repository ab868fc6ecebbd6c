//! `geckoguard-webhooks`: sign, verify and send GeckoGuard webhooks from the
//! command line. Install with `cargo install geckoguard-webhooks --features cli`.

// A std program: the core/alloc paths matter only to the no_std library.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::fs;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use geckoguard_webhooks::sender::{self, Delivery, Sender, SignedRequest};
use geckoguard_webhooks::{Error, Value, Webhook};

/// Exit status of a usage error: bad arguments, an unreadable file, a bad secret.
const USAGE: u8 = 2;
/// Exit status of a refused verification or a failed delivery.
const FAILED: u8 = 1;

const SECRET_ENV: &str = "GECKOGUARD_WEBHOOK_SECRET";

#[derive(Parser)]
#[command(
    name = "geckoguard-webhooks",
    version,
    about = "Sign, verify and send GeckoGuard webhooks, byte for byte as GeckoGuard does",
    after_help = "The secret may come from GECKOGUARD_WEBHOOK_SECRET instead of --secret, \
                  so it stays out of shell history. It is never printed.\n\n\
                  Exit status: 0 on success; 1 when verification fails or a delivery \
                  fails; 2 on a usage error (bad arguments, unreadable file, unusable secret)."
)]
struct Cli {
    /// Output format: a table for people, or one JSON object per line for scripts.
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    format: Format,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Print the X-GeckoGuard-Signature value of a body (read from stdin without --file).
    #[command(
        after_help = "Example:\n  geckoguard-webhooks sign --secret whsec_... --file body.json"
    )]
    Sign {
        #[command(flatten)]
        secret: SecretArg,
        /// The body, exactly as sent: every byte counts, a final newline too.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Verify a delivery and print its event as JSON; exit 1 with the error code if refused.
    #[command(
        after_help = "Example:\n  geckoguard-webhooks verify --secret whsec_... \
                            --signature 5f0c... --file body.json"
    )]
    Verify(VerifyArgs),
    /// Send signed deliveries to a URL and print each attempt; exit 1 if any failed.
    #[command(
        after_help = "Examples:\n  geckoguard-webhooks send --url http://127.0.0.1:3000/webhooks/geckoguard \
                            --event license.revoked --data '{\"licenseId\":\"lic_1\"}'\n  \
                            geckoguard-webhooks send --url http://127.0.0.1:3000/webhooks/geckoguard --all"
    )]
    Send(SendArgs),
    /// Send a test.ping, like the dashboard's "Send a Test Event".
    #[command(
        after_help = "Example:\n  geckoguard-webhooks ping --url http://127.0.0.1:3000/webhooks/geckoguard"
    )]
    Ping {
        #[command(flatten)]
        target: Target,
    },
}

#[derive(Args)]
struct SecretArg {
    /// The endpoint's secret, whsec_ prefix included.
    #[arg(long, env = SECRET_ENV, hide_env_values = true, value_name = "SECRET")]
    secret: String,
}

#[derive(Args)]
struct VerifyArgs {
    /// A secret to accept; repeat it while rotating secrets.
    #[arg(
        long = "secret",
        env = SECRET_ENV,
        hide_env_values = true,
        value_name = "SECRET",
        required = true
    )]
    secrets: Vec<String>,
    /// The X-GeckoGuard-Signature header value.
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    signature: String,
    /// The raw body, exactly as received (stdin without --file).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Refuse events whose timestamp is further than this from now (off by default).
    #[arg(long, value_name = "SECONDS")]
    tolerance: Option<u64>,
    /// The time to check the tolerance against, RFC 3339 (default: the clock).
    #[arg(long, value_name = "RFC3339", requires = "tolerance")]
    now: Option<String>,
}

#[derive(Args)]
struct Target {
    /// Where to POST, e.g. http://127.0.0.1:3000/webhooks/geckoguard.
    #[arg(long, value_name = "URL")]
    url: String,
    #[command(flatten)]
    secret: SecretArg,
}

#[derive(Args)]
#[command(group(ArgGroup::new("which").required(true).args(["event", "all"])))]
struct SendArgs {
    #[command(flatten)]
    target: Target,
    /// The event to send: one of the spec, test.ping, or any other name.
    #[arg(long, value_name = "EVENT")]
    event: Option<String>,
    /// Send each of the 15 events of the spec, one delivery each.
    #[arg(long)]
    all: bool,
    /// A JSON object merged over the example data, e.g. '{"licenseId":"lic_1"}'.
    #[arg(long, value_name = "JSON")]
    data: Option<String>,
    /// Test aid: change the body after signing, so the receiver must refuse it (401).
    #[arg(long)]
    tamper: bool,
}

/// A failure that ends the command: its exit status and what to print.
struct Exit {
    status: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Exit {
    Exit {
        status: USAGE,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = cli.format;
    let result = match cli.command {
        Command::Sign { secret, file } => sign(&secret.secret, file.as_ref(), format),
        Command::Verify(args) => verify(&args, format),
        Command::Send(args) => send(&args, format),
        Command::Ping { target } => deliver(&target, &[sender::TEST_PING], None, false, format),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(exit) => {
            if !exit.message.is_empty() {
                // Nowhere left to say it if stderr is gone: the status still tells.
                let _ = writeln!(io::stderr(), "{}", exit.message);
            }
            ExitCode::from(exit.status)
        }
    }
}

fn sign(secret: &str, file: Option<&PathBuf>, format: Format) -> Result<(), Exit> {
    Webhook::new(secret).map_err(|err| core_error(&err, USAGE, format))?;
    let body = read_body(file)?;
    let signature = geckoguard_webhooks::sign(secret, &body);
    match format {
        Format::Table => emit(&signature),
        Format::Json => emit(&serde_json::json!({ "signature": signature }).to_string()),
    }
}

fn verify(args: &VerifyArgs, format: Format) -> Result<(), Exit> {
    let mut webhook =
        Webhook::from_secrets(&args.secrets).map_err(|err| core_error(&err, USAGE, format))?;
    if let Some(seconds) = args.tolerance {
        webhook = webhook.with_tolerance(Duration::from_secs(seconds));
    }
    let now = match &args.now {
        None => None,
        Some(text) => {
            let at = sender::parse_timestamp(text)
                .ok_or_else(|| usage(format!("error: --now {text:?} is not an RFC 3339 date-time, like 2025-01-15T10:30:00.000Z")))?;
            let since_epoch = at
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|_| usage("error: --now must not be before 1970"))?;
            Some(since_epoch)
        }
    };
    let body = read_body(args.file.as_ref())?;
    let verified = match now {
        Some(now) => webhook.verify_at(&body, &args.signature, now),
        None => webhook.verify(&body, &args.signature),
    };
    let event = verified.map_err(|err| core_error(&err, FAILED, format))?;
    let json = match format {
        Format::Table => serde_json::to_string_pretty(&event),
        Format::Json => serde_json::to_string(&event),
    };
    emit(&json.unwrap_or_default())
}

fn send(args: &SendArgs, format: Format) -> Result<(), Exit> {
    let data = match &args.data {
        None => None,
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(value @ Value::Object(_)) => Some(value),
            Ok(_) => {
                return Err(usage(
                    r#"error: --data must be a JSON object, like '{"licenseId":"lic_1"}'"#,
                ))
            }
            Err(err) => return Err(usage(format!("error: --data is not valid JSON: {err}"))),
        },
    };
    let events: Vec<&str> = match &args.event {
        // It travels in the X-GeckoGuard-Event header too.
        Some(event) if !event.bytes().all(|b| b.is_ascii_graphic()) => {
            return Err(usage(format!(
                "error: --event {event:?} must be a name like license.revoked, \
                 without spaces or control characters"
            )))
        }
        Some(event) => vec![event.as_str()],
        None => sender::spec_events().collect(),
    };
    deliver(&args.target, &events, data.as_ref(), args.tamper, format)
}

/// Builds every delivery first (so a bad argument sends nothing), then sends
/// them one by one, printing each record as it comes.
fn deliver(
    target: &Target,
    events: &[&str],
    data: Option<&Value>,
    tamper: bool,
    format: Format,
) -> Result<(), Exit> {
    check_url(&target.url)?;
    let secret = &target.secret.secret;
    let mut requests = Vec::with_capacity(events.len());
    for event in events {
        let request = SignedRequest::new(secret, event, data)
            .map_err(|err| core_error(&err, USAGE, format))?;
        requests.push(if tamper { request.tampered() } else { request });
    }

    let sender = Sender::new();
    if format == Format::Table {
        emit(&format!(
            "{:<30} {:>6}  {:<7} {:>8}  ERROR",
            "EVENT", "STATUS", "SUCCESS", "TIME"
        ))?;
    }
    let mut failed = 0usize;
    for request in &requests {
        let delivery = sender.deliver(&target.url, request);
        if !delivery.success {
            failed += 1;
        }
        print_delivery(&delivery, format)?;
    }
    if format == Format::Table {
        emit(&format!(
            "{} of {} deliveries to {} succeeded",
            requests.len() - failed,
            requests.len(),
            target.url
        ))?;
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Exit {
            status: FAILED,
            message: String::new(),
        })
    }
}

fn print_delivery(delivery: &Delivery, format: Format) -> Result<(), Exit> {
    match format {
        Format::Json => emit(&serde_json::to_string(delivery).unwrap_or_default()),
        Format::Table => emit(&format!(
            "{:<30} {:>6}  {:<7} {:>5} ms  {}",
            delivery.event,
            delivery
                .status
                .map_or_else(|| "-".to_owned(), |s| s.to_string()),
            if delivery.success { "yes" } else { "no" },
            delivery.duration.as_millis(),
            delivery.error.as_deref().unwrap_or(""),
        )),
    }
}

/// Prints a line on stdout. A reader that went away (`| head -1`) ends the
/// command quietly with status 1 instead of a panic.
fn emit(line: &str) -> Result<(), Exit> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}", line.trim_end()).map_err(|err| Exit {
        status: FAILED,
        message: if err.kind() == io::ErrorKind::BrokenPipe {
            String::new()
        } else {
            format!("error: cannot write to stdout: {err}")
        },
    })
}

/// Refuses what is not an absolute http(s) URL before anything is sent.
fn check_url(url: &str) -> Result<(), Exit> {
    let bad = || {
        usage(format!("error: --url {url:?} must be an http:// or https:// URL, like http://127.0.0.1:3000/webhooks/geckoguard"))
    };
    let uri: ureq::http::Uri = url.parse().map_err(|_| bad())?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(()),
        _ => Err(bad()),
    }
}

fn read_body(file: Option<&PathBuf>) -> Result<Vec<u8>, Exit> {
    match file {
        Some(path) if path.as_os_str() != "-" => fs::read(path)
            .map_err(|err| usage(format!("error: cannot read {}: {err}", path.display()))),
        _ => {
            let mut body = Vec::new();
            io::stdin()
                .read_to_end(&mut body)
                .map_err(|err| usage(format!("error: cannot read stdin: {err}")))?;
            Ok(body)
        }
    }
}

/// An error of the core, printed with its stable code. Its messages never
/// contain a secret or an expected signature.
fn core_error(err: &Error, status: u8, format: Format) -> Exit {
    let message = match format {
        Format::Table => format!("{}: {err}", err.code()),
        Format::Json => {
            serde_json::json!({ "code": err.code(), "message": err.to_string() }).to_string()
        }
    };
    Exit { status, message }
}
