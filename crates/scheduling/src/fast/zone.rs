//! Where the clinic's clock is plain arithmetic: between daylight-saving changes a local
//! time is the same instant minus one fixed offset, so a day far enough from any change
//! needs no time-zone lookup at all.

use jiff::Timestamp;
use jiff::tz::TimeZone;

const DAY: i64 = 86_400;

/// The offset changes of the zone around a query, in seconds.
#[derive(Debug, Default)]
pub(super) struct Zone {
    /// `(instant of the change, offset from then on)`, in order.
    changes: Vec<(i64, i64)>,
    /// The offset before the first change.
    initial: i64,
    /// The largest offset, either way, in force anywhere around the query.
    widest: i64,
    /// How far `steady` has walked through `changes`.
    cursor: usize,
}

impl Zone {
    /// Loads the changes between `from - 3 days` and `to + 5 days` (Unix seconds of the
    /// UTC midnights of the first and last dates to place). `false` when an offset is not
    /// a whole number of minutes (local mean time of centuries past), which the minute
    /// grid cannot express.
    pub(super) fn load(&mut self, tz: &TimeZone, from: i64, to: i64) -> bool {
        self.changes.clear();
        self.cursor = 0;
        let (Ok(start), Ok(end)) = (
            Timestamp::from_second(from - 3 * DAY),
            Timestamp::from_second(to + 5 * DAY),
        ) else {
            return false;
        };
        self.initial = i64::from(tz.to_offset(start).seconds());
        self.changes.extend(
            tz.following(start)
                .take_while(|t| t.timestamp() < end)
                .map(|t| (t.timestamp().as_second(), i64::from(t.offset().seconds()))),
        );
        self.widest = self
            .changes
            .iter()
            .map(|c| c.1)
            .chain([self.initial])
            .map(i64::abs)
            .max()
            .unwrap_or(0);
        std::iter::once(self.initial)
            .chain(self.changes.iter().map(|c| c.1))
            .all(|o| o % 60 == 0)
    }

    /// The offset in minutes when every local time from the midnight `midnight` (Unix
    /// seconds of that date read as UTC) to two days later names exactly one instant, at
    /// that offset; `None` near a change. Calls must come in increasing `midnight`.
    ///
    /// Local time `c` can only be `c - o` for an offset `o` in force somewhere within
    /// `widest` of it, so no change within `widest` of the two days means one offset,
    /// no gap and no fold.
    pub(super) fn steady(&mut self, midnight: i64) -> Option<i64> {
        let (from, to) = (midnight - self.widest, midnight + 2 * DAY + self.widest);
        while self.cursor < self.changes.len() && self.changes[self.cursor].0 < from {
            self.cursor += 1;
        }
        if self.changes.get(self.cursor).is_some_and(|c| c.0 <= to) {
            return None;
        }
        let offset = match self.cursor {
            0 => self.initial,
            i => self.changes[i - 1].1,
        };
        Some(offset / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Date, Time};
    use jiff::tz::Offset;

    fn midnight(d: &str) -> i64 {
        let d: Date = d.parse().unwrap();
        Offset::UTC
            .to_timestamp(d.to_datetime(Time::midnight()))
            .unwrap()
            .as_second()
    }

    #[test]
    fn steady_away_from_changes_and_not_near_them() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let mut zone = Zone::default();
        assert!(zone.load(&tz, midnight("2027-03-01"), midnight("2027-03-31")));
        assert_eq!(zone.steady(midnight("2027-03-05")), Some(-300));
        // The change is on 2027-03-14 at 07:00 UTC; a day's two-day reach plus five hours.
        assert_eq!(zone.steady(midnight("2027-03-12")), Some(-300));
        assert_eq!(zone.steady(midnight("2027-03-13")), None);
        assert_eq!(zone.steady(midnight("2027-03-14")), None);
        assert_eq!(zone.steady(midnight("2027-03-15")), Some(-240));
    }

    #[test]
    fn fixed_zones_are_always_steady_and_old_offsets_are_refused() {
        let mut zone = Zone::default();
        assert!(zone.load(
            &TimeZone::UTC,
            midnight("2027-03-01"),
            midnight("2027-03-31")
        ));
        assert_eq!(zone.steady(midnight("2027-03-14")), Some(0));
        let tz = TimeZone::get("America/New_York").unwrap();
        assert!(!zone.load(&tz, midnight("1850-01-01"), midnight("1850-01-31")));
    }
}
