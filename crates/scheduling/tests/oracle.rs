//! The fast engine against the reference engine, its oracle: on random clinics (opening
//! spans past midnight, date overrides, phases, rooms, closures, time off, holds off the
//! minute, notice, horizon, a practitioner filter) over daylight-saving days in zones with
//! whole-hour, half-hour and skipped-day changes, both must give exactly the same slots.
//! A disagreement shrinks to a small clinic.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use scheduling::*;

const ZONES: &[&str] = &[
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Pacific/Apia",
    "UTC",
];

/// A plain month, and days shortly before changes: London and New York in spring and
/// autumn, Lord Howe's half hour, and Samoa's skipped 30 December 2011.
const BASES: &[&str] = &[
    "2027-06-01",
    "2027-03-12",
    "2027-03-26",
    "2027-10-29",
    "2027-11-05",
    "2027-04-02",
    "2027-10-01",
    "2011-12-27",
];

/// `(start minute of day, length in minutes)`; a span may run past midnight.
type RawSpan = (u32, u32);

#[derive(Clone, Debug)]
struct RawPractitioner {
    /// Takes the id of the practitioner before it, to share its holds.
    same_id: bool,
    weekly: Vec<Vec<RawSpan>>,
    /// `(day offset from base, spans)`.
    dates: Vec<(u32, Vec<RawSpan>)>,
    offers: bool,
    /// `(whole days, day offset, minute, seconds, length in minutes)`.
    time_off: Vec<(bool, u32, u32, u32, u32)>,
}

#[derive(Clone, Debug)]
struct Case {
    zone: usize,
    base: usize,
    days: u32,
    step: u32,
    notice: i64,
    /// Minutes after the midnight before the base, and nanoseconds past that.
    now: (u32, u32),
    horizon: u32,
    not_before: Option<u32>,
    closures: Vec<(u32, u32)>,
    practitioners: Vec<RawPractitioner>,
    /// 0: everyone; 1: the first practitioner; 2: an unknown id.
    filter: u8,
    rooms: usize,
    /// `(minutes, uses practitioner, uses room)`.
    phases: Vec<(u32, bool, bool)>,
    /// `(resource, minute from base midnight, nanoseconds past it, length in minutes)`;
    /// a resource index past the known ones names an unknown resource.
    holds: Vec<(usize, u32, u64, i64)>,
    chunk_days: u32,
}

fn raw_span() -> impl Strategy<Value = RawSpan> {
    (
        (0u32..288).prop_map(|q| q * 5),
        (1u32..=288).prop_map(|q| q * 5),
    )
}

fn raw_practitioner() -> impl Strategy<Value = RawPractitioner> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(prop::collection::vec(raw_span(), 0..=2), 7),
        prop::collection::vec((0u32..45, prop::collection::vec(raw_span(), 0..=2)), 0..=2),
        prop::bool::weighted(0.9),
        prop::collection::vec(
            (
                any::<bool>(),
                0u32..45,
                0u32..1440,
                prop_oneof![3 => Just(0u32), 1 => 0u32..60],
                1u32..2000,
            ),
            0..=2,
        ),
    )
        .prop_map(
            |(same_id, weekly, dates, offers, time_off)| RawPractitioner {
                same_id,
                weekly,
                dates,
                offers,
                time_off,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            0..ZONES.len(),
            0..BASES.len(),
            prop_oneof![3 => 1u32..=4, 1 => 1u32..=40],
            prop::sample::select(vec![1u32, 5, 10, 15, 20, 30, 45, 60, 90]),
            -60i64..=2880,
            (
                0u32..2880,
                prop_oneof![1 => Just(0u32), 1 => 0u32..1_000_000_000],
            ),
            prop_oneof![1 => 0u32..=6, 3 => 0u32..=60],
            prop::option::weighted(0.2, 0u32..5),
            prop::collection::vec((0u32..45, 0u32..3), 0..=2),
        ),
        (
            prop::collection::vec(raw_practitioner(), 1..=4),
            prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
            0usize..=3,
            prop::collection::vec(
                (
                    (0u32..=24).prop_map(|q| q * 5),
                    any::<bool>(),
                    any::<bool>(),
                ),
                1..=4,
            ),
            prop::collection::vec(
                (
                    0usize..9,
                    0u32..(45 * 1440),
                    prop_oneof![3 => Just(0u64), 1 => 0u64..120_000_000_000],
                    -30i64..=300,
                ),
                0..=60,
            ),
            1u32..=40,
        ),
    )
        .prop_map(
            |(
                (zone, base, days, step, notice, now, horizon, not_before, closures),
                (practitioners, filter, rooms, phases, holds, chunk_days),
            )| Case {
                zone,
                base,
                days,
                step,
                notice,
                now,
                horizon,
                not_before,
                closures,
                practitioners,
                filter,
                rooms,
                phases,
                holds,
                chunk_days,
            },
        )
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

struct World {
    schedule: Schedule,
    service: Service,
    holds: Vec<Hold>,
    from: Date,
    to: Date,
    now: Timestamp,
    not_before: Option<Date>,
    filter: Option<String>,
}

fn build(case: &Case) -> World {
    let tz = TimeZone::get(ZONES[case.zone]).unwrap();
    let base: Date = BASES[case.base].parse().unwrap();
    let midnight = resolve(&tz, base.to_datetime(Time::midnight()));
    let mut practitioners: Vec<Practitioner> = Vec::new();
    for (i, raw) in case.practitioners.iter().enumerate() {
        let id = match practitioners.last() {
            Some(before) if raw.same_id => before.id.clone(),
            _ => format!("practitioner-{i}"),
        };
        practitioners.push(Practitioner {
            id,
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
                .map(|&(days, off, m, secs, len)| {
                    let d = plus_days(base, off);
                    if days {
                        TimeOff::Days {
                            from: d,
                            to: plus_days(d, len / 500),
                        }
                    } else {
                        let from =
                            d.to_datetime(minute(m)) + SignedDuration::from_secs(i64::from(secs));
                        TimeOff::Between {
                            from,
                            to: from + SignedDuration::from_mins(i64::from(len)),
                        }
                    }
                })
                .collect(),
        });
    }
    let rooms: Vec<String> = (0..case.rooms).map(|r| format!("room-{r}")).collect();
    let resources: Vec<Resource> = practitioners
        .iter()
        .map(|p| Resource::Practitioner(p.id.clone()))
        .chain(rooms.iter().cloned().map(Resource::Room))
        .collect();
    let holds = case
        .holds
        .iter()
        .map(|&(r, m, nanos, len)| {
            let start = midnight
                + SignedDuration::from_mins(i64::from(m))
                + SignedDuration::from_nanos(nanos as i64);
            Hold {
                resource: resources
                    .get(r)
                    .cloned()
                    .unwrap_or(Resource::Room("elsewhere".into())),
                start,
                end: start + SignedDuration::from_mins(len),
            }
        })
        .collect();
    let schedule = Schedule {
        timezone: tz.clone(),
        step_minutes: case.step,
        min_notice: SignedDuration::from_mins(case.notice),
        horizon_days: case.horizon,
        closures: case
            .closures
            .iter()
            .map(|&(off, len)| (plus_days(base, off), plus_days(base, off + len)))
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
    // `now` from the day before the base, so today, notice and horizon all bite sometimes.
    let now = midnight - SignedDuration::from_hours(24)
        + SignedDuration::from_mins(i64::from(case.now.0))
        + SignedDuration::from_nanos(i64::from(case.now.1));
    let filter = match case.filter {
        0 => None,
        1 => Some(schedule.practitioners[0].id.clone()),
        _ => Some("nobody".into()),
    };
    World {
        schedule,
        service,
        holds,
        from: base,
        to: plus_days(base, case.days - 1),
        now,
        not_before: case.not_before.map(|n| plus_days(base, n)),
        filter,
    }
}

impl World {
    fn query(&self) -> Query<'_> {
        Query {
            from: self.from,
            to: self.to,
            practitioner: self.filter.as_deref(),
            now: self.now,
            not_before: self.not_before,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fast_engine_gives_the_reference_answers(case in case()) {
        let w = build(&case);
        let want = reference::availability(&w.schedule, &w.service, &w.holds, &w.query());
        let mut buffer = Availability::new().with_chunk_days(case.chunk_days);
        let got = buffer.compute(&w.schedule, &w.service, &w.holds, &w.query()).to_slots();
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(&buffer.compute_prepared(&w.schedule, &w.service, &PreparedHolds::new(w.holds.clone()), &w.query()).to_slots(), &want);
        // Prepared once, as the store's holds cache keeps them: with holds before and after
        // the window too (the cache covers far more than one query) and some overlapping.
        let mut wider = w.holds.clone();
        for days in [-9, 3, 45] {
            wider.extend(w.holds.iter().map(|h| Hold {
                start: h.start + SignedDuration::from_hours(24 * days),
                end: h.end + SignedDuration::from_hours(24 * days),
                ..h.clone()
            }));
        }
        // The production entry point, with its buffer kept between calls.
        prop_assert_eq!(&availability(&w.schedule, &w.service, &w.holds, &w.query()), &want);
        let want = reference::availability(&w.schedule, &w.service, &wider, &w.query());
        let prepared = PreparedHolds::new(wider);
        let got = buffer.compute_prepared(&w.schedule, &w.service, &prepared, &w.query()).to_slots();
        prop_assert_eq!(&got, &want);
    }
}

/// The shrunk cases proptest once found, kept so they stay fixed.
#[test]
fn a_slot_on_a_busy_week_matches() {
    let case = Case {
        zone: 1,
        base: 1,
        days: 9,
        step: 15,
        notice: 720,
        now: (600, 0),
        horizon: 60,
        not_before: None,
        closures: vec![],
        practitioners: vec![RawPractitioner {
            same_id: false,
            weekly: vec![vec![(540, 480)]; 7],
            dates: vec![],
            offers: true,
            time_off: vec![],
        }],
        filter: 0,
        rooms: 1,
        phases: vec![(30, false, true), (45, true, true), (15, false, true)],
        holds: vec![(0, 600, 0, 45), (1, 2040, 0, 90)],
        chunk_days: 3,
    };
    let w = build(&case);
    let want = reference::availability(&w.schedule, &w.service, &w.holds, &w.query());
    assert!(!want.is_empty());
    assert_eq!(
        availability(&w.schedule, &w.service, &w.holds, &w.query()),
        want
    );
    let prepared = PreparedHolds::new(w.holds.clone());
    let mut buffer = Availability::new();
    let got = buffer.compute_prepared(&w.schedule, &w.service, &prepared, &w.query());
    assert_eq!(got.to_slots(), want);
}
