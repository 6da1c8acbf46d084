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
        Ok(Content { pages })
    }

    /// The page at a slug.
    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug)
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
    // Wide tables scroll inside their own box instead of widening the page on phones.
    let html = html
        .replace("<table>", "<div class=\"table-scroll\"><table>")
        .replace("</table>", "</table></div>");
    Ok(Page {
        slug: slug.to_owned(),
        meta,
        html,
    })
}

/// Fills the clinic's own details into page text.
pub fn fill_placeholders(html: &str, clinic: &clinic::ClinicInfo) -> String {
    let escape = |s: &str| maud::html! { (s) }.into_string();
    html.replace("{{clinic_name}}", &escape(&clinic.name))
        .replace("{{clinic_phone}}", &escape(&clinic.phone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_pages_parse_with_front_matter() {
        let content = Content::load(None).unwrap();
        assert_eq!(content.pages[0].slug, "index");
        assert!(content.page("risks").unwrap().meta.procedure);
        assert!(content.page("compare").unwrap().html.contains("<table>"));
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let page = parse_page("x", "+++\ntitle=\"t\"\ndescription=\"d\"\nnav=\"n\"\norder=1\n+++\n<script>alert(1)</script>\n").unwrap();
        assert!(!page.html.contains("<script>"));
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(parse_page("x", "# hello").is_err());
    }
}
