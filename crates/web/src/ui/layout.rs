//! The frame every public page shares: head metadata, navigation, footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::assets::{CSS, ICON, JS};
use crate::state::AppState;
use clinic::ClinicSnapshot;

/// What a page tells the layout about itself.
pub struct PageMeta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The page's own path, for the canonical link and the current navigation item.
    pub path: &'a str,
    /// schema.org JSON-LD describing the page, if any.
    pub json_ld: Option<serde_json::Value>,
    /// Keep the page out of search engines (manage links, confirmations).
    pub noindex: bool,
}

impl<'a> PageMeta<'a> {
    /// A plain page.
    pub fn new(title: &'a str, description: &'a str, path: &'a str) -> PageMeta<'a> {
        PageMeta {
            title,
            description,
            path,
            json_ld: None,
            noindex: false,
        }
    }

    /// A private page that search engines should not keep.
    pub fn private(mut self) -> Self {
        self.noindex = true;
        self
    }
}

/// The navigation: content pages, then the clinic's own pages.
fn nav_items(state: &AppState) -> Vec<(String, String)> {
    // The clinic's name already links home, so the home page is not repeated here.
    let mut items: Vec<(String, String)> = state
        .content
        .pages
        .iter()
        .filter(|p| p.slug != "index")
        .map(|p| (p.path(), p.meta.nav.clone()))
        .collect();
    items.push(("/services".into(), "Prices".into()));
    items.push(("/practitioners".into(), "Our team".into()));
    items.push(("/suitability".into(), "Right for me?".into()));
    items.push(("/plan".into(), "Plan".into()));
    items
}

fn nav_list(state: &AppState, current: &str) -> Markup {
    html! {
        ul {
            @for (href, label) in nav_items(state) {
                li { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } }
            }
        }
    }
}

/// The `tel:` address of a phone number as people write it: only the `+` and the digits,
/// so a phone dials it whatever spacing or punctuation the clinic typed.
pub fn tel_href(phone: &str) -> String {
    let dial: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{dial}")
}

/// A phone number in running text, as a link a phone can call with one tap.
pub fn phone_link(phone: &str) -> Markup {
    html! { a.tel href=(tel_href(phone)) { (phone) } }
}

/// Renders a full public page around `body`.
pub fn page(state: &AppState, meta: PageMeta<'_>, body: Markup) -> Markup {
    let clinic = state.clinic();
    let info = &clinic.setup.clinic;
    let full_title = format!("{} | {}", meta.title, info.name);
    let url = format!(
        "{}{}",
        state.config.public_url.trim_end_matches('/'),
        meta.path
    );
    html! {
        (DOCTYPE)
        html lang="en" data-clinic-zone=(info.timezone) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                meta name="description" content=(meta.description);
                @if meta.noindex { meta name="robots" content="noindex, nofollow"; }
                link rel="canonical" href=(url);
                meta property="og:type" content="website";
                meta property="og:site_name" content=(info.name);
                meta property="og:title" content=(meta.title);
                meta property="og:description" content=(meta.description);
                meta property="og:url" content=(url);
                meta name="theme-color" content="#8a3b4f";
                link rel="icon" href=(ICON.url) type="image/svg+xml";
                link rel="stylesheet" href=(CSS.url);
                script src=(JS.url) defer {}
                @if let Some(data) = &meta.json_ld {
                    script type="application/ld+json" { (PreEscaped(json_ld_text(data))) }
                }
            }
            body {
                a.skip-link href="#main" { "Skip to main content" }
                header.site-header {
                    div.wrap {
                        a.brand href="/" { span.brand-mark aria-hidden="true" {} (info.name) }
                        nav.site-nav aria-label="Main" {
                            // A phone folds the menu behind a button that needs no script; a
                            // wider screen shows the same links in a row. CSS shows one of the two.
                            details.nav-fold {
                                summary { "Menu" }
                                (nav_list(state, meta.path))
                            }
                            div.nav-row { (nav_list(state, meta.path)) }
                        }
                        // The narrowest phones get the short words, so the button keeps to one line.
                        a.button.small href="/book" {
                            span.label-long { "Schedule an Appointment" }
                            span.label-short { "Book now" }
                        }
                    }
                }
                main #main tabindex="-1" { div.wrap { (body) } }
                (footer(&clinic))
            }
        }
    }
}

fn footer(clinic: &ClinicSnapshot) -> Markup {
    let info = &clinic.setup.clinic;
    html! {
        footer.site-footer {
            div.wrap {
                div {
                    p { strong { (info.name) } }
                    p { (info.address) }
                }
                div {
                    p { "Phone: " (phone_link(&info.phone)) }
                    p { "Email: " a href=(format!("mailto:{}", info.email)) { (info.email) } }
                }
                div {
                    ul {
                        li { a href="/book" { "Book online" } }
                        li { a href="/risks" { "When to call us" } }
                        li { a href="/faq" { "Questions" } }
                        li { a href="/login" { "Staff sign-in" } }
                    }
                    p.small { "The information here explains our clinic's protocol; it is not a diagnosis. Ask us about your own skin." }
                }
            }
        }
    }
}

/// JSON for a `<script type="application/ld+json">` block: `<` is escaped so the text can
/// never close the element early.
fn json_ld_text(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

/// The booking call to action every treatment page carries.
pub fn booking_cta(clinic: &ClinicSnapshot) -> Markup {
    html! {
        aside.cta aria-labelledby="cta-title" {
            h2 #cta-title { "Ready to talk about your skin?" }
            p { "Book online in a minute, or call us on " (phone_link(&clinic.setup.clinic.phone)) ". Treatments start with a short safety questionnaire so we know microneedling is right for you." }
            p.cta-inline {
                a.button href="/book" { "Schedule an Appointment" }
                a.button.secondary href="/suitability" { "Is microneedling right for me?" }
            }
        }
    }
}
