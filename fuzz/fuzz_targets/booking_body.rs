//! The body of `POST /api/v1/bookings`, read into `service::BookingBody` and checked:
//! never a panic, and whatever passes keeps the promises the store relies on (no NUL in
//! any text, trimmed, within the length limits).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<service::BookingBody>(data) else {
        return;
    };
    match body.validate() {
        Ok(input) => {
            let texts = [
                Some(input.service_id.as_str()),
                input.practitioner.as_deref(),
                Some(input.client.name.as_str()),
                Some(input.client.email.as_str()),
                input.client.phone.as_deref(),
                input.screening_id.as_deref(),
                Some(input.notes.as_str()),
            ];
            for text in texts.into_iter().flatten() {
                assert!(!text.contains('\0'), "a NUL passed: {text:?}");
                assert_eq!(text, text.trim(), "untrimmed text passed");
            }
            assert!(!input.service_id.is_empty());
            assert!(input.client.name.chars().count() <= 200);
            assert!(input.client.email.len() <= 254);
            assert!(input.notes.chars().count() <= 2000);
        }
        Err(refusal) => assert!(!refusal.to_string().is_empty()),
    }
});
