//! A managed device as the product uses it: the properties that decide an action, read from Graph
//! with `$select` and kept compact, since an inventory may hold 100,000 of them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The properties fetched for the inventory and shown in the results table and details.
pub const SELECT: &[&str] = &[
    "id",
    "deviceName",
    "operatingSystem",
    "osVersion",
    "model",
    "manufacturer",
    "serialNumber",
    "userPrincipalName",
    "userDisplayName",
    "emailAddress",
    "managedDeviceOwnerType",
    "deviceEnrollmentType",
    "isSupervised",
    "isEncrypted",
    "complianceState",
    "managementState",
    "lastSyncDateTime",
    "enrolledDateTime",
    "azureADDeviceId",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Platform {
    MacOs,
    Ios,
    IpadOs,
    Android,
    Windows,
    Other,
}

impl Platform {
    /// From Graph's `operatingSystem`, which also says e.g. "AndroidForWork" or "AndroidEnterprise".
    pub fn from_graph(operating_system: &str) -> Platform {
        let os = operating_system.trim().to_ascii_lowercase();
        match os.as_str() {
            "macos" | "mac os" | "macosx" => Platform::MacOs,
            "ios" => Platform::Ios,
            "ipados" => Platform::IpadOs,
            "windows" => Platform::Windows,
            _ if os.starts_with("android") => Platform::Android,
            _ if os.starts_with("windows") => Platform::Windows,
            _ => Platform::Other,
        }
    }

    /// The value Graph's `operatingSystem eq` filter takes.
    pub fn graph_name(self) -> Option<&'static str> {
        match self {
            Platform::MacOs => Some("macOS"),
            Platform::Ios => Some("iOS"),
            Platform::IpadOs => Some("iPadOS"),
            Platform::Android => Some("Android"),
            Platform::Windows => Some("Windows"),
            Platform::Other => None,
        }
    }

    pub fn parse(text: &str) -> Option<Platform> {
        match text.trim().to_ascii_lowercase().as_str() {
            "macos" | "mac" => Some(Platform::MacOs),
            "ios" | "iphone" => Some(Platform::Ios),
            "ipados" | "ipad" => Some(Platform::IpadOs),
            "android" => Some(Platform::Android),
            "windows" => Some(Platform::Windows),
            "other" => Some(Platform::Other),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Ownership {
    Company,
    Personal,
    Unknown,
}

impl Ownership {
    pub fn from_graph(value: &str) -> Ownership {
        match value.trim().to_ascii_lowercase().as_str() {
            "company" => Ownership::Company,
            "personal" => Ownership::Personal,
            _ => Ownership::Unknown,
        }
    }

    pub fn parse(text: &str) -> Option<Ownership> {
        match text.trim().to_ascii_lowercase().as_str() {
            "company" | "corporate" => Some(Ownership::Company),
            "personal" | "byod" => Some(Ownership::Personal),
            "unknown" => Some(Ownership::Unknown),
            _ => None,
        }
    }
}

/// One device. Field names are part of the CLI's documented `--json` output: never rename them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: String,
    pub device_name: String,
    pub platform: Platform,
    /// Graph's `operatingSystem`, as Intune reports it.
    pub operating_system: String,
    pub os_version: String,
    pub model: String,
    pub manufacturer: String,
    pub serial_number: String,
    pub user_principal_name: String,
    pub user_display_name: String,
    pub email_address: String,
    pub ownership: Ownership,
    pub enrollment_type: String,
    pub is_supervised: bool,
    pub is_encrypted: bool,
    pub compliance_state: String,
    pub management_state: String,
    pub last_sync: Option<DateTime<Utc>>,
    pub enrolled: Option<DateTime<Utc>>,
    pub azure_ad_device_id: String,
}

/// Graph's shape: any property may be missing or null.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct GraphDevice {
    id: Option<String>,
    device_name: Option<String>,
    operating_system: Option<String>,
    os_version: Option<String>,
    model: Option<String>,
    manufacturer: Option<String>,
    serial_number: Option<String>,
    user_principal_name: Option<String>,
    user_display_name: Option<String>,
    email_address: Option<String>,
    managed_device_owner_type: Option<String>,
    device_enrollment_type: Option<String>,
    is_supervised: Option<bool>,
    is_encrypted: Option<bool>,
    compliance_state: Option<String>,
    management_state: Option<String>,
    last_sync_date_time: Option<String>,
    enrolled_date_time: Option<String>,
    #[serde(rename = "azureADDeviceId")]
    azure_ad_device_id: Option<String>,
}

impl GraphDevice {
    /// `None` for an entry without an id, which nothing could act on.
    pub(crate) fn into_device(self) -> Option<Device> {
        let id = self.id.filter(|id| !id.trim().is_empty())?;
        let operating_system = self.operating_system.unwrap_or_default();
        Some(Device {
            id,
            device_name: self.device_name.unwrap_or_default(),
            platform: Platform::from_graph(&operating_system),
            operating_system,
            os_version: self.os_version.unwrap_or_default(),
            model: self.model.unwrap_or_default(),
            manufacturer: self.manufacturer.unwrap_or_default(),
            serial_number: self.serial_number.unwrap_or_default(),
            user_principal_name: self.user_principal_name.unwrap_or_default(),
            user_display_name: self.user_display_name.unwrap_or_default(),
            email_address: self.email_address.unwrap_or_default(),
            ownership: Ownership::from_graph(
                self.managed_device_owner_type.as_deref().unwrap_or(""),
            ),
            enrollment_type: self.device_enrollment_type.unwrap_or_default(),
            is_supervised: self.is_supervised.unwrap_or(false),
            is_encrypted: self.is_encrypted.unwrap_or(false),
            compliance_state: self.compliance_state.unwrap_or_default(),
            management_state: self.management_state.unwrap_or_default(),
            last_sync: parse_time(self.last_sync_date_time.as_deref()),
            enrolled: parse_time(self.enrolled_date_time.as_deref()),
            azure_ad_device_id: self.azure_ad_device_id.unwrap_or_default(),
        })
    }
}

/// Graph writes "0001-01-01T00:00:00Z" for "never"; that is no time at all.
fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let time = DateTime::parse_from_rfc3339(text?)
        .ok()?
        .with_timezone(&Utc);
    (time.timestamp() > 0).then_some(time)
}

/// An entry of `deviceActionResults`, read live from a single-device GET. Values such as an unlock
/// PIN or a passcode are not kept here: only whether Intune holds one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ActionResult {
    pub action_name: String,
    pub action_state: String,
    pub started: Option<DateTime<Utc>>,
    pub last_updated: Option<DateTime<Utc>>,
    /// Intune holds a value for this result (an unlock PIN or a passcode) that can be revealed.
    pub has_secret: bool,
    pub error_code: Option<i32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct GraphActionResult {
    action_name: Option<String>,
    action_state: Option<String>,
    start_date_time: Option<String>,
    last_updated_date_time: Option<String>,
    unlock_pin: Option<String>,
    passcode: Option<String>,
    error_code: Option<i64>,
}

impl GraphActionResult {
    pub(crate) fn into_result(self) -> ActionResult {
        let present = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        ActionResult {
            action_name: self.action_name.unwrap_or_default(),
            action_state: self.action_state.unwrap_or_else(|| "none".into()),
            started: parse_time(self.start_date_time.as_deref()),
            last_updated: parse_time(self.last_updated_date_time.as_deref()),
            has_secret: present(&self.unlock_pin) || present(&self.passcode),
            error_code: self.error_code.and_then(|c| i32::try_from(c).ok()),
        }
    }
}

/// A device with what only a single-device GET returns: its action results, read now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceDetails {
    pub device: Device,
    pub action_results: Vec<ActionResult>,
    pub read_at: DateTime<Utc>,
    /// The device in the Intune admin center.
    pub admin_center_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_json_with_nulls_and_missing_fields_reads() {
        let json = serde_json::json!({
            "id": "d1", "deviceName": null, "operatingSystem": "AndroidForWork",
            "managedDeviceOwnerType": "personal", "lastSyncDateTime": "0001-01-01T00:00:00Z",
            "enrolledDateTime": "2026-01-02T03:04:05Z", "azureADDeviceId": "aad"
        });
        let device = serde_json::from_value::<GraphDevice>(json)
            .expect("reads")
            .into_device()
            .expect("has an id");
        assert_eq!(device.platform, Platform::Android);
        assert_eq!(device.ownership, Ownership::Personal);
        assert_eq!(device.device_name, "");
        assert_eq!(device.last_sync, None, "Graph's year 1 means never");
        assert_eq!(device.enrolled.map(|t| t.timestamp()), Some(1_767_323_045));
        assert_eq!(device.azure_ad_device_id, "aad");
    }

    #[test]
    fn an_entry_without_an_id_is_dropped() {
        let none = serde_json::from_value::<GraphDevice>(serde_json::json!({"deviceName":"x"}))
            .expect("reads");
        assert!(none.into_device().is_none());
    }

    #[test]
    fn platforms_from_graph_names() {
        for (os, platform) in [
            ("macOS", Platform::MacOs),
            ("iOS", Platform::Ios),
            ("iPadOS", Platform::IpadOs),
            ("Android", Platform::Android),
            ("AndroidEnterprise", Platform::Android),
            ("Windows", Platform::Windows),
            ("Linux", Platform::Other),
        ] {
            assert_eq!(Platform::from_graph(os), platform, "{os}");
        }
    }

    #[test]
    fn action_results_say_whether_a_secret_exists_without_keeping_it() {
        let json = serde_json::json!({"@odata.type":"#microsoft.graph.remoteLockActionResult","actionName":"remoteLock","actionState":"done","unlockPin":"123456","startDateTime":"2026-08-01T10:00:00Z"});
        let result = serde_json::from_value::<GraphActionResult>(json)
            .expect("reads")
            .into_result();
        assert!(result.has_secret);
        assert_eq!(result.action_state, "done");
        assert!(
            !serde_json::to_string(&result)
                .expect("serialises")
                .contains("123456")
        );
    }
}
