use assert_cmd::Command;
use predicates::prelude::*;

fn cli() -> Command {
    Command::cargo_bin("intune-actions").expect("binary built")
}

#[test]
fn about_prints_product_and_version() {
    cli()
        .arg("about")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "Intune Actions {}",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn about_json_has_stable_fields() {
    let out = cli().args(["about", "--json"]).assert().success();
    let json: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("valid JSON");
    assert_eq!(json["product"], "Intune Actions");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    for field in ["build", "os", "arch"] {
        assert!(json[field].is_string(), "{field} missing in {json}");
    }
}

#[test]
fn an_unknown_command_is_a_usage_error_with_exit_code_2() {
    cli()
        .arg("frobnicate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand"));
}
