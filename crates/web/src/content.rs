//! The public pages' words: Markdown files with TOML front matter under `content/`, so a
//! clinic can edit them without recompiling. A copy is built in for a bare binary.

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

/// The pages shipped with the binary, used when no content folder is given.
const BUILT_IN: &[(&str, &str)] = &[
    ("index", include_str!("../../../content/index.md")),
    (
        "microneedling",
        include_str!("../../../content/microneedling.md"),
    ),
    ("procedure", include_str!("../../../content/procedure.md")),
    ("benefits", include_str!("../../../content/benefits.md")),
    ("risks", include_str!("../../../content/risks.md")),
    ("aftercare", include_str!("../../../content/aftercare.md")),
    ("compare", include_str!("../../../content/compare.md")),
    ("faq", include_str!("../../../content/faq.md")),
];

/// What a page's front matter says about it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub description: String,
    pub nav: String,
    pub order: i32,
    /// A treatment page: carries the booking call to action and MedicalProcedure data.
    #[serde(default)]
    pub procedure: bool,
    /// The clinic's own photo at the top of the page, a file in the content folder's
    /// `photos/`; the home page shows its illustration without one.
    #[serde(default)]
    pub hero: Option<String>,
    /// What the hero photo shows; required with `hero`.
    #[serde(default)]
    pub hero_alt: Option<String>,
    /// More of the clinic's photos (the team, the rooms), shown after the page's text.
    #[serde(default)]
    pub photos: Vec<crate::photos::PagePhoto>,
}

/// One public page, rendered to HTML once at start.
#[derive(Clone, Debug)]
pub struct Page {
    /// The URL path segment; `index` is the home page.
    pub slug: String,
    pub meta: FrontMatter,
    /// The body as HTML, with `{{clinic_name}}`-style placeholders still in place.
    pub html: String,
}

impl Page {
    /// The page's path on the site.
    pub fn path(&self) -> String {
        if self.slug == "index" {
            "/".into()
        } else {
            format!("/{}", self.slug)
        }
    }
}

/// Every content page, in navigation order.
#[derive(Debug)]
pub struct Content {
    pub pages: Vec<Page>,
}

impl Content {
    /// Reads every `*.md` in `dir`, or the built-in pages when `dir` is `None`.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Content> {
        let mut pages = Vec::new();
        match dir {
            None => {
                for (slug, text) in BUILT_IN {
                    pages.push(
                        parse_page(slug, text).with_context(|| format!("built-in page {slug}"))?,
                    );
                }
            }
            Some(dir) => {
                let entries = std::fs::read_dir(dir)
                    .with_context(|| format!("reading content folder {}", dir.display()))?;
                for entry in entries {
                    let path = entry?.path();
                    if path.extension().and_then(|e| e.to_str()) != Some("md") {
                        continue;
                    }
                    let slug = path
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .unwrap_or_default()
                        .to_owned();
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    pages.push(
                        parse_page(&slug, &text)
                            .with_context(|| format!("in {}", path.display()))?,
                    );
                }
            }
        }
        pages.sort_by_key(|p| (p.meta.order, p.slug.clone()));
        let content = Content { pages };
        if let Some(dir) = dir {
            for (slug, name) in content.missing_photos(dir) {
                tracing::warn!(
                    "content: {slug}.md names the photo \"{name}\", but {} is not there; the page shows without it",
                    crate::photos::file(dir, name).display()
                );
            }
        }
        Ok(content)
    }

    /// The page at a slug.
    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug)
    }

    /// Every photo a page names, with its page's slug.
    fn photo_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pages.iter().flat_map(|p| {
            let hero = p.meta.hero.as_deref();
            hero.into_iter()
                .chain(p.meta.photos.iter().map(|f| f.file.as_str()))
                .map(move |name| (p.slug.as_str(), name))
        })
    }

    /// Whether some page names this photo, the only files `/photos/` serves.
    pub fn names_photo(&self, name: &str) -> bool {
        self.photo_names().any(|(_, n)| n == name)
    }

    /// The photos pages name whose files are not in `dir/photos/`, with their page.
    pub fn missing_photos<'a>(&'a self, dir: &Path) -> Vec<(&'a str, &'a str)> {
        self.photo_names()
            .filter(|(_, name)| !crate::photos::file(dir, name).is_file())
            .collect()
    }
}

fn parse_page(slug: &str, text: &str) -> anyhow::Result<Page> {
    let rest = text
        .strip_prefix("+++")
        .context("a page starts with +++ front matter")?;
    let (front, body) = rest
        .split_once("\n+++")
        .context("front matter is closed by a +++ line")?;
    let meta: FrontMatter = toml::from_str(front).context("front matter")?;
    crate::photos::check(&meta).context("front matter")?;
    check_placeholders(body)?;
    let options =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION;
    let parser = pulldown_cmark::Parser::new_ext(body, options).map(|event| match event {
        // Clinic text is trusted, but raw HTML would bypass the design and the CSP: show it as text.
        pulldown_cmark::Event::Html(html) | pulldown_cmark::Event::InlineHtml(html) => {
            pulldown_cmark::Event::Text(html)
        }
        other => other,
    });
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    let html = wrap_tables(&html);
    Ok(Page {
        slug: slug.to_owned(),
        meta,
        html,
    })
}

/// Wide tables scroll inside their own box instead of widening the page on phones. The box
/// is a labelled region a keyboard can focus and scroll, named after the heading above the
/// table, so a screen reader says what it holds.
fn wrap_tables(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(at) = rest.find("<table>") {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let label = last_heading(&out).unwrap_or_else(|| "Table".to_owned());
        // The heading's text is already escaped HTML; only a stray quote could end the attribute.
        let label = label.replace('"', "&quot;");
        out.push_str("<p class=\"scroll-hint\" aria-hidden=\"true\">Swipe the table sideways to see every column.</p>");
        out.push_str(&format!(
            "<div class=\"table-scroll\" role=\"region\" aria-label=\"{label}\" tabindex=\"0\">"
        ));
        let end = after
            .find("</table>")
            .map_or(after.len(), |e| e + "</table>".len());
        out.push_str(&after[..end]);
        out.push_str("</div>");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The text of the last `<h2>`–`<h4>` in `html`, tags removed.
fn last_heading(html: &str) -> Option<String> {
    let start = ["<h2", "<h3", "<h4"]
        .iter()
        .filter_map(|tag| html.rfind(tag))
        .max()?;
    let open_end = start + html[start..].find('>')? + 1;
    let close = open_end + html[open_end..].find("</h")?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[open_end..close].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The consent documents under `dir/consent/*.md`, or the built-in ones when there is no
/// content folder or it has no `consent/` folder.
pub fn load_consent(dir: Option<&Path>) -> anyhow::Result<service::ConsentDocuments> {
    let Some(folder) = dir.map(|d| d.join("consent")).filter(|d| d.is_dir()) else {
        return Ok(service::ConsentDocuments::builtin());
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&folder)
        .with_context(|| format!("reading consent folder {}", folder.display()))?
    {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        files.push((id, text));
    }
    service::ConsentDocuments::parse(&files).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The clinic's words for the planned messages from the content folder's `messages/`; the
/// built-in words for any message without a file (all of them without the folder). A bad
/// file stops start-up with an error naming it.
pub fn load_message_texts(dir: Option<&Path>) -> anyhow::Result<mail::compose::MessageTexts> {
    let Some(folder) = dir.map(|d| d.join("messages")).filter(|d| d.is_dir()) else {
        return Ok(mail::compose::MessageTexts::builtin());
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&folder)
        .with_context(|| format!("reading messages folder {}", folder.display()))?
    {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        files.push((name, text));
    }
    files.sort();
    service::parse_message_texts(&files)
        .map_err(|e| anyhow::anyhow!("content folder {}: {e}", folder.display()))
}

/// Placeholders a page may use besides the protocol's: the clinic's own details.
const CLINIC_PLACEHOLDERS: [&str; 2] = ["clinic_name", "clinic_phone"];

/// Refuses a page with a placeholder no data stands behind, so a typo stops start-up
/// instead of showing a blank or a raw `{{…}}`.
fn check_placeholders(body: &str) -> anyhow::Result<()> {
    let rules = protocol::RuleSet::builtin();
    let plans = protocol::PlanTables::builtin();
    let known = protocol::Placeholders::new(&rules, &plans);
    for name in protocol::placeholder_names(body) {
        if let Some(id) = name.strip_prefix("figure:") {
            if crate::illustrations::find(id).is_none() {
                anyhow::bail!(
                    "{{{{{name}}}}}: there is no illustration \"{id}\"; use one of {}",
                    crate::illustrations::ids()
                );
            }
        } else if !CLINIC_PLACEHOLDERS.contains(&name) {
            known.resolve(name)?;
        }
    }
    Ok(())
}

/// Fills a page's placeholders: the clinic's details, its drawings (`{{figure:ID}}`), and
/// every clinical number and red flag from the clinic's rules, plan tables and the
/// protocol's symptom and fact lists. A list or drawing standing alone in a paragraph
/// replaces the paragraph.
pub fn fill_placeholders(html: &str, clinic: &clinic::ClinicSnapshot) -> String {
    let escape = |s: &str| maud::html! { (s) }.into_string();
    let known = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    let mut html = html.to_owned();
    for name in protocol::placeholder_names(&html.clone()) {
        if let Some(drawing) = name
            .strip_prefix("figure:")
            .and_then(crate::illustrations::find)
        {
            let figure = drawing.figure(clinic).into_string();
            html = html.replace(&format!("<p>{{{{{name}}}}}</p>"), &figure);
        } else if let Ok(protocol::Filling::List(items)) = known.resolve(name) {
            let list = maud::html! { ul { @for item in &items { li { (item) } } } }.into_string();
            html = html.replace(&format!("<p>{{{{{name}}}}}</p>"), &list);
        }
    }
    let info = &clinic.setup.clinic;
    protocol::fill_placeholders(&html, |name| {
        // A drawing inside running text, where it cannot replace a paragraph.
        if let Some(drawing) = name
            .strip_prefix("figure:")
            .and_then(crate::illustrations::find)
        {
            return Ok(drawing.figure(clinic).into_string());
        }
        Ok::<_, std::convert::Infallible>(match name {
            "clinic_name" => escape(&info.name),
            "clinic_phone" => crate::ui::layout::phone_link(&info.phone).into_string(),
            // Checked at load, so only a page edited since would miss; show the name, not a blank.
            _ => known
                .resolve(name)
                .map_or_else(|_| format!("{{{{{name}}}}}"), |f| escape(&f.inline())),
        })
    })
    .unwrap_or_else(|never| match never {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_pages_parse_with_front_matter() {
        let content = Content::load(None).unwrap();
        assert_eq!(content.pages[0].slug, "index");
        assert!(content.page("risks").unwrap().meta.procedure);
        let compare = &content.page("compare").unwrap().html;
        assert!(compare.contains("<table>"));
        // Every table sits in a named region a keyboard can reach and scroll.
        assert_eq!(
            compare.matches("<table>").count(),
            compare.matches("role=\"region\" aria-label=").count()
        );
        assert!(compare.contains("tabindex=\"0\"><table>"), "{compare}");
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let page = parse_page("x", "+++\ntitle=\"t\"\ndescription=\"d\"\nnav=\"n\"\norder=1\n+++\n<script>alert(1)</script>\n").unwrap();
        assert!(!page.html.contains("<script>"));
    }

    fn demo() -> std::sync::Arc<clinic::ClinicSnapshot> {
        clinic::ClinicSnapshot::new(clinic::demo(), 1)
    }

    /// Every file under content/, read from disk as a clinic would edit it.
    fn content_files() -> Vec<(String, String)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content");
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .map(|p| {
                (
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        assert!(files.len() >= 8, "{files:?}");
        files
    }

    #[test]
    fn no_page_writes_a_clinical_number_itself() {
        for (path, text) in content_files() {
            // The source list at the foot of a page names publications (years, issue numbers),
            // not clinical figures; the clinic's phone number comes from {{clinic_phone}}.
            let claims: String = text
                .lines()
                .filter(|l| !l.starts_with("- ["))
                .collect::<Vec<_>>()
                .join("\n");
            let written = protocol::written_clinical_numbers(&claims);
            assert!(
                written.is_empty(),
                "{path} writes {written:?}; use a placeholder"
            );
        }
    }

    #[test]
    fn every_placeholder_on_every_page_is_known_and_filled() {
        let clinic = demo();
        for (path, text) in content_files() {
            let page = parse_page("x", &text).unwrap_or_else(|e| panic!("{path}: {e:#}"));
            let filled = fill_placeholders(&page.html, &clinic);
            assert!(!filled.contains("{{"), "{path}: {filled}");
            assert!(
                !filled.contains("<p><ul>"),
                "{path}: a list inside a paragraph"
            );
        }
        let err = parse_page(
            "x",
            "+++\ntitle=\"t\"\ndescription=\"d\"\nnav=\"n\"\norder=1\n+++\nWait {{wait:isotretnoin}}.\n",
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("wait:isotretnoin"), "{err:#}");
    }

    #[test]
    fn pages_agree_with_the_rules() {
        let clinic = demo();
        let content = Content::load(None).unwrap();
        let page = |slug: &str| fill_placeholders(&content.page(slug).unwrap().html, &clinic);
        let (risks, faq, aftercare) = (page("risks"), page("faq"), page("aftercare"));
        // The ablative-laser wait is the rule's 3 months on both pages, never "12 weeks".
        for text in [&risks, &faq] {
            assert!(text.contains("3 months after"), "{text}");
            assert!(!text.contains("12 weeks"));
        }
        // The same red flags, the same way, on both pages: lip swelling is an emergency.
        let symptoms = protocol::Symptoms::builtin();
        for s in symptoms.all() {
            if s.triage != protocol::Triage::Expected {
                let text = maud::html! { (s.text) }.into_string();
                assert!(risks.contains(&text), "risks lacks {}", s.id);
                assert!(aftercare.contains(&text), "aftercare lacks {}", s.id);
            }
        }
        for text in [&risks, &aftercare] {
            let emergency = text.find("Swelling of your lips").unwrap();
            let call_today = text.find("the same day").unwrap();
            assert!(
                emergency < call_today,
                "lip swelling sits with the emergencies"
            );
            assert!(text.contains("Out of hours"));
        }
        // Isotretinoin cites the package insert, whose 6 months it is.
        assert!(risks.contains("package insert advises (source [PI])"));
        assert!(faq.contains("package insert advises (source [PI])"));
    }

    #[test]
    fn a_clinic_override_flows_into_the_pages() {
        let mut setup = clinic::demo();
        setup.screening.rules.insert(
            "isotretinoin".into(),
            clinic::RuleOverrideSetup {
                wait: Some("12 months".into()),
                ..Default::default()
            },
        );
        let clinic = clinic::ClinicSnapshot::new(setup, 2);
        let content = Content::load(None).unwrap();
        let faq = fill_placeholders(&content.page("faq").unwrap().html, &clinic);
        assert!(
            faq.contains("wait until 12 months after your last dose"),
            "{faq}"
        );
    }

    #[test]
    fn a_clinic_s_consent_folder_replaces_the_built_in_documents() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load_consent(Some(dir.path())).unwrap(),
            service::ConsentDocuments::builtin()
        );
        std::fs::create_dir(dir.path().join("consent")).unwrap();
        std::fs::write(
            dir.path().join("consent/treatment.md"),
            "+++\ntitle = \"Our consent\"\nversion = 3\n+++\nAt {{clinic_name}}, redness lasts {{normal:redness}}.\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("consent/notes.txt"), "not a document").unwrap();
        let docs = load_consent(Some(dir.path())).unwrap();
        let ids: Vec<&str> = docs.all().iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["treatment"]);
        let doc = docs.get("treatment").unwrap();
        assert_eq!(
            (doc.title.as_str(), doc.version, doc.required),
            ("Our consent", 3, true)
        );
        let text = doc.text(&demo());
        assert!(
            text.starts_with("At Northside Skin Clinic, redness lasts mostly gone"),
            "{text}"
        );
        std::fs::write(
            dir.path().join("consent/photos.md"),
            "+++\ntitle = \"Photos\"\nversion = 1\n+++\n{{wait:nope}}\n",
        )
        .unwrap();
        let err = load_consent(Some(dir.path())).unwrap_err().to_string();
        assert!(
            err.contains("consent/photos.md") && err.contains("wait:nope"),
            "{err}"
        );
    }

    #[test]
    fn message_texts_come_from_the_messages_folder_and_a_bad_one_stops_start_up() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load_message_texts(Some(dir.path())).unwrap(),
            mail::compose::MessageTexts::builtin()
        );
        std::fs::create_dir(dir.path().join("messages")).unwrap();
        std::fs::write(
            dir.path().join("messages/same_day.md"),
            "+++\n+++\nCome bare-faced; numbing takes {{fact:numbing}}.\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("messages/notes.txt"), "not a message").unwrap();
        let texts = load_message_texts(Some(dir.path())).unwrap();
        assert_eq!(
            texts.same_day,
            "Come bare-faced; numbing takes {{fact:numbing}}."
        );
        assert_eq!(
            texts.preparation,
            mail::compose::MessageTexts::builtin().preparation
        );
        std::fs::write(
            dir.path().join("messages/aftercare-day3.md"),
            "Flaking is {{normal:flakes}}.\n\nMoisturise.\n\nNo picking.\n",
        )
        .unwrap();
        let err = load_message_texts(Some(dir.path()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("messages/aftercare-day3.md") && err.contains("normal:flakes"),
            "{err}"
        );
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(parse_page("x", "# hello").is_err());
    }
}
