//! Typed GeckoGuard events.
//!
//! The spec documents the fields of `license.authorized` only; the other
//! events get their likely identifiers as optional fields. A field that is
//! absent or has another type is `None` and never an error: a validly signed
//! event is always accepted, and [`Event::raw_data`] keeps everything the
//! sender put in `data`.

use alloc::string::String;

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::{Map, Value};

/// Every event name the SDK types: the 15 of the spec, then `test.ping`.
pub const EVENT_NAMES: [&str; 16] = [
    "license.created",
    "license.revoked",
    "license.unrevoked",
    "license.expired",
    "license.authorized",
    "license.authorization_denied",
    "license.hwid_reset",
    "license.ip_reset",
    "license.frozen",
    "license.unfrozen",
    "api_key.created",
    "api_key.revoked",
    "api_key.rotated",
    "team.member_added",
    "team.member_removed",
    "test.ping",
];

/// A verified webhook delivery.
///
/// ```
/// use geckoguard_webhooks::{sign, EventData, Webhook};
///
/// let body = br#"{"event":"license.authorized","data":{"licenseId":"lic_1","productId":"prod_1","wasActivated":true,"effectiveExpiresAt":null},"timestamp":"2025-01-15T10:30:00.000Z"}"#;
/// let event = Webhook::new("whsec_example")?.verify(body, &sign("whsec_example", body))?;
/// assert_eq!(event.name(), "license.authorized");
/// if let EventData::LicenseAuthorized(data) = &event.data {
///     assert_eq!(data.license_id.as_deref(), Some("lic_1"));
///     assert_eq!(data.was_activated, Some(true));
/// }
/// # Ok::<(), geckoguard_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The event and its typed data.
    pub data: EventData,
    /// The whole `data` object exactly as sent, fields the SDK types included.
    pub raw_data: Map<String, Value>,
    /// The signed `timestamp`, as sent (RFC 3339 from GeckoGuard).
    pub timestamp: String,
    /// The same for every retry of this delivery (the same signed body),
    /// different for any other: 32 hex digits derived from the verified
    /// signature. Use it to process each delivery once.
    pub idempotency_key: String,
}

impl Event {
    /// The event's name, e.g. `"license.authorized"`.
    pub fn name(&self) -> &str {
        self.data.name()
    }
}

/// Serializes as the payload's own shape, `{event, data, timestamp}`, plus `idempotencyKey`.
impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Event", 4)?;
        s.serialize_field("event", self.name())?;
        s.serialize_field("data", &self.raw_data)?;
        s.serialize_field("timestamp", &self.timestamp)?;
        s.serialize_field("idempotencyKey", &self.idempotency_key)?;
        s.end()
    }
}

/// An event with its typed data, one variant per event name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// `license.created`: a new license is created.
    LicenseCreated(LicenseData),
    /// `license.revoked`: a license is revoked.
    LicenseRevoked(LicenseData),
    /// `license.unrevoked`: a revoked license is restored.
    LicenseUnrevoked(LicenseData),
    /// `license.expired`: a license expires.
    LicenseExpired(LicenseData),
    /// `license.authorized`: a license is successfully validated.
    LicenseAuthorized(LicenseAuthorized),
    /// `license.authorization_denied`: a license validation is denied.
    LicenseAuthorizationDenied(LicenseData),
    /// `license.hwid_reset`: HWID bindings are reset.
    LicenseHwidReset(LicenseData),
    /// `license.ip_reset`: IP bindings are reset.
    LicenseIpReset(LicenseData),
    /// `license.frozen`: a license is frozen.
    LicenseFrozen(LicenseData),
    /// `license.unfrozen`: a license is unfrozen.
    LicenseUnfrozen(LicenseData),
    /// `api_key.created`: an API key is created.
    ApiKeyCreated(ApiKeyData),
    /// `api_key.revoked`: an API key is revoked.
    ApiKeyRevoked(ApiKeyData),
    /// `api_key.rotated`: an API key is rotated.
    ApiKeyRotated(ApiKeyData),
    /// `team.member_added`: a team member is added.
    TeamMemberAdded(TeamMemberData),
    /// `team.member_removed`: a team member is removed.
    TeamMemberRemoved(TeamMemberData),
    /// `test.ping`: sent by the dashboard's "Send a Test Event".
    TestPing,
    /// An event this version of the SDK does not know yet. GeckoGuard adds
    /// events; receivers keep working and find the data in [`Event::raw_data`].
    Unknown {
        /// The event's name as sent.
        name: String,
    },
}

/// Data of the `license.*` events other than `license.authorized`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LicenseData {
    /// `licenseId`.
    pub license_id: Option<String>,
    /// `productId`.
    pub product_id: Option<String>,
}

/// Data of `license.authorized`, the event the spec documents field by field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LicenseAuthorized {
    /// `licenseId`.
    pub license_id: Option<String>,
    /// `productId`.
    pub product_id: Option<String>,
    /// `wasActivated`: whether this validation activated the license.
    pub was_activated: Option<bool>,
    /// `effectiveExpiresAt`: RFC 3339, or `None` for a license that never expires.
    pub effective_expires_at: Option<String>,
}

/// Data of the `api_key.*` events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ApiKeyData {
    /// `apiKeyId`.
    pub api_key_id: Option<String>,
    /// `productId`.
    pub product_id: Option<String>,
}

/// Data of the `team.*` events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct TeamMemberData {
    /// `teamId`.
    pub team_id: Option<String>,
    /// `userId`.
    pub user_id: Option<String>,
    /// `email`.
    pub email: Option<String>,
}

impl EventData {
    /// Types `data` for the event `name`. Never fails: unknown names give
    /// [`EventData::Unknown`], mistyped fields give `None`.
    pub(crate) fn new(name: &str, data: &Map<String, Value>) -> Self {
        let license = || LicenseData {
            license_id: string(data, "licenseId"),
            product_id: string(data, "productId"),
        };
        let api_key = || ApiKeyData {
            api_key_id: string(data, "apiKeyId"),
            product_id: string(data, "productId"),
        };
        let member = || TeamMemberData {
            team_id: string(data, "teamId"),
            user_id: string(data, "userId"),
            email: string(data, "email"),
        };
        match name {
            "license.created" => EventData::LicenseCreated(license()),
            "license.revoked" => EventData::LicenseRevoked(license()),
            "license.unrevoked" => EventData::LicenseUnrevoked(license()),
            "license.expired" => EventData::LicenseExpired(license()),
            "license.authorized" => EventData::LicenseAuthorized(LicenseAuthorized {
                license_id: string(data, "licenseId"),
                product_id: string(data, "productId"),
                was_activated: data.get("wasActivated").and_then(Value::as_bool),
                effective_expires_at: string(data, "effectiveExpiresAt"),
            }),
            "license.authorization_denied" => EventData::LicenseAuthorizationDenied(license()),
            "license.hwid_reset" => EventData::LicenseHwidReset(license()),
            "license.ip_reset" => EventData::LicenseIpReset(license()),
            "license.frozen" => EventData::LicenseFrozen(license()),
            "license.unfrozen" => EventData::LicenseUnfrozen(license()),
            "api_key.created" => EventData::ApiKeyCreated(api_key()),
            "api_key.revoked" => EventData::ApiKeyRevoked(api_key()),
            "api_key.rotated" => EventData::ApiKeyRotated(api_key()),
            "team.member_added" => EventData::TeamMemberAdded(member()),
            "team.member_removed" => EventData::TeamMemberRemoved(member()),
            "test.ping" => EventData::TestPing,
            other => EventData::Unknown { name: other.into() },
        }
    }

    /// The event's name, e.g. `"license.authorized"`.
    pub fn name(&self) -> &str {
        let index = match self {
            EventData::LicenseCreated(_) => 0,
            EventData::LicenseRevoked(_) => 1,
            EventData::LicenseUnrevoked(_) => 2,
            EventData::LicenseExpired(_) => 3,
            EventData::LicenseAuthorized(_) => 4,
            EventData::LicenseAuthorizationDenied(_) => 5,
            EventData::LicenseHwidReset(_) => 6,
            EventData::LicenseIpReset(_) => 7,
            EventData::LicenseFrozen(_) => 8,
            EventData::LicenseUnfrozen(_) => 9,
            EventData::ApiKeyCreated(_) => 10,
            EventData::ApiKeyRevoked(_) => 11,
            EventData::ApiKeyRotated(_) => 12,
            EventData::TeamMemberAdded(_) => 13,
            EventData::TeamMemberRemoved(_) => 14,
            EventData::TestPing => 15,
            EventData::Unknown { name } => return name,
        };
        EVENT_NAMES.get(index).copied().unwrap_or_default()
    }
}

fn string(data: &Map<String, Value>, key: &str) -> Option<String> {
    data.get(key).and_then(Value::as_str).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        let empty = Map::new();
        for name in EVENT_NAMES {
            let data = EventData::new(name, &empty);
            assert_eq!(data.name(), name);
            assert!(!matches!(data, EventData::Unknown { .. }), "{name}");
        }
        assert_eq!(
            EventData::new("invoice.paid", &empty).name(),
            "invoice.paid"
        );
    }

    #[test]
    fn mistyped_fields_are_none_not_errors() {
        let Ok(Value::Object(data)) = serde_json::from_str(
            r#"{"licenseId":7,"productId":"p","wasActivated":"yes","effectiveExpiresAt":null}"#,
        ) else {
            unreachable!("the test's JSON is valid")
        };
        assert_eq!(
            EventData::new("license.authorized", &data),
            EventData::LicenseAuthorized(LicenseAuthorized {
                license_id: None,
                product_id: Some("p".into()),
                was_activated: None,
                effective_expires_at: None,
            })
        );
    }
}
