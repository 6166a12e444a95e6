//! Graph's two API versions, and what each may carry.
//!
//! Microsoft's metadata (the oracle in `schema/graph-oracle.json`, checked by the conformance
//! test) is the judge: v1.0's `deviceEnrollmentType` has no Android Enterprise, AOSP or
//! account-driven members, and v1.0's `managedDevice` has no `ownerType`. An evolvable enum answers
//! `unknownFutureValue` for a member its version does not have (Microsoft Graph's evolvable-enum
//! rule), so that is what the sim serves on v1.0 for those devices.

use axum::http::StatusCode;

use crate::graph_error::GraphError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    Beta,
}

/// v1.0's `deviceEnrollmentType` members, in Microsoft's order.
const V1_ENROLLMENT_TYPES: &[&str] = &[
    "unknown",
    "userEnrollment",
    "deviceEnrollmentManager",
    "appleBulkWithUser",
    "appleBulkWithoutUser",
    "windowsAzureADJoin",
    "windowsBulkUserless",
    "windowsAutoEnrollment",
    "windowsBulkAzureDomainJoin",
    "windowsCoManagement",
    "windowsAzureADJoinUsingDeviceAuth",
    "appleUserEnrollment",
    "appleUserEnrollmentWithServiceAccount",
    "unknownFutureValue",
];

/// Properties the sim serves that exist only on beta's `managedDevice`.
pub const BETA_ONLY_PROPERTIES: &[&str] = &["ownerType"];

impl ApiVersion {
    pub fn parse(text: &str) -> Result<ApiVersion, GraphError> {
        match text {
            "v1.0" => Ok(ApiVersion::V1),
            "beta" => Ok(ApiVersion::Beta),
            other => Err(GraphError::new(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                format!("Invalid version: {other}"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }

    /// The value this version serves for a device's enrollment type.
    pub fn enrollment_type(self, value: &'static str) -> &'static str {
        match self {
            ApiVersion::Beta => value,
            ApiVersion::V1 if V1_ENROLLMENT_TYPES.contains(&value) => value,
            ApiVersion::V1 => "unknownFutureValue",
        }
    }

    pub fn has_property(self, name: &str) -> bool {
        self == ApiVersion::Beta || !BETA_ONLY_PROPERTIES.contains(&name)
    }
}

/// Graph's answer to a path segment its version does not have (a beta-only action on v1.0, or a
/// name that exists nowhere): 400, not 404.
pub fn segment_not_found(segment: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_serves_unknown_future_value_for_members_only_beta_has() {
        let v1 = ApiVersion::V1;
        assert_eq!(
            v1.enrollment_type("androidEnterpriseFullyManaged"),
            "unknownFutureValue"
        );
        assert_eq!(v1.enrollment_type("appleBulkWithUser"), "appleBulkWithUser");
        assert_eq!(
            ApiVersion::Beta.enrollment_type("androidEnterpriseFullyManaged"),
            "androidEnterpriseFullyManaged"
        );
        assert!(!v1.has_property("ownerType"));
        assert!(ApiVersion::Beta.has_property("ownerType"));
    }

    #[test]
    fn an_unknown_version_is_a_bad_request() {
        let error = ApiVersion::parse("v2.0").expect_err("no such version");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
    }
}
