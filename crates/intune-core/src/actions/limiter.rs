//! A client-side limit on writes, kept under Intune's 200 per 20 seconds per app and tenant, so a
//! run of many devices never trips throttling and other tools sharing the app keep headroom.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct WriteLimiter {
    limit: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl Default for WriteLimiter {
    /// 150 writes per 20 seconds: three quarters of Intune's limit.
    fn default() -> Self {
        WriteLimiter::new(150, Duration::from_secs(20))
    }
}

impl WriteLimiter {
    pub fn new(limit: usize, window: Duration) -> Self {
        WriteLimiter {
            limit: limit.max(1),
            window,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until one more write fits in the window, and counts it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().await;
                let now = Instant::now();
                while sent.front().is_some_and(|t| now - *t >= self.window) {
                    sent.pop_front();
                }
                if sent.len() < self.limit {
                    sent.push_back(now);
                    return;
                }
                sent.front().map_or(Duration::ZERO, |oldest| {
                    self.window.saturating_sub(now - *oldest)
                })
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_more_than_the_limit_leaves_within_one_window() {
        let limiter = WriteLimiter::new(3, Duration::from_secs(20));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..7 {
            limiter.acquire().await;
            times.push(Instant::now() - start);
        }
        assert!(times[..3].iter().all(|t| *t < Duration::from_secs(1)));
        assert!(times[3] >= Duration::from_secs(20));
        assert!(times[6] >= Duration::from_secs(40));
        for window in times.windows(4) {
            assert!(
                window[3] - window[0] >= Duration::from_secs(20),
                "{times:?}"
            );
        }
    }
}
