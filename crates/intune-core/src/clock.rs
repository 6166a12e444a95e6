//! This computer's clock against Microsoft's. Entra and Graph refuse sign-ins and tokens when the
//! two disagree by more than a few minutes, with errors that do not say so; the `Date` header of
//! their answers tells how far off the local clock is.

use std::time::SystemTime;

use chrono::{DateTime, Utc};

/// Beyond this, a refused token or assertion is most likely the clock's fault.
pub const TOLERANCE_SECS: i64 = 300;

/// How many seconds this computer's clock is ahead of the server's (negative: behind), from an
/// HTTP `Date` header such as `Mon, 23 Nov 2026 04:48:22 GMT`.
pub fn offset_secs(date_header: &str, now: SystemTime) -> Option<i64> {
    let server = DateTime::parse_from_rfc2822(date_header.trim()).ok()?;
    let local: DateTime<Utc> = now.into();
    Some((local - server.with_timezone(&Utc)).num_seconds())
}

/// The offset when it is large enough to explain a refusal.
pub fn skew(date_header: Option<&str>, now: SystemTime) -> Option<i64> {
    offset_secs(date_header?, now).filter(|secs| secs.abs() > TOLERANCE_SECS)
}

/// "12 minutes ahead of", "2 hours behind" (rounded down; at least one minute).
pub fn describe(offset_secs: i64) -> String {
    let direction = if offset_secs > 0 {
        "ahead of"
    } else {
        "behind"
    };
    let minutes = (offset_secs.unsigned_abs() / 60).max(1);
    let amount = match minutes {
        m if m >= 120 => format!("{} hours", m / 60),
        m if m >= 60 => "about an hour".to_string(),
        1 => "1 minute".to_string(),
        m => format!("{m} minutes"),
    };
    format!("{amount} {direction}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(header: &str) -> SystemTime {
        DateTime::parse_from_rfc2822(header).expect("date").into()
    }

    #[test]
    fn the_offset_is_positive_when_this_clock_is_ahead() {
        let now = at("Mon, 23 Nov 2026 05:00:00 GMT");
        assert_eq!(offset_secs("Mon, 23 Nov 2026 04:48:00 GMT", now), Some(720));
        assert_eq!(
            offset_secs("Mon, 23 Nov 2026 07:00:00 GMT", now),
            Some(-7200)
        );
        assert_eq!(offset_secs("yesterday", now), None);
    }

    #[test]
    fn a_few_minutes_are_tolerated() {
        let now = at("Mon, 23 Nov 2026 05:00:00 GMT");
        assert_eq!(skew(Some("Mon, 23 Nov 2026 04:56:00 GMT"), now), None);
        assert_eq!(skew(Some("Mon, 23 Nov 2026 04:54:00 GMT"), now), Some(360));
        assert_eq!(skew(None, now), None);
        assert_eq!(
            skew(
                Some("Mon, 23 Nov 2026 05:00:00 GMT"),
                now + Duration::from_secs(301)
            ),
            Some(301)
        );
    }

    #[test]
    fn the_offset_reads_as_a_person_would_say_it() {
        assert_eq!(describe(720), "12 minutes ahead of");
        assert_eq!(describe(-7300), "2 hours behind");
        assert_eq!(describe(-3700), "about an hour behind");
        assert_eq!(describe(30), "1 minute ahead of");
    }
}
