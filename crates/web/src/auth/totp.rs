//! Time-based one-time codes (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30 s
//! steps, accepted one step either side for clocks that drift. Pure arithmetic; whether a
//! step was already used is the store's to answer, atomically.

use hmac::{Hmac, Mac as _};
use rand::Rng as _;
use sha1::Sha1;

/// Seconds per step.
pub const STEP_S: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of the current one.
pub const SKEW: i64 = 1;
/// Bytes of a new secret (160 bits, the length RFC 4226 recommends for SHA-1).
const SECRET_BYTES: usize = 20;

/// RFC 4226's dynamic truncation of HMAC-SHA-1(key, counter): a 31-bit number whose last
/// digits are the code.
pub fn hotp_value(key: &[u8], counter: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ])
}

/// The code for `step`, zero-padded to [`DIGITS`].
pub fn code_at(key: &[u8], step: i64) -> String {
    let value = hotp_value(key, step.max(0) as u64) % 10u32.pow(DIGITS);
    format!("{value:0width$}", width = DIGITS as usize)
}

/// The step a Unix time falls in.
pub fn step_of(unix_s: i64) -> i64 {
    unix_s.div_euclid(STEP_S)
}

/// The step whose code `code` is, among the current one and [`SKEW`] either side, if any.
/// Every candidate is compared in full, so the timing does not say which came close.
pub fn matching_step(key: &[u8], code: &str, now_s: i64) -> Option<i64> {
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(now_s);
    let mut found = None;
    for step in now - SKEW..=now + SKEW {
        if super::constant_time_eq(&code_at(key, step), code) {
            found = Some(step);
        }
    }
    found
}

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::rng().fill(&mut bytes[..]);
    bytes
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads base32 (any case, spaces and padding ignored); `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = BASE32
            .iter()
            .position(|&b| b == c.to_ascii_uppercase() as u8 && c.is_ascii())?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

/// The `otpauth://` URI an authenticator app reads (from a QR code or pasted).
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let issuer_enc = crate::ui::forms::encode(issuer);
    format!(
        "otpauth://totp/{issuer_enc}:{}?secret={secret_b32}&issuer={issuer_enc}&algorithm=SHA1&digits={DIGITS}&period={STEP_S}",
        crate::ui::forms::encode(account)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's secret for SHA-1.
    const RFC_KEY: &[u8] = b"12345678901234567890";

    #[test]
    fn hotp_matches_rfc_4226_appendix_d() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, want) in expected.into_iter().enumerate() {
            assert_eq!(
                hotp_value(RFC_KEY, counter as u64) % 1_000_000,
                want,
                "counter {counter}"
            );
        }
    }

    #[test]
    fn totp_matches_rfc_6238_appendix_b() {
        // (time, the 8-digit SHA-1 code the RFC lists)
        let vectors = [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ];
        for (time, eight) in vectors {
            let step = step_of(time);
            assert_eq!(
                hotp_value(RFC_KEY, step as u64) % 100_000_000,
                eight,
                "T={time}"
            );
            let six = format!("{:06}", eight % 1_000_000);
            assert_eq!(code_at(RFC_KEY, step), six, "T={time}");
            assert_eq!(matching_step(RFC_KEY, &six, time), Some(step), "T={time}");
        }
    }

    #[test]
    fn one_step_of_drift_either_side_is_accepted_and_no_more() {
        let now = 1_234_567_890;
        let step = step_of(now);
        for drift in [-1, 0, 1] {
            let code = code_at(RFC_KEY, step + drift);
            assert_eq!(matching_step(RFC_KEY, &code, now), Some(step + drift));
        }
        for drift in [-3, -2, 2, 3] {
            let code = code_at(RFC_KEY, step + drift);
            assert_eq!(matching_step(RFC_KEY, &code, now), None, "drift {drift}");
        }
        assert_eq!(matching_step(RFC_KEY, "12345", now), None);
        assert_eq!(matching_step(RFC_KEY, "12345a", now), None);
        assert_eq!(matching_step(RFC_KEY, "", now), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(
            base32_decode("mzxw 6ytb oi").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(
            base32_decode("MZXW6YTBOI======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZ1"), None);
        let secret = new_secret();
        assert_eq!(secret.len(), 20);
        assert_eq!(base32_decode(&base32_encode(&secret)), Some(secret));
    }

    #[test]
    fn the_uri_names_the_clinic_and_the_account() {
        let uri = otpauth_uri("Northside Skin Clinic", "maya@clinic.example", "MZXW6YTBOI");
        assert!(uri.starts_with("otpauth://totp/Northside%20Skin%20Clinic:maya%40clinic.example?secret=MZXW6YTBOI&issuer=Northside%20Skin%20Clinic"), "{uri}");
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"), "{uri}");
    }
}
