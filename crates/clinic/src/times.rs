//! Times as clients and the API read them: one format for JSON, one for people.

use jiff::ZonedDateTime;

/// RFC 3339 with the clinic's UTC offset: `2027-03-15T09:00:00-04:00`.
pub fn rfc3339(z: &ZonedDateTime) -> String {
    // Written by hand: this runs twice per slot on the availability hot path.
    let offset = z.offset().seconds();
    let (sign, offset) = if offset < 0 {
        ('-', -offset)
    } else {
        ('+', offset)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute(),
        z.second(),
        offset / 3600,
        (offset % 3600) / 60
    )
}

/// A local date and time on the given clock: `Monday 15 March 2027, 9:00 AM` or `…, 09:00`.
/// Pages, mail and refusals say it through `ClinicSnapshot::when`, on the clinic's clock;
/// there is deliberately no form that picks a clock of its own.
pub fn format_local_on(z: &ZonedDateTime, clock_24: bool) -> String {
    format!(
        "{}, {}",
        z.strftime("%A %-d %B %Y"),
        clock_time(z, clock_24)
    )
}

/// The time of day alone: `9:00 AM`, or `09:00` on a 24-hour clock.
pub fn clock_time(z: &ZonedDateTime, clock_24: bool) -> String {
    if clock_24 {
        z.strftime("%H:%M").to_string()
    } else {
        z.strftime("%-I:%M %p").to_string()
    }
}

/// A time zone as people name it: `America/New_York` is "New York time",
/// `America/Argentina/Buenos_Aires` "Buenos Aires time", and `UTC` stays "UTC".
pub fn zone_name(iana: &str) -> String {
    match iana.rsplit('/').next() {
        Some(city) if iana.contains('/') => format!("{} time", city.replace('_', " ")),
        _ => iana.to_owned(),
    }
}

/// A price as a client reads it: `$250.00`, `€90.00`, or `Free` for nothing. Pages and mail
/// say it the same way.
pub fn money(currency: &str, price: &str) -> String {
    if price.trim_start_matches('0') == ".00" || price == "0" {
        return "Free".into();
    }
    match currency {
        "USD" | "CAD" | "AUD" | "NZD" => format!("${price}"),
        "GBP" => format!("£{price}"),
        "EUR" => format!("€{price}"),
        other => format!("{price} {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_and_zones_read_as_people_say_them() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let z = "2027-03-15T13:05:00Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned_datetime(tz);
        assert_eq!(format_local_on(&z, false), "Monday 15 March 2027, 9:05 AM");
        assert_eq!(format_local_on(&z, true), "Monday 15 March 2027, 09:05");
        assert_eq!(zone_name("America/New_York"), "New York time");
        assert_eq!(
            zone_name("America/Argentina/Buenos_Aires"),
            "Buenos Aires time"
        );
        assert_eq!(zone_name("UTC"), "UTC");
    }

    #[test]
    fn rfc3339_carries_the_zone_offset() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let winter: jiff::Timestamp = "2027-03-13T14:00:00Z".parse().unwrap();
        let summer: jiff::Timestamp = "2027-03-15T13:00:00Z".parse().unwrap();
        assert_eq!(
            rfc3339(&winter.to_zoned_datetime(tz.clone())),
            "2027-03-13T09:00:00-05:00"
        );
        assert_eq!(
            rfc3339(&summer.to_zoned_datetime(tz)),
            "2027-03-15T09:00:00-04:00"
        );
        let adelaide = jiff::tz::TimeZone::get("Australia/Adelaide").unwrap();
        assert_eq!(
            rfc3339(&winter.to_zoned_datetime(adelaide)),
            "2027-03-14T00:30:00+10:30"
        );
        let st_johns = jiff::tz::TimeZone::get("America/St_Johns").unwrap();
        assert_eq!(
            rfc3339(&winter.to_zoned_datetime(st_johns)),
            "2027-03-13T10:30:00-03:30"
        );
    }
}
