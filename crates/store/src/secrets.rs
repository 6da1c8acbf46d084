//! Secrets kept sealed at rest: the staff's authenticator secrets are stored encrypted
//! (XChaCha20-Poly1305, a random nonce each time) under a key that lives outside the
//! database, so a copied database or backup alone cannot produce sign-in codes. Each
//! sealed value is bound to the row it belongs to, so one cannot be moved to another.

use base64ct::{Base64, Base64Unpadded, Encoding as _};
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore as _;

/// What every sealed value starts with; authenticator secrets in base32 never contain ':'.
const SEALED: &str = "v1:";
const NONCE_LEN: usize = 24;

/// The 32-byte key secrets are sealed with. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// Why a key's text was refused.
#[derive(Debug, thiserror::Error)]
#[error("a secret key is 32 bytes written as 64 hexadecimal digits or in base64 (44 characters)")]
pub struct BadKey;

impl SecretKey {
    /// A new random key, for a data folder's first start.
    pub fn generate() -> SecretKey {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        SecretKey(key)
    }

    /// Reads a key written as 64 hex digits or as base64 (padded or not); surrounding
    /// spaces and a final newline, as in a key file, are ignored.
    pub fn parse(text: &str) -> Result<SecretKey, BadKey> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| BadKey))
                .collect::<Result<Vec<u8>, BadKey>>()?
        } else {
            Base64::decode_vec(text)
                .or_else(|_| Base64Unpadded::decode_vec(text))
                .map_err(|_| BadKey)?
        };
        Ok(SecretKey(bytes.try_into().map_err(|_| BadKey)?))
    }

    /// The key as base64, as a key file holds it.
    pub fn to_text(&self) -> String {
        Base64::encode_string(&self.0)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&chacha20poly1305::Key::from(self.0))
    }

    /// Seals `plain` for the place named by `context` (a table and row).
    pub(crate) fn seal(&self, context: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .expect("sealing a short secret cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{SEALED}{}", Base64::encode_string(&bytes))
    }

    /// Opens what [`SecretKey::seal`] made for `context`; `None` when this key (or this
    /// place) is not the one it was sealed with, or it was changed.
    pub(crate) fn open(&self, context: &str, stored: &str) -> Option<String> {
        let bytes = Base64::decode_vec(stored.strip_prefix(SEALED)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let plain = self
            .cipher()
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: context.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Whether a stored value is sealed (as opposed to written before sealing began).
pub(crate) fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_place() {
        let key = SecretKey::generate();
        let sealed = key.seal("row-1", "JBSWY3DPEHPK3PXP");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed,
            key.seal("row-1", "JBSWY3DPEHPK3PXP"),
            "nonce reused"
        );
        assert_eq!(
            key.open("row-1", &sealed).as_deref(),
            Some("JBSWY3DPEHPK3PXP")
        );
        assert_eq!(key.open("row-2", &sealed), None);
        assert_eq!(SecretKey::generate().open("row-1", &sealed), None);
        let mut changed = sealed.clone();
        changed.replace_range(10..11, if &sealed[10..11] == "A" { "B" } else { "A" });
        assert_eq!(key.open("row-1", &changed), None);
        assert_eq!(key.open("row-1", "JBSWY3DPEHPK3PXP"), None);
    }

    #[test]
    fn keys_read_as_hex_or_base64_and_nothing_else() {
        let key = SecretKey::generate();
        assert_eq!(SecretKey::parse(&key.to_text()).unwrap(), key);
        assert_eq!(
            SecretKey::parse(&format!("{}\n", key.to_text())).unwrap(),
            key
        );
        let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(SecretKey::parse(&hex).unwrap(), key);
        assert_eq!(SecretKey::parse(&hex.to_uppercase()).unwrap(), key);
        assert!(SecretKey::parse("").is_err());
        assert!(SecretKey::parse(&hex[..62]).is_err());
        assert!(SecretKey::parse(&Base64::encode_string(&[7u8; 16])).is_err());
        assert!(SecretKey::parse("not a key at all").is_err());
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }
}
