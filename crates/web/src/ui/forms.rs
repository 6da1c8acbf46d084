//! Form pieces shared by every page: fields that show their error beside them and keep
//! what was typed, and the summary at the top that links to each error.

use std::collections::BTreeMap;

use maud::{Markup, html};

/// Errors by field name, in the order they were found.
#[derive(Default, Debug, Clone)]
pub struct FieldErrors {
    order: Vec<String>,
    messages: BTreeMap<String, String>,
}

impl FieldErrors {
    /// Records an error for `field` (the first one wins).
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if !self.messages.contains_key(&field) {
            self.order.push(field.clone());
            self.messages.insert(field, message.into());
        }
    }

    /// The error for a field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.messages.get(field).map(String::as_str)
    }

    /// Records every `(field, message)` pair, as validation returns them.
    pub fn add_all(&mut self, found: impl IntoIterator<Item = (String, String)>) {
        for (field, message) in found {
            self.add(field, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// A box listing every error, each linking to its field; `labels` maps fields to names.
    pub fn summary(&self, label_of: impl Fn(&str) -> String) -> Markup {
        if self.is_empty() {
            return html! {};
        }
        html! {
            div.errors-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { "Please check the following" }
                ul {
                    @for field in &self.order {
                        li { a href=(format!("#{}", field_id(field))) { (label_of(field)) ": " (self.messages[field]) } }
                    }
                }
            }
        }
    }
}

/// The element id used for a field name.
pub fn field_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '[', ']'], "-"))
}

/// One labelled input with its hint and error.
pub struct Input<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
}

impl Input<'_> {
    /// Renders the field, marking it invalid when `errors` has its name.
    pub fn render(&self, errors: &FieldErrors) -> Markup {
        let FieldAria {
            id,
            hint_id,
            error_id,
            described,
            error,
        } = FieldAria::new(self.name, self.hint, errors);
        let described = described.unwrap_or_default();
        html! {
            div.field {
                label for=(id) { (self.label) @if !self.required { span.muted { " (optional)" } } }
                @if let Some(hint) = self.hint { p.hint id=(hint_id) { (hint) } }
                @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
                @if self.kind == "textarea" {
                    textarea id=(id) name=(self.name) aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[(!described.is_empty()).then_some(described.as_str())] { (self.value) }
                } @else {
                    input id=(id) type=(self.kind) name=(self.name) value=(self.value) required[self.required]
                        autocomplete=[self.autocomplete] aria-invalid=[error.map(|_| "true")]
                        aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
                }
            }
        }
    }
}

/// The ids and ARIA wiring of one field: its hint and its error, described-by both.
pub struct FieldAria<'e> {
    pub id: String,
    pub hint_id: String,
    pub error_id: String,
    /// The `aria-describedby` value, when there is a hint or an error.
    pub described: Option<String>,
    pub error: Option<&'e str>,
}

impl<'e> FieldAria<'e> {
    /// Wires field `name`, with an optional hint, to its error in `errors`.
    pub fn new(name: &str, hint: Option<&str>, errors: &'e FieldErrors) -> FieldAria<'e> {
        let id = field_id(name);
        let error = errors.get(name);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let parts: Vec<&str> = [
            hint.map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let described = (!parts.is_empty()).then(|| parts.join(" "));
        FieldAria {
            id,
            hint_id,
            error_id,
            described,
            error,
        }
    }
}

/// Hidden inputs carrying earlier choices through a form.
pub fn hidden(fields: &[(&str, &str)]) -> Markup {
    html! { @for (name, value) in fields { @if !value.is_empty() { input type="hidden" name=(name) value=(value); } } }
}

/// Builds a query string from pairs, skipping empty values.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Splits a URL query (or a form body) into decoded `(name, value)` pairs.
///
/// Lenient: pairs without `=` get an empty value, `+` is a space, and bad percent escapes are
/// kept as typed; invalid UTF-8 is replaced rather than refused.
pub fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// Decodes one `application/x-www-form-urlencoded` component.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}
