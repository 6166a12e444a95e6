//! Microsoft's own Graph metadata for `managedDevice` (the oracle), and checks of a JSON answer
//! against it. Shared by tenant-sim's conformance test and intune-core's check of the calls it
//! makes (`#[path]`-included there).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    Beta,
}

impl Version {
    pub const BOTH: [Version; 2] = [Version::V1, Version::Beta];

    pub fn path(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::Beta => "beta",
        }
    }
}

pub struct Oracle {
    json: Value,
}

/// Where the oracle lives in the repository (a copy of the extract from msgraph-metadata).
pub fn oracle_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("tenant-sim")
        .join("schema")
        .join("graph-oracle.json")
}

impl Oracle {
    pub fn load() -> Oracle {
        let text = std::fs::read_to_string(oracle_path()).expect("the oracle is in the repository");
        Oracle {
            json: serde_json::from_str(&text).expect("the oracle is JSON"),
        }
    }

    fn version(&self, version: Version) -> &Value {
        &self.json[version.path()]
    }

    /// `managedDevice`'s properties (with `id`, from its base type `entity`).
    pub fn device_properties(&self, version: Version) -> BTreeSet<String> {
        let device = &self.version(version)["managedDevice"]["properties"];
        let mut names: BTreeSet<String> = match device {
            Value::Object(map) => map.keys().cloned().collect(),
            Value::Array(list) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => BTreeSet::new(),
        };
        names.insert("id".into());
        names
    }

    pub fn enum_members(&self, version: Version, name: &str) -> Option<Vec<String>> {
        self.version(version)["enums"][name].as_array().map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
    }

    /// The enum a device property holds, if it holds one. v1.0 has the types; beta has only
    /// names, so a property that v1.0 also has is taken to keep its v1.0 type, and a beta-only
    /// one to be typed by the enum of its own name (`ownerType`, `joinType`, …).
    pub fn property_enum(&self, version: Version, property: &str) -> Option<String> {
        let v1_type = self.version(Version::V1)["managedDevice"]["properties"][property]["type"]
            .as_str()
            .and_then(|t| t.strip_prefix("graph."))
            .map(str::to_string);
        let name = match (version, v1_type) {
            (_, Some(t)) => t,
            (Version::Beta, None) => property.to_string(),
            (Version::V1, None) => return None,
        };
        self.enum_members(version, &name).map(|_| name)
    }

    /// A complex type's properties, its base type's included; `None` if the version has no such
    /// type. Every action-result type derives from `deviceActionResult` (v1.0 says so; beta's
    /// names-only extract does not, and the same is assumed).
    pub fn complex_type(&self, version: Version, name: &str) -> Option<BTreeSet<String>> {
        let types = &self.version(version)["complexTypes"];
        let entry = types.get(name)?;
        let own = |entry: &Value| -> BTreeSet<String> {
            match &entry["properties"] {
                Value::Object(map) => map.keys().cloned().collect(),
                Value::Array(list) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => BTreeSet::new(),
            }
        };
        let mut properties = own(entry);
        if name.ends_with("ActionResult") && name != "deviceActionResult" {
            properties.extend(own(&types["deviceActionResult"]));
        }
        Some(properties)
    }

    /// Whether `operation` is bound to `managedDevice` in that version (beta: as seen in
    /// Microsoft's generated beta SDK).
    pub fn has_operation(&self, version: Version, operation: &str) -> bool {
        match version {
            Version::V1 => self.json["v1.0"]["boundOperations"]
                .as_array()
                .is_some_and(|ops| ops.iter().any(|op| op["name"] == operation)),
            Version::Beta => self.json["beta_managedDevice_operations_seen_in_sdk"]
                .as_array()
                .is_some_and(|ops| {
                    ops.iter().any(|op| {
                        op.as_str()
                            .is_some_and(|o| o.trim_end_matches("()") == operation)
                    })
                }),
        }
    }

    /// Whether the operation is a function (GET) rather than an action (POST). v1.0 lists kinds;
    /// beta marks functions with `()`.
    pub fn is_function(&self, version: Version, operation: &str) -> bool {
        match version {
            Version::V1 => self.json["v1.0"]["boundOperations"]
                .as_array()
                .is_some_and(|ops| {
                    ops.iter()
                        .any(|op| op["name"] == operation && op["kind"] == "Function")
                }),
            Version::Beta => self.json["beta_managedDevice_operations_seen_in_sdk"]
                .as_array()
                .is_some_and(|ops| ops.iter().any(|op| *op == format!("{operation}()"))),
        }
    }

    /// Every way a device (as Graph sends it in a list or alone) breaks that version's schema.
    pub fn device_violations(&self, version: Version, device: &Map<String, Value>) -> Vec<String> {
        let known = self.device_properties(version);
        let mut found = Vec::new();
        for (key, value) in device {
            if key.starts_with('@') {
                continue;
            }
            if !known.contains(key) {
                found.push(format!(
                    "{}: managedDevice has no property '{key}'",
                    version.path()
                ));
                continue;
            }
            if key == "deviceActionResults" {
                for entry in value.as_array().into_iter().flatten() {
                    match entry.as_object() {
                        Some(entry) => found.extend(self.action_result_violations(version, entry)),
                        None => found.push("an action result that is not an object".into()),
                    }
                }
                continue;
            }
            found.extend(self.enum_violation(version, key, value));
        }
        found
    }

    fn enum_violation(&self, version: Version, property: &str, value: &Value) -> Option<String> {
        let name = self.property_enum(version, property)?;
        let members = self.enum_members(version, &name)?;
        let text = value.as_str()?;
        (!members.iter().any(|m| m == text)).then(|| {
            format!(
                "{}: '{text}' is not a member of {name} (property {property})",
                version.path()
            )
        })
    }

    pub fn action_result_violations(
        &self,
        version: Version,
        entry: &Map<String, Value>,
    ) -> Vec<String> {
        let mut found = Vec::new();
        let type_name = match entry.get("@odata.type").and_then(Value::as_str) {
            Some(t) => match t.strip_prefix("#microsoft.graph.") {
                Some(name) => name.to_string(),
                None => {
                    found.push(format!("@odata.type '{t}' is not a microsoft.graph type"));
                    return found;
                }
            },
            None => "deviceActionResult".to_string(),
        };
        let Some(properties) = self.complex_type(version, &type_name) else {
            found.push(format!(
                "{}: there is no type '{type_name}'",
                version.path()
            ));
            return found;
        };
        for (key, value) in entry {
            if key.starts_with('@') {
                continue;
            }
            if !properties.contains(key) {
                found.push(format!(
                    "{}: {type_name} has no property '{key}'",
                    version.path()
                ));
            }
            if key == "actionState" {
                let members = self
                    .enum_members(version, "actionState")
                    .unwrap_or_default();
                if let Some(state) = value.as_str()
                    && !members.iter().any(|m| m == state)
                {
                    found.push(format!("'{state}' is not a member of actionState"));
                }
            }
        }
        found
    }
}

/// Graph's error shape: `error.code`, `error.message` and `innerError` with `request-id`, `date`
/// and `client-request-id`. Returns what is missing.
pub fn error_shape_violations(body: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let error = &body["error"];
    for key in ["code", "message"] {
        if !error[key].is_string() {
            found.push(format!("error.{key} is missing"));
        }
    }
    for key in ["request-id", "date", "client-request-id"] {
        if !error["innerError"][key].is_string() {
            found.push(format!("error.innerError.{key} is missing"));
        }
    }
    found
}
