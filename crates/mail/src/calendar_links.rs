//! "Add to Google Calendar" and "Outlook" links: plain https addresses the client clicks,
//! carrying the appointment's times in UTC. The server never calls these services. The
//! links leave out the manage link, so the booking's secret never sits in another site's
//! address bar or logs; the `.ics` invite carries it.

use jiff::Timestamp;

/// What a calendar link describes.
pub struct LinkEvent<'a> {
    pub title: &'a str,
    pub details: &'a str,
    pub location: &'a str,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Google Calendar's template link: `dates=20270315T130000Z/20270315T143000Z`.
pub fn google(e: &LinkEvent<'_>) -> String {
    let stamp = |t: Timestamp| t.strftime("%Y%m%dT%H%M%SZ").to_string();
    format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}&location={}",
        encode(e.title),
        stamp(e.start),
        stamp(e.end),
        encode(e.details),
        encode(e.location)
    )
}

/// Outlook on the web's compose link: `startdt=2027-03-15T13:00:00Z`.
pub fn outlook(e: &LinkEvent<'_>) -> String {
    let stamp = |t: Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}&body={}&location={}",
        encode(e.title),
        encode(&stamp(e.start)),
        encode(&stamp(e.end)),
        encode(e.details),
        encode(e.location)
    )
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> LinkEvent<'static> {
        LinkEvent {
            title: "Facial & peel at Northside",
            details: "Reference AB12. Questions: +1 555 0100.",
            location: "12 Main Street, Springfield",
            // 9:00 in New York on a summer day is 13:00 UTC.
            start: "2027-06-15T13:00:00Z".parse().unwrap(),
            end: "2027-06-15T14:30:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn google_carries_utc_times_and_encoded_words() {
        let link = google(&event());
        assert!(link.starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE&"));
        assert!(
            link.contains("&dates=20270615T130000Z/20270615T143000Z&"),
            "{link}"
        );
        assert!(
            link.contains("text=Facial%20%26%20peel%20at%20Northside&"),
            "{link}"
        );
        assert!(
            link.contains("details=Reference%20AB12.%20Questions%3A%20%2B1%20555%200100."),
            "{link}"
        );
    }

    #[test]
    fn outlook_carries_utc_times() {
        let link = outlook(&event());
        assert!(link.starts_with("https://outlook.live.com/calendar/0/deeplink/compose?"));
        assert!(
            link.contains("&startdt=2027-06-15T13%3A00%3A00Z&enddt=2027-06-15T14%3A30%3A00Z&"),
            "{link}"
        );
        assert!(
            link.contains("location=12%20Main%20Street%2C%20Springfield"),
            "{link}"
        );
    }
}
