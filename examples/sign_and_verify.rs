//! Signs a delivery of every event type the SDK knows, verifies it, and
//! shows what a receiver sees, including a tampered delivery and an unknown event.
//!
//! `cargo run --example sign_and_verify`

use geckoguard_webhooks::{sign, Event, EventData, Webhook, EVENT_NAMES};

const SECRET: &str = "whsec_demo_0123456789abcdefghijklmnopqrstuv";

fn body_for(event: &str) -> String {
    let data = match event.split('.').next() {
        Some("license") if event == "license.authorized" => {
            r#"{"licenseId":"lic_42","productId":"prod_7","wasActivated":true,"effectiveExpiresAt":"2026-12-31T23:59:59.000Z"}"#
        }
        Some("license") => r#"{"licenseId":"lic_42","productId":"prod_7"}"#,
        Some("api_key") => r#"{"apiKeyId":"key_9","productId":"prod_7"}"#,
        Some("team") => r#"{"teamId":"team_3","userId":"user_5","email":"dev@example.com"}"#,
        _ => r#"{"message":"Hello from GeckoGuard"}"#,
    };
    format!(r#"{{"event":"{event}","data":{data},"timestamp":"2025-01-15T10:30:00.000Z"}}"#)
}

fn describe(event: &Event) -> String {
    match &event.data {
        EventData::LicenseAuthorized(d) => format!(
            "license {} authorized (activated: {}, expires: {})",
            d.license_id.as_deref().unwrap_or("?"),
            d.was_activated.unwrap_or(false),
            d.effective_expires_at.as_deref().unwrap_or("never"),
        ),
        EventData::LicenseRevoked(d) | EventData::LicenseCreated(d) => {
            format!("license {}", d.license_id.as_deref().unwrap_or("?"))
        }
        EventData::ApiKeyRotated(d) => {
            format!("API key {} rotated", d.api_key_id.as_deref().unwrap_or("?"))
        }
        EventData::TeamMemberAdded(d) => format!("{} joined", d.email.as_deref().unwrap_or("?")),
        EventData::Unknown { name } => format!(
            "unknown event {name}, data kept: {}",
            serde_json::Value::Object(event.raw_data.clone())
        ),
        _ => format!(
            "data: {}",
            serde_json::Value::Object(event.raw_data.clone())
        ),
    }
}

fn main() -> Result<(), geckoguard_webhooks::Error> {
    let webhook = Webhook::new(SECRET)?;
    let mut failures = 0;
    let names = EVENT_NAMES.iter().copied().chain(["invoice.paid"]);
    println!(
        "{:<30} {:<8} {:<34} details",
        "event", "result", "idempotency key"
    );
    for name in names {
        let body = body_for(name);
        let signature = sign(SECRET, body.as_bytes());
        match webhook.verify(body.as_bytes(), &signature) {
            Ok(event) => println!(
                "{:<30} {:<8} {:<34} {}",
                name,
                "ok",
                event.idempotency_key,
                describe(&event)
            ),
            Err(err) => {
                failures += 1;
                println!("{name:<30} {:<8} {err}", err.code());
            }
        }
    }
    // A delivery altered in transit: one byte of the body changed after signing.
    let body = body_for("license.revoked");
    let signature = sign(SECRET, body.as_bytes());
    let tampered = body.replace("lic_42", "lic_43");
    match webhook.verify(tampered.as_bytes(), &signature) {
        Err(err) if err.code() == "invalid_signature" => {
            println!(
                "{:<30} {:<8} {:<34} refused: {err}",
                "license.revoked (tampered)", "refused", "-"
            )
        }
        other => {
            failures += 1;
            println!("tampered delivery was not refused: {other:?}");
        }
    }
    if failures > 0 {
        std::process::exit(1);
    }
    Ok(())
}
