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

/// The fast engine, answers into a buffer kept between queries, as a server worker would.
#[divan::bench(args = [0, 200, 2000])]
fn fast_month(bencher: divan::Bencher, bookings: usize) {
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

/// The fast engine through `availability`, which also builds the owned `Slot`s (an id
/// string per option) the pages and API take today.
#[divan::bench(args = [0, 200, 2000])]
fn fast_month_as_slots(bencher: divan::Bencher, bookings: usize) {
    let clinic = Clinic::new(bookings);
    bencher.bench(|| {
        availability(
            divan::black_box(&clinic.schedule),
            &clinic.service,
            divan::black_box(&clinic.holds),
            &clinic.query(),
        )
    });
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
