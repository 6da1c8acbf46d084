//! Safety screening and treatment plans over the API, and bookings held to their screening.

use crate::common;

use common::TestApp;
use jiff::civil::Date;
use jiff::{Span, Timestamp};
use serde_json::{Value, json};

const TZ: &str = "America/New_York";

fn today() -> Date {
    Timestamp::now().in_tz(TZ).unwrap().date()
}

/// Asserts a problem of `status`/`kind` naming `field`.
#[track_caller]
fn assert_problem(status: u16, body: &Value, expected: u16, kind: &str, field: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["type"], format!("/problems/{kind}"), "{body}");
    assert_eq!(body["field"], field, "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

/// Every question answered "no" (yes/no), "never" (date) or its first option (choice).
async fn all_no(app: &TestApp) -> serde_json::Map<String, Value> {
    let (status, questions) = app.get_json("/api/v1/screening/questions").await;
    assert_eq!(status, 200);
    let mut answers = serde_json::Map::new();
    for q in questions.as_array().unwrap() {
        let value = match q["kind"].as_str().unwrap() {
            "yes_no" => json!(false),
            // A date of birth has no "never": an adult's.
            "date" if q["accepts_never"] == false => json!("1980-06-15"),
            "date" => Value::Null,
            _ => q["options"][0].clone(),
        };
        answers.insert(q["id"].as_str().unwrap().to_owned(), value);
    }
    answers
}

/// Screens all-"no" answers with `changes` applied; returns the 201 body.
async fn screen(app: &TestApp, changes: Value) -> Value {
    let mut answers = all_no(app).await;
    for (k, v) in changes.as_object().unwrap() {
        answers.insert(k.clone(), v.clone());
    }
    let (status, body) = app
        .post_json("/api/v1/screenings", &json!({"answers": answers}))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body["id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    body
}

fn treatment_body(service: &str, start: &str, screening: &Value, email: &str) -> Value {
    json!({"service": service, "start": start, "screening": screening["id"],
        "client": {"name": "Screened Client", "email": email}})
}

/// The question list holds every id DESIGN.md names, with its kind.
async fn questions_cover_the_contract(app: TestApp) {
    let (status, questions) = app.get_json("/api/v1/screening/questions").await;
    assert_eq!(status, 200);
    let questions = questions.as_array().expect("an array");
    let dates = [
        "isotretinoin_last_dose",
        "last_neurotoxin_or_filler",
        "last_laser_or_peel",
        "last_ablative_laser_or_deep_peel",
    ];
    let yes_no = [
        "active_infection_in_area",
        "cold_sore_history",
        "inflammatory_acne_in_area",
        "keloid_history",
        "pregnant_or_breastfeeding",
        "bleeding_disorder_or_anticoagulants",
        "immunosuppressed",
        "uncontrolled_diabetes",
        "skin_condition_flare_in_area",
        "skin_cancer_in_area",
        "sunburn_in_area",
        "metal_or_anaesthetic_allergy",
        "radiation_to_area",
        "age_under_22",
    ];
    let kinds = dates
        .iter()
        .map(|id| (id, "date"))
        .chain(yes_no.iter().map(|id| (id, "yes_no")));
    for (id, kind) in kinds {
        let q = questions
            .iter()
            .find(|q| q["id"] == *id)
            .unwrap_or_else(|| panic!("question {id} is listed"));
        assert_eq!(q["kind"], kind, "{q}");
        let text = q["text"].as_str().expect("text");
        assert!(
            text.len() > 10 && !text.contains('{'),
            "plain, filled-in text: {q}"
        );
    }
    let mut ids: Vec<&str> = questions
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    for q in questions {
        assert!(
            ["yes_no", "date", "choice"].contains(&q["kind"].as_str().unwrap()),
            "{q}"
        );
        if q["kind"] == "choice" {
            assert!(
                q["options"].as_array().is_some_and(|o| !o.is_empty()),
                "a choice has options: {q}"
            );
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), questions.len(), "ids are unique");
}
on_both_engines!(questions_cover_the_contract);

/// Valid answers are judged and stored; invalid ones name the question at fault.
async fn screening_answers_are_judged_or_refused_by_field(app: TestApp) {
    let eligible = screen(&app, json!({})).await;
    assert_eq!(eligible["outcome"], "eligible", "{eligible}");
    assert_eq!(eligible["findings"], json!([]));
    assert!(
        eligible.get("earliest_date").is_none_or(Value::is_null),
        "{eligible}"
    );
    let stored = app
        .store
        .screening(eligible["id"].as_str().unwrap())
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.outcome, "eligible");

    // "yes"/"no" strings are accepted for yes/no questions.
    let words: serde_json::Map<String, Value> = all_no(&app)
        .await
        .into_iter()
        .map(|(k, v)| (k, if v == json!(false) { json!("no") } else { v }))
        .collect();
    let (status, body) = app
        .post_json(
            "/api/v1/screenings",
            &json!({"answers": words, "treatment_date": today().to_string()}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "eligible", "{body}");

    let app = &app;
    let post = |answers: serde_json::Map<String, Value>, extra: Value| {
        let mut body = json!({"answers": answers});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        async move { app.post_json("/api/v1/screenings", &body).await }
    };
    let mut bad_date = all_no(app).await;
    bad_date.insert("isotretinoin_last_dose".into(), json!("2026-13-40"));
    let (status, body) = post(bad_date, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.isotretinoin_last_dose",
    );
    let mut bad_date = all_no(app).await;
    bad_date.insert("last_laser_or_peel".into(), json!("last spring"));
    let (status, body) = post(bad_date, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.last_laser_or_peel",
    );

    let mut unknown = all_no(app).await;
    unknown.insert("favourite_colour".into(), json!("blue"));
    let (status, body) = post(unknown, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.favourite_colour",
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("favourite_colour"),
        "{body}"
    );

    let mut wrong_type = all_no(app).await;
    wrong_type.insert("keloid_history".into(), json!(1));
    let (status, body) = post(wrong_type, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.keloid_history",
    );

    let mut missing_one = all_no(app).await;
    missing_one.remove("pregnant_or_breastfeeding");
    let (status, body) = post(missing_one, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.pregnant_or_breastfeeding",
    );

    let (status, body) = app.post_json("/api/v1/screenings", &json!({})).await;
    assert_problem(status, &body, 422, "invalid-input", "answers");
    let (status, body) = app
        .post_json(
            "/api/v1/screenings",
            &json!({"answers": ["keloid_history"]}),
        )
        .await;
    assert_problem(status, &body, 422, "invalid-input", "answers");

    let (status, body) = post(all_no(app).await, json!({"treatment_date": "next week"})).await;
    assert_problem(status, &body, 422, "invalid-input", "treatment_date");
    let (status, body) = post(all_no(app).await, json!({"treatment_date": 20270315})).await;
    assert_problem(status, &body, 422, "invalid-input", "treatment_date");
}
on_both_engines!(screening_answers_are_judged_or_refused_by_field);

/// A recent isotretinoin course defers treatment until six months after the last dose, and
/// a treatment booked before that date is refused at `start`.
async fn deferred_screening_refuses_an_early_treatment(app: TestApp) {
    let last_dose = today().checked_sub(Span::new().months(1)).unwrap();
    let screening = screen(
        &app,
        json!({"isotretinoin_last_dose": last_dose.to_string()}),
    )
    .await;
    assert_eq!(screening["outcome"], "defer", "{screening}");
    // A wait never ends early: a day the sixth month lacks rolls on to the 1st after it.
    let clamped = last_dose.checked_add(Span::new().months(6)).unwrap();
    let earliest = if clamped.day() < last_dose.day() {
        clamped.last_of_month().tomorrow().unwrap()
    } else {
        clamped
    };
    assert_eq!(
        screening["earliest_date"],
        earliest.to_string(),
        "{screening}"
    );
    let finding = screening["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "isotretinoin")
        .expect("isotretinoin finding");
    assert_eq!(finding["outcome"], "defer");
    assert_eq!(finding["until"], earliest.to_string());
    assert!(
        finding["source"].as_str().is_some_and(|s| !s.is_empty()),
        "{finding}"
    );
    assert!(
        finding["message"].as_str().is_some_and(|s| !s.is_empty()),
        "{finding}"
    );

    let slots = app.free_slots("microneedling-face", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let date: Date = start[..10].parse().unwrap();
    assert!(date < earliest);
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body("microneedling-face", start, &screening, "iso@example.com"),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "start", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains(&earliest.to_string()),
        "the detail names the earliest date: {body}"
    );

    // The same screening does not stop a consultation.
    let consult = app.free_slots("consultation", None).await;
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "consultation",
                consult[0]["start"].as_str().unwrap(),
                &screening,
                "iso@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "confirmed");
    let now = Timestamp::now();
    let bookings = app
        .store
        .bookings_between(now, now + jiff::SignedDuration::from_hours(24 * 100))
        .await
        .unwrap();
    assert_eq!(bookings.len(), 1, "only the consultation was booked");
    assert_eq!(bookings[0].service_id, "consultation");
}
on_both_engines!(deferred_screening_refuses_an_early_treatment);

/// A keloid history asks for a consultation: the treatment is booked as pending review
/// and its time is held all the same.
async fn consult_screening_books_pending_review_and_holds_the_slot(app: TestApp) {
    let screening = screen(&app, json!({"keloid_history": true})).await;
    assert_eq!(screening["outcome"], "consult", "{screening}");
    let finding = &screening["findings"][0];
    assert_eq!(finding["rule"], "keloid", "{screening}");
    assert_eq!(finding["outcome"], "consult");

    let slots = app.free_slots("microneedling-face", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-face",
                start,
                &screening,
                "keloid@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["status"], "pending_review");
    assert_eq!(booked["start"], start);
    let practitioner = booked["practitioner"].as_str().unwrap();
    let after = app
        .free_slots("microneedling-face", Some(practitioner))
        .await;
    assert!(
        after.iter().all(|s| s["start"] != start),
        "the held slot is gone from {practitioner}'s availability"
    );
    let token = booked["manage_token"].as_str().unwrap();
    let (_, shown) = app.get_json(&format!("/api/v1/bookings/{token}")).await;
    assert_eq!(shown["status"], "pending_review");
    let stored = app
        .store
        .booking(booked["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.screening_id.as_deref(),
        screening["id"].as_str(),
        "the booking keeps its screening"
    );
}
on_both_engines!(consult_screening_books_pending_review_and_holds_the_slot);

/// Skin cancer in the area rules treatment out; a consultation is still possible.
async fn not_suitable_screening_refuses_treatment(app: TestApp) {
    let screening = screen(&app, json!({"skin_cancer_in_area": true})).await;
    assert_eq!(screening["outcome"], "not_suitable", "{screening}");
    let slots = app.free_slots("microneedling-face", None).await;
    let start = slots[0]["start"].as_str().unwrap();
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body("microneedling-face", start, &screening, "nope@example.com"),
        )
        .await;
    assert_problem(status, &body, 422, "screening-refused", "screening");
    let after = app.free_slots("microneedling-face", None).await;
    assert!(
        after.iter().any(|s| s["start"] == start),
        "nothing was held"
    );

    let consult = app.free_slots("consultation", None).await;
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "consultation",
                consult[0]["start"].as_str().unwrap(),
                &screening,
                "nope@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "a consultation is still open to them: {body}");
}
on_both_engines!(not_suitable_screening_refuses_treatment);

/// Consultations need no screening; treatments do.
async fn consultation_needs_no_screening(app: TestApp) {
    let slots = app.free_slots("consultation", None).await;
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body(
                "consultation",
                slots[0]["start"].as_str().unwrap(),
                "plain@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "confirmed");
    let face = app.free_slots("microneedling-face", None).await;
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &TestApp::booking_body(
                "microneedling-face",
                face[0]["start"].as_str().unwrap(),
                "plain@example.com",
            ),
        )
        .await;
    assert_problem(status, &body, 422, "screening-required", "screening");
}
on_both_engines!(consultation_needs_no_screening);

/// Plans follow the reference tables: acne scars on the cheeks at 1.5–2.0 mm, never deeper
/// than 0.5 mm around the eyes, with notes and sources.
async fn plans_follow_the_tables(app: TestApp) {
    let (status, plan) = app
        .post_json(
            "/api/v1/plans",
            &json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": 5}),
        )
        .await;
    assert_eq!(status, 200, "{plan}");
    let areas = plan["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 1);
    assert_eq!(areas[0]["area"], "cheeks");
    // A darker skin type keeps to the lower half of the cheeks' 0.5–2.0 mm.
    assert_eq!(areas[0]["depth_mm"]["min"].as_f64(), Some(1.25), "{plan}");
    assert_eq!(areas[0]["depth_mm"]["max"].as_f64(), Some(1.25), "{plan}");
    let (smin, smax) = (
        plan["sessions"]["min"].as_u64().unwrap(),
        plan["sessions"]["max"].as_u64().unwrap(),
    );
    assert!(1 <= smin && smin <= smax, "{plan}");
    let (imin, imax) = (
        plan["interval_weeks"]["min"].as_u64().unwrap(),
        plan["interval_weeks"]["max"].as_u64().unwrap(),
    );
    assert!(1 <= imin && imin <= imax, "{plan}");
    let notes = plan["notes"].as_array().unwrap();
    assert!(
        !notes.is_empty()
            && notes
                .iter()
                .all(|n| n.as_str().is_some_and(|s| !s.is_empty())),
        "{plan}"
    );
    assert!(
        plan["sources"].as_array().is_some_and(|s| !s.is_empty()),
        "{plan}"
    );

    let (_, light) = app
        .post_json(
            "/api/v1/plans",
            &json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": 2}),
        )
        .await;
    assert!(
        notes.len() > light["notes"].as_array().unwrap().len(),
        "darker skin types get an extra note: {plan} vs {light}"
    );
    assert_eq!(
        light["areas"][0]["depth_mm"]["min"].as_f64(),
        Some(1.5),
        "{light}"
    );
    assert_eq!(
        light["areas"][0]["depth_mm"]["max"].as_f64(),
        Some(2.0),
        "{light}"
    );
    let (status, unsourced) = app
        .post_json(
            "/api/v1/plans",
            &json!({"concerns": ["texture"], "areas": ["cheeks"], "fitzpatrick": 2}),
        )
        .await;
    assert_eq!(
        status, 200,
        "an unsourced concern's id is still accepted: {unsourced}"
    );
    assert!(
        unsourced["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("a consultation is advised")),
        "{unsourced}"
    );

    let (status, eyes) = app.post_json("/api/v1/plans", &json!({"concerns": ["acne_scars", "fine_lines"], "areas": ["periorbital", "cheeks"], "fitzpatrick": 3})).await;
    assert_eq!(status, 200, "{eyes}");
    let periorbital = eyes["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "periorbital")
        .expect("periorbital");
    let max = periorbital["depth_mm"]["max"].as_f64().unwrap();
    let min = periorbital["depth_mm"]["min"].as_f64().unwrap();
    assert!(max <= 0.5 && min <= max && min > 0.0, "{eyes}");
    assert_eq!(
        eyes["areas"][0]["area"], "periorbital",
        "areas in request order"
    );
}
on_both_engines!(plans_follow_the_tables);

/// Invalid plan requests name the field at fault.
async fn plan_errors_name_the_field(app: TestApp) {
    let cases = [
        (
            json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": 9}),
            "fitzpatrick",
        ),
        (
            json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": 0}),
            "fitzpatrick",
        ),
        (
            json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": 300}),
            "fitzpatrick",
        ),
        (
            json!({"concerns": ["acne_scars"], "areas": ["cheeks"], "fitzpatrick": "V"}),
            "fitzpatrick",
        ),
        (
            json!({"concerns": ["acne_scars"], "areas": ["cheeks"]}),
            "fitzpatrick",
        ),
        (
            json!({"concerns": ["acne_scars"], "areas": ["cheeks", "elbows"], "fitzpatrick": 3}),
            "areas[1]",
        ),
        (
            json!({"concerns": ["acne_scars"], "areas": [], "fitzpatrick": 3}),
            "areas",
        ),
        (
            json!({"concerns": ["acne_scars"], "fitzpatrick": 3}),
            "areas",
        ),
        (
            json!({"concerns": ["wrinkles"], "areas": ["cheeks"], "fitzpatrick": 3}),
            "concerns[0]",
        ),
        (json!({"areas": ["cheeks"], "fitzpatrick": 3}), "concerns"),
        (
            json!({"concerns": "acne_scars", "areas": ["cheeks"], "fitzpatrick": 3}),
            "concerns",
        ),
    ];
    for (body, field) in cases {
        let (status, problem) = app.post_json("/api/v1/plans", &body).await;
        assert_problem(status, &problem, 422, "invalid-input", field);
    }
    let (_, problem) = app
        .post_json(
            "/api/v1/plans",
            &json!({"concerns": ["acne_scars"], "areas": ["elbows"], "fitzpatrick": 3}),
        )
        .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("elbows"),
        "the detail names the unknown area: {problem}"
    );
}
on_both_engines!(plan_errors_name_the_field);

/// Screens `answers` as given (no defaults filled in); returns the status and body.
async fn post_answers(
    app: &TestApp,
    answers: serde_json::Map<String, Value>,
    extra: Value,
) -> (u16, Value) {
    let mut body = json!({"answers": answers});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post_json("/api/v1/screenings", &body).await
}

/// The first free start of `service` on a later day than today.
async fn start_after_today(app: &TestApp, service: &str) -> String {
    let slots = app.free_slots(service, None).await;
    slots
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .find(|s| s[..10].parse::<Date>().unwrap() > today())
        .expect("a free time after today")
}

/// A date question left out is asked for (422 naming it); an explicit null is "never".
async fn a_left_out_date_is_asked_for_and_null_is_never(app: TestApp) {
    for id in [
        "isotretinoin_last_dose",
        "last_laser_or_peel",
        "last_neurotoxin_or_filler",
    ] {
        let mut answers = all_no(&app).await;
        answers.remove(id);
        let (status, body) = post_answers(&app, answers, json!({})).await;
        assert_problem(
            status,
            &body,
            422,
            "invalid-input",
            &format!("answers.{id}"),
        );
    }
    let mut answers = all_no(&app).await;
    answers.insert("isotretinoin_last_dose".into(), Value::Null);
    let (status, body) = post_answers(&app, answers, json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "eligible", "{body}");
}
on_both_engines!(a_left_out_date_is_asked_for_and_null_is_never);

/// "current" says a medicine is still taken: deferred with no date, so no treatment can be
/// booked; a last dose in the future is refused; only medicine questions take "current".
async fn still_taking_a_medicine_can_be_said(app: TestApp) {
    let (_, questions) = app.get_json("/api/v1/screening/questions").await;
    let question = |id: &str| {
        questions
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap_or_else(|| panic!("{id} listed"))
            .clone()
    };
    assert_eq!(question("isotretinoin_last_dose")["accepts_current"], true);
    assert!(
        question("last_laser_or_peel")
            .get("accepts_current")
            .is_none()
    );
    assert_eq!(question("isotretinoin_last_dose")["required"], true);

    let screening = screen(&app, json!({"isotretinoin_last_dose": "current"})).await;
    assert_eq!(screening["outcome"], "defer", "{screening}");
    assert!(screening.get("earliest_date").is_none(), "{screening}");
    let finding = &screening["findings"][0];
    assert_eq!(finding["rule"], "isotretinoin", "{screening}");
    assert!(finding.get("until").is_none(), "{finding}");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("6 months after your last dose"),
        "{finding}"
    );
    let start = start_after_today(&app, "microneedling-face").await;
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-face",
                &start,
                &screening,
                "taking@example.com",
            ),
        )
        .await;
    assert_problem(status, &body, 422, "screening-refused", "screening");

    let mut answers = all_no(&app).await;
    answers.insert("last_laser_or_peel".into(), json!("current"));
    let (status, body) = post_answers(&app, answers, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.last_laser_or_peel",
    );

    let tomorrow = today().tomorrow().unwrap().to_string();
    let mut answers = all_no(&app).await;
    answers.insert("isotretinoin_last_dose".into(), json!(tomorrow));
    let (status, body) = post_answers(&app, answers, json!({})).await;
    assert_problem(
        status,
        &body,
        422,
        "invalid-input",
        "answers.isotretinoin_last_dose",
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("can't be in the future"),
        "{body}"
    );
}
on_both_engines!(still_taking_a_medicine_can_be_said);

/// Inflamed acne defers today's treatment and holds a later booking for a practitioner.
async fn inflamed_acne_defers_and_holds_for_review(app: TestApp) {
    let screening = screen(&app, json!({"inflammatory_acne_in_area": true})).await;
    assert_eq!(screening["outcome"], "defer", "{screening}");
    assert_eq!(screening["review"], true, "{screening}");
    assert_eq!(
        screening["earliest_date"],
        today().tomorrow().unwrap().to_string(),
        "{screening}"
    );
    let start = start_after_today(&app, "microneedling-face").await;
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body("microneedling-face", &start, &screening, "acne@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["status"], "pending_review", "{booked}");
}
on_both_engines!(inflamed_acne_defers_and_holds_for_review);

/// A screening covers the areas it was answered for and the client who first booked with it.
async fn a_screening_covers_its_areas_and_its_client(app: TestApp) {
    let mut body_only = all_no(&app).await;
    body_only.insert("keloid_history".into(), json!(false));
    let (status, body_screening) = post_answers(&app, body_only, json!({"areas": ["body"]})).await;
    assert_eq!(status, 201, "{body_screening}");
    let face = start_after_today(&app, "microneedling-face").await;
    let (status, refused) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-face",
                &face,
                &body_screening,
                "ann@example.com",
            ),
        )
        .await;
    assert_problem(status, &refused, 422, "screening-refused", "screening");
    assert!(
        refused["detail"].as_str().unwrap().contains("face"),
        "{refused}"
    );
    let body_start = start_after_today(&app, "microneedling-body").await;
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-body",
                &body_start,
                &body_screening,
                "ann@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "{booked}");

    // Without areas a screening is for the face; once Ann booked with it, it is hers.
    let screening = screen(&app, json!({})).await;
    let starts = app.starts_an_hour_apart("microneedling-face").await;
    let start = |i: usize| clinic::rfc3339(&starts[i].in_tz(TZ).unwrap());
    let (status, first) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-face",
                &start(0),
                &screening,
                "ann@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    let (status, other) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-face",
                &start(1),
                &screening,
                "bob@example.com",
            ),
        )
        .await;
    assert_problem(status, &other, 422, "screening-refused", "screening");
    let (status, again) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body(
                "microneedling-face",
                &start(1),
                &screening,
                " ANN@example.com",
            ),
        )
        .await;
    assert_eq!(status, 201, "the same client, however typed: {again}");

    for areas in [json!(["elbow"]), json!("face"), json!([]), json!([3])] {
        let (status, body) = post_answers(&app, all_no(&app).await, json!({"areas": areas})).await;
        assert_problem(status, &body, 422, "invalid-input", "areas");
    }
}
on_both_engines!(a_screening_covers_its_areas_and_its_client);

/// The date of birth decides: under 18 not suitable online, 18 to 21 a consultation; the old
/// yes/no question still answers for API clients.
async fn age_comes_from_the_date_of_birth(app: TestApp) {
    let years_ago = |n: i64| {
        today()
            .checked_sub(Span::new().years(n))
            .unwrap()
            .to_string()
    };
    let minor = screen(&app, json!({"date_of_birth": years_ago(17)})).await;
    assert_eq!(minor["outcome"], "not_suitable", "{minor}");
    assert!(
        minor["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("guardian"),
        "{minor}"
    );
    let start = start_after_today(&app, "microneedling-face").await;
    let (status, body) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body("microneedling-face", &start, &minor, "young@example.com"),
        )
        .await;
    assert_problem(status, &body, 422, "screening-refused", "screening");

    let young = screen(&app, json!({"date_of_birth": years_ago(20)})).await;
    assert_eq!(young["outcome"], "consult", "{young}");
    let (status, booked) = app
        .post_json(
            "/api/v1/bookings",
            &treatment_body("microneedling-face", &start, &young, "twenty@example.com"),
        )
        .await;
    assert_eq!(status, 201, "{booked}");
    assert_eq!(booked["status"], "pending_review");

    for bad in [today().tomorrow().unwrap().to_string(), years_ago(121)] {
        let mut answers = all_no(&app).await;
        answers.insert("date_of_birth".into(), json!(bad));
        let (status, body) = post_answers(&app, answers, json!({})).await;
        assert_problem(status, &body, 422, "invalid-input", "answers.date_of_birth");
    }
    let mut old_client = all_no(&app).await;
    old_client.remove("date_of_birth");
    old_client.remove("age_under_22");
    let (status, body) = post_answers(&app, old_client.clone(), json!({})).await;
    assert_problem(status, &body, 422, "invalid-input", "answers.date_of_birth");
    old_client.insert("age_under_22".into(), json!(false));
    let (status, body) = post_answers(&app, old_client, json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "eligible", "{body}");
}
on_both_engines!(age_comes_from_the_date_of_birth);
