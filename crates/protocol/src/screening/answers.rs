//! A client's answers: validating JSON input and storing it.

use std::{collections::BTreeMap, fmt};

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use serde_json::Value;

use super::{Question, QuestionKind, RuleSet};

/// The answer to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Yes (`true`) or no (`false`).
    YesNo(bool),
    /// A date, or `None` for never.
    Date(Option<Date>),
    /// "I am still taking it", for a date question that [`Question::accepts_current`].
    Current,
    /// One of the question's options.
    Choice(String),
}

impl Answer {
    /// Whether this answer has the shape `question` expects.
    pub(crate) fn fits(&self, question: &Question) -> bool {
        match (self, question.kind) {
            (Answer::YesNo(_), QuestionKind::YesNo)
            | (Answer::Date(Some(_)), QuestionKind::Date) => true,
            (Answer::Date(None), QuestionKind::Date) => question.accepts_never,
            (Answer::Current, QuestionKind::Date) => question.accepts_current,
            (Answer::Choice(c), QuestionKind::Choice) => {
                question.options.iter().flatten().any(|o| o == c)
            }
            _ => false,
        }
    }
}

/// Stored as JSON `true`/`false`, `"YYYY-MM-DD"`/`null`/`"current"`, or the option string.
impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::YesNo(b) => s.serialize_bool(*b),
            Answer::Date(Some(d)) => s.collect_str(d),
            Answer::Date(None) => s.serialize_none(),
            Answer::Current => s.serialize_str(CURRENT),
            Answer::Choice(c) => s.serialize_str(c),
        }
    }
}

/// Reads what [`Serialize`] wrote: a string in `YYYY-MM-DD` form is a date, `"current"` is
/// [`Answer::Current`], any other string a choice. This trusts stored data; validate client input with [`RuleSet::parse_answers`].
impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Answer, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, a YYYY-MM-DD date, null or a string")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Answer, E> {
                Ok(Answer::YesNo(b))
            }
            fn visit_none<E: de::Error>(self) -> Result<Answer, E> {
                Ok(Answer::Date(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Answer, E> {
                Ok(Answer::Date(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Answer, D::Error> {
                Answer::deserialize(d)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Answer, E> {
                if s == CURRENT {
                    return Ok(Answer::Current);
                }
                Ok(match parse_date(s) {
                    Ok(date) => Answer::Date(Some(date)),
                    Err(_) => Answer::Choice(s.to_owned()),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A client's answers by question id; stored as a JSON object (`{"id": value}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(BTreeMap<String, Answer>);

impl Answers {
    /// No answers.
    pub fn new() -> Answers {
        Answers::default()
    }

    /// The answer to question `id`, if given.
    pub fn get(&self, id: &str) -> Option<&Answer> {
        self.0.get(id)
    }

    /// Sets the answer to question `id` (unchecked; prefer [`RuleSet::parse_answers`]).
    pub fn insert(&mut self, id: impl Into<String>, answer: Answer) {
        self.0.insert(id.into(), answer);
    }

    /// All answers, by question id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Answer)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// Invalid answers; `field` is `"answers"` or `"answers.<question id>"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct AnswerError {
    /// Which input is wrong.
    pub field: String,
    /// What is wrong, in words a client understands.
    pub message: String,
}

impl AnswerError {
    fn at(id: &str, message: impl Into<String>) -> AnswerError {
        AnswerError {
            field: format!("answers.{id}"),
            message: message.into(),
        }
    }
}

/// The answer to a medicine's date question that says "I am still taking it".
pub const CURRENT: &str = "current";

enum DateError {
    Format,
    NotADate,
}

/// Strict `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<Date, DateError> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(DateError::Format);
    }
    s.parse().map_err(|_| DateError::NotADate)
}

fn parse_one(q: &Question, value: &Value, today: Date) -> Result<Answer, String> {
    match q.kind {
        QuestionKind::YesNo => match value {
            Value::Bool(b) => Ok(Answer::YesNo(*b)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("yes") => Ok(Answer::YesNo(true)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("no") => Ok(Answer::YesNo(false)),
            _ => Err("Please answer yes or no (true or false).".into()),
        },
        QuestionKind::Date => parse_date_answer(q, value, today),
        QuestionKind::Choice => {
            let options = q.options.as_deref().unwrap_or_default();
            match value {
                Value::String(s) if options.contains(s) => Ok(Answer::Choice(s.clone())),
                _ => Err(format!("Please choose one of: {}.", options.join(", "))),
            }
        }
    }
}

/// A date answer: checked for shape, then against `today` (nothing asked about happens in the
/// future), and a date of birth against the oldest plausible one.
fn parse_date_answer(q: &Question, value: &Value, today: Date) -> Result<Answer, String> {
    let format = || date_format(q);
    let date = match value {
        Value::Null if q.accepts_never => return Ok(Answer::Date(None)),
        Value::String(s) if q.accepts_current && s.trim() == CURRENT => return Ok(Answer::Current),
        Value::String(s) => match parse_date(s) {
            Ok(d) => d,
            Err(DateError::NotADate) => {
                return Err(format!(
                    "{s} is not a real date; please give the date as YYYY-MM-DD."
                ));
            }
            Err(DateError::Format) => return Err(format()),
        },
        _ => return Err(format()),
    };
    if date > today {
        return Err(if q.birth_date {
            "A date of birth can't be in the future.".to_owned()
        } else if q.accepts_current {
            "A last dose can't be in the future; if you are still taking it, answer \"current\"."
                .to_owned()
        } else {
            "This date is in the future; please give the date it last happened.".to_owned()
        });
    }
    if q.birth_date {
        let oldest = today
            .checked_sub(jiff::Span::new().years(Question::OLDEST_YEARS))
            .unwrap_or(Date::MIN);
        if date < oldest {
            return Err(format!(
                "A date of birth more than {} years ago must be a typing mistake; please check it.",
                Question::OLDEST_YEARS
            ));
        }
    }
    Ok(Answer::Date(Some(date)))
}

/// How a date question is answered, in words for API clients.
fn date_format(q: &Question) -> String {
    let mut text = "Please give the date as YYYY-MM-DD (for example 2026-03-31)".to_owned();
    match (q.accepts_never, q.accepts_current) {
        (true, true) => {
            text.push_str(", null if never, or \"current\" if you are still taking it.")
        }
        (true, false) => text.push_str(", or null if never."),
        (false, _) => text.push('.'),
    }
    text
}

impl RuleSet {
    /// Checks a client's answers (a JSON object of question id to answer), given on `today`,
    /// and returns the first problem: see [`RuleSet::validate_answers`].
    pub fn parse_answers(&self, json: &Value, today: Date) -> Result<Answers, AnswerError> {
        self.validate_answers(json, today)
            .map_err(|mut errors| errors.swap_remove(0))
    }

    /// Like [`RuleSet::parse_answers`] but reports every problem, so a form can mark each field.
    ///
    /// Yes/no answers are booleans or `"yes"`/`"no"`; dates are `"YYYY-MM-DD"` no later than
    /// `today`, `null` (never) and, for a medicine, `"current"` (still taking it); choices are
    /// one of the options. Unknown ids, then the questions in order, are reported. Every
    /// required question must be answered — a date question too, since a blank is not
    /// "never" — unless a question it replaced was answered instead.
    pub fn validate_answers(&self, json: &Value, today: Date) -> Result<Answers, Vec<AnswerError>> {
        let Some(object) = json.as_object() else {
            return Err(vec![AnswerError {
                field: "answers".into(),
                message: "Answers must be a JSON object of question ids and answers.".into(),
            }]);
        };
        let mut errors: Vec<AnswerError> = object
            .keys()
            .filter(|id| self.question(id).is_none())
            .map(|id| AnswerError::at(id, format!("There is no screening question \"{id}\".")))
            .collect();
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        let mut answers = Answers::new();
        for q in &self.questions {
            match object.get(&q.id) {
                Some(value) => match parse_one(q, value, today) {
                    Ok(a) => answers.insert(q.id.clone(), a),
                    Err(m) => errors.push(AnswerError::at(&q.id, m)),
                },
                None if q.required
                    && !self.answered_by_replaced(q, |id| object.contains_key(id)) =>
                {
                    errors.push(AnswerError::at(&q.id, "Please answer this question."))
                }
                None => {}
            }
        }
        if errors.is_empty() {
            Ok(answers)
        } else {
            Err(errors)
        }
    }
}

impl RuleSet {
    /// Whether a question that `q` replaced was answered (per `answered`), which stands in for
    /// an answer to `q`.
    pub(crate) fn answered_by_replaced(
        &self,
        q: &Question,
        answered: impl Fn(&str) -> bool,
    ) -> bool {
        self.questions
            .iter()
            .any(|old| old.replaced_by.as_deref() == Some(q.id.as_str()) && answered(&old.id))
    }
}
