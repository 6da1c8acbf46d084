//! Properties of the engine over random clinics, hours, holds and daylight-saving days:
//! offered slots never collide with holds, `check` accepts exactly what is offered, a
//! booked combination is not offered again, nothing falls outside hours, and the order of
//! inputs does not matter.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use scheduling::*;

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/London",
    "Australia/Adelaide",
    "Asia/Kolkata",
    "UTC",
];

/// Days on or just before a daylight-saving change in one of the zones, plus a plain one.
const BASES: &[&str] = &[
    "2027-03-13",
    "2027-03-27",
    "2027-04-03",
    "2027-06-01",
    "2027-10-02",
    "2027-10-30",
    "2027-11-06",
];

/// `(start minute of day, length in minutes)`; the span may run past midnight.
type RawSpan = (u32, u32);

#[derive(Clone, Debug)]
struct RawPractitioner {
    weekly: Vec<Vec<RawSpan>>,
    /// `(day offset from base, spans)`.
    dates: Vec<(u32, Vec<RawSpan>)>,
    offers: bool,
    /// `(is whole days, day offset, minute, length in minutes)`.
    time_off: Vec<(bool, u32, u32, u32)>,
}

#[derive(Clone, Debug)]
struct Case {
    zone: usize,
    base: usize,
    step: u32,
    notice_minutes: i64,
    now_minutes: u32,
    horizon: u32,
    not_before: Option<u32>,
    closure: Option<(u32, u32)>,
    practitioners: Vec<RawPractitioner>,
    rooms: usize,
    /// `(minutes, uses practitioner, uses room)`.
    phases: Vec<(u32, bool, bool)>,
    /// `(resource index, minute from base midnight, length)`; index past the known
    /// resources names an unknown one, which must be ignored.
    holds: Vec<(usize, u32, u32)>,
}

fn raw_span() -> impl Strategy<Value = RawSpan> {
    (
        (0u32..96).prop_map(|q| q * 15),
        (2u32..=48).prop_map(|q| q * 15),
    )
}

fn raw_practitioner() -> impl Strategy<Value = RawPractitioner> {
    (
        prop::collection::vec(prop::collection::vec(raw_span(), 0..=2), 7),
        prop::collection::vec((0u32..4, prop::collection::vec(raw_span(), 0..=2)), 0..=2),
        prop::bool::weighted(0.9),
        prop::collection::vec((any::<bool>(), 0u32..4, 0u32..1440, 15u32..600), 0..=2),
    )
        .prop_map(|(weekly, dates, offers, time_off)| RawPractitioner {
            weekly,
            dates,
            offers,
            time_off,
        })
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            0..ZONES.len(),
            0..BASES.len(),
            prop::sample::select(vec![5u32, 10, 15, 20, 30]),
            0i64..=1440,
            0u32..1440,
            0u32..=6,
            prop::option::weighted(0.2, 0u32..3),
            prop::option::weighted(0.2, (0u32..4, 0u32..2)),
        ),
        (
            prop::collection::vec(raw_practitioner(), 1..=3),
            1usize..=3,
            prop::collection::vec(
                (
                    (1u32..=12).prop_map(|q| q * 5),
                    any::<bool>(),
                    any::<bool>(),
                ),
                1..=3,
            ),
            prop::collection::vec((0usize..8, 0u32..(4 * 1440), 5u32..=240), 0..=25),
        ),
    )
        .prop_map(
            |(
                (zone, base, step, notice_minutes, now_minutes, horizon, not_before, closure),
                (practitioners, rooms, phases, holds),
            )| Case {
                zone,
                base,
                step,
                notice_minutes,
                now_minutes,
                horizon,
                not_before,
                closure,
                practitioners,
                rooms,
                phases,
                holds,
            },
        )
}

/// A case turned into engine inputs.
struct World {
    schedule: Schedule,
    service: Service,
    holds: Vec<Hold>,
    from: Date,
    to: Date,
    now: Timestamp,
    not_before: Option<Date>,
}

fn plus_days(d: Date, n: u32) -> Date {
    d.checked_add(jiff::Span::new().days(i64::from(n))).unwrap()
}

fn minute(m: u32) -> Time {
    Time::new((m / 60) as i8, (m % 60) as i8, 0, 0).unwrap()
}

fn day_span((start, len): RawSpan) -> DaySpan {
    DaySpan::new(minute(start), minute((start + len) % 1440))
}

fn resolve(tz: &TimeZone, dt: DateTime) -> Timestamp {
    tz.to_ambiguous_timestamp(dt).compatible().unwrap()
}

fn build(case: &Case) -> World {
    let tz = TimeZone::get(ZONES[case.zone]).unwrap();
    let base: Date = BASES[case.base].parse().unwrap();
    let midnight = resolve(&tz, base.to_datetime(Time::midnight()));
    let practitioners: Vec<Practitioner> = case
        .practitioners
        .iter()
        .enumerate()
        .map(|(i, raw)| Practitioner {
            id: format!("p{i}"),
            services: if raw.offers {
                vec!["other".into(), "svc".into()]
            } else {
                vec!["other".into()]
            },
            weekly: std::array::from_fn(|d| raw.weekly[d].iter().copied().map(day_span).collect()),
            dates: raw
                .dates
                .iter()
                .map(|(off, spans)| {
                    (
                        plus_days(base, *off),
                        spans.iter().copied().map(day_span).collect(),
                    )
                })
                .collect::<BTreeMap<_, _>>(),
            time_off: raw
                .time_off
                .iter()
                .map(|&(days, off, m, len)| {
                    let d = plus_days(base, off);
                    if days {
                        TimeOff::Days {
                            from: d,
                            to: plus_days(d, len / 300),
                        }
                    } else {
                        let from = d.to_datetime(minute(m));
                        TimeOff::Between {
                            from,
                            to: from
                                .checked_add(SignedDuration::from_mins(i64::from(len)))
                                .unwrap(),
                        }
                    }
                })
                .collect(),
        })
        .collect();
    let rooms: Vec<String> = (0..case.rooms).map(|r| format!("r{r}")).collect();
    let resources: Vec<Resource> = practitioners
        .iter()
        .map(|p| Resource::Practitioner(p.id.clone()))
        .chain(rooms.iter().cloned().map(Resource::Room))
        .collect();
    let holds = case
        .holds
        .iter()
        .map(|&(r, m, len)| {
            let start = midnight + SignedDuration::from_mins(i64::from(m));
            Hold {
                resource: resources
                    .get(r)
                    .cloned()
                    .unwrap_or(Resource::Room("unknown".into())),
                start,
                end: start + SignedDuration::from_mins(i64::from(len)),
            }
        })
        .collect();
    let schedule = Schedule {
        timezone: tz.clone(),
        step_minutes: case.step,
        min_notice: SignedDuration::from_mins(case.notice_minutes),
        horizon_days: case.horizon,
        closures: case
            .closure
            .map(|(off, len)| (plus_days(base, off), plus_days(base, off + len)))
            .into_iter()
            .collect(),
        practitioners,
        rooms,
    };
    let service = Service {
        id: "svc".into(),
        phases: case
            .phases
            .iter()
            .map(|&(minutes, uses_practitioner, uses_room)| Phase {
                minutes,
                uses_practitioner,
                uses_room,
            })
            .collect(),
    };
    // `now` on the day before the base, so today, notice and horizon all bite sometimes.
    let now = midnight - SignedDuration::from_hours(24)
        + SignedDuration::from_mins(i64::from(case.now_minutes));
    World {
        schedule,
        service,
        holds,
        from: base,
        to: plus_days(base, 2),
        now,
        not_before: case.not_before.map(|n| plus_days(base, n)),
    }
}

impl World {
    fn query(&self) -> Query<'_> {
        Query {
            from: self.from,
            to: self.to,
            practitioner: None,
            now: self.now,
            not_before: self.not_before,
        }
    }

    fn check(
        &self,
        holds: &[Hold],
        start: Timestamp,
        who: Option<&str>,
    ) -> Result<Assignment, Unavailable> {
        check(
            &self.schedule,
            &self.service,
            holds,
            start,
            who,
            self.now,
            self.not_before,
        )
    }

    /// Independent of the engine: does a booking from `start` lie wholly inside one of the
    /// practitioner's spans (of the start's date or the day before)?
    fn inside_hours(&self, who: &str, start: Timestamp, end: Timestamp) -> bool {
        let tz = &self.schedule.timezone;
        let p = self
            .schedule
            .practitioners
            .iter()
            .find(|p| p.id == who)
            .unwrap();
        let date = tz.to_datetime(start).date();
        [date.yesterday().unwrap(), date].into_iter().any(|d| {
            let spans = p
                .dates
                .get(&d)
                .unwrap_or(&p.weekly[d.weekday().to_monday_zero_offset() as usize]);
            spans.iter().any(|s| {
                let end_date = if s.end <= s.start {
                    d.tomorrow().unwrap()
                } else {
                    d
                };
                let a = resolve(tz, d.to_datetime(s.start));
                let b = resolve(tz, end_date.to_datetime(s.end));
                a <= start && end <= b
            })
        })
    }
}

fn overlaps(a: &Hold, b: &Hold) -> bool {
    a.resource == b.resource && a.start < b.end && b.start < a.end
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn offered_slots_are_sound(case in case()) {
        let w = build(&case);
        let slots = availability(&w.schedule, &w.service, &w.holds, &w.query());

        for pair in slots.windows(2) {
            prop_assert!(pair[0].start.timestamp() < pair[1].start.timestamp(), "sorted, distinct");
        }
        for slot in &slots {
            let start = slot.start.timestamp();
            prop_assert!(!slot.options.is_empty());
            prop_assert_eq!(slot.end.timestamp() - start, w.service.duration());
            prop_assert!(start >= w.now + w.schedule.min_notice);
            let date = slot.start.date();
            prop_assert!(date >= w.from && date <= w.to);
            if let Some(nb) = w.not_before {
                prop_assert!(date >= nb);
            }
            // Options follow schedule order, one per practitioner.
            let order: Vec<usize> = slot.options.iter()
                .map(|o| w.schedule.practitioners.iter().position(|p| p.id == o.practitioner).unwrap())
                .collect();
            prop_assert!(order.windows(2).all(|p| p[0] < p[1]), "{:?}", order);
            prop_assert_eq!(w.check(&w.holds, start, None), Ok(slot.options[0].clone()));

            for option in &slot.options {
                // (1) nothing it would hold is already held.
                let taking = holds_for(&w.service, start, option);
                for new in &taking {
                    prop_assert!(!w.holds.iter().any(|h| overlaps(h, new)), "{:?} collides", new);
                }
                // (3) wholly inside one of the practitioner's spans.
                prop_assert!(w.inside_hours(&option.practitioner, start, slot.end.timestamp()));
                // (2) check accepts it, and once booked that combination is gone.
                let who = Some(option.practitioner.as_str());
                prop_assert_eq!(w.check(&w.holds, start, who), Ok(option.clone()));
                // A service that holds nothing can be booked any number of times.
                if !taking.is_empty() {
                    let mut booked = w.holds.clone();
                    booked.extend(taking);
                    match w.check(&booked, start, who) {
                        Ok(again) => prop_assert_ne!(again.room, option.room.clone()),
                        Err(e) => prop_assert_eq!(e, Unavailable::Taken(start)),
                    }
                }
            }
        }
    }

    #[test]
    fn order_of_inputs_does_not_matter(case in case(), seed in any::<u64>()) {
        let w = build(&case);
        let slots = availability(&w.schedule, &w.service, &w.holds, &w.query());

        let mut reversed = w.holds.clone();
        reversed.reverse();
        prop_assert_eq!(&availability(&w.schedule, &w.service, &reversed, &w.query()), &slots);

        let mut shuffled = w.holds.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(&availability(&w.schedule, &w.service, &shuffled, &w.query()), &slots);

        let mut schedule = w.schedule.clone();
        schedule.closures.reverse();
        for p in &mut schedule.practitioners {
            p.time_off.reverse();
        }
        prop_assert_eq!(&availability(&schedule, &w.service, &w.holds, &w.query()), &slots);
    }

    #[test]
    fn check_accepts_exactly_what_is_offered(case in case()) {
        let w = build(&case);
        let who = w.schedule.practitioners.first().map(|p| p.id.clone());
        for filter in [None, who.as_deref()] {
            let mut query = w.query();
            query.practitioner = filter;
            let slots = availability(&w.schedule, &w.service, &w.holds, &query);
            // Every 5 minutes over the first day of the query, in real time.
            let tz = &w.schedule.timezone;
            let mut t = resolve(tz, w.from.to_datetime(Time::midnight()));
            let end = resolve(tz, w.from.tomorrow().unwrap().to_datetime(Time::midnight()));
            while t < end {
                let offered = slots.iter().find(|s| s.start.timestamp() == t);
                match (w.check(&w.holds, t, filter), offered) {
                    (Ok(a), Some(slot)) => prop_assert_eq!(a, slot.options[0].clone()),
                    (Err(_), None) => {}
                    (got, offered) => prop_assert!(false, "{}: check {:?} vs offered {:?}", t, got, offered),
                }
                t += SignedDuration::from_mins(5);
            }
        }
    }
}
