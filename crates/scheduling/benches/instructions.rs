//! Instruction counts of the engine, for `bench/callgrind.sh`: each case sets up the busy
//! clinic (see `clinic/mod.rs`), warms its buffer with one call, then makes the measured
//! call inside `measured`, the only function callgrind counts. Unlike wall-clock time on a
//! shared machine, the count is the same from run to run, so CI can hold it to a budget.
//!
//! `instructions <case>` runs one case; with no case (as `cargo bench` runs it), every
//! case runs once, so the cases stay working. `instructions <case> <n>` repeats the
//! measured call `n` times, for a sampling profiler.

mod clinic;

use clinic::Clinic;
use scheduling::*;

/// Every case's name.
const CASES: &[&str] = &[
    "fast_month_0",
    "fast_month_200",
    "fast_month_2000",
    "fast_month_as_slots_2000",
    "fast_month_unprepared_2000",
    "prepare_holds_2000",
    "reference_month_2000",
    "check_one_2000",
];

fn main() {
    let repeat = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    match std::env::args().nth(1).filter(|a| !a.starts_with('-')) {
        Some(case) => run(&case, repeat),
        None => CASES.iter().for_each(|case| run(case, 1)),
    }
}

/// The one function callgrind counts (`--toggle-collect=*measured*`).
#[inline(never)]
fn measured(call: &mut dyn FnMut() -> usize) -> usize {
    call()
}

fn run(case: &str, repeat: usize) {
    let (name, bookings) = case.rsplit_once('_').expect("a case is <name>_<bookings>");
    let clinic = Clinic::new(bookings.parse().expect("bookings"));
    let mut buffer = Availability::new();
    let prepared = PreparedHolds::new(clinic.holds.clone());
    let mut call: Box<dyn FnMut() -> usize> = match name {
        "fast_month" => Box::new(|| {
            buffer
                .compute_prepared(
                    &clinic.schedule,
                    &clinic.service,
                    &prepared,
                    &clinic.query(),
                )
                .len()
        }),
        "fast_month_unprepared" => Box::new(|| {
            buffer
                .compute(
                    &clinic.schedule,
                    &clinic.service,
                    &clinic.holds,
                    &clinic.query(),
                )
                .len()
        }),
        "fast_month_as_slots" => Box::new(|| {
            buffer
                .compute_prepared(
                    &clinic.schedule,
                    &clinic.service,
                    &prepared,
                    &clinic.query(),
                )
                .to_slots()
                .len()
        }),
        // The holds are cloned outside the count: in production the store builds them.
        "prepare_holds" => {
            let mut copies = (0..repeat + 1)
                .map(|_| clinic.holds.clone())
                .collect::<Vec<_>>();
            Box::new(move || PreparedHolds::new(copies.pop().unwrap_or_default()).len())
        }
        "reference_month" => Box::new(|| {
            reference::availability(
                &clinic.schedule,
                &clinic.service,
                &clinic.holds,
                &clinic.query(),
            )
            .len()
        }),
        "check_one" => Box::new(|| {
            let start = clinic.mid_month();
            check(
                &clinic.schedule,
                &clinic.service,
                &clinic.holds,
                start,
                None,
                clinic.now,
                None,
            )
            .is_ok() as usize
        }),
        other => panic!("no case {other:?}; the cases are {CASES:?}"),
    };
    let warm = call();
    let counted = measured(&mut *call);
    for _ in 1..repeat {
        measured(&mut *call);
    }
    assert_eq!(warm, counted, "{case}: the same query twice");
    println!("{case}: {counted}");
}
