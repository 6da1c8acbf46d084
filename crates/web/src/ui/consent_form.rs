//! The consent form the client signs, at home on the manage page or on the clinic's tablet:
//! each document's text, then its own form (photo choice, full name, "I agree"), posting the
//! version and the SHA-256 of the text shown, so a client never signs words they did not see.

use clinic::ClinicSnapshot;
use maud::{Markup, PreEscaped, html};
use service::{ConsentView, PhotoUse, Refusal, SignInput};

use crate::ui::forms::{FieldErrors, field_id};
use crate::ui::refusal::FormRefusal;

/// What was typed into one document's form, kept when it comes back with an error.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    pub document: String,
    pub version: String,
    pub sha256: String,
    pub name: String,
    pub agree: bool,
    pub choice: String,
}

impl Typed {
    /// Reads the form's fields from decoded `(name, value)` pairs.
    pub fn from_pairs(pairs: &[(String, String)]) -> Typed {
        let mut typed = Typed::default();
        for (name, value) in pairs {
            match name.as_str() {
                "document" => typed.document = value.clone(),
                "version" => typed.version = value.clone(),
                "sha256" => typed.sha256 = value.clone(),
                "name" => typed.name = value.clone(),
                "agree" => typed.agree = !value.is_empty(),
                "choice" => typed.choice = value.clone(),
                _ => {}
            }
        }
        typed
    }

    /// The workflow's input; a version that is not a number is never the current one.
    pub fn input(&self, address: String, user_agent: String, witness: Option<String>) -> SignInput {
        SignInput {
            document: self.document.clone(),
            version: self.version.trim().parse().unwrap_or(-1),
            sha256: self.sha256.clone(),
            name: self.name.clone(),
            agree: self.agree,
            choice: Some(self.choice.clone()).filter(|c| !c.is_empty()),
            address,
            user_agent,
            witnessed_by: witness,
        }
    }
}

/// A refusal as the consent form shows it: beside the field of the document signed, or above
/// the forms (a changed text, a cancelled booking); and the status to answer with.
pub fn refusal_errors(
    typed: &Typed,
    refusal: Refusal,
) -> (FieldErrors, Option<String>, axum::http::StatusCode) {
    let err = FormRefusal::from(refusal);
    let mut errors = FieldErrors::default();
    let above = match err.field.as_deref() {
        Some(field @ ("name" | "agree" | "choice")) => {
            errors.add(format!("{}.{field}", typed.document), err.message);
            None
        }
        _ => Some(err.message),
    };
    (errors, above, err.status)
}

/// Markdown as HTML; raw HTML in a clinic's file is shown as text, never run.
pub fn markdown_html(text: &str) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::empty()).map(|event| {
            match event {
                pulldown_cmark::Event::Html(html) | pulldown_cmark::Event::InlineHtml(html) => {
                    pulldown_cmark::Event::Text(html)
                }
                other => other,
            }
        });
    let mut html = String::with_capacity(text.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// Every document with its form, posting to `action`.
pub struct ConsentForms<'a> {
    pub action: &'a str,
    /// The back office's CSRF token (the tablet); `None` on the manage page, whose link is the key.
    pub csrf: Option<&'a str>,
    pub docs: &'a [ConsentView],
    pub typed: &'a Typed,
    pub errors: &'a FieldErrors,
    /// Whose zone and clock a signature's time is said in.
    pub clinic: &'a ClinicSnapshot,
}

impl ConsentForms<'_> {
    /// The documents, each followed by its signature or its form.
    pub fn render(&self) -> Markup {
        let label_of = |field: &str| {
            match field.rsplit('.').next().unwrap_or(field) {
                "name" => "Your full name",
                "agree" => "Your agreement",
                _ => "How we may use photographs",
            }
            .to_owned()
        };
        html! {
            (self.errors.summary(label_of))
            @for doc in self.docs { (self.document(doc)) }
        }
    }

    fn document(&self, doc: &ConsentView) -> Markup {
        let mine = self.typed.document == doc.id;
        let blank = Typed::default();
        let typed = if mine { self.typed } else { &blank };
        let error = |field: &str| self.errors.get(&format!("{}.{field}", doc.id));
        let id = |field: &str| field_id(&format!("{}.{field}", doc.id));
        html! {
            article.consent-doc id=(format!("doc-{}", doc.id)) {
                h2 { (doc.title) }
                p.small.muted { "Version " (doc.version) @if !doc.required { " · optional" } }
                @if let Some(s) = &doc.signed {
                    div.notice.ok role="status" {
                        p { "Signed by " strong { (s.signed_name) } " on "
                            (self.clinic.when(&s.signed_at.to_zoned_datetime(self.clinic.timezone.clone())))
                            @if let Some(choice) = s.choice.as_deref().and_then(PhotoUse::parse) { ": " (choice.words().to_lowercase()) }
                            "." }
                    }
                }
                div.consent-text { (PreEscaped(markdown_html(&doc.text))) }
                @if doc.signed.is_none() || doc.photos {
                    form.consent-sign method="post" action=(self.action) {
                        @if let Some(csrf) = self.csrf { input type="hidden" name="csrf" value=(csrf); }
                        input type="hidden" name="document" value=(doc.id);
                        input type="hidden" name="version" value=(doc.version);
                        input type="hidden" name="sha256" value=(doc.sha256);
                        @if doc.photos {
                            fieldset.question id=(id("choice")) {
                                legend { "How may we use photographs of you?" }
                                @if let Some(message) = error("choice") { p.error-text { (message) } }
                                @for choice in [PhotoUse::RecordOnly, PhotoUse::Marketing] {
                                    @let choice_id = format!("{}-{}", id("choice"), choice.as_str());
                                    label.choice for=(choice_id) {
                                        input type="radio" id=(choice_id) name="choice" value=(choice.as_str())
                                            required checked[typed.choice == choice.as_str()];
                                        (choice.words())
                                    }
                                }
                            }
                        }
                        div.field {
                            label for=(id("name")) { "Your full name" }
                            @if let Some(message) = error("name") { p.error-text id=(format!("{}-error", id("name"))) { (message) } }
                            input type="text" id=(id("name")) name="name" value=(typed.name) required
                                autocomplete="name" maxlength=(service::NAME_MAX_CHARS)
                                aria-invalid=[error("name").map(|_| "true")];
                        }
                        div.check.agree {
                            @if let Some(message) = error("agree") { p.error-text { (message) } }
                            input type="checkbox" id=(id("agree")) name="agree" value="yes" required checked[typed.agree]
                                aria-invalid=[error("agree").map(|_| "true")];
                            label for=(id("agree")) { "I have read this, my questions have been answered, and I agree." }
                        }
                        button type="submit" { "Sign: " (doc.title) }
                    }
                }
            }
        }
    }
}
