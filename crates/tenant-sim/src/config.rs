//! Everything a test, a benchmark or the demo can set about the simulated tenant.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::roles::Account;

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Loopback port; 0 picks a free one.
    pub port: u16,
    pub seed: u64,
    pub devices: usize,
    /// How long a promptly checking-in device takes to apply a queued action.
    pub checkin_delay: Duration,
    /// Writes (POST) per app per window before 429.
    pub write_limit: RateLimit,
    /// Any request per app per window before 429.
    pub request_limit: RateLimit,
    /// Writes and requests per tenant (all apps together) per window before 429.
    pub tenant_write_limit: RateLimit,
    pub tenant_request_limit: RateLimit,
    pub access_token_lifetime: Duration,
    /// Graph permissions the admin consented to; tokens get at most these.
    pub consented_permissions: Vec<String>,
    /// The authorize endpoint redirects with `access_denied` instead of a code.
    pub deny_consent: bool,
    pub device_code: DeviceCodeConfig,
    /// Whether a recovered iOS/iPadOS passcode is readable through Graph: undocumented, so the app
    /// is tested both ways.
    pub recovered_passcode_readable: bool,
    /// Whether Intune accepts recoverPasscode for a Mac (seed 001 calls it "limited", Microsoft
    /// documents nothing): refused with a 400 when off, queued (and failing on the Mac, which
    /// escrows no passcode) when on. The app is tested both ways.
    pub macos_recover_accepted: bool,
    /// Certificates (DER) registered on the confidential app, for certificate sign-in.
    pub app_certificates: Vec<Vec<u8>>,
    /// Who can sign in, each with an Intune role; the first is the one a sign-in gets unless it
    /// names another.
    pub accounts: Vec<Account>,
    pub faults: Faults,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub count: u32,
    pub window: Duration,
}

impl RateLimit {
    /// Parses `200/20s` (also `ms` and `m` windows).
    pub fn parse(text: &str) -> Result<RateLimit, String> {
        let (count, window) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?} is not COUNT/WINDOW, e.g. 200/20s"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("{count:?} is not a whole number"))?;
        let window = window.trim();
        let (number, unit_ms) = if let Some(n) = window.strip_suffix("ms") {
            (n, 1)
        } else if let Some(n) = window.strip_suffix('s') {
            (n, 1000)
        } else if let Some(n) = window.strip_suffix('m') {
            (n, 60_000)
        } else {
            return Err(format!("{window:?} needs a unit: ms, s or m"));
        };
        let number: u64 = number
            .parse()
            .map_err(|_| format!("{number:?} is not a whole number"))?;
        if count == 0 || number == 0 {
            return Err("a rate limit needs a count and a window above zero".into());
        }
        Ok(RateLimit {
            count,
            window: Duration::from_millis(number * unit_ms),
        })
    }
}

#[derive(Debug, Clone)]
pub struct DeviceCodeConfig {
    pub interval_secs: u64,
    pub expires_in_secs: u64,
    /// Approve by itself after this many polls; `None` waits for `/_sim/devicecode/approve`.
    pub auto_approve_after_polls: Option<u32>,
}

/// Failures on demand. Changed at run time through `POST /_sim/faults`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Added to every Graph and sign-in response.
    pub latency_ms: u64,
    /// Up to this much more, at random.
    pub jitter_ms: u64,
    /// Share of Graph requests answered 500, 503 or 504 (0.0 to 1.0).
    pub error_rate: f64,
    /// Share of action POSTs whose connection drops before the action is applied.
    pub drop_before_rate: f64,
    /// Share of action POSTs whose connection drops after the action is applied.
    pub drop_after_rate: f64,
    /// Share of Graph reads answered with truncated JSON.
    pub malformed_rate: f64,
    /// Graph read bodies trickle out over this long.
    pub slow_body_ms: u64,
    /// 429 answers leave out `Retry-After`.
    pub omit_retry_after: bool,
    /// An accepted action's result shows in `deviceActionResults` only this long after it was
    /// queued (Intune is known to show results late).
    pub result_delay_ms: u64,
    /// Action POSTs are applied at once and answered only this long after (past a client's
    /// timeout, the answer never arrives).
    pub answer_delay_ms: u64,
    /// Share of action POSTs applied and then answered 502 Bad Gateway, as a gateway that gave up
    /// while Intune was working.
    pub bad_gateway_after_apply_rate: f64,
}

pub const READ_ALL: &str = "DeviceManagementManagedDevices.Read.All";
pub const READ_WRITE_ALL: &str = "DeviceManagementManagedDevices.ReadWrite.All";
pub const PRIVILEGED: &str = "DeviceManagementManagedDevices.PrivilegedOperations.All";

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            seed: 42,
            devices: 500,
            checkin_delay: Duration::from_secs(5),
            write_limit: RateLimit {
                count: 200,
                window: Duration::from_secs(20),
            },
            request_limit: RateLimit {
                count: 2000,
                window: Duration::from_secs(20),
            },
            tenant_write_limit: RateLimit {
                count: 400,
                window: Duration::from_secs(20),
            },
            tenant_request_limit: RateLimit {
                count: 4000,
                window: Duration::from_secs(20),
            },
            access_token_lifetime: Duration::from_secs(3600),
            consented_permissions: vec![READ_ALL.into(), PRIVILEGED.into()],
            deny_consent: false,
            device_code: DeviceCodeConfig {
                interval_secs: 5,
                expires_in_secs: 900,
                auto_approve_after_polls: None,
            },
            recovered_passcode_readable: false,
            macos_recover_accepted: false,
            app_certificates: Vec::new(),
            accounts: Account::defaults(),
            faults: Faults::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse_with_units_and_reject_nonsense() {
        assert_eq!(
            RateLimit::parse("200/20s"),
            Ok(RateLimit {
                count: 200,
                window: Duration::from_secs(20)
            })
        );
        assert_eq!(
            RateLimit::parse("5/500ms").map(|r| r.window),
            Ok(Duration::from_millis(500))
        );
        assert_eq!(
            RateLimit::parse("1/2m").map(|r| r.window),
            Ok(Duration::from_secs(120))
        );
        for bad in ["200", "x/20s", "200/20", "0/20s", "200/0s", "200/xs"] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }
}
