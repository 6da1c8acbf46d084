//! Moments as time off writes them: a whole date or a clinic-local date-time.
//!
//! Its own module so that both the file checks (`file.rs`) and the engine's view
//! (`schedule.rs`) read moments the same way without importing each other.

/// A whole date (`"2027-01-04"`), or `None` for anything else, a date-time included:
/// jiff's `Date` parser would accept `"2027-01-04T13:00"` and drop the time, which turned
/// an afternoon off into a whole day off.
pub(crate) fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    if text.contains(['T', 't', ' ']) {
        return None;
    }
    text.parse().ok()
}

/// Time off is whole dates or local date-times; both order correctly as date-times.
pub(crate) fn parse_moment(text: &str) -> Result<jiff::civil::DateTime, String> {
    if let Some(date) = parse_date(text) {
        return Ok(date.to_datetime(jiff::civil::Time::midnight()));
    }
    text.parse::<jiff::civil::DateTime>().map_err(|_| {
        format!(
            "\"{text}\" is neither a date (2027-01-04) nor a local date-time (2027-01-04T13:00)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_date, parse_moment};
    use jiff::civil::date;

    #[test]
    fn reads_dates_as_midnight_and_date_times_as_written() {
        assert_eq!(
            parse_moment("2027-01-04").unwrap(),
            date(2027, 1, 4).at(0, 0, 0, 0)
        );
        assert_eq!(
            parse_moment("2027-01-04T13:00").unwrap(),
            date(2027, 1, 4).at(13, 0, 0, 0)
        );
        assert_eq!(
            parse_moment("2027-01-04 13:00").unwrap(),
            date(2027, 1, 4).at(13, 0, 0, 0)
        );
        assert!(parse_moment("next monday").is_err());
        assert_eq!(parse_date("2027-01-04"), Some(date(2027, 1, 4)));
        assert_eq!(parse_date("2027-01-04T13:00"), None);
    }
}
