//! The back office's one-piece-at-a-time edits, each followed by `validate` as the page does.

use crate::{Move, PhaseSetup, demo, new_id, validate};

#[test]
fn new_ids_come_from_the_name_and_stay_unique() {
    assert_eq!(new_id("Treatment room 3", []), "treatment-room-3");
    assert_eq!(new_id("  Dr. Jo Ng ", []), "dr-jo-ng");
    assert_eq!(new_id("Room", ["room", "room-2"]), "room-3");
    assert_eq!(new_id("***", []), "item");
    assert_eq!(new_id("Café Éclat", []), "caf-clat");
}

#[test]
fn rooms_are_added_renamed_and_removed() {
    let mut setup = demo();
    let id = setup.add_room("Treatment room 3").unwrap();
    assert_eq!(id, "treatment-room-3");
    setup.rename_room(&id, " Laser suite ").unwrap();
    assert_eq!(setup.room(&id).unwrap().name, "Laser suite");
    validate(&setup).unwrap();
    setup.remove_room("room-1").unwrap();
    assert!(setup.room("room-1").is_none());
    validate(&setup).unwrap();
    assert_eq!(setup.add_room("  ").unwrap_err().field, "name");
    assert_eq!(setup.rename_room("nowhere", "X").unwrap_err().field, "form");
}

#[test]
fn the_last_room_stays_while_a_service_needs_one() {
    let mut setup = demo();
    setup.remove_room("room-2").unwrap();
    let refused = setup.remove_room("room-1").unwrap_err();
    assert!(refused.message.contains("only room"), "{}", refused.message);
    assert_eq!(setup.rooms.len(), 1);
}

#[test]
fn a_service_a_practitioner_offers_is_not_removed() {
    let mut setup = demo();
    let refused = setup.remove_service("microneedling-face").unwrap_err();
    assert_eq!(
        refused.message,
        "Dr. Maya Lee and Sam Ortiz still offer \u{201c}Microneedling, full face\u{201d}: \
         take it off their services first."
    );
    setup.practitioners[0]
        .services
        .retain(|s| s != "microneedling-body");
    setup.remove_service("microneedling-body").unwrap();
    assert!(setup.service("microneedling-body").is_none());
    validate(&setup).unwrap();
}

#[test]
fn a_new_service_starts_with_one_treatment_phase() {
    let mut setup = demo();
    let id = setup.add_service("Scalp renewal", "180.00", 40).unwrap();
    let s = setup.service(&id).unwrap();
    assert_eq!(s.duration_minutes(), 40);
    assert_eq!(s.phases[0].uses, ["practitioner", "room"]);
    validate(&setup).unwrap();
    // What validation refuses is left to it, named by its path.
    setup.add_service("Bad price", "free", 30).unwrap();
    let (path, _) = validate(&setup).unwrap_err();
    assert_eq!(
        path,
        format!("services[{}].price", setup.services.len() - 1)
    );
}

#[test]
fn phases_are_added_moved_and_removed() {
    let mut setup = demo();
    let s = setup.service_mut("microneedling-face").unwrap();
    let names =
        |s: &crate::ServiceSetup| s.phases.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    s.add_phase(PhaseSetup {
        name: "mask".into(),
        minutes: 10,
        uses: vec!["room".into()],
    });
    assert_eq!(names(s), ["numbing", "treatment", "cleanup", "mask"]);
    assert_eq!(s.duration_minutes(), 100);
    s.move_phase(3, Move::Up).unwrap();
    assert_eq!(names(s), ["numbing", "treatment", "mask", "cleanup"]);
    s.move_phase(0, Move::Down).unwrap();
    assert_eq!(names(s), ["treatment", "numbing", "mask", "cleanup"]);
    assert!(s.move_phase(0, Move::Up).is_err());
    assert!(s.move_phase(3, Move::Down).is_err());
    assert!(s.move_phase(9, Move::Down).is_err());
    s.remove_phase(2).unwrap();
    assert_eq!(names(s), ["treatment", "numbing", "cleanup"]);
    validate(&setup).unwrap();
}

#[test]
fn a_service_keeps_one_phase_and_a_practitioner_somewhere() {
    let mut setup = demo();
    let s = setup.service_mut("consultation").unwrap();
    assert!(
        s.remove_phase(0)
            .unwrap_err()
            .message
            .contains("at least one phase")
    );
    s.set_phase(
        0,
        PhaseSetup {
            name: "consultation".into(),
            minutes: 30,
            uses: vec!["room".into()],
        },
    )
    .unwrap();
    let (path, message) = validate(&setup).unwrap_err();
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("services[0].phases", "no phase uses a practitioner")
    );
}

#[test]
fn devices_and_practitioners_are_added() {
    let mut setup = demo();
    let id = setup.add_device("Pen 2", 2.5).unwrap();
    assert_eq!(id, "pen-2");
    validate(&setup).unwrap();
    setup.device_mut(&id).unwrap().max_depth_mm = 9.0;
    let (path, _) = validate(&setup).unwrap_err();
    assert_eq!(path, "devices[1].max_depth_mm");
    setup.remove_device(&id).unwrap();
    let p = setup.add_practitioner("Jo Ng").unwrap();
    assert_eq!(setup.practitioner(&p).unwrap().initials(), "JN");
    validate(&setup).unwrap();
    assert!(setup.practitioner_mut("nobody").is_err());
}
