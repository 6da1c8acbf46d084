//! Pictures on the public site: the clinic's own photos named in a page's front matter
//! (served only when named, with their type and cache headers, never past `photos/`), the
//! drawing the home page falls back to, and the drawings the pages place.

use crate::common;

use common::{Answer, TestApp, answer};

/// The first bytes of a JPEG and a tiny PNG, as a clinic's photo files would start.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
];
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89,
];

const HOME: &str = r#"+++
title = "Welcome"
description = "Our clinic."
nav = "Home"
order = 1
hero = "hero.jpg"
hero_alt = "Our bright treatment room with its reclining chair"

[[photos]]
file = "room.png"
alt = "The second treatment room, with a window onto the garden"
caption = "Room two"

[[photos]]
file = "team.jpg"
alt = "The whole team in the waiting room"

[[photos]]
file = "huge.jpg"
alt = "A photo far too large to serve"
+++
Welcome to {{clinic_name}}.
"#;

async fn get(app: &TestApp, path: &str) -> Answer {
    answer(
        app.http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("request"),
    )
    .await
}

/// A content folder holding `index.md` with `home`, and `photos/` with `files`.
fn content_folder(c: &mut web::Config, home: &str, files: &[(&str, &[u8])]) {
    let dir = c.data_dir.join("content");
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    std::fs::write(dir.join("index.md"), home).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join("photos").join(name), bytes).unwrap();
    }
    // Beside the folder, where a traversal would try to reach.
    std::fs::write(c.data_dir.join("secret.jpg"), b"not for the public").unwrap();
    c.content_dir = Some(dir);
}

fn with_photos(c: &mut web::Config) {
    let huge = vec![0xFFu8; 5 * 1024 * 1024 + 1];
    content_folder(
        c,
        HOME,
        &[
            ("hero.jpg", JPEG),
            ("room.png", PNG),
            ("unnamed.jpg", JPEG),
            ("huge.jpg", &huge),
        ],
    );
}

/// The home page shows the clinic's hero photo and its other photos with their alt text;
/// a named photo whose file is missing is left out; `/photos/` serves only named files.
async fn a_clinic_s_photos_are_shown_and_served_safely(app: TestApp) {
    let home = get(&app, "/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(
        home.body.contains(
            r#"<img class="hero-photo" src="/photos/hero.jpg" alt="Our bright treatment room with its reclining chair">"#
        ),
        "{}",
        home.body
    );
    assert!(
        !home.body.contains("/illustrations/skin-layers.svg"),
        "the photo stands in for the drawing"
    );
    assert!(home.body.contains(
        r#"src="/photos/room.png" alt="The second treatment room, with a window onto the garden""#
    ));
    assert!(home.body.contains("<figcaption>Room two</figcaption>"));
    assert!(
        !home.body.contains("team.jpg"),
        "a photo without its file is not shown"
    );

    let hero = app
        .http
        .get(format!("{}/photos/hero.jpg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(hero.status().as_u16(), 200);
    assert_eq!(hero.headers()["content-type"], "image/jpeg");
    assert_eq!(hero.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(hero.bytes().await.unwrap().as_ref(), JPEG);
    let room = get(&app, "/photos/room.png").await;
    assert_eq!(room.status, 200);

    for refused in [
        // A file in photos/ that no page names.
        "/photos/unnamed.jpg",
        // Named, but its file is missing.
        "/photos/team.jpg",
        // Named, but over the size limit.
        "/photos/huge.jpg",
        // Out of the folder, by every spelling.
        "/photos/..%2Fsecret.jpg",
        "/photos/..%2F..%2Fsecret.jpg",
        "/photos/%2E%2E%2Fsecret.jpg",
        "/photos/..%5Csecret.jpg",
        "/photos/..%2Findex.md",
        "/photos/index.md",
    ] {
        let a = get(&app, refused).await;
        assert_eq!(a.status, 404, "{refused}: {}", a.body);
        assert!(!a.body.contains("not for the public"), "{refused}");
    }
}
on_both_engines!(
    a_clinic_s_photos_are_shown_and_served_safely,
    clinic::demo(),
    super::with_photos
);

fn with_a_missing_hero(c: &mut web::Config) {
    content_folder(c, HOME, &[]);
}

/// A hero photo whose file is not there leaves the home page whole, with the drawing of how
/// microneedling works in its place.
async fn a_missing_hero_photo_falls_back_to_the_drawing(app: TestApp) {
    let home = get(&app, "/").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(!home.body.contains("/photos/"), "{}", home.body);
    let art = &home.body[home.body.find("class=\"hero-art\"").expect("hero art")..];
    assert!(
        art.starts_with("class=\"hero-art\"><img src=\"/illustrations/skin-layers.svg\" alt=\"Three drawings of a slice of skin"),
        "{art}"
    );
    assert_eq!(get(&app, "/photos/hero.jpg").await.status, 404);
}
on_both_engines!(
    a_missing_hero_photo_falls_back_to_the_drawing,
    clinic::demo(),
    super::with_a_missing_hero
);

/// The built-in pages place the drawings, each with alt text carrying the protocol's
/// figures, and the drawings are served as SVG with those figures filled in.
async fn the_pages_show_the_drawings_with_their_figures(app: TestApp) {
    let home = get(&app, "/").await;
    assert!(
        home.body.contains("src=\"/illustrations/skin-layers.svg\""),
        "the home page's drawing without a hero photo"
    );
    assert!(home.body.contains(
        "<figure class=\"illustration\"><img src=\"/illustrations/course-timeline.svg\""
    ));
    let aftercare = get(&app, "/aftercare").await;
    assert!(
        aftercare.body.contains("alt=\"Chart of the days after treatment. Redness like a moderate sunburn: mostly gone within 24 hours and rarely visible by day 3."),
        "{}",
        aftercare.body
    );
    assert!(
        aftercare
            .body
            .contains("<a href=\"/illustrations/healing-days.svg\">Open the drawing full size</a>"),
        "the caption links to the drawing alone, for zooming on a phone"
    );
    assert!(
        !aftercare.body.contains("{{"),
        "no placeholder left on the page"
    );
    for (page, drawing) in [
        ("/microneedling", "skin-layers"),
        ("/procedure", "healing-days"),
    ] {
        let body = get(&app, page).await.body;
        assert!(
            body.contains(&format!("src=\"/illustrations/{drawing}.svg\"")),
            "{page}"
        );
    }

    let svg = app
        .http
        .get(format!("{}/illustrations/course-timeline.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(svg.status().as_u16(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let text = svg.text().await.unwrap();
    assert!(text.contains(">4 to 6 weeks</text>"), "{text}");
    assert!(!text.contains("{{"));
    for missing in [
        "/illustrations/nope.svg",
        "/illustrations/skin-layers",
        "/illustrations/..%2Fsite.css",
    ] {
        assert_eq!(get(&app, missing).await.status, 404, "{missing}");
    }
}
on_both_engines!(the_pages_show_the_drawings_with_their_figures);

/// The content check refuses, at start-up and naming what to write, a photo without alt
/// text, a file that is not a plain image name, and a drawing that does not exist.
#[tokio::test]
async fn the_content_check_refuses_photos_without_alt_or_with_odd_names() {
    let cases = [
        (
            "hero = \"hero.jpg\"\n",
            "hero = \"hero.jpg\" needs hero_alt",
        ),
        (
            "hero = \"hero.jpg\"\nhero_alt = \"  \"\n",
            "hero = \"hero.jpg\" needs hero_alt",
        ),
        (
            "[[photos]]\nfile = \"room.jpg\"\n",
            "photos[0] (\"room.jpg\") needs alt",
        ),
        (
            "hero = \"notes.txt\"\nhero_alt = \"Notes\"\n",
            "hero = \"notes.txt\" should be a file name in the content folder's photos/",
        ),
        (
            "[[photos]]\nfile = \"../secret.jpg\"\nalt = \"A secret\"\n",
            "photos[0].file = \"../secret.jpg\" should be a file name",
        ),
        (
            "[[photos]]\nfile = \".hidden.jpg\"\nalt = \"Hidden\"\n",
            "should be a file name",
        ),
        ("hero_alt = \"A room\"\n", "hero_alt is set without a hero"),
    ];
    for (front, expected) in cases {
        let page = format!(
            "+++\ntitle = \"t\"\ndescription = \"d\"\nnav = \"n\"\norder = 1\n{front}+++\nHello.\n"
        );
        let err = start_with(&page).await.expect_err(front);
        assert!(
            err.contains("index.md") && err.contains(expected),
            "{front}: {err}"
        );
    }
    let err = start_with(
        "+++\ntitle = \"t\"\ndescription = \"d\"\nnav = \"n\"\norder = 1\n+++\n{{figure:skin}}\n",
    )
    .await
    .expect_err("an unknown drawing");
    assert!(
        err.contains("no illustration \"skin\"") && err.contains("skin-layers"),
        "{err}"
    );
    // A photo with alt text starts, even when its file is not there yet.
    start_with("+++\ntitle = \"t\"\ndescription = \"d\"\nnav = \"n\"\norder = 1\nhero = \"hero.jpg\"\nhero_alt = \"A room\"\n+++\nHello.\n")
        .await
        .expect("starts");
}

/// Starts the app's state over a content folder whose `index.md` is `page`; the error's
/// whole chain when it refuses.
async fn start_with(page: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let store = common::fresh_store(store::Engine::Sqlite, dir.path()).await;
    store.save_setup(&clinic::demo()).await.unwrap();
    let mut config = web::Config::local(dir.path().to_path_buf(), "http://127.0.0.1".into());
    content_folder(&mut config, page, &[]);
    web::AppState::new(store, config)
        .await
        .map(|_| ())
        .map_err(|e| format!("{e:#}"))
}
