//! Opening-hour spans as the clinic file writes them: `"09:00-12:30"`, and the quiet
//! hours of `[messages]`, which may wrap midnight: `"21:00-08:00"`.

use jiff::civil::Time;
use scheduling::DaySpan;

/// Parses `"HH:MM-HH:MM"`. The end may be `24:00` (midnight), which the engine reads
/// as running to the end of the day; otherwise the end must come after the start.
pub fn parse_span(text: &str) -> Result<DaySpan, String> {
    let bad =
        || format!("malformed hours \"{text}\": expected \"HH:MM-HH:MM\", e.g. \"09:00-17:00\"");
    let (start, end) = text.split_once('-').ok_or_else(bad)?;
    let start = parse_time(start.trim()).ok_or_else(bad)?;
    let end_text = end.trim();
    let end = if end_text == "24:00" {
        Time::midnight()
    } else {
        parse_time(end_text).ok_or_else(bad)?
    };
    if end != Time::midnight() && end <= start {
        return Err(format!("hours \"{text}\" end before they start"));
    }
    Ok(DaySpan { start, end })
}

/// Writes a span back in the clinic file's form.
pub fn format_span(span: &DaySpan) -> String {
    let end = if span.end == Time::midnight() {
        "24:00".to_string()
    } else {
        span.end.strftime("%H:%M").to_string()
    };
    format!("{}-{end}", span.start.strftime("%H:%M"))
}

/// The clinic-local window in which no message is sent; parsed from `[messages] quiet_hours`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    /// Inclusive: from this time of day nothing is sent.
    pub start: Time,
    /// Exclusive; earlier than `start` when the window wraps midnight.
    pub end: Time,
}

impl QuietHours {
    /// Parses `"HH:MM-HH:MM"`; `Ok(None)` for an empty text (no quiet hours). The window
    /// may wrap midnight (`"21:00-08:00"`) and end at `24:00`; it must not be empty, so
    /// start and end differ.
    pub fn parse(text: &str) -> Result<Option<QuietHours>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || {
            format!(
                "malformed quiet hours \"{text}\": expected \"HH:MM-HH:MM\", e.g. \"21:00-08:00\", or \"\" for none"
            )
        };
        let (start, end) = text.split_once('-').ok_or_else(bad)?;
        let start = parse_time(start.trim()).ok_or_else(bad)?;
        let end = match end.trim() {
            "24:00" => Time::midnight(),
            end => parse_time(end).ok_or_else(bad)?,
        };
        if start == end {
            return Err(format!(
                "quiet hours \"{text}\" start and end at the same time: use \"\" for none"
            ));
        }
        Ok(Some(QuietHours { start, end }))
    }

    /// Whether a clinic-local time of day falls in the window.
    pub fn contains(&self, time: Time) -> bool {
        if self.start < self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }
}

fn parse_time(text: &str) -> Option<Time> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    Time::new(h, m, 0, 0).ok()
}

/// Minutes since midnight for ordering and overlap checks; `24:00` counts as 1440.
pub(crate) fn span_minutes(span: &DaySpan) -> (i32, i32) {
    let minutes = |t: Time| i32::from(t.hour()) * 60 + i32::from(t.minute());
    let end = if span.end == Time::midnight() {
        1440
    } else {
        minutes(span.end)
    };
    (minutes(span.start), end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    #[test]
    fn parses_well_formed_spans() {
        let span = parse_span("09:00-12:30").unwrap();
        assert_eq!(span.start, time(9, 0, 0, 0));
        assert_eq!(span.end, time(12, 30, 0, 0));
        assert_eq!(format_span(&span), "09:00-12:30");
        let late = parse_span("20:00-24:00").unwrap();
        assert_eq!(span_minutes(&late), (1200, 1440));
        assert_eq!(format_span(&late), "20:00-24:00");
    }

    #[test]
    fn refuses_malformed_spans() {
        for bad in [
            "9-5",
            "09:00",
            "09:00-",
            "25:00-26:00",
            "9:00-17:00",
            "17:00-09:00",
            "09:00-09:00",
            "ab:cd-ef:gh",
        ] {
            assert!(parse_span(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn quiet_hours_may_wrap_midnight() {
        let night = QuietHours::parse("21:00-08:00").unwrap().unwrap();
        assert!(night.contains(time(23, 0, 0, 0)));
        assert!(night.contains(time(0, 0, 0, 0)));
        assert!(night.contains(time(7, 59, 0, 0)));
        assert!(!night.contains(time(8, 0, 0, 0)));
        assert!(!night.contains(time(12, 0, 0, 0)));
        assert!(!night.contains(time(20, 59, 0, 0)));
        let lunch = QuietHours::parse("12:00-13:00").unwrap().unwrap();
        assert!(lunch.contains(time(12, 30, 0, 0)));
        assert!(!lunch.contains(time(13, 0, 0, 0)));
        let evening = QuietHours::parse("20:00-24:00").unwrap().unwrap();
        assert!(evening.contains(time(23, 59, 0, 0)));
        assert!(!evening.contains(time(0, 0, 0, 0)));
        assert_eq!(QuietHours::parse("").unwrap(), None);
        assert_eq!(QuietHours::parse("  ").unwrap(), None);
    }

    #[test]
    fn refuses_malformed_quiet_hours() {
        for bad in [
            "21:00",
            "9-8",
            "21:00-8:00",
            "25:00-08:00",
            "21:00-08:60",
            "08:00-08:00",
            "00:00-24:00",
            "24:00-08:00",
            "night",
        ] {
            assert!(QuietHours::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
