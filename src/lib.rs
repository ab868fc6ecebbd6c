#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod error;
mod event;
mod payload;
#[cfg(feature = "sender")]
pub mod sender;
mod signature;
mod timestamp;
#[cfg(feature = "wasm")]
pub mod wasm;
mod webhook;

pub use error::{Error, PayloadIssue, SecretIssue, TimestampIssue};
pub use event::{
    ApiKeyData, Event, EventData, LicenseAuthorized, LicenseData, TeamMemberData, EVENT_NAMES,
};
pub use serde_json::{Map, Value};
pub use signature::sign;
pub use webhook::Webhook;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-GeckoGuard-Signature";
/// The header that carries the event name.
pub const EVENT_HEADER: &str = "X-GeckoGuard-Event";
