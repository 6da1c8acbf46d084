//! Consent documents: Markdown with TOML front matter, written by the clinic under its content
//! folder (`consent/*.md`), with defaults compiled in so a fresh install has them. A document
//! carries a version; changing the words without raising it still changes the text's hash, so
//! a client is always asked to sign exactly what they are shown.

use clinic::ClinicSnapshot;
use serde::Deserialize;
use sha2::Digest as _;

/// The documents shipped with the binary, used when the content folder has no `consent/`.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "treatment",
        include_str!("../../../../content/consent/treatment.md"),
    ),
    (
        "photos",
        include_str!("../../../../content/consent/photos.md"),
    ),
];

/// Placeholders a consent may use besides the protocol's: the clinic's own details.
const CLINIC_PLACEHOLDERS: [&str; 2] = ["clinic_name", "clinic_phone"];

/// What a document's front matter says about it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    version: i64,
    /// Whether a treatment needs it signed (the treatment consent); photo consent is optional.
    #[serde(default = "yes")]
    required: bool,
    /// The photo consent: signing it records a choice of how photographs may be used.
    #[serde(default)]
    photos: bool,
}

fn yes() -> bool {
    true
}

/// One consent document as the clinic wrote it, placeholders still in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentDocument {
    /// The file's name without `.md`: `treatment`, `photos`.
    pub id: String,
    pub title: String,
    /// Raised by the clinic when the meaning changes; every client is asked again.
    pub version: i64,
    pub required: bool,
    pub photos: bool,
    /// The Markdown body with `{{…}}` placeholders.
    pub body: String,
}

/// Every consent document, in a stable order (required first, then by id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentDocuments(Vec<ConsentDocument>);

impl ConsentDocuments {
    /// The documents compiled into the binary.
    pub fn builtin() -> ConsentDocuments {
        let files: Vec<(String, String)> = BUILT_IN
            .iter()
            .map(|(id, text)| ((*id).to_owned(), (*text).to_owned()))
            .collect();
        ConsentDocuments::parse(&files).expect("the built-in consent documents parse")
    }

    /// Reads `(id, file text)` pairs, refusing a document without front matter, with an
    /// unknown placeholder, or an id that is not lower-case letters, digits and `_` or `-`.
    pub fn parse(files: &[(String, String)]) -> Result<ConsentDocuments, String> {
        let mut docs = Vec::new();
        for (id, text) in files {
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
            {
                return Err(format!(
                    "consent/{id}.md: name a consent file with lower-case letters, digits, - and _"
                ));
            }
            docs.push(parse_one(id, text).map_err(|e| format!("consent/{id}.md: {e}"))?);
        }
        if docs.is_empty() {
            return Err("the consent folder holds no documents".into());
        }
        docs.sort_by(|a, b| (!a.required, &a.id).cmp(&(!b.required, &b.id)));
        Ok(ConsentDocuments(docs))
    }

    /// Every document.
    pub fn all(&self) -> &[ConsentDocument] {
        &self.0
    }

    /// The document with this id.
    pub fn get(&self, id: &str) -> Option<&ConsentDocument> {
        self.0.iter().find(|d| d.id == id)
    }
}

fn parse_one(id: &str, text: &str) -> Result<ConsentDocument, String> {
    let rest = text
        .strip_prefix("+++")
        .ok_or("a consent document starts with +++ front matter")?;
    let (front, body) = rest
        .split_once("\n+++")
        .ok_or("front matter is closed by a +++ line")?;
    let meta: FrontMatter = toml::from_str(front).map_err(|e| format!("front matter: {e}"))?;
    if meta.version < 1 {
        return Err("version is a whole number from 1".into());
    }
    if meta.title.trim().is_empty() {
        return Err("a consent document needs a title".into());
    }
    let rules = protocol::RuleSet::builtin();
    let plans = protocol::PlanTables::builtin();
    let known = protocol::Placeholders::new(&rules, &plans);
    for name in protocol::placeholder_names(body) {
        if !CLINIC_PLACEHOLDERS.contains(&name) {
            known.resolve(name).map_err(|e| e.to_string())?;
        }
    }
    Ok(ConsentDocument {
        id: id.to_owned(),
        title: meta.title.trim().to_owned(),
        version: meta.version,
        required: meta.required,
        photos: meta.photos,
        body: body.trim().to_owned(),
    })
}

impl ConsentDocument {
    /// The text a client reads and signs: Markdown with every placeholder filled from the
    /// clinic's details and rules; a list standing alone on its line becomes a bulleted list.
    pub fn text(&self, clinic: &ClinicSnapshot) -> String {
        let known = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
        let info = &clinic.setup.clinic;
        let mut lines = Vec::new();
        for line in self.body.lines() {
            let alone = line
                .trim()
                .strip_prefix("{{")
                .and_then(|l| l.strip_suffix("}}"))
                .filter(|name| !name.contains("{{"));
            if let Some(Ok(protocol::Filling::List(items))) = alone.map(|n| known.resolve(n)) {
                lines.extend(items.iter().map(|item| format!("- {item}")));
                continue;
            }
            let filled = protocol::fill_placeholders(line, |name| {
                Ok::<_, std::convert::Infallible>(match name {
                    "clinic_name" => info.name.clone(),
                    "clinic_phone" => info.phone.clone(),
                    _ => known
                        .resolve(name)
                        .map_or_else(|_| format!("{{{{{name}}}}}"), |f| f.inline()),
                })
            })
            .unwrap_or_else(|never| match never {});
            lines.push(filled);
        }
        lines.join("\n")
    }
}

/// The SHA-256 of a text, lower-case hex: what a signed consent keeps of the words shown.
pub fn sha256_hex(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> std::sync::Arc<ClinicSnapshot> {
        ClinicSnapshot::new(clinic::demo(), 1)
    }

    #[test]
    fn the_built_in_documents_fill_every_placeholder() {
        let docs = ConsentDocuments::builtin();
        let ids: Vec<&str> = docs.all().iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["treatment", "photos"]);
        let treatment = docs.get("treatment").unwrap();
        assert!(treatment.required && !treatment.photos);
        assert!(docs.get("photos").unwrap().photos);
        let text = treatment.text(&demo());
        assert!(!text.contains("{{"), "{text}");
        assert!(text.contains("Northside Skin Clinic"), "{text}");
        // The expected reactions and the red flags come from the protocol's lists.
        for s in protocol::Symptoms::builtin().all() {
            assert!(text.contains(&s.text), "the consent lacks {}", s.id);
        }
        assert!(text.contains("- Redness like a moderate sunburn"), "{text}");
    }

    #[test]
    fn no_document_writes_a_clinical_number_itself() {
        for (id, text) in BUILT_IN {
            let written = protocol::written_clinical_numbers(text);
            assert!(
                written.is_empty(),
                "{id} writes {written:?}; use a placeholder"
            );
        }
    }

    #[test]
    fn the_text_follows_the_clinic_and_so_does_its_hash() {
        let doc = ConsentDocuments::builtin()
            .get("treatment")
            .unwrap()
            .clone();
        let before = doc.text(&demo());
        let mut setup = clinic::demo();
        setup.clinic.name = "Southside Skin".into();
        let after = doc.text(&ClinicSnapshot::new(setup, 2));
        assert!(after.contains("Southside Skin"));
        assert_ne!(sha256_hex(&before), sha256_hex(&after));
        assert_eq!(sha256_hex(&before), sha256_hex(&doc.text(&demo())));
    }

    #[test]
    fn bad_documents_are_refused_with_their_file() {
        let doc = |text: &str| vec![("treatment".to_owned(), text.to_owned())];
        let err = ConsentDocuments::parse(&doc("no front matter")).unwrap_err();
        assert!(err.contains("consent/treatment.md"), "{err}");
        let err =
            ConsentDocuments::parse(&doc("+++\ntitle = \"T\"\nversion = 1\n+++\n{{wait:nope}}"))
                .unwrap_err();
        assert!(err.contains("wait:nope"), "{err}");
        let err =
            ConsentDocuments::parse(&doc("+++\ntitle = \"T\"\nversion = 0\n+++\nx")).unwrap_err();
        assert!(err.contains("version"), "{err}");
        let bad_name = vec![(
            "../x".to_owned(),
            "+++\ntitle=\"T\"\nversion=1\n+++\n".to_owned(),
        )];
        assert!(ConsentDocuments::parse(&bad_name).is_err());
        assert!(ConsentDocuments::parse(&[]).is_err());
    }
}
