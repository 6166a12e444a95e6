//! Intune's request limits: sliding windows for writes and for all requests, per app and per
//! tenant (all apps together).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::config::RateLimit;

#[derive(Debug, Default)]
pub struct Throttle {
    windows: HashMap<(String, bool), VecDeque<Instant>>,
}

/// The limits in force: per app, and per tenant.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub app_writes: RateLimit,
    pub app_requests: RateLimit,
    pub tenant_writes: RateLimit,
    pub tenant_requests: RateLimit,
}

/// The key the tenant-wide windows are kept under; app ids are GUIDs, so it cannot clash.
const TENANT: &str = "*tenant*";

impl Throttle {
    /// Records the request if it is within every limit; otherwise says how long until it would be.
    pub fn admit(
        &mut self,
        app: &str,
        is_write: bool,
        now: Instant,
        limits: Limits,
    ) -> Result<(), Duration> {
        let mut checks = vec![
            (app, false, limits.app_requests),
            (TENANT, false, limits.tenant_requests),
        ];
        if is_write {
            checks.push((app, true, limits.app_writes));
            checks.push((TENANT, true, limits.tenant_writes));
        }
        let mut wait = Duration::ZERO;
        for (who, kind, limit) in &checks {
            let log = self.windows.entry((who.to_string(), *kind)).or_default();
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
        for (who, kind, _) in checks {
            if let Some(log) = self.windows.get_mut(&(who.to_string(), kind)) {
                log.push_back(now);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn limit(count: u32) -> RateLimit {
        RateLimit {
            count,
            window: Duration::from_secs(10),
        }
    }

    const LIMITS: Limits = Limits {
        app_writes: limit(2),
        app_requests: limit(3),
        tenant_writes: limit(100),
        tenant_requests: limit(100),
    };

    #[test]
    fn writes_beyond_the_limit_wait_until_the_oldest_leaves_the_window() {
        let mut t = Throttle::default();
        let start = Instant::now();
        assert!(t.admit("app", true, start, LIMITS).is_ok());
        assert!(
            t.admit("app", true, start + Duration::from_secs(4), LIMITS)
                .is_ok()
        );
        let wait = t
            .admit("app", true, start + Duration::from_secs(5), LIMITS)
            .expect_err("third write in the window");
        assert_eq!(wait, Duration::from_secs(5));
        assert!(
            t.admit("app", true, start + Duration::from_secs(10), LIMITS)
                .is_ok()
        );
    }

    #[test]
    fn reads_count_toward_the_request_limit_only_and_apps_are_separate() {
        let mut t = Throttle::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert!(t.admit("app", false, now, LIMITS).is_ok());
        }
        assert!(t.admit("app", false, now, LIMITS).is_err());
        assert!(t.admit("other", true, now, LIMITS).is_ok());
    }

    #[test]
    fn the_tenant_limit_holds_across_apps() {
        let limits = Limits {
            tenant_writes: limit(3),
            ..LIMITS
        };
        let mut t = Throttle::default();
        let now = Instant::now();
        assert!(t.admit("a", true, now, limits).is_ok());
        assert!(t.admit("b", true, now, limits).is_ok());
        assert!(t.admit("c", true, now, limits).is_ok());
        assert!(
            t.admit("d", true, now, limits).is_err(),
            "a fourth app still meets the tenant's limit"
        );
        assert!(
            t.admit("d", false, now, limits).is_ok(),
            "reads are not writes"
        );
    }
}
