//! Turning a validated setup into what the engine and the protocol need.

use jiff::SignedDuration;

use crate::ClinicSetup;
use crate::hours::parse_span;
use crate::moments::{parse_date, parse_moment};

impl ClinicSetup {
    /// The clinic's time zone; validation guarantees it exists.
    pub fn timezone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.clinic.timezone).expect("validated time zone")
    }

    /// The engine's view of the clinic.
    pub fn schedule(&self) -> scheduling::Schedule {
        let spans = |texts: &[String]| {
            texts
                .iter()
                .filter_map(|t| parse_span(t).ok())
                .collect::<Vec<_>>()
        };
        let practitioners = self
            .practitioners
            .iter()
            .map(|p| {
                let mut weekly: scheduling::WeeklyHours = Default::default();
                for (i, day) in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                    .iter()
                    .enumerate()
                {
                    if let Some(texts) = p.hours.get(*day) {
                        weekly[i] = spans(texts);
                    }
                }
                let time_off = p
                    .time_off
                    .iter()
                    .filter_map(|off| {
                        if let (Some(from), Some(to)) = (parse_date(&off.from), parse_date(&off.to))
                        {
                            Some(scheduling::TimeOff::Days { from, to })
                        } else {
                            Some(scheduling::TimeOff::Between {
                                from: parse_moment(&off.from).ok()?,
                                to: parse_moment(&off.to).ok()?,
                            })
                        }
                    })
                    .collect();
                scheduling::Practitioner {
                    id: p.id.clone(),
                    services: p.services.clone(),
                    weekly,
                    dates: p.dates.iter().map(|(d, t)| (*d, spans(t))).collect(),
                    time_off,
                }
            })
            .collect();
        scheduling::Schedule {
            timezone: self.timezone(),
            step_minutes: self.booking.slot_step_minutes,
            min_notice: SignedDuration::from_mins(i64::from(self.booking.min_notice_minutes)),
            horizon_days: self.booking.horizon_days,
            closures: self.closures.iter().map(|c| (c.from, c.to)).collect(),
            practitioners,
            rooms: self.rooms.iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// The engine's view of every service.
    pub fn engine_services(&self) -> Vec<scheduling::Service> {
        self.services
            .iter()
            .map(|s| scheduling::Service {
                id: s.id.clone(),
                phases: s
                    .phases
                    .iter()
                    .map(|p| scheduling::Phase {
                        minutes: p.minutes,
                        uses_practitioner: p.uses.iter().any(|u| u == "practitioner"),
                        uses_room: p.uses.iter().any(|u| u == "room"),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The screening rules and plan tables with the clinic's own values applied.
    pub fn protocol(&self) -> (protocol::RuleSet, protocol::PlanTables) {
        protocol_overrides(self).expect("validated overrides")
    }
}

pub(crate) fn protocol_overrides(
    setup: &ClinicSetup,
) -> Result<(protocol::RuleSet, protocol::PlanTables), (String, String)> {
    let mut rules = protocol::ScreeningOverrides::default();
    for (id, o) in &setup.screening.rules {
        let outcome = match o.outcome.as_deref() {
            None => None,
            Some("eligible") => Some(protocol::Outcome::Eligible),
            Some("consult") => Some(protocol::Outcome::Consult),
            Some("defer") => Some(protocol::Outcome::Defer),
            Some("not_suitable") => Some(protocol::Outcome::NotSuitable),
            Some(text) => {
                return Err((
                    format!("screening.rules.{id}.outcome"),
                    format!("unknown outcome \"{text}\""),
                ));
            }
        };
        rules.rules.insert(
            id.clone(),
            protocol::RuleOverride {
                wait: o.wait.clone(),
                outcome,
                reason: o.reason.clone(),
            },
        );
    }
    let ruleset = protocol::RuleSet::builtin()
        .with_overrides(&rules)
        .map_err(|e| (e.field, e.message))?;
    let plans = protocol::PlanTables::builtin()
        .with_overrides(&protocol::PlanOverrides {
            max_depth_mm: setup.plans.max_depth_mm.clone(),
            darker_skin_depth_share: setup.plans.darker_skin_depth_share,
            // Plans never go deeper than the deepest device the clinic has.
            device_max_mm: setup
                .devices
                .iter()
                .map(|d| d.max_depth_mm)
                .reduce(f64::max),
        })
        .map_err(|e| {
            (
                format!("plans.{}", e.field.trim_start_matches("plans.")),
                e.message,
            )
        })?;
    Ok((ruleset, plans))
}
