//! How a client is reached, and found again. Clients are matched by email; a client the
//! desk books by phone, with no email address, gets a stand-in address built from the
//! phone's digits, so the same phone finds the same client and no message can reach
//! anyone: the `.invalid` top-level domain never resolves (RFC 2606), and the outbox
//! refuses to queue mail to it at all.

use crate::Client;

/// The domain of the stand-in addresses for clients without email.
pub const NO_EMAIL_DOMAIN: &str = "no-email.invalid";

/// The digits of a phone number: what two spellings of the same number share.
pub fn phone_digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// The stand-in address of a client known only by this phone number.
pub fn stand_in_email(phone: &str) -> String {
    format!("phone-{}@{NO_EMAIL_DOMAIN}", phone_digits(phone))
}

/// Whether mail to `address` can never arrive: a stand-in for a client without email, or
/// an erased client's address. The outbox queues nothing for these.
pub fn is_undeliverable(address: &str) -> bool {
    address.trim().to_ascii_lowercase().ends_with(".invalid")
}

impl Client {
    /// The client's real email address, or `None` when the desk booked them by phone only
    /// (or they were erased).
    pub fn email_address(&self) -> Option<&str> {
        Some(self.email.as_str()).filter(|e| !is_undeliverable(e))
    }
}

/// SQL for the digits of the `phone` column: the characters a phone number may hold other
/// than digits (see `service::check_client`) removed, the same on both engines.
pub(crate) const PHONE_DIGITS_SQL: &str = "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(COALESCE(phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '')";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_phone_spelled_two_ways_is_one_stand_in() {
        assert_eq!(stand_in_email("+1 555 0142"), stand_in_email("1-555-0142"));
        assert_eq!(
            stand_in_email("(555) 0142"),
            "phone-5550142@no-email.invalid"
        );
        assert!(is_undeliverable(&stand_in_email("555 0142")));
        assert!(is_undeliverable("erased-abc@erased.invalid"));
        assert!(!is_undeliverable("maria@example.com"));
    }

    #[test]
    fn a_stand_in_is_no_email_address() {
        let mut client = Client {
            id: "c".into(),
            name: "Maria".into(),
            email: stand_in_email("555 0142"),
            phone: Some("555 0142".into()),
        };
        assert_eq!(client.email_address(), None);
        client.email = "maria@example.com".into();
        assert_eq!(client.email_address(), Some("maria@example.com"));
    }
}
