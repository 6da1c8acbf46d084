//! The public treatment site: content pages, services and prices, the team, and 404.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, PreEscaped, html};
use serde_json::json;

use crate::content::fill_placeholders;
use crate::state::AppState;
use crate::ui::layout::{PageMeta, booking_cta, page, phone_link};
use clinic::ClinicSnapshot;
/// Prices are said as in mail; the booking pages reach it here.
pub use clinic::money;

/// The home page: the `index` content page plus the clinic's services.
pub async fn home(State(state): State<AppState>) -> Response {
    content_page(State(state), Path("index".into())).await
}

/// Any Markdown page under `content/`.
pub async fn content_page(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let Some(content) = state.content.page(&slug) else {
        return not_found(State(state)).await;
    };
    let clinic = state.clinic();
    let path = content.path();
    let is_home = slug == "index";
    let json_ld = if is_home {
        Some(clinic_json_ld(&state, &clinic))
    } else if content.meta.procedure {
        Some(json!({
            "@context": "https://schema.org",
            "@type": "MedicalProcedure",
            "name": content.meta.title,
            "alternateName": "Collagen induction therapy",
            "description": content.meta.description,
            "procedureType": "https://schema.org/NoninvasiveProcedure",
            "bodyLocation": "Skin",
            "url": format!("{}{}", state.config.public_url.trim_end_matches('/'), path),
        }))
    } else {
        None
    };
    let body = html! {
        @if is_home {
            (home_intro(&clinic, &content.meta.title, crate::photos::hero(&state, &content.meta)))
        } @else {
            h1 { (content.meta.title) }
            @if let Some(photo) = crate::photos::hero(&state, &content.meta) {
                div.page-hero { (photo) }
            }
            @if content.meta.procedure {
                p.cta-inline { a.button href="/book" { "Schedule an Appointment" } }
            }
        }
        // Prices come first on the home page: they are what most visitors came for, and the
        // page's sources list is long.
        @if is_home { (service_cards(&clinic)) }
        // On a wide screen the booking box sits beside the text instead of below it, so the
        // page uses the width without stretching lines past easy reading.
        div.with-aside {
            div.prose { (PreEscaped(fill_placeholders(&content.html, &clinic))) }
            @if content.meta.procedure || is_home { div.side { (booking_cta(&clinic)) } }
        }
        (crate::photos::gallery(&state, &content.meta))
    };
    let meta = PageMeta {
        json_ld,
        ..PageMeta::new(&content.meta.title, &content.meta.description, &path)
    };
    page(&state, meta, body).into_response()
}

/// The top of the home page: the welcome beside the clinic's hero photo, or beside the
/// drawing of how microneedling works when there is none (or its file is missing).
fn home_intro(clinic: &ClinicSnapshot, title: &str, photo: Option<Markup>) -> Markup {
    html! {
        section.hero.card aria-labelledby="home-title" {
            div.hero-text {
                h1 #home-title { (title) }
                p { "Microneedling at " (clinic.setup.clinic.name) ": honest advice, a safety check before any needle touches your skin, and a plan built around you." }
                p.cta-inline {
                    a.button href="/book" { "Schedule an Appointment" }
                    a.button.secondary href="/suitability" { "Is microneedling right for me?" }
                }
            }
            div.hero-art {
                @if let Some(photo) = photo {
                    (photo)
                } @else if let Some(drawing) = crate::illustrations::find("skin-layers") {
                    (drawing.img(clinic, false))
                }
            }
        }
    }
}

fn service_cards(clinic: &ClinicSnapshot) -> Markup {
    let setup = &clinic.setup;
    html! {
        section aria-labelledby="services-title" {
            h2 #services-title { "Treatments and prices" }
            div.grid {
                @for s in &setup.services {
                    div.card {
                        h3 { (s.name) }
                        p.price { (money(&setup.clinic.currency, &s.price)) }
                        p.muted { (s.duration_minutes()) " minutes in clinic" }
                        a href=(format!("/book?service={}", s.id)) { "Book " (s.name.to_lowercase()) }
                    }
                }
            }
        }
    }
}

fn clinic_json_ld(state: &AppState, clinic: &ClinicSnapshot) -> serde_json::Value {
    let info = &clinic.setup.clinic;
    json!({
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": info.name,
        "telephone": info.phone,
        "email": info.email,
        "address": info.address,
        "url": state.config.public_url,
        "medicalSpecialty": "Dermatology",
        "availableService": clinic.setup.services.iter().map(|s| json!({
            "@type": "MedicalProcedure",
            "name": s.name,
        })).collect::<Vec<_>>(),
    })
}

/// Services and prices, straight from the database's setup.
pub async fn services(State(state): State<AppState>) -> Response {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let body = html! {
        h1 { "Services and prices" }
        p { "Every treatment starts with numbing cream and ends with calming aftercare; the times below are the whole visit. Microneedling treatments ask a short safety questionnaire when you book." }
        div.table-scroll role="region" aria-label="Services and prices" tabindex="0" {
            table.cards {
                caption.muted { "Prices in " (setup.clinic.currency) }
                thead { tr { th scope="col" { "Service" } th scope="col" { "Time in clinic" } th scope="col" { "Price" } th scope="col" { "Book" } } }
                tbody {
                    @for s in &setup.services {
                        tr {
                            th scope="row" { (s.name) }
                            td data-label="Time in clinic" {
                                (s.duration_minutes()) " minutes"
                                @if s.phases.len() > 1 {
                                    br;
                                    span.small.muted {
                                        @for (i, p) in s.phases.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            (p.name) " " (p.minutes) " min"
                                        }
                                    }
                                }
                            }
                            td data-label="Price" { (money(&setup.clinic.currency, &s.price)) }
                            td { a href=(format!("/book?service={}", s.id)) { "Book " (s.name.to_lowercase()) } }
                        }
                    }
                }
            }
        }
        (booking_cta(&clinic))
    };
    page(&state, PageMeta::new("Services and prices", "Our microneedling treatments and consultations, how long each visit takes, and what it costs.", "/services"), body)
        .into_response()
}

/// The clinic's practitioners and what each offers.
pub async fn practitioners(State(state): State<AppState>) -> Response {
    let clinic = state.clinic();
    let setup = &clinic.setup;
    let body = html! {
        h1 { "Our team" }
        p { "Everyone who treats you is trained in microneedling and follows the same written safety protocol." }
        div.grid {
            @for p in &setup.practitioners {
                div.card {
                    (crate::pages::people::avatar(&state, p))
                    h2 { (p.name) }
                    p.muted { (p.title) }
                    @if !p.bio.is_empty() { p { (p.bio) } }
                    p { "Offers:" }
                    ul {
                        @for id in &p.services {
                            @if let Some(s) = setup.service(id) { li { (s.name) } }
                        }
                    }
                    a href=(format!("/book?practitioner={}", p.id)) { "Book with " (p.name) }
                }
            }
        }
        (booking_cta(&clinic))
    };
    page(
        &state,
        PageMeta::new(
            "Our team",
            "Meet the practitioners who perform microneedling at our clinic.",
            "/practitioners",
        ),
        body,
    )
    .into_response()
}

/// A real 404 page, with a way back.
pub async fn not_found(State(state): State<AppState>) -> Response {
    let body = html! {
        h1 { "We couldn't find that page" }
        p { "The link may be old or mistyped. These might help:" }
        ul {
            li { a href="/" { "Home" } }
            li { a href="/services" { "Services and prices" } }
            li { a href="/book" { "Book an appointment" } }
        }
        p { "Or call us on " (phone_link(&state.clinic().setup.clinic.phone)) "." }
    };
    let meta = PageMeta::new("Page not found", "This page does not exist.", "/404").private();
    (StatusCode::NOT_FOUND, page(&state, meta, body)).into_response()
}
