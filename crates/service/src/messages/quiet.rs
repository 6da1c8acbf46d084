//! Quiet hours: a message that falls due in the clinic's quiet window waits for its end,
//! when it is planned and again when the worker would send it (a retry, or a worker that
//! was down, can move it into the night).

use clinic::QuietHours;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::Workflows;

impl Workflows {
    /// The quiet-hours rule for the mail worker, read from the clinic's current setup at
    /// each use, so a changed `[messages] quiet_hours` or zone applies without a restart.
    pub fn quiet_rule(&self) -> mail::QuietRule {
        let flows = self.clone();
        std::sync::Arc::new(move |at| {
            let clinic = flows.clinic();
            out_of_quiet_hours(at, &clinic.timezone, clinic.setup.messages.quiet_window())
        })
    }
}

/// `at`, or the end of the quiet window it falls in, in the clinic's zone. The end is a
/// wall-clock time, so it stays 08:00 across a DST change; an end that falls in a spring
/// gap becomes the first moment after it.
pub fn out_of_quiet_hours(at: Timestamp, tz: &TimeZone, quiet: Option<QuietHours>) -> Timestamp {
    let Some(quiet) = quiet else {
        return at;
    };
    let local = at.to_zoned_datetime(tz.clone());
    if !quiet.contains(local.time()) {
        return at;
    }
    let wraps = quiet.start > quiet.end;
    let end_date = if wraps && local.time() >= quiet.start {
        local.date().tomorrow().unwrap_or(local.date())
    } else {
        local.date()
    };
    end_date
        .to_datetime(quiet.end)
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(at)
        .max(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, tz: &TimeZone) -> Timestamp {
        let dt: jiff::civil::DateTime = text.parse().unwrap();
        dt.to_zoned_datetime(tz.clone()).unwrap().timestamp()
    }

    #[test]
    fn a_night_message_waits_for_the_morning() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let night = QuietHours::parse("21:00-08:00").unwrap();
        let pushed = |t| out_of_quiet_hours(at(t, &tz), &tz, night);
        assert_eq!(pushed("2027-01-10T22:30"), at("2027-01-11T08:00", &tz));
        assert_eq!(pushed("2027-01-10T03:00"), at("2027-01-10T08:00", &tz));
        assert_eq!(pushed("2027-01-10T21:00"), at("2027-01-11T08:00", &tz));
        assert_eq!(pushed("2027-01-10T08:00"), at("2027-01-10T08:00", &tz));
        assert_eq!(pushed("2027-01-10T20:59"), at("2027-01-10T20:59", &tz));
        assert_eq!(
            out_of_quiet_hours(at("2027-01-10T23:00", &tz), &tz, None),
            at("2027-01-10T23:00", &tz)
        );
    }

    #[test]
    fn the_window_end_is_wall_clock_time_across_dst() {
        // London springs forward on 28 March 2027 at 01:00 and falls back on 31 October.
        let tz = TimeZone::get("Europe/London").unwrap();
        let night = QuietHours::parse("21:00-08:00").unwrap();
        let spring = out_of_quiet_hours(at("2027-03-27T23:00", &tz), &tz, night);
        assert_eq!(
            spring.to_zoned_datetime(tz.clone()).time(),
            jiff::civil::time(8, 0, 0, 0)
        );
        assert_eq!(spring, at("2027-03-28T08:00", &tz));
        let autumn = out_of_quiet_hours(at("2027-10-30T23:00", &tz), &tz, night);
        assert_eq!(autumn, at("2027-10-31T08:00", &tz));
        // An end inside the spring gap (01:00–02:00) is the first moment after it.
        let gap = QuietHours::parse("23:00-01:30").unwrap();
        let pushed = out_of_quiet_hours(at("2027-03-27T23:30", &tz), &tz, gap);
        assert_eq!(
            pushed.to_zoned_datetime(tz.clone()).time(),
            jiff::civil::time(2, 30, 0, 0)
        );
    }

    #[test]
    fn a_midday_window_and_one_ending_at_midnight() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let lunch = QuietHours::parse("12:00-13:00").unwrap();
        assert_eq!(
            out_of_quiet_hours(at("2027-05-01T12:15", &tz), &tz, lunch),
            at("2027-05-01T13:00", &tz)
        );
        let evening = QuietHours::parse("20:00-24:00").unwrap();
        assert_eq!(
            out_of_quiet_hours(at("2027-05-01T22:00", &tz), &tz, evening),
            at("2027-05-02T00:00", &tz)
        );
    }
}
