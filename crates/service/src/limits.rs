//! A per-address limit on booking creation, so a script cannot fill the calendar.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fixed-window counter per client address.
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// Allows `limit` events per address per hour; 0 turns the limit off.
    pub fn per_hour(limit: u32) -> RateLimiter {
        RateLimiter {
            limit,
            window: Duration::from_secs(3600),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one event; `Err(seconds)` says how long until the address may try again.
    pub fn check(&self, addr: IpAddr) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut counts = self.counts.lock().expect("rate limiter lock");
        if counts.len() > 100_000 {
            counts.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = counts.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            return Err((self.window - now.duration_since(entry.0)).as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_per_address() {
        let limiter = RateLimiter::per_hour(2);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_err());
        assert!(limiter.check(b).is_ok());
        assert!(RateLimiter::per_hour(0).check(a).is_ok());
    }
}
