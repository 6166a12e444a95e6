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

mod profiles {
    use super::*;

    const CLIENT: &str = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";

    fn in_dir(dir: &std::path::Path) -> Command {
        let mut cmd = cli();
        cmd.env("INTUNE_ACTIONS_CONFIG_DIR", dir);
        cmd
    }

    #[test]
    fn add_use_remove_round_trip_through_the_config_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        in_dir(dir.path())
            .args(["profiles", "list"])
            .assert()
            .success()
            .stdout(predicate::str::contains("No profiles yet"));
        in_dir(dir.path())
            .args([
                "profiles",
                "add",
                "Contoso",
                "--tenant",
                "contoso.onmicrosoft.com",
                "--client-id",
                CLIENT,
            ])
            .assert()
            .success()
            .stdout(predicate::str::contains("* Contoso"));
        in_dir(dir.path())
            .args([
                "profiles",
                "add",
                "Fabrikam",
                "--tenant",
                "organizations",
                "--graph-cli-client",
                "--cloud",
                "gcc-high",
            ])
            .assert()
            .success();
        let out = in_dir(dir.path())
            .args(["profiles", "use", "fabrikam", "--json"])
            .assert()
            .success();
        let json: serde_json::Value =
            serde_json::from_slice(&out.get_output().stdout).expect("json");
        assert_eq!(json["active"], "Fabrikam");
        assert_eq!(
            json["profiles"][1]["clientId"],
            "14d82eec-204b-4c2f-b7e8-296a70dab67e"
        );
        assert_eq!(json["profiles"][1]["cloud"]["kind"], "usGovHigh");

        in_dir(dir.path())
            .args(["profiles", "remove", "Fabrikam"])
            .assert()
            .success();
        let text = std::fs::read_to_string(dir.path().join("profiles.json")).expect("file");
        assert!(text.contains("Contoso") && !text.contains("Fabrikam"));
    }

    #[test]
    fn bad_values_and_missing_profiles_have_their_own_exit_codes() {
        let dir = tempfile::tempdir().expect("tempdir");
        in_dir(dir.path())
            .args([
                "profiles",
                "add",
                "X",
                "--tenant",
                "not a tenant",
                "--client-id",
                CLIENT,
            ])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("neither a tenant ID"));
        in_dir(dir.path())
            .args(["profiles", "use", "Nobody"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains("List the profiles"));
        let out = in_dir(dir.path())
            .args(["profiles", "remove", "Nobody", "--json"])
            .assert()
            .code(4);
        let json: serde_json::Value =
            serde_json::from_slice(&out.get_output().stdout).expect("json error");
        assert_eq!(json["error"]["kind"], "profileNotFound");
        in_dir(dir.path())
            .args([
                "profiles",
                "add",
                "X",
                "--tenant",
                "organizations",
                "--cloud",
                "custom",
                "--client-id",
                CLIENT,
            ])
            .assert()
            .code(2);
    }

    #[test]
    fn a_damaged_profiles_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("profiles.json"), "{ broken").expect("write");
        in_dir(dir.path())
            .args(["profiles", "list"])
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("profiles.json")
                    .and(predicate::str::contains("fix or move it away")),
            );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("profiles.json")).expect("kept"),
            "{ broken"
        );
    }
}
