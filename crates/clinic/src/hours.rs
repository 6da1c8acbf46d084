//! Opening-hour spans as the clinic file writes them: `"09:00-12:30"` (and as people type
//! them: `"9-5"`, `"9am-5:30pm"`), and the quiet hours of `[messages]`, which may wrap
//! midnight: `"21:00-08:00"`.

use jiff::civil::Time;
use scheduling::DaySpan;

/// Parses a span as people write opening hours: `"09:00-17:00"`, `"9-5"`, `"9am-5:30pm"`,
/// `"9:00–17:00"` (an en or em dash, or "to"). The end may be `24:00` (midnight), which
/// the engine reads as running to the end of the day; otherwise the end must come after
/// the start. Without am/pm, an end that would come before the start is read as the
/// afternoon ("9-5" is 09:00-17:00); a start without am/pm takes the end's when that
/// keeps it first ("1-5pm" is 13:00-17:00). [`format_span`] writes the canonical form.
pub fn parse_span(text: &str) -> Result<DaySpan, String> {
    let bad = || {
        format!(
            "hours \"{text}\" are not a time span: write them as e.g. \"09:00-17:00\", \"9-5\" or \"9am-5:30pm\""
        )
    };
    let lowered = text
        .trim()
        .to_ascii_lowercase()
        .replace(['\u{2013}', '\u{2014}'], "-")
        .replace(" to ", "-");
    let (start, end) = lowered.split_once('-').ok_or_else(bad)?;
    let start = Clock::parse(start.trim()).ok_or_else(bad)?;
    let end = Clock::parse(end.trim()).ok_or_else(bad)?;
    let (start, end) = start.resolve(end).ok_or_else(bad)?;
    if end != Time::midnight() && end <= start {
        return Err(format!("hours \"{text}\" end before they start"));
    }
    Ok(DaySpan { start, end })
}

/// A time of day as typed, before am/pm is settled: hour, minute, and `Some(true)` for pm.
#[derive(Clone, Copy, Debug)]
struct Clock {
    hour: i8,
    minute: i8,
    pm: Option<bool>,
    /// Written with a leading zero (`09`): a 24-hour time, never moved to the afternoon.
    padded: bool,
}

impl Clock {
    /// Reads `9`, `09`, `9:30`, `09:30`, `9.30`, `9am`, `9:30 pm`, `24:00`.
    fn parse(text: &str) -> Option<Clock> {
        let (digits, pm) = if let Some(d) = text.strip_suffix("am") {
            (d.trim_end(), Some(false))
        } else if let Some(d) = text.strip_suffix("pm") {
            (d.trim_end(), Some(true))
        } else {
            (text, None)
        };
        let (h, m) = match digits.split_once([':', '.']) {
            Some((h, m)) if m.len() == 2 => (h, m),
            Some(_) => return None,
            None => (digits, "00"),
        };
        if h.is_empty() || h.len() > 2 || !h.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !m.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hour: i8 = h.parse().ok()?;
        let minute: i8 = m.parse().ok()?;
        let in_range = match pm {
            Some(_) => (1..=12).contains(&hour),
            None => hour <= 24,
        };
        let padded = h.len() == 2 && h.starts_with('0');
        (in_range && minute < 60 && (hour < 24 || minute == 0)).then_some(Clock {
            hour,
            minute,
            pm,
            padded,
        })
    }

    /// The 24-hour hour with `pm` applied; 12am is midnight, 12pm noon.
    fn hour24(self, pm: bool) -> i8 {
        match (self.hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        }
    }

    /// Minutes since midnight, reading a missing am/pm as given.
    fn minutes(self, pm: Option<bool>) -> i32 {
        let hour = match pm {
            Some(pm) => self.hour24(pm),
            None => self.hour,
        };
        i32::from(hour) * 60 + i32::from(self.minute)
    }

    /// Settles both ends; an end at midnight (`24:00`, `12am`) is the end of the day.
    fn resolve(self, end: Clock) -> Option<(Time, Time)> {
        let end_minutes = match (end.pm, self.pm) {
            (Some(pm), _) => end.minutes(Some(pm)),
            (None, Some(_)) => end.minutes(None),
            (None, None) => {
                let plain = end.minutes(None);
                let twelve_hour = self.hour <= 12 && !end.padded && end.hour < 12;
                if twelve_hour && plain <= self.minutes(None) && plain != 0 {
                    plain + 12 * 60
                } else {
                    plain
                }
            }
        };
        let start_minutes = match (self.pm, end.pm) {
            (Some(pm), _) => self.minutes(Some(pm)),
            (None, Some(true)) if self.hour < 12 && self.minutes(Some(true)) < end_minutes => {
                self.minutes(Some(true))
            }
            _ => self.minutes(None),
        };
        let end_minutes = if end_minutes == 0 {
            24 * 60
        } else {
            end_minutes
        };
        let time = |m: i32| -> Option<Time> {
            if m == 24 * 60 {
                return Some(Time::midnight());
            }
            Time::new(i8::try_from(m / 60).ok()?, i8::try_from(m % 60).ok()?, 0, 0).ok()
        };
        if start_minutes >= 24 * 60 {
            return None;
        }
        Some((time(start_minutes)?, time(end_minutes)?))
    }
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
    fn understands_hours_as_people_write_them() {
        for (typed, canonical) in [
            ("9-5", "09:00-17:00"),
            ("9am-5:30pm", "09:00-17:30"),
            ("9:00\u{2013}17:00", "09:00-17:00"),
            ("9:00-17:00", "09:00-17:00"),
            ("09:00 - 12:30", "09:00-12:30"),
            ("1-5pm", "13:00-17:00"),
            ("9-5pm", "09:00-17:00"),
            ("8 to 12", "08:00-12:00"),
            ("12-5", "12:00-17:00"),
            ("10am-2pm", "10:00-14:00"),
            ("8pm-12am", "20:00-24:00"),
            ("20:00-24:00", "20:00-24:00"),
            ("9.30-17.00", "09:30-17:00"),
            ("9AM-5PM", "09:00-17:00"),
        ] {
            let span = parse_span(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(format_span(&span), canonical, "{typed}");
        }
    }

    #[test]
    fn refuses_malformed_spans() {
        for bad in [
            "09:00",
            "09:00-",
            "25:00-26:00",
            "17:00-09:00",
            "5pm-9am",
            "09:00-09:00",
            "ab:cd-ef:gh",
            "13pm-2pm",
            "9:5-10",
            "24:30-25:00",
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
