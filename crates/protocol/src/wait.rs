//! Waiting periods ("6 months", "2 weeks") in calendar units.

use jiff::{Span, civil::Date};

/// A non-negative span of whole years, months, weeks and days, with its plain-words form.
#[derive(Clone, Debug)]
pub(crate) struct Wait {
    span: Span,
    text: String,
}

impl Wait {
    /// Parses a jiff span such as `"6 months"`, `"3 weeks"`, `"1 year"` or `"P6M"`.
    pub(crate) fn parse(input: &str) -> Result<Wait, String> {
        let example = "write it like \"6 months\", \"3 weeks\" or \"1 year\"";
        let span: Span = input
            .trim()
            .parse()
            .map_err(|_| format!("\"{input}\" is not a waiting period; {example}"))?;
        let has_time = span.get_hours() != 0
            || span.get_minutes() != 0
            || span.get_seconds() != 0
            || span.get_milliseconds() != 0
            || span.get_microseconds() != 0
            || span.get_nanoseconds() != 0;
        if has_time {
            return Err(format!(
                "\"{input}\" uses hours or smaller units; use whole days, weeks, months or years"
            ));
        }
        if span.is_negative() {
            return Err(format!("\"{input}\" is negative; {example}"));
        }
        let text = words(&span);
        Ok(Wait { span, text })
    }

    /// The date this long after `date` (calendar arithmetic: 2026-03-31 + 6 months = 2026-09-30).
    pub(crate) fn after(&self, date: Date) -> Date {
        date.checked_add(self.span).unwrap_or(Date::MAX)
    }

    /// Plain words, e.g. "6 months" or "1 year and 2 weeks".
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

fn words(span: &Span) -> String {
    let parts: Vec<String> = [
        (i64::from(span.get_years()), "year"),
        (i64::from(span.get_months()), "month"),
        (i64::from(span.get_weeks()), "week"),
        (i64::from(span.get_days()), "day"),
    ]
    .into_iter()
    .filter(|(n, _)| *n != 0)
    .map(|(n, unit)| format!("{n} {unit}{}", if n == 1 { "" } else { "s" }))
    .collect();
    match parts.as_slice() {
        [] => "0 days".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_and_words() {
        for (input, text) in [
            ("6 months", "6 months"),
            ("2 weeks", "2 weeks"),
            ("1 year", "1 year"),
            ("P3M", "3 months"),
            ("1 year 2 weeks 1 day", "1 year, 2 weeks and 1 day"),
            ("1 month 3 days", "1 month and 3 days"),
        ] {
            assert_eq!(Wait::parse(input).unwrap().text(), text, "{input}");
        }
    }

    #[test]
    fn rejects() {
        for input in ["soon", "", "-2 weeks", "3 hours", "1 day 2 hours", "12"] {
            assert!(Wait::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn calendar_arithmetic() {
        let six = Wait::parse("6 months").unwrap();
        assert_eq!(six.after(date(2026, 3, 31)), date(2026, 9, 30));
        assert_eq!(six.after(date(2025, 8, 31)), date(2026, 2, 28));
        assert_eq!(
            Wait::parse("2 weeks").unwrap().after(date(2026, 12, 25)),
            date(2027, 1, 8)
        );
        assert_eq!(six.after(Date::MAX), Date::MAX);
    }
}
