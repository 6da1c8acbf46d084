//! A fixed-rate booking load for `bench/load.sh`.
//!
//! wrk keeps a fixed number of connections busy, so it measures how fast the server goes
//! flat out and, when the server pauses, simply sends less: the pause is hidden from its
//! percentiles. This sends booking requests on a timetable (one every 1/rate seconds,
//! whatever the answers do) and times each from the moment it was due, so a stall counts
//! for every request that waited behind it. Each request books the bench clinic's "quick"
//! service at a distinct free slot, spread over 300 days like `bench/book.lua`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;

/// What to send, how fast and for how long.
#[derive(Parser)]
struct Args {
    /// The server, e.g. http://127.0.0.1:18402
    #[arg(long)]
    url: String,
    /// Requests per second.
    #[arg(long)]
    rate: u32,
    /// Seconds to send for.
    #[arg(long, default_value_t = 30)]
    seconds: u32,
    /// The first day's midnight, in Unix seconds.
    #[arg(long)]
    base: i64,
    /// Where this run's slots start counting (another run beside it takes other slots).
    #[arg(long, default_value_t = 0)]
    first: u64,
    /// Requests allowed in flight; past it the run stops as overloaded.
    #[arg(long, default_value_t = 4_096)]
    most_in_flight: usize,
}

/// One answered request: when it was due (seconds into the run), how long it took from
/// then, and whether it booked.
struct Answer {
    second: u32,
    took: Duration,
    /// The HTTP status, or 0 when no answer came (a refused or timed-out connection).
    status: u16,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.rate == 0 || args.seconds == 0 {
        bail!("--rate and --seconds must be above zero");
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.most_in_flight)
        .timeout(Duration::from_secs(30))
        .build()?;
    let endpoint = format!("{}/api/v1/bookings", args.url.trim_end_matches('/'));
    let total = u64::from(args.rate) * u64::from(args.seconds);
    let gap = Duration::from_secs(1) / args.rate;
    let in_flight = Arc::new(AtomicUsize::new(0));
    let (answers, mut answered) = tokio::sync::mpsc::unbounded_channel();
    let start = Instant::now();
    for i in 0..total {
        let due = start + gap * u32::try_from(i)?;
        tokio::time::sleep_until(due.into()).await;
        if in_flight.fetch_add(1, Ordering::Relaxed) >= args.most_in_flight {
            bail!(
                "more than {} requests in flight after {i}: the server is overloaded at this rate",
                args.most_in_flight
            );
        }
        let request = client
            .post(&endpoint)
            .header("content-type", "application/json")
            .body(body(args.base, args.first + i));
        let (answers, in_flight) = (answers.clone(), in_flight.clone());
        let second = u32::try_from((due - start).as_secs())?;
        tokio::spawn(async move {
            let status = match request.send().await {
                Ok(answer) => answer.status().as_u16(),
                Err(_) => 0,
            };
            in_flight.fetch_sub(1, Ordering::Relaxed);
            let _ = answers.send(Answer {
                second,
                took: due.elapsed(),
                status,
            });
        });
    }
    drop(answers);
    let mut all = Vec::with_capacity(usize::try_from(total)?);
    while let Some(answer) = answered.recv().await {
        all.push(answer);
    }
    let elapsed = start.elapsed();
    report(&args, &mut all, elapsed).context("report")
}

/// The booking for the `n`th slot: day `n % 300`, twenty bookings (one per practitioner) to
/// each five-minute start, as `bench/book.lua` does.
fn body(base: i64, n: u64) -> String {
    let day = i64::try_from(n % 300).unwrap_or(0);
    let k = i64::try_from(n / 300).unwrap_or(0);
    let t = base + day * 86_400 + (k / 20) * 300;
    let start = format_utc(t);
    format!(
        r#"{{"service":"quick","start":"{start}","client":{{"name":"Load {n}","email":"load{n}@bench.example"}}}}"#
    )
}

/// `t` (Unix seconds) as RFC 3339 in UTC.
fn format_utc(t: i64) -> String {
    jiff::Timestamp::from_second(t).map_or_else(|_| t.to_string(), |at| at.to_string())
}

/// Prints the totals, the percentiles over the whole run and each second's worst.
fn report(args: &Args, all: &mut [Answer], elapsed: Duration) -> anyhow::Result<()> {
    let booked = all
        .iter()
        .filter(|a| (200..300).contains(&a.status))
        .count();
    println!(
        "rate {}/s for {} s: {} sent, {} booked, {} not booked, {:.0} booked/s over {:.1} s",
        args.rate,
        args.seconds,
        all.len(),
        booked,
        all.len() - booked,
        booked as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for answer in all.iter() {
        *statuses.entry(answer.status).or_default() += 1;
    }
    println!("answers by status (0: none): {statuses:?}");
    let mut took: Vec<Duration> = all.iter().map(|a| a.took).collect();
    took.sort_unstable();
    println!(
        "latency from the planned start: p50 {} p90 {} p99 {} p99.9 {} max {}",
        ms(percentile(&took, 50.0)),
        ms(percentile(&took, 90.0)),
        ms(percentile(&took, 99.0)),
        ms(percentile(&took, 99.9)),
        ms(took.last().copied().unwrap_or_default())
    );
    all.sort_unstable_by_key(|a| a.second);
    for second in all.chunk_by(|a, b| a.second == b.second) {
        let mut took: Vec<Duration> = second.iter().map(|a| a.took).collect();
        took.sort_unstable();
        println!(
            "  second {:>3}: {:>5} answers, p99 {}, max {}",
            second[0].second,
            took.len(),
            ms(percentile(&took, 99.0)),
            ms(took.last().copied().unwrap_or_default())
        );
    }
    Ok(())
}

/// The nearest-rank percentile of sorted `took`.
fn percentile(took: &[Duration], p: f64) -> Duration {
    if took.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * took.len() as f64).ceil() as usize;
    took[rank.clamp(1, took.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_across_a_leap_day() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_709_164_800 + 3_661), "2024-02-29T01:01:01Z");
        assert_eq!(format_utc(1_709_251_200), "2024-03-01T00:00:00Z");
    }

    #[test]
    fn slots_are_distinct_and_follow_the_wrk_script() {
        let base = 1_800_000_000 / 86_400 * 86_400;
        assert!(body(base, 0).contains(&format_utc(base)));
        assert!(body(base, 1).contains(&format_utc(base + 86_400)));
        assert!(body(base, 300).contains(&format_utc(base)));
        assert!(body(base, 300 * 20).contains(&format_utc(base + 300)));
        assert!(body(base, 7).contains(r#""email":"load7@bench.example""#));
    }

    #[test]
    fn percentile_is_nearest_rank() {
        let took: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&took, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&took, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&took, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
    }
}
