//! Staff passwords: a policy that explains itself, and argon2id hashes.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Patterns found at the top of every breached-password list; a password built on one is
/// refused even when long.
const BREACHED_PATTERNS: &[&str] = &[
    "password",
    "passw0rd",
    "123456",
    "qwerty",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "abc123",
    "111111",
    "monkey",
    "dragon",
    "sunshine",
    "football",
    "baseball",
    "trustno1",
    "collagen",
    "microneedl",
    "clinic",
];

/// Why a password is not good enough, in words a person can act on; `None` when it is.
pub fn weakness(password: &str, email: &str) -> Option<String> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < 12 {
        return Some("Use at least 12 characters; a short sentence works well.".into());
    }
    if chars.len() > 256 {
        return Some("Use at most 256 characters.".into());
    }
    let lower = password.to_lowercase();
    if let Some(p) = BREACHED_PATTERNS.iter().find(|p| lower.contains(*p)) {
        return Some(format!(
            "It contains \"{p}\", which is in every list of breached passwords."
        ));
    }
    // The address itself gives a password away; the mailbox's name alone ("desk" of
    // desk@…, often an everyday word) only when the rest would be too short on its own.
    let email = email.trim().to_lowercase();
    if !email.is_empty() && lower.contains(&email) {
        return Some("It contains your email address.".into());
    }
    let local = email.split('@').next().unwrap_or_default();
    if local.chars().count() >= 4 && lower.contains(local) {
        let rest = lower.replace(local, "").chars().count();
        if rest < 12 {
            return Some(format!(
                "Without \"{local}\", the name of your mailbox, it is shorter than 12 characters; add words of your own."
            ));
        }
    }
    let distinct: std::collections::BTreeSet<char> = chars.iter().copied().collect();
    if distinct.len() < 5 {
        return Some("It repeats too few different characters.".into());
    }
    let sequential = chars
        .windows(2)
        .filter(|w| (w[1] as i64 - w[0] as i64).abs() <= 1)
        .count();
    if sequential * 10 >= (chars.len() - 1) * 7 {
        return Some("It is mostly a keyboard or number sequence.".into());
    }
    None
}

/// An argon2id hash in PHC form, with a fresh salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

/// Does `password` match the stored hash?
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so a wrong email takes as
/// long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("decoy password that never matches"));
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        for (pw, why) in [
            ("short", "12 characters"),
            ("password1234567", "breached"),
            ("Qwerty-summer-2026", "breached"),
            ("aaaaaaaaaaaaaaaa", "different characters"),
            ("12345678901234", "breached"),
            ("abcdefghijklmnop", "sequence"),
            ("maya.lee.rocks.2026", "mailbox"),
        ] {
            let reason = weakness(pw, "maya.lee@clinic.example")
                .unwrap_or_else(|| panic!("{pw} should be refused"));
            assert!(reason.contains(why), "{pw}: {reason}");
        }
        assert_eq!(
            weakness("correct horse battery staple", "maya@clinic.example"),
            None
        );
        let reason = weakness("desk-desk-desk-desk", "desk@clinic.example");
        assert!(reason.is_some_and(|r| r.contains("mailbox")));
        let reason = weakness("write to ada@north.example today", "ada@north.example");
        assert!(reason.is_some_and(|r| r.contains("email address")));
        // The mailbox's word inside a strong password is no reason to refuse it.
        assert_eq!(
            weakness("the front desk opens at nine sharp", "desk@clinic.example"),
            None
        );
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery staple");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery staple", &h));
        assert!(!verify("correct horse battery stapler", &h));
        assert!(!verify("anything", "not a hash"));
    }
}
