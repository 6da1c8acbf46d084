//! The site's own drawings: hand-written SVG files whose words come through the same
//! placeholders as the pages, so a drawing never states a figure the protocol does not
//! hold. A page places one with `{{figure:ID}}` on a line of its own.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::state::AppState;
use clinic::ClinicSnapshot;

/// One drawing: its file and the words that stand for it where it cannot be seen.
pub struct Illustration {
    /// The name pages use (`{{figure:ID}}`) and the file's stem under `/illustrations/`.
    pub id: &'static str,
    /// The SVG, with `{{…}}` placeholders in its text.
    svg: &'static str,
    /// Everything the drawing says, for screen readers; placeholders allowed.
    alt: &'static str,
    /// The line under the drawing; placeholders allowed.
    caption: &'static str,
    width: u32,
    height: u32,
}

/// Every drawing the site ships.
pub const ALL: [Illustration; 3] = [
    Illustration {
        id: "skin-layers",
        svg: include_str!("../assets/illustrations/skin-layers.svg"),
        alt: "Three drawings of a slice of skin: the thin outer layer (the epidermis), the dermis below it where collagen lives, and fat underneath. First, fine needles make tiny channels through the outer layer into the dermis. Second, the skin starts to repair them and the channels close. Third, new collagen forms in the dermis in the weeks after.",
        caption: "How microneedling works: tiny controlled channels, repair, then new collagen.",
        width: 720,
        height: 340,
    },
    Illustration {
        id: "course-timeline",
        svg: include_str!("../assets/illustrations/course-timeline.svg"),
        alt: "Timeline of a typical course: {{fact:general_course}}. Sessions one, two and three are each {{fact:general_interval}} apart, with more if your plan needs them, then a maintenance session every {{fact:maintenance}}. Beneath the sessions, new collagen builds slowly over months.",
        caption: "A typical course: {{fact:general_course}}, then maintenance every {{fact:maintenance}} (source [2]). Your own plan may differ.",
        width: 720,
        height: 300,
    },
    Illustration {
        id: "healing-days",
        svg: include_str!("../assets/illustrations/healing-days.svg"),
        alt: "Chart of the days after treatment. Redness like a moderate sunburn: {{normal:redness}}. Swelling and tenderness: {{normal:swelling}}. Flaking or dryness: {{normal:flaking}}. Bruising, small scabs or a few small spots: {{normal:breakouts}}. If things get worse instead of better, or you have spreading redness, heat, pus or a fever, call the clinic today.",
        caption: "The usual healing days (sources [17], [21], [43] and clinic guidance [C]). Everyone heals a little differently.",
        width: 720,
        height: 350,
    },
];

/// The drawing named `id`.
pub fn find(id: &str) -> Option<&'static Illustration> {
    ALL.iter().find(|i| i.id == id)
}

/// Every drawing's name, for an error that lists them.
pub fn ids() -> String {
    ALL.iter().map(|i| i.id).collect::<Vec<_>>().join(", ")
}

impl Illustration {
    /// Where the drawing is served.
    pub fn url(&self) -> String {
        format!("/illustrations/{}.svg", self.id)
    }

    /// The alternative text, its figures filled from the clinic's protocol.
    pub fn alt_text(&self, clinic: &ClinicSnapshot) -> String {
        fill_plain(self.alt, clinic)
    }

    /// The SVG with its figures filled in, escaped for XML.
    pub fn svg(&self, clinic: &ClinicSnapshot) -> String {
        let known = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
        protocol::fill_placeholders(self.svg, |name| {
            Ok::<_, std::convert::Infallible>(
                known
                    .resolve(name)
                    .map_or_else(|_| String::new(), |f| html! { (f.inline()) }.into_string()),
            )
        })
        .unwrap_or_else(|never| match never {})
    }

    /// The drawing as a figure with its caption, for a page's body. On a phone its words are
    /// small, so the caption links to the drawing alone, where it can be zoomed.
    pub fn figure(&self, clinic: &ClinicSnapshot) -> Markup {
        html! {
            figure.illustration {
                (self.img(clinic, true))
                figcaption {
                    (fill_plain(self.caption, clinic)) " "
                    a href=(self.url()) { "Open the drawing full size" }
                }
            }
        }
    }

    /// The drawing as an image; `lazy` for one below the fold.
    pub fn img(&self, clinic: &ClinicSnapshot, lazy: bool) -> Markup {
        html! {
            img src=(self.url()) alt=(self.alt_text(clinic)) width=(self.width) height=(self.height)
                loading=[lazy.then_some("lazy")];
        }
    }
}

/// Text with its placeholders filled as plain words (the caller escapes).
fn fill_plain(text: &str, clinic: &ClinicSnapshot) -> String {
    let known = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
    protocol::fill_placeholders(text, |name| {
        Ok::<_, std::convert::Infallible>(
            known
                .resolve(name)
                .map_or_else(|_| String::new(), |f| f.inline()),
        )
    })
    .unwrap_or_else(|never| match never {})
}

/// `GET /illustrations/{id}.svg`: a drawing with the clinic's figures. An hour's cache, as a
/// change to the clinic's rules may change its words.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(drawing) = file.strip_suffix(".svg").and_then(find) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        drawing.svg(&state.clinic()),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> std::sync::Arc<ClinicSnapshot> {
        ClinicSnapshot::new(clinic::demo(), 1)
    }

    /// The words of every `<text>` element, one string each.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = &t[t.find('>')? + 1..];
                Some(body[..body.find("</text>")?].to_owned())
            })
            .collect()
    }

    #[test]
    fn every_drawing_is_well_formed_accessible_and_fully_filled() {
        let clinic = demo();
        for d in &ALL {
            let svg = d.svg(&clinic);
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            assert!(
                svg.contains("role=\"img\"") && svg.contains("<title id="),
                "{}",
                d.id
            );
            assert!(!svg.contains("{{") && !svg.contains("style="), "{}", d.id);
            let alt = d.alt_text(&clinic);
            assert!(!alt.contains("{{") && alt.len() > 80, "{}: {alt}", d.id);
            // Tags open and close in pairs, so a browser draws the whole file.
            for tag in ["svg", "g", "text", "defs", "pattern", "clipPath"] {
                let open = svg.matches(&format!("<{tag} ")).count()
                    + svg.matches(&format!("<{tag}>")).count();
                assert_eq!(
                    open,
                    svg.matches(&format!("</{tag}>")).count(),
                    "{}: <{tag}>",
                    d.id
                );
            }
        }
    }

    #[test]
    fn no_drawing_writes_a_clinical_number_itself() {
        for d in &ALL {
            for text in texts(d.svg)
                .iter()
                .map(String::as_str)
                .chain([d.alt, d.caption])
            {
                let written = protocol::written_clinical_numbers(text);
                assert!(written.is_empty(), "{} writes {written:?}", d.id);
            }
        }
    }

    #[test]
    fn the_drawings_say_what_the_protocol_says() {
        let clinic = demo();
        let course = find("course-timeline").unwrap();
        assert!(course.svg(&clinic).contains(">4 to 6 weeks</text>"));
        assert!(course.svg(&clinic).contains(">every 6 to 12 months</text>"));
        let healing = find("healing-days").unwrap().svg(&clinic);
        // The symptoms are named as the protocol names them, beside their course.
        let symptoms = protocol::Symptoms::builtin();
        for s in symptoms.with_triage(protocol::Triage::Expected) {
            let words = s.text.split_whitespace().next().unwrap();
            assert!(healing.contains(words), "{}", s.id);
            assert!(healing.contains(s.course.as_deref().unwrap()), "{}", s.id);
        }
        // The bars are drawn to these figures; if the protocol changes them, redraw the bars.
        let known = protocol::Placeholders::new(&clinic.rules, &clinic.plans);
        let says = |name: &str| known.resolve(name).unwrap().inline();
        assert_eq!(says("fact:settle_days"), "2 to 3 days");
        assert_eq!(says("normal:breakouts"), "can last up to 7 to 10 days");
        assert_eq!(says("fact:expected_reactions"), "up to 7 days");
    }
}
