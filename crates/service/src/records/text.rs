//! The checks every text field of a record goes through: one line without control
//! characters for ids and lots, free text that may break lines but holds no NUL, and a
//! bound on length, so nothing typed can break a page, a CSV file or a mail.

use super::input::{LOT_MAX, TEXT_MAX};
use crate::Refusal;

/// A value that must be there, trimmed.
pub(crate) fn required<'a>(
    value: Option<&'a str>,
    field: &str,
    missing: &str,
) -> Result<&'a str, Refusal> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().any(char::is_control) => Err(Refusal::invalid(
            field,
            "This field may not contain control characters (such as line breaks or NUL).",
        )),
        Some(v) if v.chars().count() > 200 => {
            Err(Refusal::invalid(field, "This value is too long."))
        }
        Some(v) => Ok(v),
        None => Err(Refusal::invalid(field, missing)),
    }
}

/// A lot number: letters, digits and punctuation on one line, at most [`LOT_MAX`] characters.
pub(crate) fn lot_text(value: Option<&str>, field: &str) -> Result<Option<String>, Refusal> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().any(char::is_control) {
        return Err(Refusal::invalid(
            field,
            "A lot number may not contain control characters (such as line breaks or NUL).",
        ));
    }
    if v.chars().count() > LOT_MAX {
        return Err(Refusal::invalid(
            field,
            format!("A lot number has at most {LOT_MAX} characters."),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Optional free text: line breaks are fine, NUL and other control characters are not.
pub(crate) fn free_text(value: Option<&str>, field: &str) -> Result<Option<String>, Refusal> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Refusal::invalid(
            field,
            "This text may not contain control characters such as NUL.",
        ));
    }
    if v.chars().count() > TEXT_MAX {
        return Err(Refusal::invalid(
            field,
            format!("Keep this under {TEXT_MAX} characters."),
        ));
    }
    Ok(Some(v.replace("\r\n", "\n")))
}

/// A value quoted back in an error, without anything that could break the message.
pub(crate) fn clean(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(60).collect()
}
