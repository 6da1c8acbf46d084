//! The posted forms, field by field.

use super::*;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub(super) saved: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    pub(super) document: String,
}

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

#[derive(Debug, Default, Deserialize)]
pub struct TimeOffForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
}

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

#[derive(Debug, Default, Deserialize)]
pub struct DatesForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) date: String,
    #[serde(default)]
    pub(super) spans: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DatesRemoveForm {
    #[serde(default)]
    pub(super) practitioner: String,
    #[serde(default)]
    pub(super) date: String,
}
