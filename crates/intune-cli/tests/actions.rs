//! The action commands against the demo tenant, as a script would run them: exit codes for ready,
//! blocked, failed and partly failed runs, refusals without a terminal or a reason, reveals, and
//! the audit with its tamper check.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tenant_sim::fleet::{CheckIn, Platform};

struct Env {
    config: tempfile::TempDir,
    cache: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            config: tempfile::tempdir().expect("temp"),
            cache: tempfile::tempdir().expect("temp"),
            data: tempfile::tempdir().expect("temp"),
        }
    }

    fn cli(&self) -> Command {
        let mut cmd = Command::cargo_bin("intune-actions").expect("binary built");
        cmd.env("INTUNE_ACTIONS_CONFIG_DIR", self.config.path())
            .env("INTUNE_ACTIONS_CACHE_DIR", self.cache.path())
            .env("INTUNE_ACTIONS_DATA_DIR", self.data.path())
            .args(["--profile", "demo"]);
        cmd
    }

    fn audit_file(&self) -> std::path::PathBuf {
        std::fs::read_dir(self.data.path().join("audit"))
            .expect("an audit folder")
            .next()
            .expect("one audit file")
            .expect("entry")
            .path()
    }
}

/// The demo fleet is the same in every run: pick devices from it here.
fn demo_device(f: impl Fn(&tenant_sim::Device) -> bool) -> tenant_sim::Device {
    let demo = intune_demo::Demo::start(intune_demo::DEMO_DEVICES).expect("demo");
    demo.sim()
        .devices()
        .into_iter()
        .find(|d| f(d))
        .expect("the demo has one")
}

fn corporate_mac(d: &tenant_sim::Device) -> bool {
    d.platform == Platform::MacOs
        && d.owner_type == "company"
        && d.is_encrypted
        && d.hidden.check_in == CheckIn::Prompt
}

#[test]
fn check_says_ready_or_blocked_and_why_with_distinct_exit_codes() {
    let env = Env::new();
    let mac = demo_device(corporate_mac);
    env.cli()
        .args(["check", "lock", &mac.serial_number])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Remote lock: ready"));
    let pc = demo_device(|d| d.platform == Platform::Windows);
    env.cli()
        .args(["check", "lock", &pc.serial_number])
        .assert()
        .code(10)
        .stdout(predicate::str::contains(
            "Windows: Intune does not support remote lock",
        ))
        .stdout(predicate::str::contains(
            "why: Device action: remote lock <https://learn.microsoft.com/intune/device-management/actions/remote-lock>",
        ));
    let out = env
        .cli()
        .args(["--json", "check", "rotate-filevault-key", &mac.id])
        .assert()
        .code(0);
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(json[0]["verdict"]["action"], "rotateFileVaultKey");
    // Every reason and the effect say where they come from.
    let reasons = json[0]["verdict"]["reasons"].as_array().expect("reasons");
    assert!(!reasons.is_empty());
    for reason in reasons {
        let sources = reason["sources"].as_array().expect("sources");
        assert!(!sources.is_empty(), "{reason}");
        assert!(sources[0]["kind"].is_string() && sources[0]["title"].is_string());
    }
    assert!(
        !json[0]["verdict"]["effectSources"]
            .as_array()
            .expect("effect sources")
            .is_empty()
    );
    let status = env
        .cli()
        .args(["--json", "status", &mac.id])
        .assert()
        .code(0);
    let status: Value = serde_json::from_slice(&status.get_output().stdout).expect("JSON");
    let text = status.to_string();
    assert!(
        text.contains("\"sources\"") && text.contains("learn.microsoft.com"),
        "status --json carries the sources"
    );
    assert_eq!(
        json[0]["device"]["serialNumber"],
        mac.serial_number.as_str()
    );
    env.cli()
        .args(["check", "wipe", &mac.id])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an action"));
}

#[test]
fn without_a_terminal_or_yes_nothing_is_sent() {
    let env = Env::new();
    let mac = demo_device(corporate_mac);
    env.cli()
        .args(["lock", &mac.serial_number])
        .write_stdin("yes\n")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("pass --yes"));
    assert!(
        !env.data.path().join("audit").exists(),
        "nothing was sent, so nothing was audited"
    );
}

#[test]
fn a_mac_is_locked_and_followed_to_done_and_the_audit_verifies_until_tampered() {
    let env = Env::new();
    let mac = demo_device(corporate_mac);
    let out = env
        .cli()
        .args([
            "--json",
            "lock",
            &mac.serial_number,
            "--yes",
            "--wait",
            "--reason",
            "INC-200 laptop stolen",
        ])
        .assert()
        .code(0);
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(json["report"]["queued"], 1);
    assert_eq!(json["followed"][0]["finished"], true);
    assert_eq!(json["followed"][0]["pinKept"], true);
    assert_eq!(json["followed"][0]["result"]["actionState"], "done");

    env.cli()
        .args(["audit"])
        .assert()
        .success()
        .stdout(predicate::str::contains("INC-200 laptop stolen"));
    env.cli()
        .args(["audit", "--csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("seq,time,event,subject"));
    env.cli()
        .args(["audit", "--verify"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("intact: 3 entries"));

    let file = env.audit_file();
    let text = std::fs::read_to_string(&file).expect("audit");
    std::fs::write(&file, text.replace("INC-200", "INC-999")).expect("tamper");
    env.cli()
        .args(["audit", "--verify"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("tampered with at entry 1"));
}

#[test]
fn a_run_with_a_blocked_device_is_partly_failed_and_a_failure_on_the_device_fails() {
    let env = Env::new();
    let mac = demo_device(corporate_mac);
    let pc = demo_device(|d| d.platform == Platform::Windows);
    env.cli()
        .args(["lock", &mac.id, &pc.id, "--yes"])
        .assert()
        .code(12)
        .stdout(predicate::str::contains("Not sent: Windows"));
    let no_policy = demo_device(|d| {
        d.platform == Platform::Android
            && !d.hidden.passcode_policy
            && d.hidden.check_in == CheckIn::Prompt
    });
    env.cli()
        .args(["reset-passcode", &no_policy.id, "--yes", "--wait"])
        .assert()
        .code(11)
        .stderr(predicate::str::contains("passcode policy"));
    env.cli().args(["lock", &pc.id, "--yes"]).assert().code(10);
}

#[test]
fn recovering_needs_a_reason_and_a_reveal_prints_only_what_was_asked_for() {
    let env = Env::new();
    let iphone = demo_device(|d| {
        d.platform.is_ios_family() && d.is_supervised && d.hidden.passcode_escrowed
    });
    env.cli()
        .args(["recover-passcode", &iphone.id, "--yes"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("needs a business justification"));

    let mac = demo_device(|d| corporate_mac(d) && d.hidden.filevault_key.is_some());
    let key = mac.hidden.filevault_key.clone().expect("escrowed");
    env.cli()
        .args(["reveal", "filevault-key", &mac.serial_number])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(&key).not());
    let out = env
        .cli()
        .args([
            "--json",
            "reveal",
            "filevault-key",
            &mac.serial_number,
            "--reason",
            "INC-201",
        ])
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(json["value"], key.as_str());
    assert_eq!(json["kind"], "fileVaultKey");
    let audit = std::fs::read_to_string(env.audit_file()).expect("audit");
    assert!(audit.contains("fileVaultKey") && audit.contains("INC-201"));
    assert!(!audit.contains(&key), "the key reached the audit file");

    env.cli()
        .args(["reveal", "pin", &mac.serial_number, "--reason", "INC-202"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("holds an unlock PIN"));
}

#[test]
fn an_attempt_the_check_stops_on_every_device_is_still_audited() {
    let env = Env::new();
    let pc = demo_device(|d| d.platform == Platform::Windows);
    env.cli()
        .args(["lock", &pc.id, "--yes"])
        .assert()
        .code(10)
        .stderr(predicate::str::contains("Nothing was sent"));
    let out = env.cli().args(["--json", "audit"]).assert().code(0);
    let entries: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let entries = entries.as_array().expect("a list");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["event"], "blocked");
    assert_eq!(entries[0]["deviceId"], pc.id.as_str());
    assert!(
        entries[0]["account"]
            .as_str()
            .is_some_and(|a| !a.is_empty()),
        "it names who tried"
    );
}

#[test]
fn a_list_from_a_file_says_what_it_matched_before_anything_is_sent() {
    let env = Env::new();
    let demo = intune_demo::Demo::start(intune_demo::DEMO_DEVICES).expect("demo");
    let iphones: Vec<tenant_sim::Device> = demo
        .sim()
        .devices()
        .into_iter()
        .filter(|d| d.platform == Platform::Ios)
        .take(2)
        .collect();
    let file = env.data.path().join("lost shipment.csv");
    // Saved from Excel: column titles, a serial twice (once by ID), one that is not in the tenant.
    std::fs::write(
        &file,
        format!(
            "Serial number;Note\r\n{};box 1\r\n{}\r\n{}\r\nNOT-A-SERIAL\r\n",
            iphones[0].serial_number, iphones[1].serial_number, iphones[0].id
        ),
    )
    .expect("file");
    let path = file.display().to_string();

    let out = env
        .cli()
        .args(["--json", "check", "lock", "--from-file", &path])
        .assert()
        .success();
    let checked: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(checked["devices"].as_array().expect("devices").len(), 2);
    let list = &checked["fromFile"];
    assert_eq!(list["matched"].as_array().expect("matched").len(), 2);
    assert_eq!(list["repeated"][0]["line"], 4);
    assert_eq!(list["repeated"][0]["firstLine"], 2);
    assert_eq!(list["unmatched"][0]["text"], "NOT-A-SERIAL");
    assert_eq!(list["header"], "Serial number;Note");

    // Sent: the summary comes first, then one request per device.
    env.cli()
        .args(["lock", "--from-file", &path, "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 devices matched"))
        .stderr(predicate::str::contains(
            "line 4 \"".to_string()
                + &iphones[0].id
                + "\": the same device as line 2 (sent to once)",
        ))
        .stderr(predicate::str::contains(
            "line 5 \"NOT-A-SERIAL\": matches no device; left out",
        ))
        .stdout(predicate::str::contains(&iphones[0].device_name))
        .stdout(predicate::str::contains(&iphones[1].device_name));

    // A file that matches nothing is refused, clearly, and nothing is sent.
    let nothing = env.data.path().join("typo.txt");
    std::fs::write(&nothing, "NOPE-1\nNOPE-2\n").expect("file");
    env.cli()
        .args([
            "lock",
            "--from-file",
            &nothing.display().to_string(),
            "--yes",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no line of"))
        .stderr(predicate::str::contains("matches a device"));
    let missing = env.data.path().join("no such file.txt");
    env.cli()
        .args([
            "lock",
            "--from-file",
            &missing.display().to_string(),
            "--yes",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no such file.txt"));
}
