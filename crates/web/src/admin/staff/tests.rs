use super::{AddForm, check_add, done_notice, email_problem};
use crate::auth::Role;

fn form(email: &str, role: &str, practitioner: &str, password: &str) -> AddForm {
    AddForm {
        email: email.into(),
        role: role.into(),
        practitioner: practitioner.into(),
        password: password.into(),
    }
}

const GOOD: &str = "correct horse battery staple";

#[test]
fn emails_are_checked_plainly() {
    assert_eq!(email_problem("maya@clinic.example"), None);
    assert!(email_problem("").is_some());
    for bad in [
        "maya",
        "@clinic.example",
        "maya@",
        "maya@clinic",
        "ma ya@clinic.example",
        "a@b@c.example",
        "maya@.example",
    ] {
        assert!(email_problem(bad).is_some(), "{bad}");
    }
}

#[test]
fn the_add_form_needs_a_practitioner_for_practitioners() {
    let setup = clinic::demo();
    let ok = check_add(
        &form("sam@clinic.example", "practitioner", "sam-ortiz", GOOD),
        "sam@clinic.example",
        &setup,
    );
    assert_eq!(
        ok.ok(),
        Some((Role::Practitioner, Some("sam-ortiz".to_owned())))
    );
    let missing = check_add(
        &form("sam@clinic.example", "practitioner", "", GOOD),
        "sam@clinic.example",
        &setup,
    )
    .unwrap_err();
    assert!(missing.get("practitioner").is_some());
    let unknown = check_add(
        &form("sam@clinic.example", "front-desk", "nobody", GOOD),
        "sam@clinic.example",
        &setup,
    )
    .unwrap_err();
    assert!(unknown.get("practitioner").is_some());
    let desk = check_add(
        &form("desk@clinic.example", "front-desk", "", GOOD),
        "desk@clinic.example",
        &setup,
    );
    assert_eq!(desk.ok(), Some((Role::FrontDesk, None)));
}

#[test]
fn the_add_form_reports_every_problem_beside_its_field() {
    let setup = clinic::demo();
    let errors = check_add(&form("nope", "owner", "", "short"), "nope", &setup).unwrap_err();
    for field in ["email", "role", "password"] {
        assert!(errors.get(field).is_some(), "{field}");
    }
}

#[test]
fn notices_are_known_words_only() {
    assert!(done_notice("added").is_some());
    assert!(done_notice("<script>").is_none());
}
