//! Reading and checking a clinic file.

use std::collections::BTreeSet;

use toml::de::{DeTable, DeValue};

use crate::hours::{parse_span, span_minutes};
use crate::moments::parse_moment;
use crate::{ClinicSetup, SetupError};

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The built-in demo clinic, so a first run shows a working site.
pub fn demo() -> ClinicSetup {
    parse(include_str!("../data/demo.toml"), Some("demo clinic")).expect("the demo clinic is valid")
}

/// Parses and validates a clinic file's text; `file` names it in errors.
pub fn parse(text: &str, file: Option<&str>) -> Result<ClinicSetup, SetupError> {
    let located =
        |field: String, message: String, span: Option<std::ops::Range<usize>>| SetupError {
            file: file.map(str::to_owned),
            line: span.map(|s| line_of(text, s.start)),
            field,
            message,
        };
    let mut setup: ClinicSetup = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_owned();
        let field = e
            .span()
            .and_then(|s| {
                let doc = DeTable::parse(text).ok()?;
                path_at(doc.get_ref(), s.start, "")
            })
            .or_else(|| e.span().and_then(|s| key_before(text, s.start)))
            .unwrap_or_else(|| "clinic file".into());
        located(field, message, e.span())
    })?;
    validate(&setup).map_err(|(field, message)| {
        let span = DeTable::parse(text)
            .ok()
            .and_then(|doc| span_of(doc.get_ref(), &field));
        located(field, message, span)
    })?;
    canonical_hours(&mut setup);
    Ok(setup)
}

/// Writes every opening-hours span the way the file's own examples do (`"9-5"` becomes
/// `"09:00-17:00"`), so the back office and the stored setup show one form. Runs after
/// [`validate`], so every span parses.
fn canonical_hours(setup: &mut ClinicSetup) {
    let tidy = |spans: &mut Vec<String>| {
        for s in spans.iter_mut() {
            if let Ok(span) = parse_span(s) {
                *s = crate::hours::format_span(&span);
            }
        }
    };
    for p in &mut setup.practitioners {
        p.hours.values_mut().for_each(tidy);
        p.dates.values_mut().for_each(tidy);
    }
}

/// Checks a setup's meaning: the same checks for a file and for the back office.
/// Returns the offending field's path and what is wrong with it.
pub fn validate(setup: &ClinicSetup) -> Result<(), (String, String)> {
    let err = |field: String, message: String| Err((field, message));
    if setup.clinic.name.trim().is_empty() {
        return err("clinic.name".into(), "the clinic needs a name".into());
    }
    if jiff::tz::TimeZone::get(&setup.clinic.timezone).is_err() {
        return err(
            "clinic.timezone".into(),
            format!(
                "unknown time zone \"{}\": use an IANA name such as \"America/New_York\"",
                setup.clinic.timezone
            ),
        );
    }
    let b = &setup.booking;
    if b.slot_step_minutes == 0 || b.slot_step_minutes > 240 {
        return err(
            "booking.slot_step_minutes".into(),
            "must be between 1 and 240 minutes".into(),
        );
    }
    if b.horizon_days == 0 || b.horizon_days > 730 {
        return err(
            "booking.horizon_days".into(),
            "must be between 1 and 730 days".into(),
        );
    }
    crate::checks::policies(setup)?;
    crate::security::check(&setup.security)?;
    crate::records::check(&setup.records)?;
    unique_ids(setup.devices.iter().map(|d| d.id.as_str()), "devices")?;
    crate::checks::devices(&setup.devices)?;
    for (i, c) in setup.closures.iter().enumerate() {
        if c.to < c.from {
            return err(
                format!("closures[{i}].to"),
                "a closure ends before it starts".into(),
            );
        }
    }
    let rooms = unique_ids(setup.rooms.iter().map(|r| r.id.as_str()), "rooms")?;
    let services = unique_ids(setup.services.iter().map(|s| s.id.as_str()), "services")?;
    unique_ids(
        setup.practitioners.iter().map(|p| p.id.as_str()),
        "practitioners",
    )?;
    for (i, p) in setup.practitioners.iter().enumerate() {
        crate::checks::practitioner(&format!("practitioners[{i}]"), p)?;
    }
    for (i, s) in setup.services.iter().enumerate() {
        let at = format!("services[{i}]");
        if s.name.trim().is_empty() {
            return err(format!("{at}.name"), "a service needs a name".into());
        }
        if !is_price(&s.price) {
            return err(
                format!("{at}.price"),
                format!("price \"{}\" should look like \"250.00\"", s.price),
            );
        }
        crate::checks::service(&at, s)?;
        if s.phases.is_empty() {
            return err(
                format!("{at}.phases"),
                "a service needs at least one phase".into(),
            );
        }
        for (j, p) in s.phases.iter().enumerate() {
            if p.minutes == 0 || p.minutes > 24 * 60 {
                return err(
                    format!("{at}.phases[{j}].minutes"),
                    "a phase lasts between 1 minute and a day".into(),
                );
            }
            for (k, u) in p.uses.iter().enumerate() {
                if u != "practitioner" && u != "room" {
                    return err(
                        format!("{at}.phases[{j}].uses[{k}]"),
                        format!(
                            "unknown resource \"{u}\": a phase uses \"practitioner\" and/or \"room\""
                        ),
                    );
                }
            }
        }
        let uses = |what: &str| s.phases.iter().any(|p| p.uses.iter().any(|u| u == what));
        if !uses("practitioner") {
            return err(
                format!("{at}.phases"),
                "no phase uses a practitioner".into(),
            );
        }
        if !uses("room") {
            return err(format!("{at}.phases"), "no phase uses a room".into());
        }
        if uses("room") && rooms.is_empty() {
            return err(
                "rooms".into(),
                format!("service \"{}\" needs a room but the clinic has none", s.id),
            );
        }
    }
    for (i, p) in setup.practitioners.iter().enumerate() {
        let at = format!("practitioners[{i}]");
        for (j, s) in p.services.iter().enumerate() {
            if !services.contains(s.as_str()) {
                return err(
                    format!("{at}.services[{j}]"),
                    format!("unknown service \"{s}\""),
                );
            }
        }
        for (day, spans) in &p.hours {
            if !WEEKDAYS.contains(&day.as_str()) {
                return err(
                    format!("{at}.hours.{day}"),
                    format!("unknown day \"{day}\": use mon, tue, wed, thu, fri, sat or sun"),
                );
            }
            check_spans(spans, &format!("{at}.hours.{day}"))?;
        }
        for (date, spans) in &p.dates {
            check_spans(spans, &format!("{at}.dates.{date}"))?;
        }
        for (j, off) in p.time_off.iter().enumerate() {
            let from =
                parse_moment(&off.from).map_err(|m| (format!("{at}.time_off[{j}].from"), m))?;
            let to = parse_moment(&off.to).map_err(|m| (format!("{at}.time_off[{j}].to"), m))?;
            if to < from {
                return err(
                    format!("{at}.time_off[{j}].to"),
                    "time off ends before it starts".into(),
                );
            }
        }
    }
    for (rule, o) in &setup.screening.rules {
        if let Some(outcome) = &o.outcome
            && !["eligible", "consult", "defer", "not_suitable"].contains(&outcome.as_str())
        {
            return err(
                format!("screening.rules.{rule}.outcome"),
                "outcome must be eligible, consult, defer or not_suitable".into(),
            );
        }
    }
    crate::schedule::protocol_overrides(setup)?;
    Ok(())
}

fn check_spans(spans: &[String], at: &str) -> Result<(), (String, String)> {
    let mut parsed = Vec::with_capacity(spans.len());
    for (j, text) in spans.iter().enumerate() {
        let span = parse_span(text).map_err(|m| (format!("{at}[{j}]"), m))?;
        parsed.push((span_minutes(&span), j));
    }
    parsed.sort();
    for pair in parsed.windows(2) {
        let ((a, ai), (b, bi)) = (pair[0], pair[1]);
        if b.0 < a.1 {
            return Err((
                format!("{at}[{}]", ai.max(bi)),
                format!("hours \"{}\" and \"{}\" overlap", spans[ai], spans[bi]),
            ));
        }
    }
    Ok(())
}

fn unique_ids<'a>(
    ids: impl Iterator<Item = &'a str>,
    list: &str,
) -> Result<BTreeSet<&'a str>, (String, String)> {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err((
                format!("{list}[{i}].id"),
                format!("id \"{id}\" should use only letters, digits, '-' and '_'"),
            ));
        }
        if !seen.insert(id) {
            return Err((
                format!("{list}[{i}].id"),
                format!("id \"{id}\" is used twice"),
            ));
        }
    }
    Ok(seen)
}

pub(crate) fn is_price(text: &str) -> bool {
    let (whole, cents) = text.split_once('.').unwrap_or((text, "00"));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && cents.len() == 2
        && cents.bytes().all(|b| b.is_ascii_digit())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The key on the line of a parse error, to name the field when serde does not.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next()?;
    let key = line.split('=').next()?.trim();
    (!key.is_empty() && !key.starts_with('[') && line.contains('=')).then(|| key.to_owned())
}

/// The dotted path of the deepest key or value at `offset`, to name the field of a
/// parse error (a wrong type, an unknown or missing key) the way validation names it.
fn path_at(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        if let Some(deeper) = path_in(value.get_ref(), offset, &path) {
            return Some(deeper);
        }
        if key.span().contains(&offset) || value.span().contains(&offset) {
            return Some(path);
        }
    }
    None
}

fn path_in(value: &DeValue<'_>, offset: usize, path: &str) -> Option<String> {
    match value {
        DeValue::Table(table) => path_at(table, offset, path),
        DeValue::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let at = format!("{path}[{i}]");
            path_in(item.get_ref(), offset, &at)
                .or_else(|| item.span().contains(&offset).then_some(at))
        }),
        _ => None,
    }
}

/// Finds where a dotted path like `practitioners[0].hours.mon[1]` sits in the file.
fn span_of(doc: &DeTable<'_>, path: &str) -> Option<std::ops::Range<usize>> {
    let mut segments = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        segments.push(Seg::Key(pieces.next()?.to_owned()));
        for index in pieces {
            segments.push(Seg::Index(index.trim_end_matches(']').parse().ok()?));
        }
    }
    let mut span = None;
    let mut table = Some(doc);
    let mut value: Option<&DeValue<'_>> = None;
    for seg in segments {
        let next = match (seg, table, value) {
            (Seg::Key(k), Some(t), _) => t
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == k)
                .map(|(_, v)| v),
            (Seg::Index(i), _, Some(DeValue::Array(items))) => items.get(i),
            _ => None,
        };
        let Some(next) = next else { break };
        span = Some(next.span());
        value = Some(next.get_ref());
        table = match next.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    span
}

enum Seg {
    Key(String),
    Index(usize),
}
