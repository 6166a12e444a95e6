//! `intune-actions devices …` against the demo tenant, exactly as the README shows it.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

struct Env {
    config: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            config: tempfile::tempdir().expect("temp"),
            cache: tempfile::tempdir().expect("temp"),
        }
    }

    fn cli(&self) -> Command {
        let mut cmd = Command::cargo_bin("intune-actions").expect("binary built");
        cmd.env("INTUNE_ACTIONS_CONFIG_DIR", self.config.path())
            .env("INTUNE_ACTIONS_CACHE_DIR", self.cache.path())
            .args(["--profile", "demo"]);
        cmd
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.cli().arg("--json").args(args).assert().success();
        serde_json::from_slice(&out.get_output().stdout).expect("JSON on stdout")
    }
}

#[test]
fn search_json_has_the_documented_fields_and_says_where_it_searched() {
    let env = Env::new();
    let found = env.json(&["devices", "search", "ada", "--limit", "3"]);
    assert_eq!(found["source"], "graph", "no local copy yet");
    assert!(found["total"].as_u64().expect("total") > 3);
    let devices = found["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 3);
    for field in [
        "id",
        "deviceName",
        "platform",
        "operatingSystem",
        "osVersion",
        "model",
        "serialNumber",
        "userPrincipalName",
        "ownership",
        "isSupervised",
        "isEncrypted",
        "complianceState",
        "lastSync",
    ] {
        assert!(
            !devices[0][field].is_null(),
            "{field} missing in {}",
            devices[0]
        );
    }
}

#[test]
fn after_a_sync_searches_are_local_and_filters_apply() {
    let env = Env::new();
    let status = env.json(&["devices", "sync"]);
    assert_eq!(status["count"], 500);
    let found = env.json(&[
        "devices",
        "search",
        "--os",
        "macos,ios",
        "--owner",
        "personal",
        "--limit",
        "500",
    ]);
    assert_eq!(found["source"], "inventory");
    let devices = found["devices"].as_array().expect("devices");
    assert!(!devices.is_empty());
    for d in devices {
        assert!(d["platform"] == "macOs" || d["platform"] == "ios", "{d}");
        assert_eq!(d["ownership"], "personal");
    }
    env.cli()
        .args(["devices", "search", "--os", "beos"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a platform"));
}

#[test]
fn show_takes_a_serial_and_reads_action_results_live() {
    let env = Env::new();
    let found = env.json(&["devices", "search", "MAC-", "--limit", "1"]);
    let serial = found["devices"][0]["serialNumber"]
        .as_str()
        .expect("serial")
        .to_string();
    let details = env.json(&["devices", "show", &serial]);
    assert_eq!(details["device"]["serialNumber"], serial.as_str());
    assert!(details["actionResults"].is_array());
    assert!(
        details["adminCenterUrl"]
            .as_str()
            .expect("url")
            .starts_with("https://intune.microsoft.com/")
    );
    env.cli()
        .args(["devices", "show", &serial])
        .assert()
        .success()
        .stdout(predicate::str::contains("Serial number  ").and(predicate::str::contains(serial)));
}

#[test]
fn ambiguous_missing_and_bad_devices_have_their_exit_codes() {
    let env = Env::new();
    // Names repeat in the demo fleet ("Ada's iPad" twice); the candidates are listed.
    env.cli()
        .args(["devices", "show", "Ada's iPad"])
        .assert()
        .code(7)
        .stderr(
            predicate::str::contains("2 devices match").and(predicate::str::contains("serial")),
        );
    let out = env
        .cli()
        .args(["--json", "devices", "show", "Ada's iPad"])
        .assert()
        .code(7);
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(json["error"]["kind"], "ambiguous");

    for missing in [
        "x' or 1 eq 1",
        "00000000-0000-0000-0000-000000000000",
        "Zoë 🚀",
    ] {
        env.cli()
            .args(["devices", "show", missing])
            .assert()
            .code(6)
            .stderr(predicate::str::contains("No device matches"));
    }
    let long = "a".repeat(5_000);
    for bad in ["   ", long.as_str()] {
        env.cli()
            .args(["devices", "show", bad])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("not valid"));
    }
    env.cli()
        .args(["devices", "search", &long])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("5000 characters"));
}

#[test]
fn the_demo_says_it_is_a_demo_and_needs_no_login() {
    let env = Env::new();
    env.cli()
        .args(["devices", "search", "zzzz-no-such-device"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No device matches"))
        .stderr(predicate::str::contains("no real device is affected"));
    env.cli()
        .arg("whoami")
        .assert()
        .success()
        .stdout(predicate::str::contains("Signed in to Demo tenant as"));
    env.cli()
        .arg("login")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("needs no sign-in"));
}

#[test]
fn without_a_profile_the_message_points_at_profiles_add_and_the_demo() {
    let env = Env::new();
    let mut cmd = Command::cargo_bin("intune-actions").expect("binary");
    cmd.env("INTUNE_ACTIONS_CONFIG_DIR", env.config.path())
        .args(["devices", "search", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("--profile demo"));
    let mut cmd = Command::cargo_bin("intune-actions").expect("binary");
    cmd.env("INTUNE_ACTIONS_CONFIG_DIR", env.config.path())
        .args(["--profile", "Nope", "whoami"])
        .assert()
        .code(4);
    let mut cmd = Command::cargo_bin("intune-actions").expect("binary");
    cmd.env("INTUNE_ACTIONS_CONFIG_DIR", env.config.path())
        .args([
            "profiles",
            "add",
            "Demo tenant",
            "--tenant",
            "organizations",
            "--graph-cli-client",
        ])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("reserved for the demo"));
}
