//! Consent and the arrival check over HTTP, on both engines: the consent API (201, stale
//! 409, bad input 422, a cancelled booking refused), the manage page's form without
//! JavaScript, the clinic's tablet and the printable record, and the arrival page, which
//! shows each blocker to clinical roles and only what it can act on to the front desk.

use crate::common;

use common::{Answer, TestApp, add_staff, answer, post_sign_in, screening, set_cookie_pair};
use serde_json::{Value, json};

const PASSWORD: &str = "ochre lantern drifts slowly 47";

/// A face treatment with Dr. Maya Lee, booked online with a screening (`changes` applied).
async fn treatment(app: &TestApp, email: &str, changes: Value) -> Value {
    treatment_at(app, email, changes, 0).await
}

/// [`treatment`] at the `nth` free time (`usize::MAX`: the last, beyond any cancel window).
async fn treatment_at(app: &TestApp, email: &str, changes: Value, nth: usize) -> Value {
    let screening = screening(app, changes).await;
    let slots = app.free_slots("microneedling-face", Some("maya-lee")).await;
    let slot = &slots[nth.min(slots.len() - 1)];
    let body = json!({"service": "microneedling-face", "start": slot["start"], "practitioner": "maya-lee",
        "screening": screening, "client": {"name": "Vera Visit", "email": email}});
    let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
    assert_eq!(status, 201, "{booked}");
    booked
}

/// Replaces the values under `keys` (anywhere in `value`) with `"[key]"`.
fn redact(mut value: Value, keys: &[&str]) -> Value {
    fn walk(v: &mut Value, keys: &[&str]) {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    if keys.contains(&k.as_str()) {
                        *child = json!(format!("[{k}]"));
                    } else {
                        walk(child, keys);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|c| walk(c, keys)),
            _ => {}
        }
    }
    walk(&mut value, keys);
    value
}

/// The signing body for `document` as the API shows it now.
fn sign_body(documents: &Value, document: &str) -> Value {
    let doc = documents["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == document)
        .unwrap_or_else(|| panic!("no {document} in {documents}"));
    json!({"document": doc["id"], "version": doc["version"], "sha256": doc["sha256"],
        "name": "Vera Visit", "agree": true})
}

async fn the_consent_api_signs_what_was_shown(app: TestApp) {
    let booked = treatment(&app, "api@example.com", json!({})).await;
    let path = format!(
        "/api/v1/bookings/{}/consent",
        booked["manage_token"].as_str().unwrap()
    );
    let (status, documents) = app.get_json(&path).await;
    assert_eq!(status, 200, "{documents}");
    insta::assert_json_snapshot!("consent_documents", documents);
    let good = sign_body(&documents, "treatment");

    // Bad input: 422 naming the field, nothing signed.
    let mut cases = Vec::new();
    for (key, value, field) in [
        ("agree", Value::Null, "agree"),
        ("agree", json!(false), "agree"),
        ("name", json!(""), "name"),
        ("name", json!("Vera\u{0}"), "name"),
        ("name", json!("Vera\r\nVisit"), "name"),
        ("document", json!("everything"), "document"),
    ] {
        let mut body = good.clone();
        body[key] = value;
        cases.push((body, field));
    }
    let mut no_agree = good.clone();
    no_agree.as_object_mut().unwrap().remove("agree");
    cases.push((no_agree, "agree"));
    for (body, field) in cases {
        let (status, problem) = app.post_json(&path, &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["field"], field, "{body}: {problem}");
        assert_eq!(problem["type"], "/problems/invalid-input");
    }
    // A stale version or hash: 409 consent-changed.
    for (key, value) in [
        ("version", json!(good["version"].as_i64().unwrap() + 1)),
        ("sha256", json!("0".repeat(64))),
    ] {
        let mut body = good.clone();
        body[key] = value;
        let (status, problem) = app.post_json(&path, &body).await;
        assert_eq!(status, 409, "{problem}");
        assert_eq!(problem["type"], "/problems/consent-changed", "{problem}");
    }
    let (_, unchanged) = app.get_json(&path).await;
    assert!(
        unchanged["documents"][0].get("signed_at").is_none(),
        "{unchanged}"
    );

    let (status, signed) = app.post_json(&path, &good).await;
    assert_eq!(status, 201, "{signed}");
    let signed_at = signed["signed_at"].as_str().expect("signed_at");
    let (_, after) = app.get_json(&path).await;
    let signed_doc = &after["documents"][0];
    assert_eq!(signed_doc["id"], "treatment");
    assert_eq!(signed_doc["signed_at"], signed_at);
    assert!(after["documents"][1].get("signed_at").is_none(), "{after}");
    // The record keeps the exact text, its hash and where it came from.
    let booking = app
        .store
        .booking(booked["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let kept = app
        .store
        .consents_for_client(&booking.client.id)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].text, signed_doc["text"].as_str().unwrap());
    assert_eq!(kept[0].sha256, signed_doc["sha256"].as_str().unwrap());
    assert_eq!(kept[0].address, "127.0.0.1");

    // The photo consent needs its choice.
    let mut photos = sign_body(&after, "photos");
    let (status, problem) = app.post_json(&path, &photos).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (422, Some("choice")),
        "{problem}"
    );
    photos["choice"] = json!("marketing");
    let (status, _) = app.post_json(&path, &photos).await;
    assert_eq!(status, 201);
    let (_, after) = app.get_json(&path).await;
    assert_eq!(after["documents"][1]["choice"], "marketing", "{after}");
    insta::assert_json_snapshot!(
        "consent_documents_signed",
        redact(after, &["signed_at", "text"])
    );

    // A cancelled booking takes no consent. (The last free time, so that the client may
    // still cancel it online whatever the time of day the test runs.)
    let other = treatment_at(&app, "cancelled@example.com", json!({}), usize::MAX).await;
    let token = other["manage_token"].as_str().unwrap();
    let (status, _) = app
        .post_json(&format!("/api/v1/bookings/{token}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 200);
    let other_path = format!("/api/v1/bookings/{token}/consent");
    let (_, docs) = app.get_json(&other_path).await;
    let (status, problem) = app
        .post_json(&other_path, &sign_body(&docs, "treatment"))
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["type"], "/problems/booking-closed");
    // An unknown link is not found.
    let (status, _) = app.get_json("/api/v1/bookings/nope/consent").await;
    assert_eq!(status, 404);
}
on_both_engines!(the_consent_api_signs_what_was_shown);

/// Posts a form without following redirects.
async fn post_form(
    app: &TestApp,
    cookie: Option<&str>,
    path: &str,
    form: &[(&str, &str)],
) -> Answer {
    let mut req = app.http.post(format!("{}{path}", app.base)).form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    answer(req.send().await.expect("request")).await
}

async fn get(app: &TestApp, cookie: Option<&str>, path: &str) -> Answer {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    answer(req.send().await.expect("request")).await
}

/// The value of the first hidden input called `name` in a page.
fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field in:\n{html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

async fn the_manage_page_form_works_without_javascript(app: TestApp) {
    let booked = treatment(&app, "form@example.com", json!({})).await;
    let token = booked["manage_token"].as_str().unwrap();
    let manage = get(&app, None, &format!("/manage/{token}")).await;
    assert!(
        manage.body.contains(&format!("/manage/{token}/consent")),
        "{}",
        manage.body
    );
    assert!(manage.body.contains("Read and sign"), "{}", manage.body);
    let path = format!("/manage/{token}/consent");
    let page = get(&app, None, &path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Consent to microneedling treatment"));
    assert!(page.body.contains("Redness like a moderate sunburn"));
    let version = hidden_value(&page.body, "version");
    let sha256 = hidden_value(&page.body, "sha256");
    // No agreement: the form comes back with the name kept and the error beside the box.
    let typed = "Vera Q. Visit-O'Neil";
    let a = post_form(
        &app,
        None,
        &path,
        &[
            ("document", "treatment"),
            ("version", &version),
            ("sha256", &sha256),
            ("name", typed),
        ],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(
        a.body.contains("value=\"Vera Q. Visit-O&#39;Neil\"")
            || a.body.contains("value=\"Vera Q. Visit-O'Neil\""),
        "{}",
        a.body
    );
    assert!(a.body.contains("Tick the box"), "{}", a.body);
    // A name with a line break is refused beside the name, the agreement kept.
    let a = post_form(
        &app,
        None,
        &path,
        &[
            ("document", "treatment"),
            ("version", &version),
            ("sha256", &sha256),
            ("name", "Vera\r\nBcc: x"),
            ("agree", "yes"),
        ],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.contains("one line"), "{}", a.body);
    assert!(a.body.contains("checked"), "{}", a.body);
    // A stale text is refused above the form; nothing is signed.
    let a = post_form(
        &app,
        None,
        &path,
        &[
            ("document", "treatment"),
            ("version", &version),
            ("sha256", "abc"),
            ("name", typed),
            ("agree", "yes"),
        ],
    )
    .await;
    assert_eq!(a.status, 409, "{}", a.body);
    assert!(
        a.body.contains("has changed since it was shown"),
        "{}",
        a.body
    );
    // Signed; a line break after the document's id is not carried into the redirect.
    let a = post_form(
        &app,
        None,
        &path,
        &[
            ("document", "treatment\r\n"),
            ("version", &version),
            ("sha256", &sha256),
            ("name", typed),
            ("agree", "yes"),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(a.location, format!("{path}#doc-treatment"));
    let page = get(&app, None, &path).await;
    assert!(page.body.contains("Signed by"), "{}", page.body);
    let manage = get(&app, None, &format!("/manage/{token}")).await;
    assert!(
        manage.body.contains("your consent is signed"),
        "{}",
        manage.body
    );
}
on_both_engines!(the_manage_page_form_works_without_javascript);

/// A signed-in staff member: the session cookie and the CSRF token its pages carry.
struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &TestApp, email: &str) -> Session {
    let a = post_sign_in(app, &[("email", email), ("password", PASSWORD)], &[], &[]).await;
    assert_eq!(a.status, 303, "sign-in of {email}: {}", a.body);
    let cookie = set_cookie_pair(&a, "collagen_session").expect("session cookie");
    let page = get(app, Some(&cookie), "/admin").await;
    Session {
        csrf: hidden_value(&page.body, "csrf"),
        cookie,
    }
}

/// Staff with every role: an admin, Dr. Maya Lee, another practitioner and the front desk.
async fn staff(app: &TestApp) -> (Session, Session, Session, Session) {
    let hash = web::hash_password(PASSWORD);
    add_staff(app, "owner@clinic.example", &hash, "admin", None).await;
    add_staff(
        app,
        "maya@clinic.example",
        &hash,
        "practitioner",
        Some("maya-lee"),
    )
    .await;
    add_staff(
        app,
        "sam@clinic.example",
        &hash,
        "practitioner",
        Some("sam-ortiz"),
    )
    .await;
    add_staff(app, "desk@clinic.example", &hash, "front-desk", None).await;
    (
        sign_in(app, "owner@clinic.example").await,
        sign_in(app, "maya@clinic.example").await,
        sign_in(app, "sam@clinic.example").await,
        sign_in(app, "desk@clinic.example").await,
    )
}

/// Moves a booking's screening `days` into the past, past the store.
async fn age_screening(app: &TestApp, booking_id: &str, days: i64) {
    let b = app.store.booking(booking_id).await.unwrap().unwrap();
    let sql = "UPDATE screenings SET created_at = created_at - $1 WHERE id = $2";
    let id = b.screening_id.unwrap();
    if app.db_url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(&app.db_url).await.unwrap();
        sqlx::query(sql)
            .bind(days * 86_400)
            .bind(&id)
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&app.db_url).await.unwrap();
        sqlx::query(sql)
            .bind(days * 86_400)
            .bind(&id)
            .execute(&pool)
            .await
            .unwrap();
    }
}

async fn the_arrival_check_shows_each_blocker_by_role(app: TestApp) {
    let (admin, maya, sam, desk) = staff(&app).await;
    // Under 22: held for review, with a finding only clinical staff may read.
    let booked = treatment(&app, "arrive@example.com", json!({"age_under_22": true})).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    age_screening(&app, &id, 45).await;
    let path = format!("/admin/bookings/{id}/arrival");

    let clinical = get(&app, Some(&maya.cookie), &path).await;
    assert_eq!(clinical.status, 200, "{}", clinical.body);
    for shown in [
        "Not ready for treatment",
        "Consent missing",
        // The missing document by its title, not the name of its file.
        "not yet signed (Consent to microneedling treatment)",
        "Screening needs re-confirming",
        "Waiting for review",
        "Screening outcome today: consult",
        "Needle depth guide",
        "Number 1 of this treatment",
    ] {
        assert!(
            clinical.body.contains(shown),
            "practitioner lacks {shown:?}:\n{}",
            clinical.body
        );
    }
    let desk_view = get(&app, Some(&desk.cookie), &path).await;
    assert_eq!(desk_view.status, 200, "{}", desk_view.body);
    for shown in [
        "Consent missing",
        "not yet signed (Consent to microneedling treatment)",
        "Screening needs re-confirming",
        "A practitioner must see this booking",
    ] {
        assert!(
            desk_view.body.contains(shown),
            "desk lacks {shown:?}:\n{}",
            desk_view.body
        );
    }
    for hidden in [
        "consult",
        "Needle depth",
        "Screening outcome",
        "Waiting for review",
    ] {
        assert!(
            !desk_view.body.contains(hidden),
            "desk sees {hidden:?}:\n{}",
            desk_view.body
        );
    }
    // Another practitioner's booking is not theirs to open.
    for p in [
        path.clone(),
        format!("/admin/bookings/{id}/consent"),
        format!("/admin/bookings/{id}/consent/print"),
        format!("/admin/bookings/{id}/reconfirm"),
    ] {
        assert_eq!(get(&app, Some(&sam.cookie), &p).await.status, 403, "{p}");
    }
    // The booking page points to the arrival check and says consent is missing.
    let a = get(&app, Some(&desk.cookie), &format!("/admin/bookings/{id}")).await;
    assert!(a.body.contains(&path), "{}", a.body);
    assert!(a.body.contains("Consent missing"), "{}", a.body);

    // On the tablet: the client says nothing has changed, and signs.
    let reconfirm = format!("/admin/bookings/{id}/reconfirm");
    let ask = get(&app, Some(&desk.cookie), &reconfirm).await;
    assert!(
        ask.body.contains("Has anything changed since"),
        "{}",
        ask.body
    );
    let a = post_form(
        &app,
        Some(&desk.cookie),
        &reconfirm,
        &[("csrf", &desk.csrf), ("changed", "no")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("Thank you"));
    let consent = format!("/admin/bookings/{id}/consent");
    let tablet = get(&app, Some(&desk.cookie), &consent).await;
    let (version, sha256) = (
        hidden_value(&tablet.body, "version"),
        hidden_value(&tablet.body, "sha256"),
    );
    let a = post_form(
        &app,
        Some(&desk.cookie),
        &consent,
        &[
            ("csrf", &desk.csrf),
            ("document", "treatment"),
            ("version", &version),
            ("sha256", &sha256),
            ("name", "Vera Visit"),
            ("agree", "yes"),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let after = get(&app, Some(&maya.cookie), &path).await;
    assert!(!after.body.contains("Consent missing"), "{}", after.body);
    assert!(
        !after.body.contains("Screening needs re-confirming"),
        "{}",
        after.body
    );
    assert!(after.body.contains("Waiting for review"), "{}", after.body);
    // The printable record names the signer, the tablet and the text's hash.
    let print = get(&app, Some(&admin.cookie), &format!("{consent}/print")).await;
    assert_eq!(print.status, 200);
    for shown in [
        "Vera Visit",
        "On the clinic&#39;s tablet",
        &sha256,
        "Consent to microneedling treatment",
    ] {
        assert!(
            print.body.contains(shown) || print.body.contains(&shown.replace("&#39;", "'")),
            "print lacks {shown}:\n{}",
            print.body
        );
    }
}
on_both_engines!(the_arrival_check_shows_each_blocker_by_role);

async fn something_changed_means_answering_again_on_the_tablet(app: TestApp) {
    let (_, maya, _, desk) = staff(&app).await;
    let booked = treatment(&app, "again@example.com", json!({})).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    age_screening(&app, &id, 45).await;
    let reconfirm = format!("/admin/bookings/{id}/reconfirm");
    // "Something has changed": the same questionnaire, carrying the CSRF token.
    let a = post_form(
        &app,
        Some(&desk.cookie),
        &reconfirm,
        &[("csrf", &desk.csrf), ("changed", "yes")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.body.contains(&format!("{reconfirm}/answers")),
        "{}",
        a.body
    );
    // Nothing answered: every question asked again, no screening written.
    let before = app.store.booking(&id).await.unwrap().unwrap().screening_id;
    let a = post_form(
        &app,
        Some(&desk.cookie),
        &format!("{reconfirm}/answers"),
        &[("csrf", &desk.csrf)],
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert_eq!(
        app.store.booking(&id).await.unwrap().unwrap().screening_id,
        before
    );
    // Answered, with a keloid history: the new screening is the booking's, and only the
    // practitioner sees what it means.
    let (_, questions) = app.get_json("/api/v1/screening/questions").await;
    let mut form: Vec<(String, String)> = vec![("csrf".into(), desk.csrf.clone())];
    for q in questions.as_array().unwrap() {
        let qid = q["id"].as_str().unwrap();
        match q["kind"].as_str().unwrap() {
            "yes_no" => form.push((
                format!("answers.{qid}"),
                if qid == "keloid_history" { "yes" } else { "no" }.into(),
            )),
            "date" if q["accepts_never"] == false => {
                form.push((format!("answers.{qid}"), "1980-06-15".into()))
            }
            "date" => form.push((format!("answers.{qid}.never"), "yes".into())),
            _ => form.push((
                format!("answers.{qid}"),
                q["options"][0].as_str().unwrap().into(),
            )),
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let a = post_form(
        &app,
        Some(&desk.cookie),
        &format!("{reconfirm}/answers"),
        &pairs,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.body.contains("Thank you") && !a.body.contains("consult"),
        "{}",
        a.body
    );
    let after = app.store.booking(&id).await.unwrap().unwrap().screening_id;
    assert!(after.is_some() && after != before);
    let clinical = get(
        &app,
        Some(&maya.cookie),
        &format!("/admin/bookings/{id}/arrival"),
    )
    .await;
    assert!(
        clinical.body.contains("Screening outcome today: consult"),
        "{}",
        clinical.body
    );
    assert!(
        !clinical.body.contains("Screening needs re-confirming"),
        "{}",
        clinical.body
    );
}
on_both_engines!(something_changed_means_answering_again_on_the_tablet);
