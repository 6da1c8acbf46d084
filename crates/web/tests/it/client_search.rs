//! The desk finds a client however the phone number is typed and by any part of the name,
//! on SQLite and PostgreSQL.

use crate::common;
use crate::desk::{desk, get};
use common::TestApp;
use serde_json::json;

async fn search_normalises_phones_and_matches_parts_of_names(app: TestApp) {
    let starts = app.starts_an_hour_apart("consultation").await;
    for (i, (name, email, phone)) in [
        ("Maria Lopez", "maria@example.com", "555 0142"),
        ("Anna Smith", "anna@example.com", "+1 (555) 019-9000"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"service": "consultation", "start": starts[i].to_string(),
            "client": {"name": name, "email": email, "phone": phone}});
        let (status, booked) = app.post_json("/api/v1/bookings", &body).await;
        assert_eq!(status, 201, "{booked}");
    }
    let desk = desk(&app).await;
    let found = |q: &str| {
        let encoded: String = q
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let path = format!("/admin/clients?q={encoded}");
        let desk = &desk;
        let app = &app;
        async move {
            let a = get(app, desk, &path).await;
            assert_eq!(a.status, 200, "{}", a.body);
            (
                a.body.contains("Maria Lopez</a>"),
                a.body.contains("Anna Smith</a>"),
            )
        }
    };
    for (q, maria, anna) in [
        ("5550142", true, false),
        ("555-0142", true, false),
        ("(555) 0142", true, false),
        ("5550199", false, true),
        ("lop mar", true, false),
        ("ria lo", true, false),
        ("smith", false, true),
        ("maria@", true, false),
        ("zzz", false, false),
    ] {
        assert_eq!(found(q).await, (maria, anna), "search for {q:?}");
    }
}
on_both_engines!(search_normalises_phones_and_matches_parts_of_names);
