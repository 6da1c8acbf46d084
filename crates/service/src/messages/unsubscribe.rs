//! The unsubscribe link: a client id signed with the clinic's own key, so it works without
//! signing in and cannot be made up for someone else.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex characters of the signature kept in the link: 128 bits.
const SIGNATURE_HEX: usize = 32;

/// The token for a client: `{client_id}.{signature}`.
pub fn token(key: &str, client_id: &str) -> String {
    format!("{client_id}.{}", signature(key, client_id))
}

/// The client a token names, when its signature holds.
pub fn verify(key: &str, token: &str) -> Option<String> {
    let (client_id, given) = token.split_once('.')?;
    if client_id.is_empty() || client_id.len() > 64 || given.len() != SIGNATURE_HEX {
        return None;
    }
    let mut mac = keyed(key);
    mac.update(purpose(client_id).as_bytes());
    let given = decode_hex(given)?;
    mac.verify_truncated_left(&given).ok()?;
    Some(client_id.to_owned())
}

fn keyed(key: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes a key of any length")
}

fn purpose(client_id: &str) -> String {
    format!("unsubscribe:{client_id}")
}

fn signature(key: &str, client_id: &str) -> String {
    let mut mac = keyed(key);
    mac.update(purpose(client_id).as_bytes());
    let bytes = mac.finalize().into_bytes();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    hex[..SIGNATURE_HEX].to_owned()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_client_only_with_the_right_key() {
        let t = token("key-one", "client42");
        assert_eq!(verify("key-one", &t).as_deref(), Some("client42"));
        assert_eq!(verify("key-two", &t), None);
        let forged = t.replace("client42", "client43");
        assert_eq!(verify("key-one", &forged), None);
        for bad in [
            "",
            ".",
            "client42",
            "client42.",
            "client42.zz",
            "x.\0\0",
            "é.ab",
        ] {
            assert_eq!(verify("key-one", bad), None, "{bad:?}");
        }
    }
}
