//! The `tenant-sim` binary: one JSON line on stdout, then it serves until killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_tenant-sim");

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn prints_one_json_line_with_the_connection_then_serves() {
    let mut child = Killed(
        Command::new(BINARY)
            .args([
                "--devices",
                "25",
                "--seed",
                "7",
                "--checkin-delay",
                "0",
                "--write-limit",
                "10/1s",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let info: Value = serde_json::from_str(&line).expect("one JSON line");
    for key in ["base_url", "tenant_id", "client_id", "client_secret"] {
        assert!(
            info[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} in {line}"
        );
    }
    let base = info["base_url"].as_str().expect("base");
    assert!(base.starts_with("http://127.0.0.1:"));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let devices: Value = reqwest::blocking::get(format!("{base}/_sim/devices"))
        .expect("serves")
        .json()
        .expect("json");
    assert_eq!(devices["value"].as_array().expect("value").len(), 25);
}

#[test]
fn the_same_seed_gives_the_same_tenant() {
    let first_line = |seed: &str| {
        let mut child = Killed(
            Command::new(BINARY)
                .args(["--devices", "1", "--seed", seed])
                .stdout(Stdio::piped())
                .spawn()
                .expect("starts"),
        );
        let mut line = String::new();
        BufReader::new(child.0.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("line");
        let info: Value = serde_json::from_str(&line).expect("json");
        info["tenant_id"].as_str().expect("tenant").to_string()
    };
    assert_eq!(first_line("3"), first_line("3"));
    assert_ne!(first_line("3"), first_line("4"));
}

#[test]
fn bad_options_say_what_is_wrong_and_exit_2() {
    for args in [
        vec!["--write-limit", "lots"],
        vec!["--error-rate", "1.5"],
        vec!["--checkin-delay", "-1"],
    ] {
        let out = Command::new(BINARY).args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}
