//! The client's share of Intune's write limit (200 requests per 20 seconds per app and tenant),
//! found as it goes: a run starts at the whole limit, so alone it reaches the floor that limit
//! sets; when Intune answers 429 (other tools use the same app registration, such as every
//! admin's PowerShell with the Graph Command Line Tools app), the run takes what got through in
//! the window as its share and waits out `Retry-After`; after each calm window it asks for a
//! little more, so a share freed by the others comes back.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Intune's documented limit on writes per app and tenant.
pub const INTUNE_WRITES: usize = 200;
pub const INTUNE_WINDOW: Duration = Duration::from_secs(20);

pub struct WriteLimiter {
    /// The most it ever asks for: Intune's limit.
    ceiling: usize,
    /// The least it settles for, whatever the answers.
    floor: usize,
    window: Duration,
    state: Mutex<State>,
}

struct State {
    /// Writes allowed per window now.
    limit: usize,
    /// When each write of the last window left.
    sent: VecDeque<Instant>,
    /// Nothing leaves before this (Intune's `Retry-After`).
    paused_until: Option<Instant>,
    /// Since when no 429 came: a whole calm window lets the limit grow.
    calm_since: Instant,
    throttled: u32,
    /// The last write had to wait for the window: the run goes at its whole share.
    at_limit: bool,
}

impl Default for WriteLimiter {
    fn default() -> Self {
        WriteLimiter::new(INTUNE_WRITES, INTUNE_WINDOW)
    }
}

impl WriteLimiter {
    /// Starts at `ceiling` writes per `window`.
    pub fn new(ceiling: usize, window: Duration) -> Self {
        let ceiling = ceiling.max(1);
        WriteLimiter {
            ceiling,
            floor: (ceiling / 20).max(1),
            window,
            state: Mutex::new(State {
                limit: ceiling,
                sent: VecDeque::new(),
                paused_until: None,
                calm_since: Instant::now(),
                throttled: 0,
                at_limit: false,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until one more write fits, and counts it; the time it was counted at, for
    /// [`WriteLimiter::finished`].
    pub async fn acquire(&self) -> Instant {
        let mut waited_for_window = false;
        loop {
            let wait = {
                let mut state = self.state();
                let now = Instant::now();
                while state
                    .sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= self.window + self.margin())
                {
                    state.sent.pop_front();
                }
                // A calm window: ask for a tenth more of the ceiling.
                if state.limit < self.ceiling && now.duration_since(state.calm_since) >= self.window
                {
                    state.limit = (state.limit + (self.ceiling / 10).max(1)).min(self.ceiling);
                    state.calm_since = now;
                    tracing::debug!(limit = state.limit, "write limit raised");
                }
                match state.paused_until {
                    Some(until) if until > now => until - now,
                    _ if state.sent.len() < state.limit => {
                        state.sent.push_back(now);
                        state.at_limit = waited_for_window;
                        return now;
                    }
                    // A hundredth of the window more than the window: a write takes a moment to
                    // reach Intune, and leaving the instant the oldest leaves our count is the
                    // instant before it leaves Intune's.
                    _ => state.sent.front().map_or(Duration::ZERO, |oldest| {
                        (self.window + self.margin()).saturating_sub(now.duration_since(*oldest))
                    }),
                }
            };
            waited_for_window = true;
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }

    /// Intune answered 429 and asked to wait `retry_after`: what got through in this window is the
    /// share left to this run, and nothing more leaves until the wait is over.
    pub fn throttled(&self, retry_after: Duration) {
        let mut state = self.state();
        let now = Instant::now();
        let got_through = state
            .sent
            .iter()
            .filter(|t| now.duration_since(**t) < self.window)
            .count();
        let brief = retry_after <= (self.window / 10).max(Duration::from_secs(2));
        if state.paused_until.is_some_and(|until| until > now) {
            // Already waiting out a 429: this write left before it was known (writes go in
            // bursts when a window opens). One throttling, one change of share.
        } else if state.at_limit && brief {
            // At the whole share, told to wait a moment: the write left as our oldest left the
            // count, a moment before it left Intune's. Wait; the share stands.
        } else if !state.at_limit {
            // Refused below the share: others take the rest of the quota, and what got through
            // (less the refused write, which is counted) is what is left.
            state.limit = got_through.saturating_sub(1).max(self.floor);
        } else {
            // Refused at the share, for longer: others took more; give up a quarter.
            state.limit = (state.limit * 3 / 4).max(self.floor);
        }
        let until = now + retry_after;
        state.paused_until = Some(state.paused_until.map_or(until, |p| p.max(until)));
        state.calm_since = until;
        state.throttled += 1;
        tracing::info!(
            limit = state.limit,
            retry_after_ms = retry_after.as_millis() as u64,
            "Intune asked to slow down: write limit lowered"
        );
    }

    /// The write counted at `slot` got its answer (or its error) now. Intune counted it on arrival,
    /// no later than this, so from now on it is counted from now: a write that took a while to
    /// leave (a burst of them on a busy machine, a slow connection) never lets a later one out
    /// before it has left Intune's window.
    pub fn finished(&self, slot: Instant) {
        let mut state = self.state();
        if let Some(i) = state.sent.iter().rposition(|t| *t == slot) {
            state.sent.remove(i);
            let now = Instant::now();
            let at = state.sent.partition_point(|t| *t <= now);
            state.sent.insert(at, now);
        }
    }

    fn margin(&self) -> Duration {
        (self.window / 100).max(Duration::from_millis(10))
    }

    /// Writes allowed per window now.
    pub fn limit(&self) -> usize {
        self.state().limit
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    /// How many times Intune asked this limiter's writes to wait.
    pub fn throttled_count(&self) -> u32 {
        self.state().throttled
    }

    /// About how long `remaining` writes take at the limit in force: whole windows after the
    /// first, the way a sliding window lets them out.
    pub fn estimate(&self, remaining: usize) -> Duration {
        let limit = self.limit().max(1);
        let windows = remaining.div_ceil(limit).saturating_sub(1);
        self.window * windows as u32
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
        assert!(times[3] <= Duration::from_millis(20_300), "{times:?}");
        assert!(times[6] >= Duration::from_secs(40));
        for window in times.windows(4) {
            assert!(
                window[3] - window[0] >= Duration::from_secs(20),
                "{times:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn it_starts_at_intunes_whole_limit() {
        let limiter = WriteLimiter::default();
        let start = Instant::now();
        for _ in 0..INTUNE_WRITES {
            limiter.acquire().await;
        }
        assert!(Instant::now() - start < Duration::from_secs(1));
        assert_eq!(limiter.limit(), 200);
        assert_eq!(limiter.estimate(1000), Duration::from_secs(80));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_takes_what_got_through_as_the_share_waits_and_recovers_slowly() {
        let limiter = WriteLimiter::new(100, Duration::from_secs(20));
        // Another tool uses part of the quota: the 61st write of the window is refused.
        for _ in 0..61 {
            limiter.acquire().await;
        }
        limiter.throttled(Duration::from_secs(5));
        assert_eq!(limiter.limit(), 60);
        assert_eq!(limiter.throttled_count(), 1);
        let before = Instant::now();
        limiter.acquire().await;
        assert!(
            Instant::now() - before >= Duration::from_secs(5),
            "Retry-After is waited out"
        );
        // A whole calm window later, a tenth of the ceiling more; never above the ceiling.
        tokio::time::advance(Duration::from_secs(21)).await;
        limiter.acquire().await;
        assert_eq!(limiter.limit(), 70);
        for _ in 0..10 {
            tokio::time::advance(Duration::from_secs(21)).await;
            limiter.acquire().await;
        }
        assert_eq!(limiter.limit(), 100);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_at_the_full_limit_is_waited_out_without_lowering_it() {
        let limiter = WriteLimiter::new(100, Duration::from_secs(20));
        for _ in 0..101 {
            limiter.acquire().await;
        }
        // The 101st left as the first left our window, a moment before it left Intune's.
        limiter.throttled(Duration::from_secs(1));
        assert_eq!(limiter.limit(), 100);
        // At the share and told to wait long: others took more, a quarter is given up.
        for _ in 0..100 {
            limiter.acquire().await;
        }
        limiter.throttled(Duration::from_secs(15));
        assert_eq!(limiter.limit(), 75);
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_counts_from_its_answer_so_a_slow_one_holds_its_place_longer() {
        let limiter = WriteLimiter::new(2, Duration::from_secs(20));
        let start = Instant::now();
        let slow = limiter.acquire().await;
        limiter.acquire().await;
        // The first write's answer took 5 s: Intune may have counted it as late as that.
        tokio::time::advance(Duration::from_secs(5)).await;
        limiter.finished(slow);
        limiter.acquire().await;
        let third = Instant::now() - start;
        assert!(
            third >= Duration::from_secs(20),
            "{third:?}: the second left the count first"
        );
        assert!(third < Duration::from_secs(21), "{third:?}");
        limiter.acquire().await;
        let fourth = Instant::now() - start;
        assert!(
            fourth >= Duration::from_secs(25),
            "{fourth:?}: counted from its answer"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_429s_for_writes_already_on_their_way_lowers_the_share_once() {
        let limiter = WriteLimiter::new(200, Duration::from_secs(20));
        // The whole share, then one more that waits for the window: the run is at its share.
        for _ in 0..201 {
            limiter.acquire().await;
        }
        // Refused at the share for long: a quarter given up, once, however many writes say so.
        for _ in 0..30 {
            limiter.throttled(Duration::from_secs(15));
        }
        assert_eq!(limiter.limit(), 150);
        assert_eq!(limiter.throttled_count(), 30);
    }

    #[tokio::test(start_paused = true)]
    async fn the_share_never_falls_below_a_twentieth() {
        let limiter = WriteLimiter::new(200, Duration::from_secs(20));
        limiter.acquire().await;
        limiter.throttled(Duration::from_secs(1));
        assert_eq!(limiter.limit(), 10);
    }
}
