//! The clinic as every request reads it: derived once per setup change, shared by all.

use std::sync::Arc;

use crate::ClinicSetup;

/// Everything derived from the stored setup that a request needs, computed once.
pub struct ClinicSnapshot {
    pub setup: ClinicSetup,
    pub version: i64,
    pub timezone: jiff::tz::TimeZone,
    pub schedule: scheduling::Schedule,
    pub services: Vec<scheduling::Service>,
    pub rules: protocol::RuleSet,
    pub plans: protocol::PlanTables,
}

impl ClinicSnapshot {
    /// A local date and time as this clinic's clients read it, on its clock.
    pub fn when(&self, z: &jiff::ZonedDateTime) -> String {
        crate::format_local_on(z, self.setup.clinic.uses_24_hour_clock())
    }

    /// A time of day on this clinic's clock: `9:00 AM` or `09:00`.
    pub fn clock(&self, z: &jiff::ZonedDateTime) -> String {
        crate::clock_time(z, self.setup.clinic.uses_24_hour_clock())
    }

    /// The clinic's time zone as people name it: "New York time".
    pub fn zone_name(&self) -> String {
        crate::zone_name(&self.setup.clinic.timezone)
    }

    /// Derives the engine's and the protocol's views from a validated setup.
    pub fn new(setup: ClinicSetup, version: i64) -> Arc<ClinicSnapshot> {
        let (rules, plans) = setup.protocol();
        Arc::new(ClinicSnapshot {
            timezone: setup.timezone(),
            schedule: setup.schedule(),
            services: setup.engine_services(),
            rules,
            plans,
            setup,
            version,
        })
    }

    /// The engine's view of a service.
    pub fn engine_service(&self, id: &str) -> Option<&scheduling::Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// How many hours before a booking its client may still change it online.
    pub fn cancel_notice_hours(&self) -> u32 {
        self.setup.booking.cancel_notice_hours
    }

    /// The last local date clients may book online.
    pub fn last_bookable_date(&self) -> jiff::civil::Date {
        let today = self.today();
        today
            .checked_add(jiff::Span::new().days(i64::from(self.setup.booking.horizon_days)))
            .unwrap_or(today)
    }

    /// Today's date at the clinic.
    pub fn today(&self) -> jiff::civil::Date {
        jiff::Timestamp::now()
            .to_zoned_datetime(self.timezone.clone())
            .date()
    }
}
