//! The `X-GeckoGuard-Signature` header: parsing, signing and the constant-time check.

use alloc::string::String;
use alloc::vec::Vec;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};

use crate::error::{Error, SecretIssue};

/// Length of an HMAC-SHA256 tag in bytes.
pub(crate) const MAC_LEN: usize = 32;

/// A raw HMAC-SHA256 tag.
pub(crate) type Tag = [u8; MAC_LEN];

/// Signs `body` with `secret` the way GeckoGuard does: the lowercase hex of
/// HMAC-SHA256, keyed with the secret's bytes exactly as given (`whsec_`
/// prefix included). The result is the value of `X-GeckoGuard-Signature`.
///
/// ```
/// let signature = geckoguard_webhooks::sign("whsec_example", br#"{"event":"test.ping","data":{},"timestamp":"2025-01-15T10:30:00.000Z"}"#);
/// assert_eq!(signature.len(), 64);
/// ```
pub fn sign(secret: impl AsRef<[u8]>, body: &[u8]) -> String {
    hex::encode(mac(&key_state(secret.as_ref()), body))
}

/// The HMAC state after absorbing the key, so each verification hashes only the body.
pub(crate) fn key_state(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length (longer ones are hashed first): the
    // `hmac` crate's `new_from_slice` never returns `InvalidLength` for it.
    #[allow(clippy::expect_used)]
    Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length")
}

fn mac(state: &Hmac<Sha256>, body: &[u8]) -> Tag {
    state
        .clone()
        .chain_update(body)
        .finalize()
        .into_bytes()
        .into()
}

/// Parses a header value into the tag it carries.
///
/// Surrounding ASCII whitespace is ignored and hex digits may be in either
/// case; anything else that is not exactly 64 hex digits is malformed.
pub(crate) fn parse_header(value: &str) -> Result<Tag, Error> {
    let value = value.trim_ascii();
    if value.is_empty() {
        return Err(Error::MissingSignature);
    }
    let mut tag = [0u8; MAC_LEN];
    hex::decode_to_slice(value, &mut tag).map_err(|_| Error::MalformedSignature)?;
    Ok(tag)
}

/// The precomputed key states of every configured secret.
#[derive(Clone)]
pub(crate) struct Keys(Vec<Hmac<Sha256>>);

impl Keys {
    /// Checks and absorbs every secret. Secrets are used exactly as given:
    /// one that is empty or carries surrounding whitespace is refused rather
    /// than trimmed, because trimming would silently sign with another key.
    pub(crate) fn new<I, S>(secrets: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut keys = Vec::new();
        for secret in secrets {
            let secret = secret.as_ref();
            if secret.is_empty() {
                return Err(Error::InvalidSecret(SecretIssue::Empty));
            }
            if secret.trim() != secret {
                return Err(Error::InvalidSecret(SecretIssue::SurroundingWhitespace));
            }
            keys.push(key_state(secret.as_bytes()));
        }
        if keys.is_empty() {
            return Err(Error::InvalidSecret(SecretIssue::NoSecret));
        }
        Ok(Keys(keys))
    }

    /// How many secrets are configured.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Checks `header` against `body`, returning the verified tag.
    ///
    /// Every secret is tried and every comparison runs to the end, so the
    /// time taken depends neither on where a forged tag differs nor on
    /// which secret matched.
    pub(crate) fn verify(&self, body: &[u8], header: &str) -> Result<Tag, Error> {
        let claimed = parse_header(header)?;
        let mut matched = Choice::from(0);
        for state in &self.0 {
            matched |= mac(state, body).ct_eq(&claimed);
        }
        if bool::from(matched) {
            Ok(claimed)
        } else {
            Err(Error::InvalidSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rules() {
        let hex = "ab".repeat(32);
        assert!(parse_header(&hex).is_ok());
        assert!(parse_header(&hex.to_uppercase()).is_ok());
        assert_eq!(
            parse_header(&alloc::format!(" \t{hex}\r\n")),
            parse_header(&hex)
        );
        assert_eq!(parse_header(""), Err(Error::MissingSignature));
        assert_eq!(parse_header(" \t\n"), Err(Error::MissingSignature));
        assert_eq!(parse_header(&hex[1..]), Err(Error::MalformedSignature));
        assert_eq!(
            parse_header(&alloc::format!("{hex}a")),
            Err(Error::MalformedSignature)
        );
        assert_eq!(
            parse_header(&alloc::format!("sha256={hex}")),
            Err(Error::MalformedSignature)
        );
        assert_eq!(
            parse_header(&"é".repeat(32)),
            Err(Error::MalformedSignature)
        );
    }

    #[test]
    fn secrets_are_used_exactly_as_given() {
        assert!(Keys::new(["whsec_a"]).is_ok());
        assert_eq!(
            Keys::new([" whsec_a"]).err(),
            Some(Error::InvalidSecret(SecretIssue::SurroundingWhitespace))
        );
        assert_eq!(
            Keys::new(["whsec_a\u{a0}"]).err(),
            Some(Error::InvalidSecret(SecretIssue::SurroundingWhitespace))
        );
        assert_eq!(
            Keys::new([""]).err(),
            Some(Error::InvalidSecret(SecretIssue::Empty))
        );
        assert_eq!(
            Keys::new(Vec::<&str>::new()).err(),
            Some(Error::InvalidSecret(SecretIssue::NoSecret))
        );
    }
}
