//! The clickable face and body diagram: each area an SVG link that toggles it, coloured by
//! the depth range the clinic's protocol allows there.

use maud::{Markup, html};
use protocol::{AreaInfo, PlanTables, RangeMm};

use super::Choices;
use super::view::depth_text;

/// How deep an area's needles go, as a colour band: light, medium or deep.
pub(super) fn depth_band(d: RangeMm) -> &'static str {
    if d.max <= 0.5 {
        "light"
    } else if d.max <= 1.0 {
        "medium"
    } else {
        "deep"
    }
}

/// One shape of the drawings: `Ellipse(cx, cy, rx, ry)` or an SVG path.
pub(super) enum Shape {
    Ellipse(u16, u16, u16, u16),
    Path(&'static str),
}

/// The shapes of each area on the face (`"face"`) or body (`"body"`) drawing.
pub(super) fn area_shapes(id: &str) -> &'static [Shape] {
    use Shape::{Ellipse, Path};
    match id {
        "forehead" => &[Path(
            "M62 104 Q64 52 120 46 Q176 52 178 104 Q120 90 62 104 Z",
        )],
        "periorbital" => &[Ellipse(88, 124, 21, 12), Ellipse(152, 124, 21, 12)],
        "nose" => &[Path("M113 136 L105 176 Q120 186 135 176 L127 136 Z")],
        "cheeks" => &[Ellipse(78, 168, 20, 22), Ellipse(162, 168, 20, 22)],
        "upper_lip" => &[Path(
            "M100 192 Q120 186 140 192 L138 202 Q120 197 102 202 Z",
        )],
        "chin" => &[Ellipse(120, 228, 22, 11)],
        "jawline" => &[
            Path("M46 196 Q56 228 94 246 L98 236 Q66 220 58 194 Z"),
            Path("M194 196 Q184 228 146 246 L142 236 Q174 220 182 194 Z"),
        ],
        "neck" => &[Path("M92 252 L148 252 L154 306 L86 306 Z")],
        "decolletage" => &[Path("M82 76 Q120 70 158 76 L150 104 Q120 112 90 104 Z")],
        "hands" => &[Ellipse(38, 196, 13, 17), Ellipse(202, 196, 13, 17)],
        "abdomen" => &[Path("M90 122 L150 122 L154 172 L86 172 Z")],
        "thighs" => &[
            Path("M84 192 L117 192 L114 256 L90 256 Z"),
            Path("M123 192 L156 192 L150 256 L126 256 Z"),
        ],
        _ => &[],
    }
}

/// The outline drawn under the areas of a figure (decoration only).
fn outline(region: &str) -> Markup {
    if region == "face" {
        html! {
            g.figure aria-hidden="true" {
                path d="M120 30 C58 30 38 90 40 150 C42 212 80 250 120 252 C160 250 198 212 200 150 C202 90 182 30 120 30 Z" {}
                path d="M40 140 Q28 150 36 172 M200 140 Q212 150 204 172" {}
                path d="M70 106 Q88 98 106 106 M134 106 Q152 98 170 106" {}
                path d="M104 212 Q120 220 136 212" {}
            }
        }
    } else {
        html! {
            g.figure aria-hidden="true" {
                circle cx="120" cy="34" r="22" {}
                path d="M110 56 L110 66 L74 74 Q60 80 58 100 L44 180 M130 56 L130 66 L166 74 Q180 80 182 100 L196 180" {}
                path d="M74 74 L80 180 L84 306 M166 74 L160 180 L156 306 M120 186 L120 306" {}
            }
        }
    }
}

/// The face or body drawing: one link per area that toggles it, with the selection marked by a
/// thick outline and stripes as well as by colour.
fn figure(
    region: &str,
    title: &str,
    areas: &[AreaInfo],
    choices: &Choices,
    tables: &PlanTables,
) -> Markup {
    let title_id = format!("diagram-{region}-title");
    let hatch_id = format!("hatch-{region}");
    html! {
        svg.diagram-figure viewBox="0 0 240 320" width="240" height="320" aria-labelledby=(title_id) {
            title id=(title_id) { (title) }
            defs {
                pattern id=(hatch_id) width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                    rect width="3" height="8" fill="#2a1a1f" fill-opacity="0.55" {}
                }
            }
            (outline(region))
            @for a in areas.iter().filter(|a| a.region == region) {
                @let selected = choices.areas.contains(&a.id);
                @let state = if selected { "selected" } else { "not selected" };
                @let class = format!("area-link depth-{}{}", depth_band(a.depth_mm), if selected { " selected" } else { "" });
                a class=(class) href=(choices.toggle_link(&a.id, tables))
                    aria-label=(format!("{}: {state}, depth {}", a.label, depth_text(a.depth_mm))) {
                    title { (a.label) " (" (state) ")" }
                    @for shape in area_shapes(&a.id) {
                        (shape_markup(shape, "area-shape", None))
                        @if selected { (shape_markup(shape, "area-hatch", Some(&hatch_id))) }
                    }
                }
            }
        }
    }
}

/// One shape, filled with `pattern` (the selection's stripes) when given.
fn shape_markup(shape: &Shape, class: &str, pattern: Option<&str>) -> Markup {
    let fill = pattern.map(|p| format!("url(#{p})"));
    match shape {
        Shape::Ellipse(cx, cy, rx, ry) => {
            html! { ellipse class=(class) cx=(cx) cy=(cy) rx=(rx) ry=(ry) fill=[fill] {} }
        }
        Shape::Path(d) => html! { path class=(class) d=(d) fill=[fill] {} },
    }
}

/// Both drawings and their legend: the areas to tap, for those who find a picture easier than a list.
pub(super) fn area_diagram(tables: &PlanTables, areas: &[AreaInfo], choices: &Choices) -> Markup {
    html! {
        div.diagram {
            (figure("face", "Face and neck: choose an area", areas, choices, tables))
            (figure("body", "Body: choose an area", areas, choices, tables))
        }
        ul.legend aria-label="What the drawing shows" {
            li { span.swatch.depth-light {} "Up to 0.5 mm deep" }
            li { span.swatch.depth-medium {} "Up to 1.0 mm deep" }
            li { span.swatch.depth-deep {} "Up to 2.0 mm deep" }
            li { span.swatch.swatch-selected {} "Chosen: thick outline and stripes" }
        }
    }
}
