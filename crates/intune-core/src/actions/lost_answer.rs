//! What happens when an action's answer is lost (a timeout, a dropped connection, a 5xx from a
//! gateway): the request may or may not have reached Intune. The app never sends it again by
//! itself. It reads the device a few times, with growing pauses, to learn whether the request
//! arrived (Intune can show a result late, and tenants are known to return `deviceActionResults`
//! incomplete, so an empty read proves nothing). If it never shows, the outcome stays unknown and
//! the admin decides, with the risk named.

use std::time::Duration;

use super::ActionKind;
use super::service::ResultMark;
use crate::devices::{ActionResult, Platform, remote};
use crate::graph::GraphClient;

/// How long to look for a request whose answer was lost.
#[derive(Debug, Clone, Copy)]
pub struct ArrivalChecks {
    pub reads: u32,
    pub first_wait: Duration,
    pub max_wait: Duration,
}

/// What the reads showed.
#[derive(Debug, Clone, PartialEq)]
pub enum Arrival {
    /// A result newer than the baseline: the request arrived.
    Arrived(ActionResult),
    /// `reads` reads over `waited` showed nothing newer (or could not be made).
    NotSeen { reads: u32, waited: Duration },
}

/// Reads the device until a result newer than `baseline` shows, or the checks run out. Read
/// errors count as reads that saw nothing.
pub async fn look_for_arrival(
    graph: &GraphClient,
    admin_center: &str,
    device_id: &str,
    action: ActionKind,
    baseline: Option<&ResultMark>,
    checks: ArrivalChecks,
) -> Arrival {
    let mut waited = Duration::ZERO;
    let mut wait = checks.first_wait;
    for read in 1..=checks.reads.max(1) {
        match remote::details(graph, device_id, admin_center).await {
            Ok(details) => {
                if let Some(result) =
                    super::service::newer(&details.action_results, action, baseline)
                {
                    return Arrival::Arrived(result.clone());
                }
            }
            Err(error) => {
                tracing::warn!(read, kind = ?error.kind(), "reading the device after a lost answer failed");
            }
        }
        if read < checks.reads {
            tokio::time::sleep(wait).await;
            waited += wait;
            wait = (wait * 3 / 2).min(checks.max_wait);
        }
    }
    Arrival::NotSeen {
        reads: checks.reads.max(1),
        waited,
    }
}

/// The sentence for an outcome that stays unknown: what is known, what to do, and the risk of
/// sending again (for a Mac's lock, the first PIN).
pub fn unknown_message(
    action: ActionKind,
    platform: Platform,
    reads: u32,
    waited: Duration,
) -> String {
    let risk = match (action, platform) {
        (ActionKind::RemoteLock, Platform::MacOs) => {
            " If the first lock did arrive, a second one fails on the Mac and Intune stops showing the first PIN: the user could be locked out."
        }
        (ActionKind::ResetPasscode, Platform::Android) => {
            " If the first reset did arrive, a second one replaces the passcode it made."
        }
        _ => " If the first request did arrive, Intune would queue the action twice.",
    };
    format!(
        "No answer came back, and {reads} reads of the device over {} s do not show the request: it may still have arrived, as Intune can show results late. Nothing was sent again. Follow the device to see whether it shows up; send again only if you accept the risk.{risk}",
        waited.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unknown_message_names_the_risk_of_sending_again() {
        let mac = unknown_message(
            ActionKind::RemoteLock,
            Platform::MacOs,
            5,
            Duration::from_secs(16),
        );
        assert!(mac.contains("5 reads"), "{mac}");
        assert!(mac.contains("Nothing was sent again"));
        assert!(mac.contains("first PIN"), "{mac}");
        let iphone = unknown_message(ActionKind::RemoteLock, Platform::Ios, 1, Duration::ZERO);
        assert!(iphone.contains("queue the action twice"));
    }
}
