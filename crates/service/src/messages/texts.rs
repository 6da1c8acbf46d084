//! The clinic's own words for the planned messages: Markdown files under the content
//! folder's `messages/`, each replacing the built-in words of one message. A file may open
//! with `+++` TOML front matter; an aftercare step's may set its `subject`.
//!
//! | file | what it holds |
//! |---|---|
//! | `reminder.md` | the "Before your appointment" list, one `- ` item each |
//! | `same_day.md` | the same-day note's paragraph |
//! | `aftercare-evening.md`, `aftercare-day1.md`, `aftercare-day3.md`, `aftercare-day7.md` | three paragraphs: what is normal, what to do, what to avoid |
//! | `next_session.md` | a paragraph after the next-session note's lead |
//!
//! Every clinical figure is written through a placeholder, as on the pages; a file with a
//! written figure, an unknown placeholder, an unknown name or a wrong shape is refused,
//! naming the file, so the clinic learns of it at start-up and not from a client.

use mail::compose::{AftercareStep, MessageTexts};
use serde::Deserialize;

/// What a message file's front matter may say.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    /// An aftercare step's subject line.
    subject: Option<String>,
}

/// The names a file under `messages/` may have, without `.md`.
const NAMES: [&str; 7] = [
    "reminder",
    "same_day",
    "aftercare-evening",
    "aftercare-day1",
    "aftercare-day3",
    "aftercare-day7",
    "next_session",
];

/// The built-in words with each `(name, file text)` put in place of its message's words.
pub fn parse_message_texts(files: &[(String, String)]) -> Result<MessageTexts, String> {
    let mut texts = MessageTexts::builtin();
    for (name, text) in files {
        apply(&mut texts, name, text).map_err(|e| format!("messages/{name}.md: {e}"))?;
    }
    let rules = protocol::RuleSet::builtin();
    let plans = protocol::PlanTables::builtin();
    texts
        .check(&protocol::Placeholders::new(&rules, &plans))
        .map_err(|e| match e.split_once(": ") {
            Some((name, why)) => format!("messages/{name}.md: {why}"),
            None => e,
        })?;
    Ok(texts)
}

fn apply(texts: &mut MessageTexts, name: &str, text: &str) -> Result<(), String> {
    if !NAMES.contains(&name) {
        return Err(format!(
            "not a message this clinic sends; name it one of {}",
            NAMES.map(|n| format!("{n}.md")).join(", ")
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("holds a control character".into());
    }
    let (meta, body) = split_front_matter(text)?;
    let step = AftercareStep::ALL
        .into_iter()
        .find(|s| s.file_name() == name);
    if meta.subject.is_some() && step.is_none() {
        return Err("only an aftercare step's file may set a subject".into());
    }
    let paragraphs = paragraphs(body);
    match (name, step) {
        ("reminder", _) => texts.preparation = items(body)?,
        ("same_day", _) => texts.same_day = one(paragraphs)?,
        ("next_session", _) => texts.next_session = Some(one(paragraphs)?),
        (_, Some(step)) => {
            let parts: [String; 3] = paragraphs.try_into().map_err(|p: Vec<String>| {
                format!(
                    "needs three paragraphs (what is normal, what to do, what to avoid), found {}",
                    p.len()
                )
            })?;
            let i = AftercareStep::ALL
                .iter()
                .position(|s| *s == step)
                .unwrap_or(0);
            texts.aftercare[i].parts = parts;
            if let Some(subject) = meta.subject {
                if subject.trim().is_empty() || subject.contains(['\r', '\n']) {
                    return Err("subject: one line of text".into());
                }
                texts.aftercare[i].subject = subject.trim().to_owned();
            }
        }
        _ => unreachable!("every name is handled"),
    }
    Ok(())
}

fn split_front_matter(text: &str) -> Result<(FrontMatter, &str), String> {
    let Some(rest) = text.strip_prefix("+++") else {
        return Ok((FrontMatter::default(), text));
    };
    let (front, body) = rest
        .split_once("\n+++")
        .ok_or("front matter is closed by a +++ line")?;
    let meta = toml::from_str(front).map_err(|e| format!("front matter: {e}"))?;
    Ok((meta, body))
}

/// Paragraphs separated by blank lines, each joined into one line.
fn paragraphs(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn one(paragraphs: Vec<String>) -> Result<String, String> {
    match <[String; 1]>::try_from(paragraphs) {
        Ok([p]) => Ok(p),
        Err(p) => Err(format!("needs one paragraph, found {}", p.len())),
    }
}

/// A `- ` list: each item may run on over the lines that follow it.
fn items(body: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.strip_prefix("- ") {
            Some(item) => out.push(item.trim().to_owned()),
            None => match out.last_mut() {
                Some(last) => {
                    last.push(' ');
                    last.push_str(line);
                }
                None => return Err("start each item of the list with \"- \"".into()),
            },
        }
    }
    if out.is_empty() {
        return Err("needs at least one \"- \" item".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<MessageTexts, String> {
        parse_message_texts(&[(name.to_owned(), text.to_owned())])
    }

    #[test]
    fn no_files_keep_the_built_in_words() {
        assert_eq!(parse_message_texts(&[]).unwrap(), MessageTexts::builtin());
    }

    #[test]
    fn each_file_replaces_its_message_words() {
        let texts = parse(
            "aftercare-day1",
            "+++\nsubject = \"Day one\"\n+++\nRedness is {{normal:redness}}.\n\nUse sunscreen\n({{fact:spf}}).\n\nNo acids.\n",
        )
        .unwrap();
        let day1 = texts.aftercare(AftercareStep::Day1);
        assert_eq!(day1.subject, "Day one");
        assert_eq!(day1.parts[1], "Use sunscreen ({{fact:spf}}).");
        let texts = parse("reminder", "- Come early.\n- Bring your\n  glasses.\n").unwrap();
        assert_eq!(texts.preparation, ["Come early.", "Bring your glasses."]);
        let texts = parse("next_session", "A note.").unwrap();
        assert_eq!(texts.next_session.as_deref(), Some("A note."));
    }

    #[test]
    fn a_bad_file_is_refused_naming_it() {
        let cases = [
            (
                "same_day",
                "Numbing takes {{fact:numbng}}.",
                "messages/same_day.md: unknown placeholder {{fact:numbng}}",
            ),
            (
                "same_day",
                "No sun for 2 weeks.",
                "messages/same_day.md: write clinical figures through a placeholder",
            ),
            (
                "same_day",
                "One.\n\nTwo.",
                "messages/same_day.md: needs one paragraph, found 2",
            ),
            (
                "aftercare-day3",
                "Only one.",
                "messages/aftercare-day3.md: needs three paragraphs",
            ),
            (
                "reminder",
                "No dash.",
                "messages/reminder.md: start each item",
            ),
            (
                "reminder",
                "+++\nsubject = \"x\"\n+++\n- a",
                "messages/reminder.md: only an aftercare step's",
            ),
            (
                "aftercare-day7",
                "+++\ncolour = 1\n+++\na\n\nb\n\nc",
                "messages/aftercare-day7.md: front matter",
            ),
            ("remider", "- a", "messages/remider.md: not a message"),
        ];
        for (name, text, expected) in cases {
            let err = parse(name, text).unwrap_err();
            assert!(err.starts_with(expected), "{name}: {err}");
        }
    }
}
