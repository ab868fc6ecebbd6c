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
    decode_hex(value.as_bytes()).ok_or(Error::MalformedSignature)
}

/// Decodes exactly 64 hex digits, either case. Branch-free arithmetic over a
/// fixed-size array, so the compiler vectorizes it: this runs on every
/// delivery, and a table lookup per digit cost a tenth of a 300-byte check.
fn decode_hex(digits: &[u8]) -> Option<Tag> {
    let digits: &[u8; 2 * MAC_LEN] = digits.try_into().ok()?;
    let mut nibbles = [0u8; 2 * MAC_LEN];
    let mut invalid = 0u8;
    for (nibble, &c) in nibbles.iter_mut().zip(digits) {
        let digit = c.wrapping_sub(b'0');
        // `| 0x20` lowercases A-F; no other byte lands in a-f.
        let letter = (c | 0x20).wrapping_sub(b'a');
        let (is_digit, is_letter) = (digit < 10, letter < 6);
        *nibble = if is_digit {
            digit
        } else {
            letter.wrapping_add(10)
        };
        invalid |= u8::from(!(is_digit | is_letter));
    }
    if invalid != 0 {
        return None;
    }
    let mut tag = [0u8; MAC_LEN];
    for (byte, pair) in tag.iter_mut().zip(nibbles.chunks_exact(2)) {
        if let [high, low] = pair {
            *byte = (high << 4) | low;
        }
    }
    Some(tag)
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
        matches_any(&claimed, self.0.iter().map(|state| mac(state, body)))
    }
}

/// Checks `header` against MACs the host computed, `count` tags of 32 bytes
/// concatenated in the order of the secrets (the Wasm bindings hand large
/// bodies to the host's native HMAC). The header rules and the constant-time
/// comparison are the same as [`Keys::verify`]; a `macs` of the wrong length
/// never matches.
#[cfg_attr(not(feature = "wasm"), allow(dead_code))]
pub(crate) fn verify_host_macs(macs: &[u8], count: usize, header: &str) -> Result<Tag, Error> {
    let claimed = parse_header(header)?;
    if count == 0 || macs.len() != count.saturating_mul(MAC_LEN) {
        return Err(Error::InvalidSignature);
    }
    let tags = macs.chunks_exact(MAC_LEN).map(|chunk| {
        let mut tag = [0u8; MAC_LEN];
        tag.copy_from_slice(chunk);
        tag
    });
    matches_any(&claimed, tags)
}

/// Whether two tags are equal, in constant time: the XOR of every byte pair is
/// OR-ed together and only that one byte goes through `subtle`'s optimizer
/// barrier. (`subtle`'s slice comparison puts each of the 32 bytes through
/// the barrier, which cost more than the rest of a 300-byte verification.)
fn tags_equal(a: &Tag, b: &Tag) -> Choice {
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    difference.ct_eq(&0)
}

/// Compares `claimed` with every tag in constant time, without stopping early.
fn matches_any(claimed: &Tag, tags: impl Iterator<Item = Tag>) -> Result<Tag, Error> {
    let mut matched = Choice::from(0);
    for tag in tags {
        matched |= tags_equal(&tag, claimed);
    }
    if bool::from(matched) {
        Ok(*claimed)
    } else {
        Err(Error::InvalidSignature)
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
    fn tags_equal_sees_every_byte() {
        let a = [0x5Au8; MAC_LEN];
        assert!(bool::from(tags_equal(&a, &a)));
        for i in 0..MAC_LEN {
            for bit in 0..8 {
                let mut b = a;
                if let Some(byte) = b.get_mut(i) {
                    *byte ^= 1 << bit;
                }
                assert!(!bool::from(tags_equal(&a, &b)), "byte {i} bit {bit}");
            }
        }
    }

    #[test]
    fn host_macs_follow_the_same_rules() {
        let keys = Keys::new(["whsec_a", "whsec_b"]).ok();
        let body = b"{}";
        let tag_b = mac(&key_state(b"whsec_b"), body);
        let header = hex::encode(tag_b);
        let mut macs = mac(&key_state(b"whsec_a"), body).to_vec();
        macs.extend_from_slice(&tag_b);
        assert_eq!(verify_host_macs(&macs, 2, &header), Ok(tag_b));
        assert_eq!(keys.map(|k| k.verify(body, &header)), Some(Ok(tag_b)));
        assert_eq!(
            verify_host_macs(&macs, 1, &header),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            verify_host_macs(macs.split_at(32).0, 1, &header),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            verify_host_macs(&[], 0, &header),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            verify_host_macs(&macs, 2, " "),
            Err(Error::MissingSignature)
        );
        assert_eq!(
            verify_host_macs(&macs, 2, "zz"),
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
