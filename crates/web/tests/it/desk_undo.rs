//! The desk's undo and the day view's free cells over HTTP, on SQLite and PostgreSQL: after a
//! cancellation the booking page offers "Undo" (a form with CSRF) that puts the booking back;
//! a free quarter hour on the calendar links to the booking form for that practitioner and
//! time, and a service that cannot start there is answered with the nearest free times.

use crate::common;

use common::TestApp;
use store::BookingStatus;

use crate::desk::{desk, desk_book, get, local, post};

async fn a_cancellation_is_undone_from_the_booking_page(app: TestApp) {
    let desk = desk(&app).await;
    let slots = app.free_slots("consultation", None).await;
    let id = desk_book(
        &app,
        &desk,
        slots[0]["start"].as_str().unwrap(),
        "u@example.com",
    )
    .await;
    let a = post(
        &app,
        &desk,
        &format!("/admin/bookings/{id}/status"),
        &[("status", "cancelled"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = get(&app, &desk, &a.location).await;
    assert!(
        page.body
            .contains(&format!("action=\"/admin/bookings/{id}/undo\"")),
        "{}",
        page.body
    );
    // Without the CSRF token nothing is undone.
    let forged = common::answer(
        app.http
            .post(format!("{}/admin/bookings/{id}/undo", app.base))
            .header("cookie", &desk.cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let undone = post(&app, &desk, &format!("/admin/bookings/{id}/undo"), &[]).await;
    assert_eq!(undone.status, 303, "{}", undone.body);
    assert!(
        undone.location.contains("?done=undone"),
        "{}",
        undone.location
    );
    let b = app.store.booking(&id).await.unwrap().unwrap();
    assert_eq!(b.status, BookingStatus::Confirmed);
    let shown = get(&app, &desk, &undone.location).await;
    assert!(shown.body.contains("Undone"), "{}", shown.body);
    assert!(!shown.body.contains("/undo\""), "nothing left to undo");
}
on_both_engines!(a_cancellation_is_undone_from_the_booking_page);

async fn a_free_cell_books_there(app: TestApp) {
    let desk = desk(&app).await;
    let slots = app.free_slots("consultation", Some("maya-lee")).await;
    let start = slots[0]["start"].as_str().unwrap();
    let (date, _) = local(start);
    let page = get(&app, &desk, &format!("/admin/calendar?date={date}")).await;
    let marker = "<a class=\"free-slot\" href=\"";
    let at = page.body.find(marker).expect("a free cell link") + marker.len();
    let href = page.body[at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(
        href.starts_with("/admin/bookings/new?practitioner="),
        "{href}"
    );
    assert!(href.contains("&cell=1"), "{href}");
    assert!(
        page.body.contains("<span class=\"visually-hidden\">Book "),
        "named for a screen reader"
    );
    let form = get(&app, &desk, &href).await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("name=\"cell\" value=\"1\""),
        "{}",
        form.body
    );

    // A time already taken: the form says the service cannot start there and offers others.
    desk_book(&app, &desk, start, "taken@example.com").await;
    let (_, time) = local(start);
    let taken = get(
        &app,
        &desk,
        &format!(
            "/admin/bookings/new?service=consultation&practitioner=maya-lee&date={date}&time={time}&cell=1"
        ),
    )
    .await;
    assert!(taken.body.contains("cannot start at"), "{}", taken.body);
    assert!(
        taken.body.contains("The nearest free times"),
        "{}",
        taken.body
    );
}
on_both_engines!(a_free_cell_books_there);
