//! The owner sets up the clinic without touching the document: clinic details, rooms,
//! services and their phases, devices, practitioners with a photo and bio. Each form saves
//! through the clinic file's checks; a refusal sits beside its field, keeps what was typed
//! and changes nothing.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, set_cookie_pair};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &TestApp) -> Session {
    let hash = web::hash_password(PASSWORD);
    add_staff(app, "owner@clinic.example", &hash, "admin", None).await;
    let a = post_sign_in(
        app,
        &[("email", "owner@clinic.example"), ("password", PASSWORD)],
        &[],
        &[],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("a session cookie");
    let mut s = Session {
        cookie,
        csrf: String::new(),
    };
    let page = get(app, &s, "/admin/setup").await;
    let marker = "name=\"csrf\" value=\"";
    let at = page.body.find(marker).expect("a csrf field") + marker.len();
    s.csrf = page.body[at..].split('"').next().unwrap().to_owned();
    s
}

async fn get(app: &TestApp, s: &Session, path: &str) -> Answer {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .send()
        .await
        .unwrap();
    answer(res).await
}

async fn post(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> Answer {
    let mut fields: Vec<(&str, &str)> = vec![("csrf", &s.csrf)];
    fields.extend_from_slice(form);
    let res = app
        .http
        .post(format!("{}{path}", app.base))
        .header("cookie", &s.cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    answer(res).await
}

/// Posts and expects the save's redirect back to `anchor` on the setup page.
async fn saves(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)], anchor: &str) {
    let a = post(app, s, path, form).await;
    assert_eq!(a.status, 303, "{path}: {}", a.body);
    assert_eq!(
        a.location,
        format!("/admin/setup?saved=1#{anchor}"),
        "{path}"
    );
}

/// Posts, expects the page again with 422, and that the stored setup did not change.
async fn refused(app: &TestApp, s: &Session, path: &str, form: &[(&str, &str)]) -> String {
    let version = app.store.setup_version().await.unwrap();
    let a = post(app, s, path, form).await;
    assert_eq!(a.status, 422, "{path}: {}", a.body);
    assert_eq!(
        app.store.setup_version().await.unwrap(),
        version,
        "{path} saved"
    );
    assert!(a.body.contains("Not saved"), "{}", a.body);
    a.body
}

fn setup(app: &TestApp) -> clinic::ClinicSetup {
    app.state.clinic().setup.clone()
}

async fn clinic_details_are_set_in_fields(app: TestApp) {
    let owner = sign_in(&app).await;
    let page = get(&app, &owner, "/admin/setup").await;
    for form in [
        "/admin/setup/clinic",
        "/admin/setup/rooms",
        "/admin/setup/services",
        "/admin/setup/devices",
        "/admin/setup/practitioners",
    ] {
        assert!(
            page.body.contains(&format!("action=\"{form}\"")),
            "no form for {form}"
        );
    }
    let details = |zone: &'static str, clock: &'static str| {
        [
            ("name", "Riverside Skin"),
            ("email", "hello@riverside.example"),
            ("phone", "+1 555 0199"),
            ("address", "3 River Road"),
            ("timezone", zone),
            ("currency", "usd"),
            ("locale", "en-US"),
            ("clock", clock),
        ]
    };
    saves(
        &app,
        &owner,
        "/admin/setup/clinic",
        &details("America/Chicago", "24"),
        "clinic-title",
    )
    .await;
    let c = setup(&app).clinic;
    assert_eq!(
        (
            c.name.as_str(),
            c.timezone.as_str(),
            c.currency.as_str(),
            c.clock
        ),
        ("Riverside Skin", "America/Chicago", "USD", Some(24))
    );
    assert!(c.uses_24_hour_clock());

    let body = refused(
        &app,
        &owner,
        "/admin/setup/clinic",
        &details("Mars/Olympus", ""),
    )
    .await;
    assert!(body.contains("id=\"f-clinic-timezone-error\""), "{body}");
    assert!(body.contains("Unknown time zone"), "{body}");
    assert!(
        body.contains("value=\"Mars/Olympus\""),
        "the typed zone is kept: {body}"
    );
    assert!(body.contains("value=\"3 River Road\""), "{body}");
}
on_both_engines!(clinic_details_are_set_in_fields);

async fn rooms_are_added_renamed_and_removed(app: TestApp) {
    let owner = sign_in(&app).await;
    saves(
        &app,
        &owner,
        "/admin/setup/rooms",
        &[("name", "Laser suite")],
        "rooms-title",
    )
    .await;
    assert_eq!(setup(&app).room("laser-suite").unwrap().name, "Laser suite");
    saves(
        &app,
        &owner,
        "/admin/setup/rooms/rename",
        &[("id", "laser-suite"), ("name", "Quiet room")],
        "rooms-title",
    )
    .await;
    assert_eq!(setup(&app).room("laser-suite").unwrap().name, "Quiet room");
    saves(
        &app,
        &owner,
        "/admin/setup/rooms/remove",
        &[("id", "room-1"), ("name", "Treatment room 1")],
        "rooms-title",
    )
    .await;
    saves(
        &app,
        &owner,
        "/admin/setup/rooms/remove",
        &[("id", "room-2"), ("name", "Treatment room 2")],
        "rooms-title",
    )
    .await;
    let ids: Vec<String> = setup(&app).rooms.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids, ["laser-suite"]);

    // The last room stays while services need one; an empty name is refused beside it.
    let body = refused(
        &app,
        &owner,
        "/admin/setup/rooms/remove",
        &[("id", "laser-suite"), ("name", "Quiet room")],
    )
    .await;
    assert!(body.contains("only room"), "{body}");
    assert!(body.contains("id=\"f-room-laser-suite-form\""), "{body}");
    let body = refused(
        &app,
        &owner,
        "/admin/setup/rooms/rename",
        &[("id", "laser-suite"), ("name", "  ")],
    )
    .await;
    assert!(
        body.contains("id=\"f-room-laser-suite-name-error\""),
        "{body}"
    );
    let body = refused(
        &app,
        &owner,
        "/admin/setup/rooms/rename",
        &[("id", "gone"), ("name", "X")],
    )
    .await;
    assert!(body.contains("any more"), "{body}");
}
on_both_engines!(rooms_are_added_renamed_and_removed);

async fn a_service_is_built_phase_by_phase(app: TestApp) {
    let owner = sign_in(&app).await;
    saves(
        &app,
        &owner,
        "/admin/setup/services",
        &[
            ("name", "Scalp renewal"),
            ("price", "$180"),
            ("description", "For thinning hair."),
            ("requires_screening", "on"),
            ("minutes", "40"),
        ],
        "s-scalp-renewal",
    )
    .await;
    let s = setup(&app).service("scalp-renewal").cloned().unwrap();
    assert_eq!(
        (s.price.as_str(), s.requires_screening, s.duration_minutes()),
        ("180.00", true, 40)
    );
    // A numbing phase in the room alone, added last, then moved first.
    saves(
        &app,
        &owner,
        "/admin/setup/phases",
        &[
            ("service", "scalp-renewal"),
            ("name", "numbing"),
            ("minutes", "20"),
            ("room", "on"),
        ],
        "s-scalp-renewal",
    )
    .await;
    saves(
        &app,
        &owner,
        "/admin/setup/phases/move",
        &[
            ("service", "scalp-renewal"),
            ("index", "1"),
            ("to", "up"),
            ("name", "numbing"),
            ("minutes", "20"),
            ("room", "on"),
        ],
        "s-scalp-renewal",
    )
    .await;
    let s = setup(&app).service("scalp-renewal").cloned().unwrap();
    let order: Vec<(&str, u32, Vec<String>)> = s
        .phases
        .iter()
        .map(|p| (p.name.as_str(), p.minutes, p.uses.clone()))
        .collect();
    assert_eq!(
        order,
        [
            ("numbing", 20, vec!["room".to_owned()]),
            (
                "treatment",
                40,
                vec!["practitioner".to_owned(), "room".to_owned()]
            )
        ]
    );
    assert_eq!(s.duration_minutes(), 60);
    // The service's own page section shows the derived length.
    let page = get(&app, &owner, "/admin/setup?saved=1").await;
    assert!(
        page.body.contains("Takes 60 minutes in all"),
        "{}",
        page.body
    );
    // A practitioner can now offer it, and the booking API sells it at its new length.
    let mut pairs = vec![
        ("id", "sam-ortiz"),
        ("name", "Sam Ortiz"),
        ("title", "Licensed aesthetician"),
        ("photo", ""),
    ];
    pairs.extend([
        ("service.consultation", "on"),
        ("service.microneedling-face", "on"),
        ("service.scalp-renewal", "on"),
    ]);
    saves(
        &app,
        &owner,
        "/admin/setup/practitioners/save",
        &pairs,
        "p-sam-ortiz",
    )
    .await;
    let slots = app.free_slots("scalp-renewal", Some("sam-ortiz")).await;
    assert!(!slots.is_empty(), "the new service is not bookable");

    // Refusals: a phase holding nothing; the treatment made room-only (no practitioner
    // anywhere); the only phase removed; a bad price; a service someone offers removed.
    let body = refused(
        &app,
        &owner,
        "/admin/setup/phases/save",
        &[
            ("service", "scalp-renewal"),
            ("index", "1"),
            ("name", "treatment"),
            ("minutes", "45"),
        ],
    )
    .await;
    assert!(
        body.contains("id=\"f-phase-scalp-renewal-1-uses\""),
        "{body}"
    );
    assert!(body.contains("value=\"45\""), "{body}");
    let body = refused(
        &app,
        &owner,
        "/admin/setup/phases/save",
        &[
            ("service", "scalp-renewal"),
            ("index", "1"),
            ("name", "treatment"),
            ("minutes", "45"),
            ("room", "on"),
        ],
    )
    .await;
    assert!(body.contains("No phase uses a practitioner"), "{body}");
    let body = refused(
        &app,
        &owner,
        "/admin/setup/phases/move",
        &[("service", "scalp-renewal"), ("index", "0"), ("to", "up")],
    )
    .await;
    assert!(body.contains("already the first"), "{body}");
    let body = refused(
        &app,
        &owner,
        "/admin/setup/services/save",
        &[
            ("id", "scalp-renewal"),
            ("name", "Scalp renewal"),
            ("price", "a lot"),
        ],
    )
    .await;
    assert!(
        body.contains("id=\"f-service-scalp-renewal-price-error\""),
        "{body}"
    );
    assert!(body.contains("value=\"a lot\""), "{body}");
    let body = refused(
        &app,
        &owner,
        "/admin/setup/services/remove",
        &[("id", "scalp-renewal")],
    )
    .await;
    assert!(body.contains("Sam Ortiz still offers"), "{body}");
    saves(
        &app,
        &owner,
        "/admin/setup/phases/remove",
        &[("service", "scalp-renewal"), ("index", "0")],
        "s-scalp-renewal",
    )
    .await;
    let body = refused(
        &app,
        &owner,
        "/admin/setup/phases/remove",
        &[("service", "scalp-renewal"), ("index", "0")],
    )
    .await;
    assert!(body.contains("at least one phase"), "{body}");
}
on_both_engines!(a_service_is_built_phase_by_phase);

async fn devices_are_kept_within_needle_depths(app: TestApp) {
    let owner = sign_in(&app).await;
    saves(
        &app,
        &owner,
        "/admin/setup/devices",
        &[("name", "Pen 2"), ("max_depth_mm", "2,5 mm")],
        "devices-title",
    )
    .await;
    assert_eq!(setup(&app).devices[1].max_depth_mm, 2.5);
    let body = refused(
        &app,
        &owner,
        "/admin/setup/devices/save",
        &[("id", "pen-2"), ("name", "Pen 2"), ("max_depth_mm", "4")],
    )
    .await;
    assert!(
        body.contains("id=\"f-device-pen-2-max_depth_mm-error\""),
        "{body}"
    );
    assert!(body.contains("longest microneedling needles"), "{body}");
    assert!(body.contains("value=\"4\""), "{body}");
    let body = refused(
        &app,
        &owner,
        "/admin/setup/devices",
        &[("name", "Roller"), ("max_depth_mm", "deep")],
    )
    .await;
    assert!(body.contains("is not one"), "{body}");
    saves(
        &app,
        &owner,
        "/admin/setup/devices/remove",
        &[("id", "pen-2")],
        "devices-title",
    )
    .await;
    assert_eq!(setup(&app).devices.len(), 1);
}
on_both_engines!(devices_are_kept_within_needle_depths);

/// A small JPEG whose comment says where it was taken.
fn portrait() -> Vec<u8> {
    let segment = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let mut j = vec![0xFF, 0xD8];
    j.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    j.extend(segment(0xFE, b"shot at 12 Acacia Avenue"));
    j.extend(segment(0xDB, &[1; 65]));
    j.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
    j.extend(segment(0xC4, &[2; 20]));
    j.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
    j.extend([0x12, 0xFF, 0x00, 0x34, 0x56, 0xFF, 0xD9]);
    j
}

async fn upload(app: &TestApp, s: &Session, id: &str, photo: &[u8]) -> Answer {
    let boundary = "----CollagenSetupBoundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf", s.csrf.as_bytes()), ("practitioner", id.as_bytes())] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .bytes(),
        );
        body.extend_from_slice(value);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").bytes());
    body.extend_from_slice(photo);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let res = app
        .http
        .post(format!("{}/admin/setup/practitioners/photo", app.base))
        .header("cookie", &s.cookie)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    answer(res).await
}

async fn a_practitioner_gets_a_photo_and_a_bio(app: TestApp) {
    let owner = sign_in(&app).await;
    saves(
        &app,
        &owner,
        "/admin/setup/practitioners",
        &[("name", "Jo Ng")],
        "p-jo-ng",
    )
    .await;
    let a = upload(&app, &owner, "jo-ng", &portrait()).await;
    assert_eq!(a.status, 303, "{}", a.body);
    let jo = setup(&app).practitioner("jo-ng").cloned().unwrap();
    assert_eq!(jo.photo.as_deref(), Some("jo-ng.jpg"));
    let file = app
        .state
        .config
        .content_dir
        .clone()
        .unwrap()
        .join("practitioners/jo-ng.jpg");
    let kept = std::fs::read(file).unwrap();
    assert!(
        !kept.windows(6).any(|w| w == b"Acacia"),
        "the comment was kept"
    );
    let served = app
        .http
        .get(format!("{}/practitioners/jo-ng/photo", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), kept);

    // The details form offers the file, and keeps a bio and services.
    let page = get(&app, &owner, "/admin/setup").await;
    assert!(
        page.body.contains("<option value=\"jo-ng.jpg\" selected>"),
        "{}",
        page.body
    );
    let details = [
        ("id", "jo-ng"),
        ("name", "Jo Ng"),
        ("title", "Nurse"),
        ("bio", "Jo sees first visits."),
        ("photo", "jo-ng.jpg"),
        ("service.consultation", "on"),
        ("prescriber", "on"),
    ];
    saves(
        &app,
        &owner,
        "/admin/setup/practitioners/save",
        &details,
        "p-jo-ng",
    )
    .await;
    let jo = setup(&app).practitioner("jo-ng").cloned().unwrap();
    assert_eq!(
        (
            jo.title.as_str(),
            jo.bio.as_str(),
            jo.services.clone(),
            jo.prescriber
        ),
        (
            "Nurse",
            "Jo sees first visits.",
            vec!["consultation".to_owned()],
            true
        )
    );

    // A bio too long is refused beside it, kept as typed, with the ticked boxes.
    let long = "Jo ".repeat(250);
    let details = [
        ("id", "jo-ng"),
        ("name", "Jo Ng"),
        ("title", "Nurse"),
        ("bio", long.as_str()),
        ("photo", "jo-ng.jpg"),
        ("service.microneedling-face", "on"),
    ];
    let body = refused(&app, &owner, "/admin/setup/practitioners/save", &details).await;
    assert!(
        body.contains("id=\"f-practitioner-jo-ng-bio-error\""),
        "{body}"
    );
    assert!(body.contains(long.trim()), "the bio is kept");
    assert!(body.contains("id=\"f-practitioner-jo-ng-service-microneedling-face\" type=\"checkbox\" name=\"service.microneedling-face\" value=\"on\" checked"), "{body}");
    // Not a photo: refused beside the upload.
    let a = upload(&app, &owner, "jo-ng", b"GIF89a not a portrait").await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body.contains("id=\"f-practitioner-jo-ng-upload-error\""),
        "{}",
        a.body
    );
}
on_both_engines!(
    a_practitioner_gets_a_photo_and_a_bio,
    clinic::demo(),
    |c: &mut web::Config| {
        let dir = c.data_dir.join("content");
        std::fs::create_dir_all(&dir).unwrap();
        c.content_dir = Some(dir);
    }
);
