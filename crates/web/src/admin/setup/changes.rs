//! The handlers that apply one change each, validate the whole setup, and save it.

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use clinic::TimeOffSetup;
use jiff::civil::Date;

use super::forms::{
    DatesForm, DatesRemoveForm, HoursForm, PolicyForm, TimeOffForm, TimeOffRemoveForm,
};
use super::parse::{POLICY, WEEKDAYS, elsewhere, moment_text, parse_count, sentence, spans_of};
use super::{Problems, Typed, View, practitioner_index, refuse, store_setup};
use crate::auth::AdminSession;
use crate::state::AppState;

/// `POST /admin/setup/policy`.
pub async fn save_policy(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<PolicyForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    let mut values = [0; 4];
    for ((name, label, _, unit), value) in POLICY.iter().zip(&mut values) {
        match parse_count(form.get(name), unit) {
            Ok(n) => *value = n,
            Err(message) => problems.add(format!("policy.{name}"), *label, message),
        }
    }
    if problems.is_empty() {
        let [step, notice, horizon, cancel] = values;
        setup.booking.slot_step_minutes = step;
        setup.booking.min_notice_minutes = notice;
        setup.booking.horizon_days = horizon;
        setup.booking.cancel_notice_hours = cancel;
        match clinic::validate(&setup) {
            Ok(()) => return store_setup(&state, &session, &setup, "booking policy").await,
            Err((path, message)) => {
                match POLICY
                    .iter()
                    .find(|(name, ..)| path == format!("booking.{name}"))
                {
                    Some((name, label, ..)) => {
                        problems.add(format!("policy.{name}"), *label, sentence(&message))
                    }
                    None => {
                        problems.add("policy.form", "Booking policy", elsewhere(&path, &message))
                    }
                }
            }
        }
    }
    let view = View {
        typed: Typed::Policy(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/hours`: one practitioner's weekly hours, all seven days.
pub async fn save_hours(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<HoursForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        for (key, _) in WEEKDAYS {
            let spans = spans_of(form.day(key));
            if spans.is_empty() {
                p.hours.remove(key);
            } else {
                p.hours.insert(key.to_owned(), spans);
            }
        }
        let Err((path, message)) = clinic::validate(&setup) else {
            return store_setup(&state, &session, &setup, "weekly hours").await;
        };
        let prefix = format!("practitioners[{i}].hours.");
        let day = path.strip_prefix(&prefix).and_then(|rest| {
            WEEKDAYS
                .iter()
                .find(|(key, _)| rest == *key || rest.starts_with(&format!("{key}[")))
        });
        match day {
            Some((key, day)) => problems.add(
                format!("hours.{id}.{key}"),
                format!("{name}, {day}"),
                sentence(&message),
            ),
            None => problems.add(
                format!("hours.{id}.form"),
                format!("{name}, weekly hours"),
                elsewhere(&path, &message),
            ),
        }
    }
    let view = View {
        typed: Typed::Hours(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/time-off`: adds one stretch of time off.
pub async fn add_time_off(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<TimeOffForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let from = moment_text(&form.from);
        let mut to = moment_text(&form.to);
        let (from_key, to_key) = (format!("timeoff.{id}.from"), format!("timeoff.{id}.to"));
        if from.is_empty() {
            problems.add(
                &from_key,
                format!("{name}, time off from"),
                "Enter when the time off starts: a date (2027-01-04) or a date and time \
                 (2027-01-04T13:00).",
            );
        } else if to.is_empty() {
            // One day off; or a start that is no moment at all, for validation to refuse.
            if from.parse::<jiff::civil::DateTime>().is_err() || from.parse::<Date>().is_ok() {
                to = from.clone();
            } else {
                problems.add(
                    &to_key,
                    format!("{name}, time off to"),
                    "Enter when the time off ends: after a start with a time, the end needs one \
                     too (2027-01-04T17:00).",
                );
            }
        }
        if problems.is_empty() {
            p.time_off.push(TimeOffSetup { from, to });
            let j = p.time_off.len() - 1;
            let Err((path, message)) = clinic::validate(&setup) else {
                return store_setup(&state, &session, &setup, "time off").await;
            };
            let at = format!("practitioners[{i}].time_off[{j}]");
            if path == format!("{at}.from") {
                problems.add(
                    &from_key,
                    format!("{name}, time off from"),
                    sentence(&message),
                );
            } else if path == format!("{at}.to") {
                problems.add(&to_key, format!("{name}, time off to"), sentence(&message));
            } else {
                problems.add(
                    format!("timeoff.{id}.form"),
                    format!("{name}, time off"),
                    elsewhere(&path, &message),
                );
            }
        }
    }
    let view = View {
        typed: Typed::TimeOff(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/time-off/remove`: removes the entry the page showed at `index`.
pub async fn remove_time_off(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<TimeOffRemoveForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let key = format!("timeoff.{id}.list");
        let label = format!("{name}, time off");
        let index = form.index.trim().parse::<usize>().ok();
        let shown = index.filter(|&j| {
            p.time_off
                .get(j)
                .is_some_and(|off| off.from == form.from && off.to == form.to)
        });
        match shown {
            None => problems.add(
                &key,
                label,
                "That time off has changed since the page was shown; nothing was removed. \
                 Check the list and try again.",
            ),
            Some(j) => {
                p.time_off.remove(j);
                let Err((path, message)) = clinic::validate(&setup) else {
                    return store_setup(&state, &session, &setup, "time off removed").await;
                };
                problems.add(&key, label, elsewhere(&path, &message));
            }
        }
    }
    let view = View {
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/dates`: sets (or replaces) one date's hours.
pub async fn save_date(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<DatesForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let date_text = form.date.trim();
        let date = if date_text.is_empty() {
            problems.add(
                format!("dates.{id}.date"),
                format!("{name}, date"),
                "Enter the date, as YYYY-MM-DD.",
            );
            None
        } else {
            let parsed = date_text.parse::<Date>();
            if parsed.is_err() {
                problems.add(
                    format!("dates.{id}.date"),
                    format!("{name}, date"),
                    format!(
                        "\u{201c}{date_text}\u{201d} is not a date: enter it as YYYY-MM-DD, \
                         e.g. 2027-01-04."
                    ),
                );
            }
            parsed.ok()
        };
        if let Some(date) = date {
            p.dates.insert(date, spans_of(&form.spans));
            let Err((path, message)) = clinic::validate(&setup) else {
                return store_setup(&state, &session, &setup, "date override").await;
            };
            if path.starts_with(&format!("practitioners[{i}].dates.")) {
                problems.add(
                    format!("dates.{id}.spans"),
                    format!("{name}, hours that day"),
                    sentence(&message),
                );
            } else {
                problems.add(
                    format!("dates.{id}.form"),
                    format!("{name}, date override"),
                    elsewhere(&path, &message),
                );
            }
        }
    }
    let view = View {
        typed: Typed::Dates(&form),
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}

/// `POST /admin/setup/dates/remove`: the date goes back to its weekday's hours.
pub async fn remove_date(
    State(state): State<AppState>,
    AdminSession(session): AdminSession,
    Form(form): Form<DatesRemoveForm>,
) -> Response {
    let mut setup = state.clinic().setup.clone();
    let mut problems = Problems::default();
    if let Some(i) = practitioner_index(&setup, &form.practitioner, &mut problems) {
        let p = &mut setup.practitioners[i];
        let (id, name) = (p.id.clone(), p.name.clone());
        let key = format!("dates.{id}.list");
        let label = format!("{name}, date overrides");
        let removed = form
            .date
            .trim()
            .parse::<Date>()
            .ok()
            .and_then(|date| p.dates.remove(&date));
        match removed {
            None => problems.add(
                &key,
                label,
                "That date override has changed since the page was shown; nothing was removed. \
                 Check the list and try again.",
            ),
            Some(_) => {
                let Err((path, message)) = clinic::validate(&setup) else {
                    return store_setup(&state, &session, &setup, "date override removed").await;
                };
                problems.add(&key, label, elsewhere(&path, &message));
            }
        }
    }
    let view = View {
        problems,
        ..View::default()
    };
    refuse(&state, &session, &view)
}
