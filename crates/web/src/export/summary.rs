//! The export's readable summary: every section of the JSON as a heading and a table, so
//! a key added to the export (the audit trail, for one) shows without a change here.

use maud::{DOCTYPE, Markup, html};
use serde_json::Value;

/// Section titles in the order a person reads them; other keys follow in their own order.
const SECTIONS: &[(&str, &str)] = &[
    ("client", "Your details"),
    ("bookings", "Appointments"),
    ("screenings", "Safety screenings"),
    ("consents", "Signed consents"),
    (
        "policy_agreements",
        "Cancellation policy agreed when booking",
    ),
    ("treatment_records", "Treatment records"),
    (
        "completion_overrides",
        "Treatments completed without a signed record",
    ),
    ("photos", "Photos"),
    ("checkins", "Healing check-ins"),
    ("alerts", "Alerts raised by check-ins"),
    ("messages", "Messages"),
    ("audit", "Who looked at or changed your record"),
];

/// Keys describing the export itself rather than a section of it.
const HEADER: &[&str] = &["schema", "generated_at", "clinic", "unsubscribed_at"];

/// The summary page for an export document.
pub fn render(doc: &Value) -> Markup {
    let clinic = doc["clinic"]["name"].as_str().unwrap_or("The clinic");
    let mut keys: Vec<&str> = SECTIONS.iter().map(|(k, _)| *k).collect();
    if let Value::Object(map) = doc {
        keys.extend(
            map.keys()
                .map(String::as_str)
                .filter(|k| !HEADER.contains(k) && !SECTIONS.iter().any(|(s, _)| s == k)),
        );
    }
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Your data held by " (clinic) }
                style { (CSS) }
            }
            body {
                h1 { "Your data held by " (clinic) }
                p { "Made " (doc["generated_at"].as_str().unwrap_or("")) ". The same data is in "
                    code { "export.json" } "; photos are in the " code { "photos" } " folder." }
                @if let Some(at) = doc["unsubscribed_at"].as_str() {
                    p { "You asked for no optional messages on " (at) "." }
                }
                @for key in keys {
                    @if let Some(section) = doc.get(key) {
                        h2 { (title(key)) }
                        (value(section))
                    }
                }
            }
        }
    }
}

fn title(key: &str) -> String {
    SECTIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.replace('_', " "), |(_, t)| (*t).to_owned())
}

/// Any JSON value, nested as far as it goes: objects as definition lists, lists of
/// objects as one block each.
fn value(v: &Value) -> Markup {
    html! {
        @match v {
            Value::Null => { span.none { "none" } }
            Value::Bool(b) => { (if *b { "yes" } else { "no" }) }
            Value::Number(n) => { (n.to_string()) }
            Value::String(s) => {
                @if s.contains('\n') { pre { (s) } } @else { (s) }
            }
            Value::Array(items) if items.is_empty() => { p.none { "None." } }
            Value::Array(items) => {
                @if items.iter().all(|i| !i.is_object() && !i.is_array()) {
                    (items.iter().map(plain).collect::<Vec<_>>().join(", "))
                } @else {
                    @for item in items { div.item { (value(item)) } }
                }
            }
            Value::Object(map) => {
                dl {
                    @for (k, v) in map {
                        dt { (k.replace('_', " ")) }
                        dd { (value(v)) }
                    }
                }
            }
        }
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{margin-top:2rem;border-bottom:1px solid #ccc}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) 1fr;gap:.25rem 1rem;margin:0}
dt{font-weight:600;color:#555}dd{margin:0;overflow-wrap:anywhere}
.item{border:1px solid #ddd;border-radius:4px;padding:.5rem .75rem;margin:.5rem 0}
pre{white-space:pre-wrap;margin:0}.none{color:#777}";
