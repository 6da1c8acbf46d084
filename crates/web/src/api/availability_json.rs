//! The body of `GET /availability`, written straight from the engine's borrowed answers:
//! the hot path of the API, so no owned slot, no string per time and no value tree, only
//! bytes appended to the one buffer that becomes the response. The bytes are exactly what
//! serialising the documented shape with `serde_json` gives (the tests hold it to that).

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use scheduling::Answers;

/// `{"service":…,"timezone":…,"slots":[{"start":…,"end":…,"practitioners":[…]},…]}`,
/// times in RFC 3339 with the clinic's offset at that instant.
pub(crate) fn availability_body(
    service: &str,
    timezone: &str,
    tz: &TimeZone,
    answers: Option<Answers<'_>>,
) -> Vec<u8> {
    let count = answers.map_or(0, |a| a.len());
    let mut out = Vec::with_capacity(64 + service.len() + timezone.len() + count * 100);
    out.extend_from_slice(b"{\"service\":");
    string(&mut out, service);
    out.extend_from_slice(b",\"timezone\":");
    string(&mut out, timezone);
    out.extend_from_slice(b",\"slots\":[");
    let (mut starts, mut ends) = (Offsets::new(tz), Offsets::new(tz));
    for (i, slot) in answers.iter().flat_map(|a| a.iter()).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"start\":\"");
        time(&mut out, slot.start, starts.at(slot.start));
        out.extend_from_slice(b"\",\"end\":\"");
        time(&mut out, slot.end, ends.at(slot.end));
        out.extend_from_slice(b"\",\"practitioners\":[");
        for (j, (practitioner, _room)) in slot.options().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            string(&mut out, practitioner);
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}");
    out
}

/// A JSON string, escaped as `serde_json` escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The zone's offset for increasing instants, looked up again only when one passes the
/// next transition: a month of starts crosses at most a couple.
struct Offsets<'a> {
    tz: &'a TimeZone,
    from: Timestamp,
    until: Timestamp,
    offset: Offset,
}

impl<'a> Offsets<'a> {
    fn new(tz: &'a TimeZone) -> Offsets<'a> {
        Offsets {
            tz,
            from: Timestamp::MAX,
            until: Timestamp::MIN,
            offset: Offset::UTC,
        }
    }

    fn at(&mut self, t: Timestamp) -> Offset {
        if t < self.from || t >= self.until {
            self.offset = self.tz.to_offset(t);
            self.from = t;
            self.until = self
                .tz
                .following(t)
                .next()
                .map_or(Timestamp::MAX, |transition| transition.timestamp());
        }
        self.offset
    }
}

/// `YYYY-MM-DDTHH:MM:SS±HH:MM`, as `clinic::rfc3339` writes a zoned time.
fn time(out: &mut Vec<u8>, t: Timestamp, offset: Offset) {
    let dt = offset.to_datetime(t);
    let year = dt.year();
    if (0..=9999).contains(&year) {
        digits(out, year as u32 / 100);
        digits(out, year as u32 % 100);
    } else {
        out.extend_from_slice(format!("{year:04}").as_bytes());
    }
    out.push(b'-');
    digits(out, dt.month() as u32);
    out.push(b'-');
    digits(out, dt.day() as u32);
    out.push(b'T');
    digits(out, dt.hour() as u32);
    out.push(b':');
    digits(out, dt.minute() as u32);
    out.push(b':');
    digits(out, dt.second() as u32);
    let seconds = offset.seconds();
    out.push(if seconds < 0 { b'-' } else { b'+' });
    let seconds = seconds.unsigned_abs();
    digits(out, seconds / 3600);
    out.push(b':');
    digits(out, seconds % 3600 / 60);
}

/// Two digits, zero first.
fn digits(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(&[b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Date, Time};
    use jiff::{SignedDuration, ZonedDateTime};
    use scheduling::{
        Availability, DaySpan, Phase, Practitioner, PreparedHolds, Query, Schedule, Service,
        WeeklyHours,
    };
    use serde::Serialize;

    /// The shape the API documents, serialised the plain way.
    #[derive(Serialize)]
    struct Body<'a> {
        service: &'a str,
        timezone: &'a str,
        slots: Vec<SlotOut<'a>>,
    }

    #[derive(Serialize)]
    struct SlotOut<'a> {
        start: String,
        end: String,
        practitioners: Vec<&'a str>,
    }

    fn clinic(zone: &str) -> (Schedule, Service) {
        let tz = TimeZone::get(zone).unwrap();
        // Open around the clock, so starts fall on both sides of each change of offset.
        let span = DaySpan::new(Time::midnight(), Time::midnight());
        let weekly: WeeklyHours = std::array::from_fn(|_| vec![span]);
        let practitioner = |id: &str| Practitioner {
            id: id.into(),
            services: vec!["peel".into()],
            weekly: weekly.clone(),
            dates: Default::default(),
            time_off: vec![],
        };
        let schedule = Schedule {
            timezone: tz,
            step_minutes: 30,
            min_notice: SignedDuration::ZERO,
            horizon_days: 400,
            closures: vec![],
            practitioners: vec![practitioner("ana"), practitioner("zoë \"z\" \\ o'neil")],
            rooms: vec!["room-1".into()],
        };
        let service = Service {
            id: "peel".into(),
            phases: vec![Phase {
                minutes: 45,
                uses_practitioner: true,
                uses_room: true,
            }],
        };
        (schedule, service)
    }

    #[test]
    fn writes_what_serde_writes_for_the_documented_shape() {
        // Whole-hour and half-hour changes, a zone west of UTC and one with none.
        for (zone, from) in [
            ("Europe/London", "2027-03-27"),
            ("America/New_York", "2027-11-06"),
            ("Australia/Lord_Howe", "2027-04-03"),
            ("Asia/Kathmandu", "2027-06-01"),
            ("UTC", "2027-12-31"),
        ] {
            let (schedule, service) = clinic(zone);
            let from: Date = from.parse().unwrap();
            let query = Query {
                from,
                to: from.tomorrow().unwrap().tomorrow().unwrap(),
                practitioner: None,
                now: "2027-01-01T00:00Z".parse().unwrap(),
                not_before: None,
            };
            let holds = PreparedHolds::new(vec![]);
            let mut buffer = Availability::new();
            let answers = buffer.compute_prepared(&schedule, &service, &holds, &query);
            assert!(answers.len() > 100, "{zone}");
            let got = availability_body("peel", zone, &schedule.timezone, Some(answers));
            let want = serde_json::to_vec(&Body {
                service: "peel",
                timezone: zone,
                slots: answers
                    .to_slots()
                    .iter()
                    .map(|s| SlotOut {
                        start: clinic::rfc3339(&s.start),
                        end: clinic::rfc3339(&s.end),
                        practitioners: s
                            .options
                            .iter()
                            .map(|o| {
                                schedule
                                    .practitioners
                                    .iter()
                                    .find(|p| p.id == o.practitioner)
                                    .unwrap()
                                    .id
                                    .as_str()
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "{zone}"
            );
        }
    }

    #[test]
    fn no_answers_is_an_empty_list() {
        let tz = TimeZone::UTC;
        let got = availability_body("a \"b\"", "UTC", &tz, None);
        assert_eq!(
            String::from_utf8(got).unwrap(),
            r#"{"service":"a \"b\"","timezone":"UTC","slots":[]}"#
        );
        let z = ZonedDateTime::new(Timestamp::UNIX_EPOCH, tz.clone());
        let mut out = Vec::new();
        time(&mut out, z.timestamp(), Offset::UTC);
        assert_eq!(String::from_utf8(out).unwrap(), clinic::rfc3339(&z));
    }
}
