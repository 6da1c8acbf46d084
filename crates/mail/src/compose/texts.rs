//! The words of the planned messages a clinic may rewrite: the reminder's preparation list,
//! the same-day note, each aftercare step and a note with the next-session mail. They are
//! templates: every clinical figure stands as a placeholder, filled when a message is made.
//! What the booking says (who, when, where, links) and the red flags stay the app's.

use super::PREPARATION;
use super::planned::{ANTIVIRAL, AftercareStep, SAME_DAY, TANNING};

/// One aftercare step's words: its subject, and what is normal, what to do, what to avoid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AftercareText {
    pub subject: String,
    /// (what is normal, what to do, what to avoid), each a template.
    pub parts: [String; 3],
}

/// The planned messages' clinic-editable words, placeholders still in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageTexts {
    /// The reminder's "Before your appointment" list, one template per item. The antiviral
    /// line for a client with a history of cold sores is added after it, as built in.
    pub preparation: Vec<String>,
    /// The same-day note's paragraph.
    pub same_day: String,
    /// The aftercare steps in the order of [`AftercareStep::ALL`].
    pub aftercare: [AftercareText; 4],
    /// A paragraph the next-session note carries after its lead; none built in.
    pub next_session: Option<String>,
}

impl MessageTexts {
    /// The words compiled into the binary.
    pub fn builtin() -> MessageTexts {
        let mut preparation: Vec<String> = PREPARATION.iter().map(|p| (*p).to_owned()).collect();
        preparation.insert(2, TANNING.to_owned());
        MessageTexts {
            preparation,
            same_day: SAME_DAY.to_owned(),
            aftercare: AftercareStep::ALL.map(|step| AftercareText {
                subject: step.subject().to_owned(),
                parts: step.texts().map(str::to_owned),
            }),
            next_session: None,
        }
    }

    /// One aftercare step's words.
    pub fn aftercare(&self, step: AftercareStep) -> &AftercareText {
        let i = AftercareStep::ALL
            .iter()
            .position(|s| *s == step)
            .unwrap_or_default();
        &self.aftercare[i]
    }

    /// Every template, with what it is for, e.g. `("aftercare-day1", "…")`.
    pub fn templates(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = self
            .preparation
            .iter()
            .map(|p| ("reminder".to_owned(), p.as_str()))
            .collect();
        out.push(("reminder".into(), ANTIVIRAL));
        out.push(("same_day".into(), self.same_day.as_str()));
        for (step, text) in AftercareStep::ALL.iter().zip(&self.aftercare) {
            out.push((step.file_name().into(), text.subject.as_str()));
            out.extend(
                text.parts
                    .iter()
                    .map(|p| (step.file_name().into(), p.as_str())),
            );
        }
        if let Some(note) = &self.next_session {
            out.push(("next_session".into(), note.as_str()));
        }
        out
    }

    /// Refuses a template with a clinical number written in it or a placeholder no data
    /// stands behind; the error names the message and what is wrong.
    pub fn check(&self, placeholders: &protocol::Placeholders<'_>) -> Result<(), String> {
        for (message, template) in self.templates() {
            let written = protocol::written_clinical_numbers(template);
            if !written.is_empty() {
                return Err(format!(
                    "{message}: write clinical figures through a placeholder (e.g. {{{{fact:…}}}}), not as {}",
                    written.join(", ")
                ));
            }
            for name in protocol::placeholder_names(template) {
                placeholders
                    .resolve(name)
                    .map_err(|e| format!("{message}: {e}"))?;
            }
        }
        Ok(())
    }
}

impl Default for MessageTexts {
    fn default() -> MessageTexts {
        MessageTexts::builtin()
    }
}
