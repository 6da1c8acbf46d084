//! Changes the back office makes to a setup one piece at a time: add, rename and remove a
//! room, service, device or practitioner, and add, remove and reorder a service's phases.
//!
//! Each edit refuses only what `validate` cannot say well (an id the page named that is gone,
//! a removal something else still leans on) and otherwise leaves the meaning to `validate`,
//! which the caller runs on the edited setup before saving it, exactly as for a clinic file.

use crate::{ClinicSetup, DeviceSetup, PhaseSetup, PractitionerSetup, Room, ServiceSetup};

/// Why an edit was refused: the form field it concerns (`"name"`, `"form"`, …) and a
/// sentence for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EditRefused {
    /// The form field the message belongs beside; `"form"` for the form as a whole.
    pub field: &'static str,
    pub message: String,
}

fn refused(field: &'static str, message: impl Into<String>) -> EditRefused {
    EditRefused {
        field,
        message: message.into(),
    }
}

fn gone(what: &str, id: &str) -> EditRefused {
    refused(
        "form",
        format!(
            "There is no {what} \u{201c}{id}\u{201d} any more; nothing was changed. Reload the page and try again."
        ),
    )
}

/// Which way a phase moves in its service's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// One place earlier.
    Up,
    /// One place later.
    Down,
}

/// An id for a new entry, made from its name (`"Treatment room 3"` is `treatment-room-3`)
/// and kept unique among `taken` by a number (`-2`, `-3`, …), so owners never type ids.
pub fn new_id<'a>(name: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let base = if slug.is_empty() { "item" } else { slug };
    let taken: Vec<&str> = taken.into_iter().collect();
    if !taken.contains(&base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(&id.as_str()))
        .expect("an unused number exists")
}

/// A name as typed, refused when empty so the message sits beside the field.
fn name_of(name: &str, what: &str) -> Result<String, EditRefused> {
    let name = name.trim();
    if name.is_empty() {
        return Err(refused("name", format!("Enter a name for the {what}.")));
    }
    Ok(name.to_owned())
}

impl ClinicSetup {
    /// Adds a room named `name` and answers its new id.
    pub fn add_room(&mut self, name: &str) -> Result<String, EditRefused> {
        let name = name_of(name, "room")?;
        let id = new_id(&name, self.rooms.iter().map(|r| r.id.as_str()));
        self.rooms.push(Room {
            id: id.clone(),
            name,
        });
        Ok(id)
    }

    /// Renames room `id`; its id, which bookings name, stays.
    pub fn rename_room(&mut self, id: &str, name: &str) -> Result<(), EditRefused> {
        let name = name_of(name, "room")?;
        let room = self
            .rooms
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(|| gone("room", id))?;
        room.name = name;
        Ok(())
    }

    /// Removes room `id`, unless it is the last and a service still needs a room.
    pub fn remove_room(&mut self, id: &str) -> Result<(), EditRefused> {
        let at = self
            .rooms
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| gone("room", id))?;
        let needs_room = self
            .services
            .iter()
            .find(|s| s.phases.iter().any(|p| p.uses.iter().any(|u| u == "room")));
        if let (1, Some(service)) = (self.rooms.len(), needs_room) {
            return Err(refused(
                "form",
                format!(
                    "\u{201c}{}\u{201d} is the clinic's only room, and {} takes place in a room: add another room first.",
                    self.rooms[at].name, service.name
                ),
            ));
        }
        self.rooms.remove(at);
        Ok(())
    }

    /// Adds a service with one phase, `minutes` of treatment holding a practitioner and a
    /// room, which its phases editor then refines; answers its new id.
    pub fn add_service(
        &mut self,
        name: &str,
        price: &str,
        minutes: u32,
    ) -> Result<String, EditRefused> {
        let name = name_of(name, "service")?;
        let id = new_id(&name, self.services.iter().map(|s| s.id.as_str()));
        self.services.push(ServiceSetup {
            id: id.clone(),
            name,
            price: price.trim().to_owned(),
            requires_screening: true,
            description: String::new(),
            areas: Vec::new(),
            course: None,
            course_price: None,
            phases: vec![PhaseSetup {
                name: "treatment".into(),
                minutes,
                uses: vec!["practitioner".into(), "room".into()],
            }],
        });
        Ok(id)
    }

    /// The service `id`, to change in place.
    pub fn service_mut(&mut self, id: &str) -> Result<&mut ServiceSetup, EditRefused> {
        self.services
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| gone("service", id))
    }

    /// Removes service `id`, unless a practitioner still offers it: their list names it.
    pub fn remove_service(&mut self, id: &str) -> Result<(), EditRefused> {
        let at = self
            .services
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| gone("service", id))?;
        let offering: Vec<&str> = self
            .practitioners
            .iter()
            .filter(|p| p.services.iter().any(|s| s == id))
            .map(|p| p.name.as_str())
            .collect();
        if !offering.is_empty() {
            return Err(refused(
                "form",
                format!(
                    "{} still {} \u{201c}{}\u{201d}: take it off their services first.",
                    offering.join(" and "),
                    if offering.len() == 1 {
                        "offers"
                    } else {
                        "offer"
                    },
                    self.services[at].name
                ),
            ));
        }
        self.services.remove(at);
        Ok(())
    }

    /// Adds a device and answers its new id.
    pub fn add_device(&mut self, name: &str, max_depth_mm: f64) -> Result<String, EditRefused> {
        let name = name_of(name, "device")?;
        let id = new_id(&name, self.devices.iter().map(|d| d.id.as_str()));
        self.devices.push(DeviceSetup {
            id: id.clone(),
            name,
            max_depth_mm,
        });
        Ok(id)
    }

    /// The device `id`, to change in place.
    pub fn device_mut(&mut self, id: &str) -> Result<&mut DeviceSetup, EditRefused> {
        self.devices
            .iter_mut()
            .find(|d| d.id == id)
            .ok_or_else(|| gone("device", id))
    }

    /// Removes device `id`; treatment records already written keep what they name.
    pub fn remove_device(&mut self, id: &str) -> Result<(), EditRefused> {
        let at = self
            .devices
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| gone("device", id))?;
        self.devices.remove(at);
        Ok(())
    }

    /// Adds a practitioner with no hours or services yet and answers the new id.
    pub fn add_practitioner(&mut self, name: &str) -> Result<String, EditRefused> {
        let name = name_of(name, "practitioner")?;
        let id = new_id(&name, self.practitioners.iter().map(|p| p.id.as_str()));
        self.practitioners.push(PractitionerSetup {
            id: id.clone(),
            name,
            title: String::new(),
            services: Vec::new(),
            hours: Default::default(),
            dates: Default::default(),
            time_off: Vec::new(),
            prescriber: false,
            bio: String::new(),
            photo: None,
        });
        Ok(id)
    }

    /// The practitioner `id`, to change in place.
    pub fn practitioner_mut(&mut self, id: &str) -> Result<&mut PractitionerSetup, EditRefused> {
        self.practitioners
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| gone("practitioner", id))
    }
}

impl ServiceSetup {
    /// The phase at `index`, checked against the page's view of it.
    fn phase_at(&self, index: usize) -> Result<(), EditRefused> {
        if index < self.phases.len() {
            Ok(())
        } else {
            Err(refused(
                "form",
                format!(
                    "{} has no phase {} any more; nothing was changed. Reload the page and try again.",
                    self.name,
                    index + 1
                ),
            ))
        }
    }

    /// Adds `phase` after the last one.
    pub fn add_phase(&mut self, phase: PhaseSetup) {
        self.phases.push(phase);
    }

    /// Replaces the phase at `index`.
    pub fn set_phase(&mut self, index: usize, phase: PhaseSetup) -> Result<(), EditRefused> {
        self.phase_at(index)?;
        self.phases[index] = phase;
        Ok(())
    }

    /// Removes the phase at `index`, unless it is the only one.
    pub fn remove_phase(&mut self, index: usize) -> Result<(), EditRefused> {
        self.phase_at(index)?;
        if self.phases.len() == 1 {
            return Err(refused(
                "form",
                format!(
                    "{} needs at least one phase: add another before removing this one.",
                    self.name
                ),
            ));
        }
        self.phases.remove(index);
        Ok(())
    }

    /// Moves the phase at `index` one place; the first cannot go up nor the last down.
    pub fn move_phase(&mut self, index: usize, to: Move) -> Result<(), EditRefused> {
        self.phase_at(index)?;
        let other = match to {
            Move::Up => index.checked_sub(1),
            Move::Down => Some(index + 1).filter(|&j| j < self.phases.len()),
        };
        let Some(other) = other else {
            let end = if to == Move::Up { "first" } else { "last" };
            return Err(refused(
                "form",
                format!("That phase is already the {end}; nothing was changed."),
            ));
        };
        self.phases.swap(index, other);
        Ok(())
    }
}
