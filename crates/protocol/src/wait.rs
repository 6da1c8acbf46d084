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

    /// The date this long after `date`: the first day on which the full period has passed.
    ///
    /// Years and months are added first. When the day of month does not exist in the target
    /// month, the wait ends on the first day of the next month rather than on that month's last
    /// day, so it never ends early: 2026-03-31 + 6 months = 2026-10-01, 2028-02-29 + 1 year =
    /// 2029-03-01, 2027-03-31 + 1 month = 2027-05-01. Weeks and days are then added exactly
    /// (2028-02-29 + "1 year and 2 weeks" = 2029-03-15). Past the last representable date the
    /// result is [`Date::MAX`].
    pub(crate) fn after(&self, date: Date) -> Date {
        self.after_checked(date).unwrap_or(Date::MAX)
    }

    fn after_checked(&self, date: Date) -> Option<Date> {
        let calendar = Span::new()
            .years(self.span.get_years())
            .months(self.span.get_months());
        let shifted = date.checked_add(calendar).ok()?;
        // jiff clamps a missing day (31 August + 6 months = 28 February): roll forward instead.
        let months_end = if shifted.day() == date.day() {
            shifted
        } else {
            shifted.last_of_month().tomorrow().ok()?
        };
        let exact = Span::new()
            .weeks(self.span.get_weeks())
            .days(self.span.get_days());
        months_end.checked_add(exact).ok()
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
    use proptest::prelude::*;

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

    fn after(wait: &str, from: Date) -> Date {
        Wait::parse(wait).unwrap().after(from)
    }

    /// Each row: a month end, then that date + 1 month, 3 months, 6 months, 1 year and 2 weeks.
    /// A day of month missing from the target month rolls forward to the 1st of the next.
    const MONTH_ENDS: [&str; 24] = [
        "2027-01-31 2027-03-01 2027-05-01 2027-07-31 2028-01-31 2027-02-14",
        "2027-02-28 2027-03-28 2027-05-28 2027-08-28 2028-02-28 2027-03-14",
        "2027-03-31 2027-05-01 2027-07-01 2027-10-01 2028-03-31 2027-04-14",
        "2027-04-30 2027-05-30 2027-07-30 2027-10-30 2028-04-30 2027-05-14",
        "2027-05-31 2027-07-01 2027-08-31 2027-12-01 2028-05-31 2027-06-14",
        "2027-06-30 2027-07-30 2027-09-30 2027-12-30 2028-06-30 2027-07-14",
        "2027-07-31 2027-08-31 2027-10-31 2028-01-31 2028-07-31 2027-08-14",
        "2027-08-31 2027-10-01 2027-12-01 2028-03-01 2028-08-31 2027-09-14",
        "2027-09-30 2027-10-30 2027-12-30 2028-03-30 2028-09-30 2027-10-14",
        "2027-10-31 2027-12-01 2028-01-31 2028-05-01 2028-10-31 2027-11-14",
        "2027-11-30 2027-12-30 2028-03-01 2028-05-30 2028-11-30 2027-12-14",
        "2027-12-31 2028-01-31 2028-03-31 2028-07-01 2028-12-31 2028-01-14",
        "2028-01-31 2028-03-01 2028-05-01 2028-07-31 2029-01-31 2028-02-14",
        "2028-02-29 2028-03-29 2028-05-29 2028-08-29 2029-03-01 2028-03-14",
        "2028-03-31 2028-05-01 2028-07-01 2028-10-01 2029-03-31 2028-04-14",
        "2028-04-30 2028-05-30 2028-07-30 2028-10-30 2029-04-30 2028-05-14",
        "2028-05-31 2028-07-01 2028-08-31 2028-12-01 2029-05-31 2028-06-14",
        "2028-06-30 2028-07-30 2028-09-30 2028-12-30 2029-06-30 2028-07-14",
        "2028-07-31 2028-08-31 2028-10-31 2029-01-31 2029-07-31 2028-08-14",
        "2028-08-31 2028-10-01 2028-12-01 2029-03-01 2029-08-31 2028-09-14",
        "2028-09-30 2028-10-30 2028-12-30 2029-03-30 2029-09-30 2028-10-14",
        "2028-10-31 2028-12-01 2029-01-31 2029-05-01 2029-10-31 2028-11-14",
        "2028-11-30 2028-12-30 2029-03-01 2029-05-30 2029-11-30 2028-12-14",
        "2028-12-31 2029-01-31 2029-03-31 2029-07-01 2029-12-31 2029-01-14",
    ];

    #[test]
    fn month_ends_of_a_common_and_a_leap_year() {
        let waits = ["1 month", "3 months", "6 months", "1 year", "2 weeks"];
        for row in MONTH_ENDS {
            let dates: Vec<Date> = row.split(' ').map(|d| d.parse().unwrap()).collect();
            let (from, ends) = dates.split_first().unwrap();
            assert_eq!(from.tomorrow().unwrap().day(), 1, "{from} is a month end");
            for (wait, end) in waits.iter().zip(ends) {
                assert_eq!(after(wait, *from), *end, "{from} + {wait}");
            }
        }
    }

    #[test]
    fn a_missing_day_rolls_forward_never_back() {
        // The case: last doses on 28–31 August + 6 months no longer all give 28 February.
        for (from, end) in [
            (date(2025, 8, 28), date(2026, 2, 28)),
            (date(2025, 8, 29), date(2026, 3, 1)),
            (date(2025, 8, 30), date(2026, 3, 1)),
            (date(2025, 8, 31), date(2026, 3, 1)),
            (date(2027, 8, 29), date(2028, 2, 29)),
            (date(2026, 3, 31), date(2026, 10, 1)),
            (date(2026, 5, 15), date(2026, 11, 15)),
        ] {
            assert_eq!(after("6 months", from), end, "{from}");
        }
        assert_eq!(after("1 year", date(2028, 2, 29)), date(2029, 3, 1));
        assert_eq!(after("4 years", date(2028, 2, 29)), date(2032, 2, 29));
        assert_eq!(after("1 month", date(2027, 3, 31)), date(2027, 5, 1));
        assert_eq!(after("13 months", date(2027, 1, 29)), date(2028, 2, 29));
        assert_eq!(after("P1Y1M", date(2027, 1, 30)), date(2028, 3, 1));
    }

    #[test]
    fn weeks_and_days_add_exactly_after_the_months() {
        assert_eq!(after("2 weeks", date(2026, 12, 25)), date(2027, 1, 8));
        assert_eq!(after("3 weeks", date(2028, 2, 15)), date(2028, 3, 7));
        assert_eq!(after("30 days", date(2027, 1, 31)), date(2027, 3, 2));
        // 2028-02-29 + 1 year = 2029-03-01, then 2 weeks.
        assert_eq!(
            after("1 year 2 weeks", date(2028, 2, 29)),
            date(2029, 3, 15)
        );
        // 2027-01-31 + 1 month = 2027-03-01, then 1 day.
        assert_eq!(after("1 month 1 day", date(2027, 1, 31)), date(2027, 3, 2));
        assert_eq!(after("0 days", date(2027, 1, 31)), date(2027, 1, 31));
    }

    #[test]
    fn saturates_at_the_last_date() {
        assert_eq!(after("6 months", Date::MAX), Date::MAX);
        assert_eq!(after("2 weeks", Date::MAX), Date::MAX);
        assert_eq!(after("1 month", date(9999, 12, 31)), Date::MAX);
        assert_eq!(after("2 weeks", date(9999, 12, 20)), Date::MAX);
        assert_eq!(after("1 month", date(9999, 10, 31)), date(9999, 12, 1));
    }

    fn wait_strategy() -> impl Strategy<Value = (String, Span, Span)> {
        (0i64..4, 0i64..30, 0i64..10, 0i64..45).prop_map(|(y, m, w, d)| {
            let text = format!("{y} years {m} months {w} weeks {d} days");
            (
                text,
                Span::new().years(y).months(m),
                Span::new().weeks(w).days(d),
            )
        })
    }

    proptest! {
        /// Taking the wait back off its end date never lands before the start (the period is
        /// full), and taking it off the day before the end does (the period is no longer).
        #[test]
        fn the_end_is_the_first_day_of_the_full_period(
            offset in 0i64..(300 * 366),
            (text, calendar, exact) in wait_strategy(),
        ) {
            let from = date(1900, 1, 1).checked_add(Span::new().days(offset)).unwrap();
            let end = after(&text, from);
            let back = |d: Date| d.checked_sub(exact).unwrap().checked_sub(calendar).unwrap();
            prop_assert!(back(end) >= from, "{from} + {text} = {end}");
            if end > from {
                let early = end.yesterday().unwrap();
                prop_assert!(back(early) < from, "{from} + {text} = {end}, {early} suffices");
            }
        }
    }
}
