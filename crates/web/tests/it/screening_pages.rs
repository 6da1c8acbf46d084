//! The questionnaire pages (/suitability, /book/screening): a date question is answered by a
//! date or an explicit box, the date of birth is asked, and a screening books only the areas
//! it was answered for.

use crate::common;

use common::TestApp;
use serde_json::Value;

/// Every yes/no question on the form answered "no", as form pairs.
async fn all_no_pairs(app: &TestApp) -> Vec<(String, String)> {
    let (_, questions) = app.get_json("/api/v1/screening/questions").await;
    questions
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "yes_no" && q.get("replaced_by").is_none())
        .map(|q| {
            (
                format!("answers.{}", q["id"].as_str().unwrap()),
                "no".to_owned(),
            )
        })
        .collect()
}

/// The ids of every date question that takes "never".
async fn never_dates(app: &TestApp) -> Vec<String> {
    let (_, questions) = app.get_json("/api/v1/screening/questions").await;
    questions
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["kind"] == "date" && q["accepts_never"] != Value::Bool(false))
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post_form(app: &TestApp, path: &str, pairs: &[(String, String)]) -> (u16, String, String) {
    let res = app
        .http
        .post(format!("{}{path}", app.base))
        .form(pairs)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap())
}

fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

/// The form offers "Never" (and "I am still taking it" for isotretinoin) beside each date,
/// asks the date of birth instead of "under 22?", and asks the areas.
async fn the_form_asks_every_date_explicitly(app: TestApp) {
    let res = app
        .http
        .get(format!("{}/suitability", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    for needle in [
        r#"name="answers.isotretinoin_last_dose.never""#,
        r#"name="answers.isotretinoin_last_dose.current""#,
        r#"name="answers.last_laser_or_peel.never""#,
        r#"name="answers.date_of_birth""#,
        r#"name="areas" value="body""#,
    ] {
        assert!(html.contains(needle), "{needle} missing");
    }
    assert!(!html.contains(r#"name="answers.last_laser_or_peel.current""#));
    assert!(!html.contains(r#"name="answers.age_under_22""#));
    assert!(!html.contains(r#"name="answers.date_of_birth.never""#));
}
on_both_engines!(the_form_asks_every_date_explicitly);

/// A date left blank with no box ticked is asked for, beside the field, keeping what was typed.
async fn a_blank_date_is_asked_for_and_the_form_kept(app: TestApp) {
    let mut pairs = all_no_pairs(&app).await;
    pairs.push(pair("answers.date_of_birth", "1980-06-15"));
    pairs.push(pair("areas", "face"));
    for id in never_dates(&app).await {
        if id != "isotretinoin_last_dose" {
            pairs.push(pair(&format!("answers.{id}.never"), "yes"));
        }
    }
    pairs.push(pair("answers.isotretinoin_last_dose", ""));
    let (status, _, html) = post_form(&app, "/suitability", &pairs).await;
    assert_eq!(status, 422);
    assert!(
        html.contains(r#"id="f-answers-isotretinoin_last_dose-error""#)
            && html.contains("Please answer: give the date, or tick"),
        "the error sits beside the field"
    );
    assert!(
        html.contains(r#"value="1980-06-15""#),
        "the date of birth is kept"
    );
    assert!(
        html.contains(r#"name="answers.last_laser_or_peel.never" value="yes" checked"#),
        "ticked boxes stay ticked"
    );

    let tomorrow = jiff::ZonedDateTime::now()
        .date()
        .tomorrow()
        .unwrap()
        .tomorrow()
        .unwrap();
    let mut future = pairs.clone();
    future.retain(|(k, _)| k != "answers.isotretinoin_last_dose");
    future.push(pair(
        "answers.isotretinoin_last_dose",
        &tomorrow.to_string(),
    ));
    let (status, _, html) = post_form(&app, "/suitability", &future).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("A last dose can&#39;t be in the future")
            || html.contains("A last dose can't be in the future")
    );

    let mut still = pairs.clone();
    still.push(pair("answers.isotretinoin_last_dose.current", "yes"));
    let (status, _, html) = post_form(&app, "/suitability", &still).await;
    assert_eq!(status, 200);
    assert!(html.contains("still taking it"), "deferred in words");
}
on_both_engines!(a_blank_date_is_asked_for_and_the_form_kept);

/// A body screening offers body treatments only, and the face treatment's booking page sends
/// it back to the questions.
async fn a_screening_books_only_its_areas(app: TestApp) {
    let mut pairs = all_no_pairs(&app).await;
    pairs.push(pair("answers.date_of_birth", "1980-06-15"));
    for id in never_dates(&app).await {
        pairs.push(pair(&format!("answers.{id}.never"), "yes"));
    }
    let (status, _, html) = post_form(&app, "/suitability", &pairs).await;
    assert_eq!(status, 422, "no area ticked");
    assert!(html.contains(r#"id="f-areas-error""#));

    pairs.push(pair("areas", "body"));
    let (status, _, html) = post_form(&app, "/suitability", &pairs).await;
    assert_eq!(status, 200);
    assert!(html.contains("service=microneedling-body"));
    assert!(!html.contains("service=microneedling-face"));

    let mut booking = pairs.clone();
    booking.retain(|(k, _)| k != "areas");
    booking.push(pair("service", "microneedling-body"));
    let (status, location, _) = post_form(&app, "/book/screening", &booking).await;
    assert_eq!(status, 303, "on to the times");
    let screening = location
        .split("screening=")
        .nth(1)
        .expect("screening id")
        .to_owned();
    let res = app
        .http
        .get(format!(
            "{}/book?service=microneedling-face&screening={screening}",
            app.base
        ))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(
        html.contains("this treatment is for the face"),
        "the reason is said"
    );
    assert!(
        html.contains("/book/screening?service=microneedling-face"),
        "and a way back to the questions"
    );
}
on_both_engines!(a_screening_books_only_its_areas);
