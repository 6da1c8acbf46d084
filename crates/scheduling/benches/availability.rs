//! Wall-clock time of a month-long availability query for a busy clinic (see
//! `clinic/mod.rs`), on the fast engine and on the reference engine in the same run, so
//! their ratio is measured on one machine at one moment.

mod clinic;

use clinic::Clinic;
use scheduling::*;

fn main() {
    divan::main();
}

/// The reference engine: a 30-day query, by number of existing bookings (2,000 is the
/// target load).
#[divan::bench(args = [0, 200, 2000])]
fn reference_month(bencher: divan::Bencher, bookings: usize) {
    let clinic = Clinic::new(bookings);
    bencher.bench(|| {
        reference::availability(
            divan::black_box(&clinic.schedule),
            &clinic.service,
            divan::black_box(&clinic.holds),
            &clinic.query(),
        )
    });
}

/// The fast engine, answers into a buffer kept between queries, over holds prepared once
/// (as the store's holds cache keeps them), as a server worker would.
#[divan::bench(args = [0, 200, 2000])]
fn fast_month(bencher: divan::Bencher, bookings: usize) {
    let clinic = Clinic::new(bookings);
    let holds = PreparedHolds::new(clinic.holds.clone());
    let mut buffer = Availability::new();
    bencher.bench_local(|| {
        buffer
            .compute_prepared(
                divan::black_box(&clinic.schedule),
                &clinic.service,
                divan::black_box(&holds),
                &clinic.query(),
            )
            .len()
    });
}

/// The fast engine given the holds themselves, preparing them for each query: what a
/// caller without a holds cache pays.
#[divan::bench(args = [2000])]
fn fast_month_unprepared(bencher: divan::Bencher, bookings: usize) {
    let clinic = Clinic::new(bookings);
    let mut buffer = Availability::new();
    bencher.bench_local(|| {
        buffer
            .compute(
                divan::black_box(&clinic.schedule),
                &clinic.service,
                divan::black_box(&clinic.holds),
                &clinic.query(),
            )
            .len()
    });
}

/// The fast engine and then the owned `Slot`s (an id string per option) the pages take.
#[divan::bench(args = [0, 2000])]
fn fast_month_as_slots(bencher: divan::Bencher, bookings: usize) {
    let clinic = Clinic::new(bookings);
    let holds = PreparedHolds::new(clinic.holds.clone());
    let mut buffer = Availability::new();
    bencher.bench_local(|| {
        buffer
            .compute_prepared(
                divan::black_box(&clinic.schedule),
                &clinic.service,
                divan::black_box(&holds),
                &clinic.query(),
            )
            .to_slots()
    });
}

/// Preparing 2,000 bookings' holds: paid once per change of the bookings.
#[divan::bench]
fn prepare_holds(bencher: divan::Bencher) {
    let clinic = Clinic::new(2000);
    bencher
        .with_inputs(|| clinic.holds.clone())
        .bench_local_values(PreparedHolds::new);
}

/// One `check` against the same 2,000 bookings, as a booking request would make.
#[divan::bench]
fn check_one(bencher: divan::Bencher) {
    let clinic = Clinic::new(2000);
    let start = clinic.mid_month();
    bencher.bench(|| {
        check(
            divan::black_box(&clinic.schedule),
            &clinic.service,
            divan::black_box(&clinic.holds),
            start,
            None,
            clinic.now,
            None,
        )
    });
}
