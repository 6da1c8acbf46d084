//! Times as clients and the API read them.

use jiff::ZonedDateTime;

/// RFC 3339 with the clinic's UTC offset: `2027-03-15T09:00:00-04:00`.
pub fn rfc3339(z: &ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// A local time as a client reads it: `Monday 15 March 2027, 9:00 AM`.
pub fn format_local(z: &ZonedDateTime) -> String {
    z.strftime("%A %-d %B %Y, %-I:%M %p").to_string()
}
