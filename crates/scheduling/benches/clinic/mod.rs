//! The busy clinic the benchmarks share: 10 practitioners, 5 rooms, Mon-Sat 09:00-17:00,
//! a three-phase service and a 30-day query over up to 2,000 existing bookings.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use scheduling::*;

/// A deterministic xorshift so the bench needs no extra dependencies.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The clinic, its service, the bookings' holds, and the query's first date and `now`.
pub struct Clinic {
    pub schedule: Schedule,
    pub service: Service,
    pub holds: Vec<Hold>,
    pub from: Date,
    pub now: Timestamp,
}

impl Clinic {
    /// The clinic with `bookings` random bookings (two holds each) in the month.
    pub fn new(bookings: usize) -> Clinic {
        let tz = TimeZone::get("America/New_York").unwrap();
        let span = DaySpan::new(
            Time::new(9, 0, 0, 0).unwrap(),
            Time::new(17, 0, 0, 0).unwrap(),
        );
        let weekly: WeeklyHours = std::array::from_fn(|d| if d < 6 { vec![span] } else { vec![] });
        let schedule = Schedule {
            timezone: tz.clone(),
            step_minutes: 15,
            min_notice: SignedDuration::from_mins(720),
            horizon_days: 90,
            closures: vec![],
            practitioners: (0..10)
                .map(|i| Practitioner {
                    id: format!("practitioner-{i}"),
                    services: vec!["full-face".into()],
                    weekly: weekly.clone(),
                    dates: Default::default(),
                    time_off: vec![],
                })
                .collect(),
            rooms: (1..=5).map(|i| format!("room-{i}")).collect(),
        };
        let phase = |minutes, uses_practitioner, uses_room| Phase {
            minutes,
            uses_practitioner,
            uses_room,
        };
        let service = Service {
            id: "full-face".into(),
            phases: vec![
                phase(30, false, true),
                phase(45, true, true),
                phase(15, false, true),
            ],
        };
        let from: Date = "2027-06-01".parse().unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut holds = Vec::new();
        while holds.len() < bookings * 2 {
            let day = from
                .checked_add(jiff::Span::new().days(rng.below(30) as i64))
                .unwrap();
            if day.weekday() == jiff::civil::Weekday::Sunday {
                continue;
            }
            // On the 15-minute grid, 09:00 to 15:30 so the 90 minutes fit.
            let minute = 9 * 60 + 15 * rng.below(27) as i64;
            let start = tz.to_timestamp(day.to_datetime(Time::midnight())).unwrap()
                + SignedDuration::from_mins(minute);
            let assignment = Assignment {
                practitioner: format!("practitioner-{}", rng.below(10)),
                room: format!("room-{}", 1 + rng.below(5)),
            };
            holds.extend(holds_for(&service, start, &assignment));
        }
        let now = tz
            .to_timestamp("2027-05-31T08:00".parse().unwrap())
            .unwrap();
        Clinic {
            schedule,
            service,
            holds,
            from,
            now,
        }
    }

    /// The 30-day query from the first of the month.
    pub fn query(&self) -> Query<'_> {
        Query {
            from: self.from,
            to: self.from.checked_add(jiff::Span::new().days(29)).unwrap(),
            practitioner: None,
            now: self.now,
            not_before: None,
        }
    }
}

impl Clinic {
    /// A start in the middle of the month, for `check`.
    pub fn mid_month(&self) -> Timestamp {
        self.schedule
            .timezone
            .to_timestamp("2027-06-15T10:00".parse().unwrap())
            .unwrap()
    }
}
