//! A deterministic, realistic fleet: the same seed gives the same devices, in the same order.
//!
//! The mix exercises every branch of every action: corporate and personal Macs with FileVault
//! escrowed or not; supervised and unsupervised iPhones and iPads with passcode escrow on or off;
//! every Android management mode with and without a passcode policy; Windows PCs; and devices that
//! check in promptly, slowly or never.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

use crate::actions::ActionResult;
use crate::version::ApiVersion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    MacOs,
    Ios,
    IpadOs,
    Android,
    Windows,
}

impl Platform {
    pub fn graph_name(self) -> &'static str {
        match self {
            Platform::MacOs => "macOS",
            Platform::Ios => "iOS",
            Platform::IpadOs => "iPadOS",
            Platform::Android => "Android",
            Platform::Windows => "Windows",
        }
    }

    pub fn is_ios_family(self) -> bool {
        matches!(self, Platform::Ios | Platform::IpadOs)
    }
}

/// How an Android device is managed: decides which actions Intune accepts for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AndroidMode {
    Dedicated,
    FullyManaged,
    CorporateWorkProfile,
    PersonalWorkProfile,
    /// AOSP with a user signed in.
    Aosp,
    /// AOSP without a user (a shared or kiosk device).
    AospUserless,
}

impl AndroidMode {
    /// Beta's `deviceEnrollmentType` member (v1.0 has none of the Android Enterprise or AOSP ones).
    fn enrollment_type(self) -> &'static str {
        match self {
            AndroidMode::Dedicated => "androidEnterpriseDedicatedDevice",
            AndroidMode::FullyManaged => "androidEnterpriseFullyManaged",
            AndroidMode::CorporateWorkProfile => "androidEnterpriseCorporateWorkProfile",
            AndroidMode::PersonalWorkProfile => "userEnrollment",
            AndroidMode::Aosp => "androidAOSPUserOwnedDeviceEnrollment",
            AndroidMode::AospUserless => "androidAOSPUserlessDeviceEnrollment",
        }
    }
}

/// When the device next talks to Intune after an action is queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    /// After the configured check-in delay.
    Prompt,
    /// After ten times the delay.
    Slow,
    /// Never on its own (lost, switched off); only a forced `/_sim/checkin` reaches it.
    Never,
}

/// One managed device: what Graph shows, plus the hidden facts that decide how actions end.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub device_name: String,
    pub platform: Platform,
    pub os_version: String,
    pub model: String,
    pub manufacturer: String,
    pub serial_number: String,
    pub user_principal_name: String,
    pub user_display_name: String,
    pub email_address: String,
    pub owner_type: &'static str,
    /// As beta names it; each version serves what it has ([`ApiVersion::enrollment_type`]).
    pub enrollment_type: &'static str,
    pub is_supervised: bool,
    pub is_encrypted: bool,
    pub compliance_state: &'static str,
    pub management_state: &'static str,
    pub last_sync: DateTime<Utc>,
    pub enrolled: DateTime<Utc>,
    pub azure_ad_device_id: String,
    pub action_results: Vec<ActionResult>,
    pub hidden: Hidden,
}

/// Facts Intune knows but Graph's device list does not show directly.
#[derive(Debug, Clone)]
pub struct Hidden {
    pub android_mode: Option<AndroidMode>,
    pub check_in: CheckIn,
    pub filevault_key: Option<String>,
    pub passcode_escrowed: bool,
    pub passcode_policy: bool,
    pub unlock_token_stale: bool,
    /// The PIN of a macOS lock the user has not yet entered.
    pub unused_lock_pin: Option<String>,
}

const FIRST: &[&str] = &[
    "Ada", "Ben", "Chloé", "Dmitri", "Emma", "Farah", "Gustav", "Hana", "Ivan", "Jun", "Kofi",
    "Lena", "Mateo", "Nadia", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoë", "Liam", "Noah", "Mia", "Sofia",
];
const LAST: &[&str] = &[
    "Andersen",
    "Brennan",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "García",
    "Hughes",
    "Ito",
    "Jansen",
    "Kowalski",
    "Laurent",
    "Müller",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ulrich",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "D'Angelo",
];
const MAC_MODELS: &[&str] = &[
    "MacBook Pro (14-inch, M3, 2023)",
    "MacBook Pro (16-inch, 2021)",
    "MacBook Air (13-inch, M2, 2022)",
    "MacBook Air (15-inch, M3, 2024)",
    "iMac (24-inch, M3, 2023)",
    "Mac mini (M2, 2023)",
];
const MAC_OS: &[&str] = &["13.7.1", "14.7.1", "15.1", "15.1.1"];
const IPHONE_MODELS: &[&str] = &[
    "iPhone 13",
    "iPhone 14",
    "iPhone 15",
    "iPhone 15 Pro",
    "iPhone 16",
    "iPhone SE (3rd generation)",
];
const IPAD_MODELS: &[&str] = &[
    "iPad (10th generation)",
    "iPad Air (5th generation)",
    "iPad Pro (11-inch) (4th generation)",
];
const IOS: &[&str] = &["17.6.1", "17.7", "18.0.1", "18.1"];
const ANDROID_MODELS: &[(&str, &str)] = &[
    ("samsung", "SM-S921B"),
    ("samsung", "SM-G991B"),
    ("samsung", "SM-T870"),
    ("Google", "Pixel 8"),
    ("Google", "Pixel 7a"),
    ("Zebra Technologies", "TC52"),
    ("Zebra Technologies", "TC58"),
    ("motorola", "moto g54 5G"),
];
const ANDROID_OS: &[&str] = &["12", "13", "14", "15"];
const WINDOWS_MODELS: &[(&str, &str)] = &[
    ("Microsoft Corporation", "Surface Laptop 5"),
    ("Dell Inc.", "Latitude 7440"),
    ("LENOVO", "21HD"),
    ("HP", "HP EliteBook 840 G10"),
];
const WINDOWS_OS: &[&str] = &["10.0.19045.5131", "10.0.22631.4460", "10.0.26100.2314"];
const SERIAL_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

pub struct FleetSpec {
    pub seed: u64,
    pub devices: usize,
    pub domain: String,
    pub now: DateTime<Utc>,
}

pub fn generate(spec: &FleetSpec) -> Vec<Device> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    (0..spec.devices)
        .map(|n| generate_one(&mut rng, n, spec))
        .collect()
}

fn generate_one(rng: &mut ChaCha8Rng, n: usize, spec: &FleetSpec) -> Device {
    let platform = match rng.random_range(0..100) {
        0..22 => Platform::MacOs,
        22..47 => Platform::Ios,
        47..57 => Platform::IpadOs,
        57..85 => Platform::Android,
        _ => Platform::Windows,
    };
    let first = *FIRST.choose(rng).unwrap_or(&"Alex");
    let last = *LAST.choose(rng).unwrap_or(&"Smith");
    let mailbox = format!("{}.{}", ascii_fold(first), ascii_fold(last)).to_lowercase();
    let upn = format!("{mailbox}{}@{}", n % 97, spec.domain);
    let check_in = match rng.random_range(0..100) {
        0..70 => CheckIn::Prompt,
        70..90 => CheckIn::Slow,
        _ => CheckIn::Never,
    };
    let last_sync = spec.now
        - match check_in {
            CheckIn::Prompt => Duration::minutes(rng.random_range(1..8 * 60)),
            CheckIn::Slow => Duration::hours(rng.random_range(24..72)),
            CheckIn::Never => Duration::days(rng.random_range(20..90)),
        };
    let compliance_state = match rng.random_range(0..100) {
        0..85 => "compliant",
        85..95 => "noncompliant",
        _ => "inGracePeriod",
    };

    let mut device = Device {
        id: uuid(rng),
        device_name: String::new(),
        platform,
        os_version: String::new(),
        model: String::new(),
        manufacturer: String::new(),
        serial_number: String::new(),
        user_principal_name: upn.clone(),
        user_display_name: format!("{first} {last}"),
        email_address: upn,
        owner_type: "company",
        enrollment_type: "unknown",
        is_supervised: false,
        is_encrypted: false,
        compliance_state,
        management_state: "managed",
        last_sync,
        enrolled: spec.now - Duration::days(rng.random_range(30..900)),
        azure_ad_device_id: uuid(rng),
        action_results: Vec::new(),
        hidden: Hidden {
            android_mode: None,
            check_in,
            filevault_key: None,
            passcode_escrowed: false,
            passcode_policy: true,
            unlock_token_stale: false,
            unused_lock_pin: None,
        },
    };
    let short = ascii_fold(last).to_uppercase().replace('\'', "");
    match platform {
        Platform::MacOs => {
            let company = rng.random_bool(0.8);
            device.model = pick(rng, MAC_MODELS);
            device.manufacturer = "Apple".into();
            device.os_version = pick(rng, MAC_OS);
            device.serial_number = serial(rng, "C02", 9);
            device.owner_type = if company { "company" } else { "personal" };
            device.enrollment_type = if company {
                "appleBulkWithUser"
            } else {
                "userEnrollment"
            };
            // Intune reports every Mac as supervised, whatever its enrollment.
            device.is_supervised = true;
            device.is_encrypted = rng.random_bool(0.85);
            if device.is_encrypted && rng.random_bool(0.9) {
                device.hidden.filevault_key = Some(filevault_key(rng));
            }
            device.device_name = if rng.random_bool(0.5) {
                format!("MAC-{short}-{:03}", n % 1000)
            } else {
                format!(
                    "{first}'s {}",
                    device.model.split(" (").next().unwrap_or("Mac")
                )
            };
        }
        Platform::Ios | Platform::IpadOs => {
            let company = rng.random_bool(0.85);
            let abm = company && rng.random_bool(0.8);
            device.model = if platform == Platform::Ios {
                pick(rng, IPHONE_MODELS)
            } else {
                pick(rng, IPAD_MODELS)
            };
            device.manufacturer = "Apple".into();
            device.os_version = pick(rng, IOS);
            device.serial_number = serial(rng, "", 10);
            device.owner_type = if company { "company" } else { "personal" };
            device.enrollment_type = if abm {
                if rng.random_bool(0.8) {
                    "appleBulkWithUser"
                } else {
                    "appleBulkWithoutUser"
                }
            } else if company {
                "deviceEnrollmentManager"
            } else {
                "userEnrollment"
            };
            device.is_supervised = abm;
            device.is_encrypted = true;
            device.hidden.passcode_escrowed = abm && rng.random_bool(0.6);
            device.hidden.unlock_token_stale = rng.random_bool(0.05);
            let kind = if platform == Platform::Ios {
                "iPhone"
            } else {
                "iPad"
            };
            device.device_name = if rng.random_bool(0.5) {
                format!("{first}'s {kind}")
            } else {
                format!("{}-{short}-{:03}", kind.to_uppercase(), n % 1000)
            };
        }
        Platform::Android => {
            let mode = match rng.random_range(0..100) {
                0..20 => AndroidMode::Dedicated,
                20..45 => AndroidMode::FullyManaged,
                45..65 => AndroidMode::CorporateWorkProfile,
                65..90 => AndroidMode::PersonalWorkProfile,
                // Chosen by position, not by another draw, so the rest of the fleet stays as it was.
                _ if n.is_multiple_of(2) => AndroidMode::AospUserless,
                _ => AndroidMode::Aosp,
            };
            let (maker, model) = *ANDROID_MODELS.choose(rng).unwrap_or(&("Google", "Pixel 8"));
            device.manufacturer = maker.into();
            device.model = model.into();
            device.os_version = pick(rng, ANDROID_OS);
            device.serial_number = serial(rng, "R5C", 8);
            device.owner_type = if mode == AndroidMode::PersonalWorkProfile {
                "personal"
            } else {
                "company"
            };
            device.enrollment_type = mode.enrollment_type();
            device.is_encrypted = rng.random_bool(0.95);
            device.hidden.android_mode = Some(mode);
            device.hidden.passcode_policy = rng.random_bool(0.75);
            device.device_name = match mode {
                AndroidMode::Dedicated => format!("KIOSK-{:04}", n % 10_000),
                _ => format!(
                    "{}_{}_{}",
                    ascii_fold(first),
                    maker.split(' ').next().unwrap_or("Android"),
                    model.replace(' ', "")
                ),
            };
        }
        Platform::Windows => {
            let (maker, model) = *WINDOWS_MODELS
                .choose(rng)
                .unwrap_or(&("Dell Inc.", "Latitude 7440"));
            device.manufacturer = maker.into();
            device.model = model.into();
            device.os_version = pick(rng, WINDOWS_OS);
            device.serial_number = serial(rng, "", 10);
            device.enrollment_type = "windowsAzureADJoin";
            device.is_encrypted = rng.random_bool(0.9);
            device.device_name = format!("PC-{short}-{:03}", n % 1000);
        }
    }
    device
}

impl Device {
    /// Every property the sim serves, as that version of Graph names and shapes them.
    /// `deviceActionResults` is filled only for single-device reads: Graph's lists always send it
    /// empty.
    pub fn to_graph(&self, version: ApiVersion, with_action_results: bool) -> Map<String, Value> {
        crate::odata::PROPERTIES
            .iter()
            .filter_map(|name| {
                self.graph_property(version, name, with_action_results)
                    .map(|value| (name.to_string(), value))
            })
            .collect()
    }

    /// One property as that version of Graph names and shapes it; `None` when the version has
    /// no such property. A `$filter` needs only the properties it names: building those alone
    /// keeps a filtered page of a large fleet cheap.
    pub fn graph_property(
        &self,
        version: ApiVersion,
        name: &str,
        with_action_results: bool,
    ) -> Option<Value> {
        if !version.has_property(name) {
            return None;
        }
        Some(match name {
            "id" => json!(self.id),
            "deviceName" => json!(self.device_name),
            "managedDeviceName" => json!(format!(
                "{}_{}",
                self.user_principal_name.split('@').next().unwrap_or(""),
                self.platform.graph_name()
            )),
            "operatingSystem" => json!(self.platform.graph_name()),
            "osVersion" => json!(self.os_version),
            "model" => json!(self.model),
            "manufacturer" => json!(self.manufacturer),
            "serialNumber" => json!(self.serial_number),
            "userPrincipalName" => json!(self.user_principal_name),
            "userDisplayName" => json!(self.user_display_name),
            "emailAddress" => json!(self.email_address),
            "managedDeviceOwnerType" | "ownerType" => json!(self.owner_type),
            "deviceEnrollmentType" => json!(version.enrollment_type(self.enrollment_type)),
            "isSupervised" => json!(self.is_supervised),
            "isEncrypted" => json!(self.is_encrypted),
            "complianceState" => json!(self.compliance_state),
            "managementState" => json!(self.management_state),
            "lastSyncDateTime" => json!(graph_time(self.last_sync)),
            "enrolledDateTime" => json!(graph_time(self.enrolled)),
            "azureADDeviceId" => json!(self.azure_ad_device_id),
            "deviceActionResults" => {
                let results: Vec<Value> = if with_action_results {
                    let now = Utc::now();
                    self.action_results
                        .iter()
                        .filter(|r| r.visible_from <= now)
                        .map(ActionResult::to_graph)
                        .collect()
                } else {
                    Vec::new()
                };
                Value::Array(results)
            }
            _ => return None,
        })
    }
}

pub fn graph_time(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn pick(rng: &mut ChaCha8Rng, values: &[&str]) -> String {
    values.choose(rng).copied().unwrap_or_default().to_string()
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

fn serial(rng: &mut ChaCha8Rng, prefix: &str, len: usize) -> String {
    let tail: String = (0..len)
        .map(|_| SERIAL_CHARS[rng.random_range(0..SERIAL_CHARS.len())] as char)
        .collect();
    format!("{prefix}{tail}")
}

/// A FileVault personal recovery key: six groups of four.
pub fn filevault_key(rng: &mut impl Rng) -> String {
    (0..6)
        .map(|_| {
            (0..4)
                .map(|_| SERIAL_CHARS[rng.random_range(0..SERIAL_CHARS.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn ascii_fold(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'é' => 'e',
            'ë' => 'e',
            'ü' => 'u',
            'í' => 'i',
            'ç' => 'c',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '\'')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(seed: u64, devices: usize) -> FleetSpec {
        FleetSpec {
            seed,
            devices,
            domain: "contoso.com".into(),
            now: DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z")
                .expect("valid")
                .with_timezone(&Utc),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_fleet_and_another_seed_another() {
        let a = generate(&spec(7, 200));
        let b = generate(&spec(7, 200));
        let c = generate(&spec(8, 200));
        let ids = |f: &[Device]| f.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&c));
        assert_eq!(a[17].serial_number, b[17].serial_number);
    }

    #[test]
    fn the_mix_covers_every_branch_the_actions_depend_on() {
        let fleet = generate(&spec(1, 3000));
        let has = |f: &dyn Fn(&Device) -> bool| fleet.iter().any(f);
        let mac = |d: &Device| d.platform == Platform::MacOs;
        assert!(has(&|d| mac(d)
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_some()));
        assert!(has(&|d| mac(d)
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_none()));
        assert!(has(&|d| mac(d) && d.owner_type == "personal"));
        for p in [Platform::Ios, Platform::IpadOs] {
            assert!(has(&|d| d.platform == p
                && d.is_supervised
                && d.hidden.passcode_escrowed));
            assert!(has(&|d| d.platform == p
                && d.is_supervised
                && !d.hidden.passcode_escrowed));
            assert!(has(&|d| d.platform == p && !d.is_supervised));
        }
        assert!(has(
            &|d| d.platform.is_ios_family() && d.hidden.unlock_token_stale
        ));
        for mode in [
            AndroidMode::Dedicated,
            AndroidMode::FullyManaged,
            AndroidMode::CorporateWorkProfile,
            AndroidMode::PersonalWorkProfile,
            AndroidMode::Aosp,
            AndroidMode::AospUserless,
        ] {
            for policy in [true, false] {
                assert!(
                    has(&|d| d.hidden.android_mode == Some(mode)
                        && d.hidden.passcode_policy == policy),
                    "{mode:?} policy={policy}"
                );
            }
        }
        assert!(has(&|d| d.platform == Platform::Windows));
        for c in [CheckIn::Prompt, CheckIn::Slow, CheckIn::Never] {
            assert!(has(&|d| d.hidden.check_in == c));
        }
        assert!(
            has(&|d| d.device_name.contains('\'')),
            "a name with a quote, for escaping"
        );
    }

    #[test]
    fn graph_shape_uses_graph_names_and_keeps_action_results_out_of_lists() {
        let device = &generate(&spec(3, 1))[0];
        let graph = device.to_graph(ApiVersion::Beta, false);
        for key in [
            "id",
            "deviceName",
            "operatingSystem",
            "serialNumber",
            "userPrincipalName",
            "managedDeviceOwnerType",
            "isSupervised",
            "lastSyncDateTime",
            "deviceActionResults",
        ] {
            assert!(graph.contains_key(key), "{key}");
        }
        assert_eq!(graph["deviceActionResults"], json!([]));
        assert!(
            graph["lastSyncDateTime"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
    }

    #[test]
    fn filevault_keys_have_six_groups_of_four() {
        let key = filevault_key(&mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(key.split('-').count(), 6);
        assert!(key.split('-').all(|g| g.len() == 4));
    }
}
