//! iCalendar (RFC 5545) invites with the clinic's own time zone.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// What an invite describes.
pub struct Event<'a> {
    pub uid: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub start: Timestamp,
    pub end: Timestamp,
    pub timezone: &'a TimeZone,
    /// Bumped when the event moves, so calendars replace the old one.
    pub sequence: i64,
    pub cancelled: bool,
    pub organizer_email: &'a str,
    pub organizer_name: &'a str,
}

/// A complete VCALENDAR with one VEVENT and the clinic's VTIMEZONE.
pub fn calendar(event: &Event<'_>) -> String {
    let tz_name = event.timezone.iana_name().unwrap_or("UTC");
    let start = event.start.to_zoned_datetime(event.timezone.clone());
    let end = event.end.to_zoned_datetime(event.timezone.clone());
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Collagen//Clinic booking//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!(
            "METHOD:{}",
            if event.cancelled { "CANCEL" } else { "PUBLISH" }
        ),
    ];
    lines.extend(vtimezone(tz_name, event.timezone, event.start));
    lines.extend([
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("DTSTAMP:{}", Timestamp::now().strftime("%Y%m%dT%H%M%SZ")),
        format!("DTSTART;TZID={tz_name}:{}", local(&start)),
        format!("DTEND;TZID={tz_name}:{}", local(&end)),
        format!("SEQUENCE:{}", event.sequence),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("DESCRIPTION:{}", escape(event.description)),
        format!("LOCATION:{}", escape(event.location)),
        format!(
            "ORGANIZER;CN={}:mailto:{}",
            escape(event.organizer_name),
            event.organizer_email
        ),
        format!(
            "STATUS:{}",
            if event.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]);
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

fn local(z: &ZonedDateTime) -> String {
    z.strftime("%Y%m%dT%H%M%S").to_string()
}

/// The zone's rules around the event: each transition of the surrounding year as its own
/// STANDARD or DAYLIGHT component, or one STANDARD for a zone without changes.
fn vtimezone(name: &str, tz: &TimeZone, around: Timestamp) -> Vec<String> {
    let mut lines = vec!["BEGIN:VTIMEZONE".to_owned(), format!("TZID:{name}")];
    let from = around - jiff::SignedDuration::from_hours(24 * 366);
    let to = around + jiff::SignedDuration::from_hours(24 * 366);
    let mut previous = tz.to_offset(from);
    let mut any = false;
    for transition in tz.following(from).take_while(|t| t.timestamp() < to) {
        let offset = transition.offset();
        let kind = if transition.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let wall = transition
            .timestamp()
            .to_zoned_datetime(TimeZone::fixed(offset));
        lines.push(format!("BEGIN:{kind}"));
        lines.push(format!("DTSTART:{}", local(&wall)));
        lines.push(format!("TZOFFSETFROM:{}", offset_text(previous)));
        lines.push(format!("TZOFFSETTO:{}", offset_text(offset)));
        lines.push(format!("TZNAME:{}", transition.abbreviation()));
        lines.push(format!("END:{kind}"));
        previous = offset;
        any = true;
    }
    if !any {
        let offset = tz.to_offset(around);
        lines.extend([
            "BEGIN:STANDARD".to_owned(),
            "DTSTART:19700101T000000".to_owned(),
            format!("TZOFFSETFROM:{}", offset_text(offset)),
            format!("TZOFFSETTO:{}", offset_text(offset)),
            "END:STANDARD".to_owned(),
        ]);
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines
}

fn offset_text(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, (s % 3600) / 60)
}

/// TEXT escaping from RFC 5545 §3.3.11.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
        .replace('\r', "")
}

/// Lines longer than 75 octets are folded with CRLF and a space, never inside a character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(tz: &TimeZone, start: &str) -> String {
        let start: Timestamp = start.parse().unwrap();
        calendar(&Event {
            uid: "abc@clinic",
            summary: "Microneedling, full face",
            description: "Manage: https://example.test/manage/xyz; arrive without make-up, please",
            location: "12 Main Street, Springfield",
            start,
            end: start + jiff::SignedDuration::from_mins(90),
            timezone: tz,
            sequence: 0,
            cancelled: false,
            organizer_email: "hello@northside.example",
            organizer_name: "Northside Skin Clinic",
        })
    }

    #[test]
    fn invite_uses_the_clinic_zone_with_its_transitions() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let ics = event(&tz, "2027-03-15T13:00:00Z");
        assert!(
            ics.contains("DTSTART;TZID=America/New_York:20270315T090000\r\n"),
            "{ics}"
        );
        assert!(ics.contains("DTEND;TZID=America/New_York:20270315T103000\r\n"));
        assert!(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20270314T030000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"), "{ics}");
        assert!(ics.contains("BEGIN:STANDARD"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("make-up\\, please"), "{unfolded}");
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        assert!(ics.lines().all(|l| l.len() <= 75), "lines are folded");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn a_zone_without_changes_gets_one_standard_component() {
        let tz = TimeZone::get("Asia/Kolkata").unwrap();
        let ics = event(&tz, "2027-03-15T04:00:00Z");
        assert!(ics.contains("DTSTART;TZID=Asia/Kolkata:20270315T093000"));
        assert!(ics.contains("TZOFFSETTO:+0530"));
        assert!(!ics.contains("DAYLIGHT"));
    }
}
