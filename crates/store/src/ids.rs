//! Identifiers, booking references and manage tokens.

use base64ct::Encoding as _;
use rand::Rng as _;
use sha2::Digest as _;

/// A random 128-bit id as hex, for rows created by the application.
pub fn new_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A 128-bit id as hex that sorts by creation time: 48 bits of Unix milliseconds, then 80
/// random bits. For rows written in bulk (bookings, their mail, new clients): each new row
/// lands beside the last in its key indexes instead of on a random page, so a group of
/// bookings writes a few pages instead of one per row. Only for ids that are not secrets;
/// they tell when the row was made.
pub(crate) fn new_ordered_id() -> String {
    let millis = jiff::Timestamp::now().as_millisecond().max(0) as u64 & 0xffff_ffff_ffff;
    let random: [u8; 10] = rand::rng().random();
    let mut id = format!("{millis:012x}");
    for b in random {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// A short reference a client can read over the phone: no 0/O or 1/I confusion.
pub fn new_reference() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A manage token (256 random bits, URL-safe) and the hash that is all the database keeps.
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::rng().random();
    let token = base64ct::Base64UrlUnpadded::encode_string(&bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a token: its SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(ha, hash_token(&a));
        assert_ne!(ha, a);
        assert_eq!(new_reference().len(), 8);
        assert_eq!(new_id().len(), 32);
    }
}
