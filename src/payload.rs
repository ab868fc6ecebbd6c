//! The payload envelope `{ "event", "data", "timestamp" }` and its rules.
//!
//! The body is read in one pass that notes each field's JSON type instead of
//! failing on the first surprise, so every problem maps to a precise
//! [`PayloadIssue`]. `data` is read as `D`: a full `Map` for typed events, or
//! [`ObjectCheck`], which accepts exactly what `Map` accepts without
//! allocating (the Wasm path, where JavaScript builds the object itself).

use alloc::borrow::{Cow, ToOwned};
use core::fmt;
use core::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::PayloadIssue;

/// A payload whose three fields have the right types.
#[derive(Debug)]
pub(crate) struct Envelope<'a, D> {
    pub(crate) event: Cow<'a, str>,
    pub(crate) data: D,
    pub(crate) timestamp: Cow<'a, str>,
}

/// Parses and checks a body. Extra top-level fields are ignored; a repeated
/// `event`, `data` or `timestamp` is refused because parsers disagree on
/// which copy wins.
pub(crate) fn parse<'a, D: Deserialize<'a>>(
    body: &'a [u8],
) -> Result<Envelope<'a, D>, PayloadIssue> {
    // Checked up front: serde_json skips the strings it ignores without
    // checking their UTF-8, and JavaScript would silently replace bad bytes.
    let text = core::str::from_utf8(body).map_err(|_| PayloadIssue::NotUtf8)?;
    let top: Slot<'a, Fields<'a, D>> =
        serde_json::from_str(text).map_err(|e| PayloadIssue::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
    let Slot::Object(fields) = top else {
        return Err(PayloadIssue::NotAnObject);
    };
    if let Some(name) = fields.duplicate {
        return Err(PayloadIssue::DuplicateField(name));
    }
    let event = string_field(fields.event, "event")?;
    if event.is_empty() {
        return Err(PayloadIssue::EmptyEventName);
    }
    let data = match fields.data {
        Some(Slot::Object(data)) => data,
        Some(_) => return Err(PayloadIssue::WrongType("data")),
        None => return Err(PayloadIssue::MissingField("data")),
    };
    let timestamp = string_field(fields.timestamp, "timestamp")?;
    Ok(Envelope {
        event,
        data,
        timestamp,
    })
}

fn string_field<'a>(
    slot: Option<Slot<'a, IgnoredAny>>,
    name: &'static str,
) -> Result<Cow<'a, str>, PayloadIssue> {
    match slot {
        Some(Slot::Str(s)) => Ok(s),
        Some(_) => Err(PayloadIssue::WrongType(name)),
        None => Err(PayloadIssue::MissingField(name)),
    }
}

/// Accepts any JSON object that `serde_json::Map` accepts, keeping nothing.
#[derive(Debug)]
#[cfg_attr(not(feature = "wasm"), allow(dead_code))] // the Wasm bindings' reader
pub(crate) struct ObjectCheck;

impl<'de> Deserialize<'de> for ObjectCheck {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_any(AnyValue).map(|()| ObjectCheck)
    }
}

/// Walks a value the way `serde_json::Value` does (same number and string
/// rules), so `ObjectCheck` and `Map` agree on every input.
#[cfg_attr(not(feature = "wasm"), allow(dead_code))]
struct AnyValue;

impl<'de> Deserialize<'de> for AnyValue {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_any(AnyValue).map(|()| AnyValue)
    }
}

impl<'de> Visitor<'de> for AnyValue {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<AnyValue>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<AnyValue, AnyValue>()?.is_some() {}
        Ok(())
    }
}

/// A JSON value seen for its type: a string, an object read as `D`, or other.
enum Slot<'a, D> {
    Str(Cow<'a, str>),
    Object(D),
    Other,
}

impl<'de, D: Deserialize<'de>> Deserialize<'de> for Slot<'de, D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_any(SlotVisitor(PhantomData))
    }
}

struct SlotVisitor<D>(PhantomData<D>);

impl<'de, D: Deserialize<'de>> Visitor<'de> for SlotVisitor<D> {
    type Value = Slot<'de, D>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Slot::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Slot::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Slot::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Slot::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Slot::Other)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Slot::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Slot::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Slot::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        D::deserialize(MapAccessDeserializer::new(map)).map(Slot::Object)
    }
}

/// The top-level object: each field's slot, and the first field seen twice.
struct Fields<'a, D> {
    event: Option<Slot<'a, IgnoredAny>>,
    data: Option<Slot<'a, D>>,
    timestamp: Option<Slot<'a, IgnoredAny>>,
    duplicate: Option<&'static str>,
}

impl<'de, D: Deserialize<'de>> Deserialize<'de> for Fields<'de, D> {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_map(FieldsVisitor(PhantomData))
    }
}

struct FieldsVisitor<D>(PhantomData<D>);

impl<'de, D: Deserialize<'de>> Visitor<'de> for FieldsVisitor<D> {
    type Value = Fields<'de, D>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeckoGuard payload object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields {
            event: None,
            data: None,
            timestamp: None,
            duplicate: None,
        };
        while let Some(key) = map.next_key::<Key>()? {
            let seen_before = match key {
                Key::Event => fields.event.replace(map.next_value()?).is_some(),
                Key::Data => fields.data.replace(map.next_value()?).is_some(),
                Key::Timestamp => fields.timestamp.replace(map.next_value()?).is_some(),
                Key::Other => map.next_value::<IgnoredAny>().map(|_| false)?,
            };
            if seen_before && fields.duplicate.is_none() {
                fields.duplicate = key.name();
            }
        }
        Ok(fields)
    }
}

#[derive(Clone, Copy)]
enum Key {
    Event,
    Data,
    Timestamp,
    Other,
}

impl Key {
    fn name(self) -> Option<&'static str> {
        match self {
            Key::Event => Some("event"),
            Key::Data => Some("data"),
            Key::Timestamp => Some("timestamp"),
            Key::Other => None,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<De: Deserializer<'de>>(deserializer: De) -> Result<Self, De::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
        Ok(match s {
            "event" => Key::Event,
            "data" => Key::Data,
            "timestamp" => Key::Timestamp,
            _ => Key::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    fn issue(body: &str) -> Option<PayloadIssue> {
        let full = parse::<Map<alloc::string::String, Value>>(body.as_bytes()).err();
        let check = parse::<ObjectCheck>(body.as_bytes()).err();
        assert_eq!(full, check, "both readers must agree on {body}");
        full
    }

    #[test]
    fn accepts_the_spec_payload_and_extra_fields() {
        let body =
            r#"{"event":"license.authorized","data":{"licenseId":"l"},"timestamp":"t","id":1}"#;
        let envelope = parse::<Map<_, Value>>(body.as_bytes()).ok();
        assert_eq!(
            envelope.as_ref().map(|e| &*e.event),
            Some("license.authorized")
        );
        assert_eq!(issue(body), None);
    }

    #[test]
    fn names_each_problem() {
        use PayloadIssue::*;
        assert_eq!(issue("[]"), Some(NotAnObject));
        assert_eq!(issue("null"), Some(NotAnObject));
        assert!(matches!(issue(""), Some(NotJson { .. })));
        assert!(matches!(
            issue(r#"{"event":"a","data":{},"timestamp":"t"} x"#),
            Some(NotJson { .. })
        ));
        assert_eq!(
            issue(r#"{"data":{},"timestamp":"t"}"#),
            Some(MissingField("event"))
        );
        assert_eq!(
            issue(r#"{"event":1,"data":{},"timestamp":"t"}"#),
            Some(WrongType("event"))
        );
        assert_eq!(
            issue(r#"{"event":"","data":{},"timestamp":"t"}"#),
            Some(EmptyEventName)
        );
        assert_eq!(
            issue(r#"{"event":"a","data":[],"timestamp":"t"}"#),
            Some(WrongType("data"))
        );
        assert_eq!(
            issue(r#"{"event":"a","data":null,"timestamp":"t"}"#),
            Some(WrongType("data"))
        );
        assert_eq!(
            issue(r#"{"event":"a","data":{}}"#),
            Some(MissingField("timestamp"))
        );
        assert_eq!(
            issue(r#"{"event":"a","data":{},"timestamp":5}"#),
            Some(WrongType("timestamp"))
        );
        assert_eq!(
            issue(r#"{"event":"a","event":"b","data":{},"timestamp":"t"}"#),
            Some(DuplicateField("event"))
        );
        assert!(matches!(
            issue(r#"{"event":"a","data":{"n":1e400},"timestamp":"t"}"#),
            Some(NotJson { .. })
        ));
        assert!(matches!(
            issue(r#"{"event":"a","data":{"s":"\ud800"},"timestamp":"t"}"#),
            Some(NotJson { .. })
        ));
        assert_eq!(
            parse::<ObjectCheck>(
                b"{\"event\":\"a\",\"data\":{},\"timestamp\":\"t\",\"x\":\"\xff\"}"
            )
            .err(),
            Some(NotUtf8)
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = alloc::format!(
            r#"{{"event":"a","data":{{"x":{}{}}},"timestamp":"t"}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(matches!(issue(&deep), Some(PayloadIssue::NotJson { .. })));
    }
}
