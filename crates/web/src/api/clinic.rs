//! The clinic, its services and its practitioners.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::state::AppState;

/// `GET /clinic`: name, time zone, contact, booking policy and the cancellation policy a
/// client agrees to (its version and hash go back with `POST /bookings`).
pub async fn clinic(State(state): State<AppState>) -> Json<Value> {
    let clinic = state.clinic();
    let s = &clinic.setup;
    let policy = service::CancellationPolicy::of(&clinic);
    Json(json!({
        "name": s.clinic.name,
        "timezone": s.clinic.timezone,
        "email": s.clinic.email,
        "phone": s.clinic.phone,
        "address": s.clinic.address,
        "currency": s.clinic.currency,
        "booking_policy": {
            "slot_step_minutes": s.booking.slot_step_minutes,
            "min_notice_minutes": s.booking.min_notice_minutes,
            "horizon_days": s.booking.horizon_days,
            "cancel_notice_hours": s.booking.cancel_notice_hours,
        },
        "cancellation_policy": {
            "version": policy.version,
            "title": policy.title,
            "text": policy.text,
            "sha256": policy.sha256,
        },
    }))
}

/// `GET /services`: what can be booked, with each service's phases.
pub async fn services(State(state): State<AppState>) -> Json<Value> {
    let clinic = state.clinic();
    Json(Value::Array(
        clinic
            .setup
            .services
            .iter()
            .map(|s| {
                let mut service = json!({
                    "id": s.id,
                    "name": s.name,
                    "price": s.price,
                    "currency": clinic.setup.clinic.currency,
                    "duration_minutes": s.duration_minutes(),
                    "requires_screening": s.requires_screening,
                    "phases": s.phases.iter().map(|p| json!({"name": p.name, "minutes": p.minutes, "uses": p.uses})).collect::<Vec<_>>(),
                });
                if let Ok((_, rules)) = service::CourseRules::of(&clinic, &s.id, "service") {
                    service["course"] = json!({
                        "sessions": rules.course.sessions,
                        "interval_weeks": rules.course.interval_weeks,
                        "tolerance_days": rules.course.tolerance_days,
                        "min_interval_weeks": rules.minimum.weeks,
                        "sources": rules.minimum.sources,
                    });
                }
                if let Some(price) = &s.course_price {
                    service["course_price"] = json!(price);
                }
                service
            })
            .collect(),
    ))
}

/// `GET /practitioners`: who works here and what each offers.
pub async fn practitioners(State(state): State<AppState>) -> Json<Value> {
    let clinic = state.clinic();
    Json(Value::Array(
        clinic
            .setup
            .practitioners
            .iter()
            .map(|p| json!({"id": p.id, "name": p.name, "title": p.title, "services": p.services}))
            .collect(),
    ))
}
