//! The posted forms, field by field. Every field defaults to empty, so a form with a field
//! missing is answered with the page and its message rather than a bare 422 from axum.

use serde::Deserialize;

/// `?saved=1` after a redirect, so the page can confirm what was saved.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub(super) saved: String,
}

/// The whole setup as one document, for changes the smaller forms do not cover.
#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    pub(super) document: String,
}

/// The booking policy's four numbers, as typed: kept as text so a refusal can show them again.
#[derive(Debug, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    pub(super) slot_step_minutes: String,
    #[serde(default)]
    pub(super) min_notice_minutes: String,
    #[serde(default)]
    pub(super) horizon_days: String,
    #[serde(default)]
    pub(super) cancel_notice_hours: String,
}

impl PolicyForm {
    /// A field by its `[booking]` name, so the policy fields can be walked as a table.
    pub(super) fn get(&self, name: &str) -> &str {
        match name {
            "slot_step_minutes" => &self.slot_step_minutes,
            "min_notice_minutes" => &self.min_notice_minutes,
            "horizon_days" => &self.horizon_days,
            "cancel_notice_hours" => &self.cancel_notice_hours,
            _ => "",
        }
    }
}

/// One practitioner's weekly hours, a text field per weekday.
#[derive(Debug, Default, Deserialize)]
pub struct HoursForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) mon: String,
    #[serde(default)]
    pub(super) tue: String,
    #[serde(default)]
    pub(super) wed: String,
    #[serde(default)]
    pub(super) thu: String,
    #[serde(default)]
    pub(super) fri: String,
    #[serde(default)]
    pub(super) sat: String,
    #[serde(default)]
    pub(super) sun: String,
}

impl HoursForm {
    /// A day's field by weekday key (`mon` to `sun`), so the week can be walked in order.
    pub(super) fn day(&self, key: &str) -> &str {
        match key {
            "mon" => &self.mon,
            "tue" => &self.tue,
            "wed" => &self.wed,
            "thu" => &self.thu,
            "fri" => &self.fri,
            "sat" => &self.sat,
            "sun" => &self.sun,
            _ => "",
        }
    }
}

/// One new stretch of time off for a practitioner.
#[derive(Debug, Default, Deserialize)]
pub struct TimeOffForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
}

/// Which stretch of time off to remove, by its place in the list the page showed.
#[derive(Debug, Default, Deserialize)]
pub struct TimeOffRemoveForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) index: String,
    /// The entry as the page showed it, so a stale page cannot remove another one.
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
}

/// The hours for one date, replacing that weekday's usual hours.
#[derive(Debug, Default, Deserialize)]
pub struct DatesForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) date: String,
    #[serde(default)]
    pub(super) spans: String,
}

/// A date override to remove, so the date goes back to its weekday's hours.
#[derive(Debug, Default, Deserialize)]
pub struct DatesRemoveForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) date: String,
}
