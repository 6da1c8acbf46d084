//! The inputs the per-part forms add to [`super::sections::Field`]: a ticked box, a longer
//! text, a choice from a list, and a section's row of buttons. Each is wired to its hint and
//! error for screen readers the same way.

use maud::{Markup, html};

use super::problems::Problems;
use crate::ui::forms::field_id;

/// A checkbox posting `on` when ticked; `key` files its problems.
pub(super) fn checkbox(key: &str, name: &str, label: Markup, ticked: bool) -> Markup {
    html! {
        label.choice for=(field_id(key)) {
            input id=(field_id(key)) type="checkbox" name=(name) value="on" checked[ticked];
            span { (label) }
        }
    }
}

/// A labelled multi-line text with its hint and error.
pub(super) fn textarea(
    key: &str,
    name: &str,
    label: Markup,
    value: &str,
    hint: &str,
    problems: &Problems,
) -> Markup {
    let id = field_id(key);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = problems.get(key);
    let described = match error {
        Some(_) => format!("{hint_id} {error_id}"),
        None => hint_id.clone(),
    };
    html! {
        div.field.setup-wide {
            label for=(id) { (label) }
            p.hint id=(hint_id) { (hint) }
            @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
            textarea id=(id) name=(name) rows="4" aria-describedby=(described) aria-invalid=[error.map(|_| "true")] {
                // A textarea drops one newline right after its start tag; keep the text's own.
                "\n" (value)
            }
        }
    }
}

/// A labelled choice of `options` (`(value, shown)`), with `chosen` selected.
pub(super) fn select(
    key: &str,
    name: &str,
    label: Markup,
    options: &[(String, String)],
    chosen: &str,
    problems: &Problems,
) -> Markup {
    let id = field_id(key);
    let error_id = format!("{id}-error");
    let error = problems.get(key);
    html! {
        div.field {
            label for=(id) { (label) }
            @if let Some(message) = error { p.error-text id=(error_id) { (message) } }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| error_id.as_str())] {
                @for (value, shown) in options {
                    option value=(value) selected[value == chosen] { (shown) }
                }
            }
        }
    }
}

/// What a checkbox posted, as the page keeps it after a refusal: `on` or empty.
pub(super) fn tick_text(ticked: bool) -> String {
    if ticked { "on".into() } else { String::new() }
}
