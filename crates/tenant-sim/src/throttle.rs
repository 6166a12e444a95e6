//! Intune's request limits: a sliding window per app, for writes and for all requests.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::config::RateLimit;

#[derive(Debug, Default)]
pub struct Throttle {
    windows: HashMap<(String, bool), VecDeque<Instant>>,
}

impl Throttle {
    /// Records the request if it is within both limits; otherwise says how long until it would be.
    pub fn admit(
        &mut self,
        app: &str,
        is_write: bool,
        now: Instant,
        writes: RateLimit,
        requests: RateLimit,
    ) -> Result<(), Duration> {
        let mut checks = vec![(false, requests)];
        if is_write {
            checks.push((true, writes));
        }
        let mut wait = Duration::ZERO;
        for (kind, limit) in &checks {
            let log = self.windows.entry((app.to_string(), *kind)).or_default();
            while log
                .front()
                .is_some_and(|t| now.duration_since(*t) >= limit.window)
            {
                log.pop_front();
            }
            if log.len() >= limit.count as usize
                && let Some(oldest) = log.front()
            {
                wait = wait.max(limit.window - now.duration_since(*oldest));
            }
        }
        if wait > Duration::ZERO {
            return Err(wait);
        }
        for (kind, _) in checks {
            if let Some(log) = self.windows.get_mut(&(app.to_string(), kind)) {
                log.push_back(now);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRITES: RateLimit = RateLimit {
        count: 2,
        window: Duration::from_secs(10),
    };
    const REQUESTS: RateLimit = RateLimit {
        count: 3,
        window: Duration::from_secs(10),
    };

    #[test]
    fn writes_beyond_the_limit_wait_until_the_oldest_leaves_the_window() {
        let mut t = Throttle::default();
        let start = Instant::now();
        assert!(t.admit("app", true, start, WRITES, REQUESTS).is_ok());
        assert!(
            t.admit(
                "app",
                true,
                start + Duration::from_secs(4),
                WRITES,
                REQUESTS
            )
            .is_ok()
        );
        let wait = t
            .admit(
                "app",
                true,
                start + Duration::from_secs(5),
                WRITES,
                REQUESTS,
            )
            .expect_err("third write in the window");
        assert_eq!(wait, Duration::from_secs(5));
        assert!(
            t.admit(
                "app",
                true,
                start + Duration::from_secs(10),
                WRITES,
                REQUESTS
            )
            .is_ok()
        );
    }

    #[test]
    fn reads_count_toward_the_request_limit_only_and_apps_are_separate() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert!(t.admit("app", false, now, WRITES, REQUESTS).is_ok());
        }
        assert!(t.admit("app", false, now, WRITES, REQUESTS).is_err());
        assert!(t.admit("other", true, now, WRITES, REQUESTS).is_ok());
    }
}
