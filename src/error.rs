//! The one error type of the crate, with stable codes shared by every runtime.

use core::fmt;

/// Why a webhook was not accepted.
///
/// Every variant maps to a stable [`code`](Error::code) that the JavaScript
/// package, the adapters and the command-line tool report as well. Messages
/// say what to fix; none contains a secret or an expected signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The `X-GeckoGuard-Signature` header is absent or empty.
    MissingSignature,
    /// The header is not 64 hexadecimal digits.
    MalformedSignature,
    /// The header is well formed but no configured secret produces it.
    InvalidSignature,
    /// The signature is valid but the body is not a GeckoGuard payload.
    InvalidPayload(PayloadIssue),
    /// The signed `timestamp` lies outside the configured replay window.
    TimestampOutOfTolerance(TimestampIssue),
    /// A secret cannot be used (empty, or surrounded by whitespace).
    InvalidSecret(SecretIssue),
}

/// What is wrong with a payload whose signature was valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadIssue {
    /// The body is not valid UTF-8.
    NotUtf8,
    /// The body is not valid JSON; the position is 1-based.
    NotJson {
        /// Line of the first error.
        line: usize,
        /// Column of the first error.
        column: usize,
    },
    /// The body is JSON but not an object.
    NotAnObject,
    /// A required field (`event`, `data` or `timestamp`) is absent.
    MissingField(&'static str),
    /// A required field has the wrong JSON type.
    WrongType(&'static str),
    /// A required field appears more than once, so its meaning is ambiguous.
    DuplicateField(&'static str),
    /// `event` is an empty string.
    EmptyEventName,
    /// `timestamp` is not an RFC 3339 date-time (checked when a tolerance is set).
    BadTimestamp,
}

/// How a signed `timestamp` fell outside the replay window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampIssue {
    /// The timestamp is older than the tolerance allows.
    TooOld {
        /// Milliseconds between the timestamp and now.
        age_ms: u64,
        /// The configured tolerance in milliseconds.
        tolerance_ms: u64,
    },
    /// The timestamp lies further in the future than the tolerance allows.
    InFuture {
        /// Milliseconds between now and the timestamp.
        ahead_ms: u64,
        /// The configured tolerance in milliseconds.
        tolerance_ms: u64,
    },
    /// A tolerance is set but this build has no clock; call `verify_at`.
    NoClock,
}

/// Why a secret was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretIssue {
    /// No secret was given.
    NoSecret,
    /// A secret is the empty string.
    Empty,
    /// A secret starts or ends with whitespace, a copy-and-paste accident.
    SurroundingWhitespace,
}

impl Error {
    /// The stable, machine-readable code of this error, e.g. `"invalid_signature"`.
    ///
    /// ```
    /// use geckoguard_webhooks::Webhook;
    /// let webhook = Webhook::new("whsec_example")?;
    /// let err = webhook.verify(b"{}", "").unwrap_err();
    /// assert_eq!(err.code(), "missing_signature");
    /// # Ok::<(), geckoguard_webhooks::Error>(())
    /// ```
    pub const fn code(&self) -> &'static str {
        match self {
            Error::MissingSignature => "missing_signature",
            Error::MalformedSignature => "malformed_signature",
            Error::InvalidSignature => "invalid_signature",
            Error::InvalidPayload(_) => "invalid_payload",
            Error::TimestampOutOfTolerance(_) => "timestamp_out_of_tolerance",
            Error::InvalidSecret(_) => "invalid_secret",
        }
    }

    /// The HTTP status a receiver should answer with: 401 for signature
    /// problems, 400 for payload problems, 500 for a misconfigured secret.
    pub const fn http_status(&self) -> u16 {
        match self {
            Error::MissingSignature | Error::MalformedSignature | Error::InvalidSignature => 401,
            Error::InvalidPayload(_) | Error::TimestampOutOfTolerance(_) => 400,
            Error::InvalidSecret(_) => 500,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingSignature => f.write_str(
                "missing signature: the X-GeckoGuard-Signature header is absent or empty",
            ),
            Error::MalformedSignature => f.write_str(
                "malformed signature: X-GeckoGuard-Signature must be 64 hexadecimal digits",
            ),
            Error::InvalidSignature => f.write_str(
                "invalid signature: the body was not signed with the configured secret \
                 (check the secret, and that the body is the raw bytes as received)",
            ),
            Error::InvalidPayload(issue) => write!(f, "invalid payload: {issue}"),
            Error::TimestampOutOfTolerance(issue) => {
                write!(f, "timestamp out of tolerance: {issue}")
            }
            Error::InvalidSecret(issue) => write!(f, "invalid secret: {issue}"),
        }
    }
}

impl fmt::Display for PayloadIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadIssue::NotUtf8 => f.write_str("the body is not valid UTF-8"),
            PayloadIssue::NotJson { line, column } => {
                write!(
                    f,
                    "the body is not valid JSON (line {line}, column {column})"
                )
            }
            PayloadIssue::NotAnObject => f.write_str("the body must be a JSON object"),
            PayloadIssue::MissingField(name) => write!(f, "the field `{name}` is missing"),
            PayloadIssue::WrongType(name) => write!(
                f,
                "the field `{name}` has the wrong type (`event` and `timestamp` are strings, \
                 `data` is an object)"
            ),
            PayloadIssue::DuplicateField(name) => {
                write!(f, "the field `{name}` appears more than once")
            }
            PayloadIssue::EmptyEventName => f.write_str("the field `event` is empty"),
            PayloadIssue::BadTimestamp => {
                f.write_str("the field `timestamp` is not an RFC 3339 date-time")
            }
        }
    }
}

impl fmt::Display for TimestampIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampIssue::TooOld {
                age_ms,
                tolerance_ms,
            } => write!(
                f,
                "the event is {} s old, more than the tolerance of {} s",
                age_ms / 1000,
                tolerance_ms / 1000
            ),
            TimestampIssue::InFuture {
                ahead_ms,
                tolerance_ms,
            } => write!(
                f,
                "the event is {} s in the future, more than the tolerance of {} s \
                 (is this machine's clock right?)",
                ahead_ms / 1000,
                tolerance_ms / 1000
            ),
            TimestampIssue::NoClock => f.write_str(
                "a tolerance is set but this build has no clock; pass the time to verify_at",
            ),
        }
    }
}

impl fmt::Display for SecretIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretIssue::NoSecret => "no secret was given",
            SecretIssue::Empty => "a secret is empty",
            SecretIssue::SurroundingWhitespace => {
                "a secret starts or ends with whitespace; copy it again without it"
            }
        })
    }
}

impl core::error::Error for Error {}
