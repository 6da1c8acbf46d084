//! `/manage/{token}/checkin`: "How is your skin today?" The same check-in as the API, as a
//! form that works without JavaScript. The manage link's secret token is the key, as for
//! the manage page's other forms, so another site cannot post it for the client.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use protocol::Triage;
use service::{CheckinAnswer, CheckinInput, manage_path};

use super::Managed;
use crate::state::AppState;
use crate::ui::forms::{FieldErrors, field_id, query_pairs};
use crate::ui::layout::{PageMeta, page};
use crate::ui::refusal::FormRefusal;

/// What was typed, kept when the form comes back with an error.
#[derive(Default)]
struct Typed {
    symptoms: Vec<String>,
    pain: String,
    note: String,
}

/// `GET /manage/{token}/checkin`: the empty form.
pub async fn form(State(state): State<AppState>, Managed { token, .. }: Managed) -> Response {
    let body = form_view(&token, &Typed::default(), &FieldErrors::default(), None);
    frame(&state, "How is your skin today?", body)
}

/// `POST /manage/{token}/checkin`: records the check-in and says what to do now. The form
/// is multipart, for the optional photo; a plain urlencoded post (no photo) works too.
pub async fn submit(
    State(state): State<AppState>,
    Managed { token, .. }: Managed,
    request: Request,
) -> Response {
    let mut typed = Typed::default();
    let mut photo = None;
    let mut broken = None;
    if crate::checkin_upload::is_multipart(request.headers()) {
        match Multipart::from_request(request, &state).await {
            Ok(multipart) => {
                let (fields, failed) = crate::checkin_upload::read(multipart).await;
                typed = Typed {
                    symptoms: fields.symptoms,
                    pain: fields.pain,
                    note: fields.note,
                };
                photo = fields.photo;
                broken = failed;
            }
            Err(_) => {
                broken = Some(service::Refusal::invalid(
                    "photo",
                    "The form did not arrive whole. Send it again.",
                ))
            }
        }
    } else {
        let body = Bytes::from_request(request, &state)
            .await
            .unwrap_or_default();
        for (name, value) in query_pairs(&String::from_utf8_lossy(&body)) {
            match name.as_str() {
                "symptoms" => typed.symptoms.push(value),
                "pain" => typed.pain = value,
                "note" => typed.note = value,
                _ => {}
            }
        }
    }
    let mut errors = FieldErrors::default();
    if let Some(refusal) = broken {
        let refusal = FormRefusal::from(refusal);
        errors.add("photo", refusal.message);
        let body = form_view(&token, &typed, &errors, None);
        return (
            refusal.status,
            frame(&state, "How is your skin today?", body),
        )
            .into_response();
    }
    let pain = match typed.pain.trim().parse::<i64>() {
        Ok(p) => p,
        Err(_) => {
            errors.add(
                "pain",
                "Choose a pain score from 0 (none) to 10 (the worst).",
            );
            -1
        }
    };
    if !errors.is_empty() {
        let body = form_view(&token, &typed, &errors, None);
        return (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            frame(&state, "How is your skin today?", body),
        )
            .into_response();
    }
    let input = CheckinInput {
        symptoms: typed.symptoms.clone(),
        pain,
        note: Some(typed.note.clone()),
        photo,
    };
    match state
        .flows
        .check_in(&token, input, jiff::Timestamp::now())
        .await
    {
        Ok(answer) => {
            let title = match answer.triage {
                Triage::Emergency => "Call your local emergency number now",
                Triage::CallToday => "Please call us today",
                Triage::Expected => "Thank you: this sounds like normal healing",
            };
            frame(&state, title, answer_view(&token, &answer))
        }
        Err(err) => {
            let err = FormRefusal::from(err);
            let status = err.status;
            let above = match err.field.as_deref() {
                Some(field @ ("symptoms" | "pain" | "note" | "photo")) => {
                    errors.add(field, err.message);
                    None
                }
                _ => Some(err.message),
            };
            let body = form_view(&token, &typed, &errors, above.as_deref());
            (status, frame(&state, "How is your skin today?", body)).into_response()
        }
    }
}

fn frame(state: &AppState, title: &str, body: Markup) -> Response {
    page(
        state,
        PageMeta::new(title, "Tell us how your skin is healing.", "/manage").private(),
        body,
    )
    .into_response()
}

fn error_for(errors: &FieldErrors, field: &str) -> Markup {
    html! {
        @if let Some(message) = errors.get(field) {
            p.error-text id=(format!("{}-error", field_id(field))) { (message) }
        }
    }
}

fn form_view(token: &str, typed: &Typed, errors: &FieldErrors, above: Option<&str>) -> Markup {
    let symptoms = service::symptoms();
    let boxes = |triage: Triage| {
        html! {
            @for s in symptoms.with_triage(triage) {
                div.check {
                    input type="checkbox" name="symptoms" value=(s.id) id=(format!("s-{}", s.id))
                        checked[typed.symptoms.contains(&s.id)];
                    label for=(format!("s-{}", s.id)) { (s.text) }
                }
            }
        }
    };
    let label_of = |field: &str| {
        match field {
            "symptoms" => "What you notice",
            "pain" => "Pain",
            "photo" => "Photo",
            _ => "Note",
        }
        .to_owned()
    };
    html! {
        h1 { "How is your skin today?" }
        p { "Tick everything you notice, give your pain a score and send it. We answer straight away with what to do." }
        (errors.summary(label_of))
        @if let Some(message) = above { p.notice.warn role="alert" { (message) } }
        form method="post" action=(format!("{}/checkin", manage_path(token))) enctype="multipart/form-data" {
            fieldset id=(field_id("symptoms")) {
                legend { "What you notice" }
                (error_for(errors, "symptoms"))
                h2 { "Usual after treatment" }
                (boxes(Triage::Expected))
                h2 { "Warning signs" }
                (boxes(Triage::CallToday))
                (boxes(Triage::Emergency))
            }
            div.field {
                label for=(field_id("pain")) { "Pain, from 0 (none) to 10 (the worst)" }
                (error_for(errors, "pain"))
                input type="number" id=(field_id("pain")) name="pain" min="0" max="10" step="1"
                    required value=(typed.pain)
                    aria-invalid=[errors.get("pain").map(|_| "true")];
            }
            div.field {
                label for=(field_id("note")) { "Anything else (optional)" }
                (error_for(errors, "note"))
                textarea id=(field_id("note")) name="note" maxlength="2000"
                    aria-invalid=[errors.get("note").map(|_| "true")] { (typed.note) }
            }
            div.field {
                label for=(field_id("photo")) { "A photo of the area (optional)" }
                p.hint id="photo-hint" { "A JPEG, PNG or HEIC photo of at most "
                    (service::MAX_PHOTO_BYTES / (1024 * 1024)) " MB. We remove its location and camera details before keeping it; only the clinic's practitioners see it." }
                (error_for(errors, "photo"))
                @if errors.get("photo").is_some() {
                    p.hint { "Your other answers are kept; choose the photo again, or send without one." }
                }
                input type="file" id=(field_id("photo")) name="photo"
                    accept="image/jpeg,image/png,image/heic,image/heif"
                    aria-describedby="photo-hint"
                    aria-invalid=[errors.get("photo").map(|_| "true")];
            }
            button type="submit" { "Send" }
        }
        p { a href=(manage_path(token)) { "Back to your appointment" } }
    }
}

fn answer_view(token: &str, answer: &CheckinAnswer) -> Markup {
    let symptoms = service::symptoms();
    let phone = &answer.clinic_phone;
    let tel = crate::ui::layout::tel_href(phone);
    html! {
        @match answer.triage {
            Triage::Emergency => {
                div.notice.danger role="alert" {
                    h1 { "Call your local emergency number now." }
                    p { "Do it now. Don't wait." }
                    p { "Then call us on " a href=(tel) { (phone) } ". We have been told." }
                }
            }
            Triage::CallToday => {
                div.notice.danger role="alert" {
                    h1 { "Please call us today" }
                    p { "Call " a href=(tel) { (phone) } " today. We have been told about your check-in." }
                    p { "If we are closed, don't wait for us to open: contact an out-of-hours doctor or urgent care service today." }
                }
            }
            Triage::Expected => {
                h1 { "Thank you: this sounds like normal healing" }
                @if !answer.expected.is_empty() {
                    ul { @for s in &answer.expected { li { (s.text) ": " (s.course.as_deref().unwrap_or("")) " " (s.cite()) } } }
                }
                p { "Call us on " a href=(tel) { (phone) } " the same day if you notice:" }
                ul { @for s in symptoms.with_triage(Triage::CallToday) { li { (s.text) } } }
                p { strong { "Call your local emergency number first" } ", then us, if you notice:" }
                ul { @for s in symptoms.with_triage(Triage::Emergency) { li { (s.text) } } }
            }
        }
        p { a href=(manage_path(token)) { "Back to your appointment" } }
    }
}
