//! A clinic file, as `collagen setup FILE` and `serve --clinic FILE` read it: parsing and
//! validation must refuse bad text with an error that names a line inside the file, never
//! panic; a file they accept must derive the snapshot every request reads.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match clinic::parse(text, Some("fuzz.toml")) {
        Ok(setup) => {
            // Validation is the one check the back office's setup screens run too.
            assert!(
                clinic::validate(&setup).is_ok(),
                "parse accepted what validate refuses"
            );
            let snapshot = clinic::ClinicSnapshot::new(setup, 1);
            let _ = snapshot.last_bookable_date();
        }
        Err(err) => {
            let lines = text.lines().count().max(1);
            if let Some(line) = err.line {
                assert!(
                    line >= 1 && line <= lines + 1,
                    "line {line} of {lines}: {err}"
                );
            }
            assert!(!err.to_string().is_empty());
        }
    }
});
