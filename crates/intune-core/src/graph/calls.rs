//! Every Graph call the product makes, with its method and API version, in one place: a test
//! checks each against Microsoft's metadata (`crates/tenant-sim/schema/graph-oracle.json`).
//!
//! Which version, and why:
//! - Devices are read from **beta**, as the Intune admin center reads them. The facts that decide
//!   eligibility are there and only there: v1.0's `deviceEnrollmentType` has no Android
//!   Enterprise or AOSP members (a dedicated, fully managed or corporate work profile device
//!   reads as `unknownFutureValue` on v1.0), and v1.0's action results are the same types.
//! - Remote lock and the passcode actions are sent to **v1.0**, where they are bound operations
//!   with a stable contract.
//! - FileVault rotation and reading the key exist only in **beta**.

use super::{GraphClient, Version};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One Graph call: `path` is relative to the version root, with `{id}` for the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    pub method: Method,
    pub version: Version,
    pub path: &'static str,
}

const fn call(method: Method, version: Version, path: &'static str) -> Call {
    Call {
        method,
        version,
        path,
    }
}

pub const LIST_DEVICES: Call = call(
    Method::Get,
    Version::Beta,
    "deviceManagement/managedDevices",
);
pub const READ_DEVICE: Call = call(
    Method::Get,
    Version::Beta,
    "deviceManagement/managedDevices/{id}",
);
pub const REMOTE_LOCK: Call = call(
    Method::Post,
    Version::V1,
    "deviceManagement/managedDevices/{id}/remoteLock",
);
pub const RESET_PASSCODE: Call = call(
    Method::Post,
    Version::V1,
    "deviceManagement/managedDevices/{id}/resetPasscode",
);
pub const RECOVER_PASSCODE: Call = call(
    Method::Post,
    Version::V1,
    "deviceManagement/managedDevices/{id}/recoverPasscode",
);
pub const ROTATE_FILEVAULT_KEY: Call = call(
    Method::Post,
    Version::Beta,
    "deviceManagement/managedDevices/{id}/rotateFileVaultKey",
);
pub const GET_FILEVAULT_KEY: Call = call(
    Method::Get,
    Version::Beta,
    "deviceManagement/managedDevices/{id}/getFileVaultKey",
);

/// Every call, for the schema test.
pub const ALL: &[Call] = &[
    LIST_DEVICES,
    READ_DEVICE,
    REMOTE_LOCK,
    RESET_PASSCODE,
    RECOVER_PASSCODE,
    ROTATE_FILEVAULT_KEY,
    GET_FILEVAULT_KEY,
];

impl Call {
    /// The full URL on this client's Graph host; `id` fills `{id}` (a GUID checked by the caller).
    pub fn url(&self, graph: &GraphClient, id: &str) -> String {
        graph.url(self.version, &self.path.replace("{id}", id))
    }

    /// The operation bound to `managedDevice` that this call invokes, if any.
    pub fn operation(&self) -> Option<&'static str> {
        self.path
            .strip_prefix("deviceManagement/managedDevices/{id}/")
            .filter(|op| !op.contains('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_the_last_segment_after_the_device() {
        assert_eq!(REMOTE_LOCK.operation(), Some("remoteLock"));
        assert_eq!(GET_FILEVAULT_KEY.operation(), Some("getFileVaultKey"));
        assert_eq!(READ_DEVICE.operation(), None);
        assert_eq!(LIST_DEVICES.operation(), None);
    }
}
