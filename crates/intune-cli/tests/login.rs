//! `login`, `whoami` and `logout` exactly as an admin types them, with every sign-in method, against
//! a simulated tenant and a real Secret Service (gnome-keyring on a private bus, see test-keychain).
//! After each, no token or secret is in the CLI's output or in any file under its folders.
//!
//! Its own harness: the keychain desktop is set up once and the scenarios run inside it in turn.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};

use tenant_sim::{DeviceCodeConfig, SimConfig, SimHandle};
use test_keychain::TestKeychain;

type Outcome = Result<(), String>;

fn main() -> ExitCode {
    if !cfg!(target_os = "linux") {
        println!("login: needs the Linux Secret Service; 0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    let keychain = match TestKeychain::start().and_then(|k| k.wait_until_ready().map(|()| k)) {
        Ok(keychain) => keychain,
        Err(error) => {
            eprintln!("login: {error}");
            return ExitCode::FAILURE;
        }
    };
    let scenarios: [(&str, fn(&TestKeychain) -> Outcome); 7] = [
        ("device code: login, whoami, logout", device_code),
        (
            "client secret from stdin: login, devices, whoami, logout",
            client_secret,
        ),
        (
            "a wrong client secret is refused and nothing is kept",
            wrong_client_secret,
        ),
        (
            "certificate with its password from the environment",
            certificate,
        ),
        ("Azure CLI: signed in, and not signed in", azure_cli),
        (
            "a lock killed before its answer is shown as interrupted and never sent again",
            killed_before_the_answer,
        ),
        (
            "a run from a file killed midway is resumed under faults and no device gets two locks",
            a_killed_run_is_resumed,
        ),
    ];
    let mut failed = 0;
    for (name, scenario) in scenarios {
        match scenario(&keychain) {
            Ok(()) => println!("test {name} ... ok"),
            Err(error) => {
                failed += 1;
                println!("test {name} ... FAILED\n    {error}");
            }
        }
    }
    println!(
        "login: {} passed, {failed} failed",
        scenarios.len() - failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The CLI in its own folders, on the test keychain.
struct Cli<'a> {
    keychain: &'a TestKeychain,
    dirs: tempfile::TempDir,
    path: Option<String>,
    /// Everything it printed, for the leak check.
    printed: std::cell::RefCell<Vec<u8>>,
}

impl<'a> Cli<'a> {
    fn new(keychain: &'a TestKeychain) -> Cli<'a> {
        Cli {
            keychain,
            dirs: tempfile::tempdir().expect("dirs"),
            path: None,
            printed: Default::default(),
        }
    }

    fn run(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
        let mut child = self.spawn(args, env);
        let mut input = child.stdin.take().expect("stdin");
        input.write_all(stdin.as_bytes()).expect("stdin written");
        drop(input);
        let output = child.wait_with_output().expect("the CLI ends");
        let mut printed = self.printed.borrow_mut();
        printed.extend_from_slice(&output.stdout);
        printed.extend_from_slice(&output.stderr);
        output
    }

    /// Starts the CLI and leaves it running.
    fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
        let mut command = Command::new(env!("CARGO_BIN_EXE_intune-actions"));
        command
            .args(args)
            .envs(self.keychain.env().iter().map(|(k, v)| (k, v)))
            .env("INTUNE_ACTIONS_CONFIG_DIR", self.dirs.path().join("config"))
            .env("INTUNE_ACTIONS_DATA_DIR", self.dirs.path().join("data"))
            .env("INTUNE_ACTIONS_CACHE_DIR", self.dirs.path().join("cache"))
            .env_remove("INTUNE_ACTIONS_CLIENT_SECRET")
            .env_remove("INTUNE_ACTIONS_CERTIFICATE_PASSWORD")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(path) = &self.path {
            command.env("PATH", path);
        }
        command.spawn().expect("the CLI starts")
    }

    /// Runs and expects exit code `code`; returns stdout.
    fn expect(
        &self,
        code: i32,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
    ) -> Result<String, String> {
        let output = self.run(args, stdin, env);
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        if output.status.code() == Some(code) {
            Ok(stdout)
        } else {
            Err(format!(
                "`intune-actions {}` exited {:?}, not {code}\nstdout: {stdout}\nstderr: {}",
                args.join(" "),
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }

    fn add_profile(&self, sim: &SimHandle, client_id: &str, method: &str) -> Outcome {
        self.expect(
            0,
            &[
                "profiles",
                "add",
                "Sim",
                "--tenant",
                &sim.tenant.tenant_id,
                "--client-id",
                client_id,
                "--cloud",
                "custom",
                "--login-url",
                &sim.base_url,
                "--graph-url",
                &sim.base_url,
                "--method",
                method,
            ],
            "",
            &[],
        )
        .map(drop)
    }

    /// No secret in anything printed or in any file under the CLI's folders (and the keychain's
    /// home holds it only inside the keyring file, encrypted).
    fn assert_no_leak(&self, secrets: &[String]) -> Outcome {
        let printed = String::from_utf8_lossy(&self.printed.borrow()).to_string();
        for secret in secrets.iter().filter(|s| s.len() >= 8) {
            if printed.contains(secret.as_str()) {
                return Err(format!("a secret was printed: {}…", &secret[..8]));
            }
            for file in files(self.dirs.path()) {
                let text =
                    String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).to_string();
                if text.contains(secret.as_str()) {
                    return Err(format!("a secret is in {}", file.display()));
                }
            }
        }
        Ok(())
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn check(condition: bool, what: impl FnOnce() -> String) -> Outcome {
    if condition { Ok(()) } else { Err(what()) }
}

fn json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON ({e}): {text}"))
}

fn sim(config: SimConfig) -> SimHandle {
    tenant_sim::start(SimConfig {
        devices: 6,
        ..config
    })
    .expect("sim")
}

fn device_code(keychain: &TestKeychain) -> Outcome {
    let sim = sim(SimConfig {
        device_code: DeviceCodeConfig {
            interval_secs: 0,
            expires_in_secs: 900,
            auto_approve_after_polls: Some(1),
        },
        // Shorter than the refresh margin: whoami refreshes, and the rotated token is stored.
        access_token_lifetime: std::time::Duration::from_secs(60),
        ..SimConfig::default()
    });
    let cli = Cli::new(keychain);
    cli.add_profile(&sim, &sim.tenant.client_id, "device-code")?;
    cli.expect(0, &["login"], "", &[])?;
    let printed = String::from_utf8_lossy(&cli.printed.borrow()).to_string();
    check(printed.contains("enter the code"), || {
        format!("no code shown: {printed}")
    })?;
    let who = json(&cli.expect(0, &["whoami", "--json"], "", &[])?)?;
    check(
        who["username"] == sim.tenant.admin_upn.as_str() && who["keychain"] == true,
        || format!("whoami: {who}"),
    )?;
    cli.expect(0, &["devices", "sync"], "", &[])?;
    // Two commands at once both refresh the sign-in (Entra takes each refresh token once): they
    // take turns, and both keep working, again and again.
    for round in 0..3 {
        let children = [cli.spawn(&["whoami"], &[]), cli.spawn(&["whoami"], &[])];
        for child in children {
            let output = child.wait_with_output().map_err(|e| e.to_string())?;
            check(output.status.success(), || {
                format!(
                    "round {round}: a concurrent whoami failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })?;
        }
    }
    // A later command resumes from the keychain without a token yet: its audit entries still
    // name the signed-in account.
    let iphone = sim
        .devices()
        .into_iter()
        .find(|d| d.platform == tenant_sim::fleet::Platform::Ios)
        .ok_or("the fleet has no iPhone")?;
    cli.expect(0, &["lock", &iphone.id, "--yes"], "", &[])?;
    names_the_actor(&cli, &sim.tenant.admin_upn)?;
    cli.expect(0, &["logout"], "", &[])?;
    cli.expect(5, &["whoami"], "", &[])?;
    cli.assert_no_leak(&sim.issued_tokens())
}

/// Every audit entry of the profile names `account`.
fn names_the_actor(cli: &Cli, account: &str) -> Outcome {
    let entries = json(&cli.expect(0, &["audit", "--json"], "", &[])?)?;
    let entries = entries.as_array().ok_or("the audit is not a list")?;
    check(!entries.is_empty(), || "no audit entries".into())?;
    for entry in entries {
        check(entry["account"] == account, || {
            format!(
                "an entry names {:?}, not {account:?}: {entry}",
                entry["account"]
            )
        })?;
    }
    Ok(())
}

fn client_secret(keychain: &TestKeychain) -> Outcome {
    let sim = sim(SimConfig::default());
    let cli = Cli::new(keychain);
    cli.add_profile(&sim, &sim.tenant.app_client_id, "browser")?;
    // The flag switches the profile to app-only; the secret comes on stdin, as a script pipes it.
    let out = cli.expect(
        0,
        &["login", "--client-secret"],
        &format!("{}\n", sim.tenant.client_secret),
        &[],
    )?;
    check(
        out.contains("Intune Actions kiosk") && out.contains("with a client secret"),
        || format!("login said: {out}"),
    )?;
    let listed = cli.expect(0, &["profiles", "list", "--json"], "", &[])?;
    check(listed.contains("clientSecret"), || {
        format!("method not saved: {listed}")
    })?;
    // A later command resumes from the keychain alone.
    cli.expect(0, &["devices", "sync"], "", &[])?;
    // The profiles file is edited to send Graph calls elsewhere: the kept secret goes nowhere.
    let file = cli.dirs.path().join("config").join("profiles.json");
    let original = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    let elsewhere = original.replacen(&sim.base_url, "http://127.0.0.1:9", 1);
    check(elsewhere != original, || {
        "the profile names no sim URL".into()
    })?;
    std::fs::write(&file, &elsewhere).map_err(|e| e.to_string())?;
    let moved = cli.run(&["devices", "sync"], "", &[]);
    let stderr = String::from_utf8_lossy(&moved.stderr).to_string();
    check(
        moved.status.code() == Some(5) && stderr.contains("saved sign-in was made for"),
        || format!("exit {:?}: {stderr}", moved.status.code()),
    )?;
    std::fs::write(&file, &original).map_err(|e| e.to_string())?;
    cli.expect(0, &["devices", "sync"], "", &[])?;
    let who = json(&cli.expect(0, &["whoami", "--json"], "", &[])?)?;
    check(
        who["method"] == "clientSecret" && who["keychain"] == true,
        || format!("whoami: {who}"),
    )?;
    check(
        who["granted"].as_array().is_some_and(|g| {
            g.iter()
                .any(|p| p == "DeviceManagementManagedDevices.PrivilegedOperations.All")
        }),
        || format!("granted roles missing: {who}"),
    )?;
    cli.expect(0, &["logout"], "", &[])?;
    cli.expect(5, &["whoami"], "", &[])?;
    let mut secrets = sim.issued_tokens();
    secrets.push(sim.tenant.client_secret.clone());
    cli.assert_no_leak(&secrets)
}

fn wrong_client_secret(keychain: &TestKeychain) -> Outcome {
    let sim = sim(SimConfig::default());
    let cli = Cli::new(keychain);
    cli.add_profile(&sim, &sim.tenant.app_client_id, "client-secret")?;
    let output = cli.run(
        &["login"],
        "",
        &[("INTUNE_ACTIONS_CLIENT_SECRET", "not-the-secret-value")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(
        output.status.code() == Some(5) && stderr.contains("AADSTS7000215"),
        || format!("exit {:?}: {stderr}", output.status.code()),
    )?;
    let empty = cli.run(&["login"], "\n", &[]);
    let stderr = String::from_utf8_lossy(&empty.stderr);
    check(
        empty.status.code() == Some(3) && stderr.contains("INTUNE_ACTIONS_CLIENT_SECRET"),
        || format!("empty secret: exit {:?}: {stderr}", empty.status.code()),
    )?;
    // Nothing was kept: the profile is not signed in.
    cli.expect(5, &["whoami"], "", &[])?;
    cli.assert_no_leak(&["not-the-secret-value".to_string()])
}

fn certificate(keychain: &TestKeychain) -> Outcome {
    let issued =
        tenant_sim::certificate::issue("Kiosk", "pfx-pass-2026").map_err(|e| e.to_string())?;
    let sim = sim(SimConfig {
        app_certificates: vec![issued.certificate_der.clone()],
        ..SimConfig::default()
    });
    let cli = Cli::new(keychain);
    let pfx = cli.dirs.path().join("kiosk.pfx");
    std::fs::write(&pfx, &issued.pkcs12).map_err(|e| e.to_string())?;
    cli.add_profile(&sim, &sim.tenant.app_client_id, "browser")?;
    let wrong = cli.run(
        &["login", "--certificate", &pfx.display().to_string()],
        "",
        &[("INTUNE_ACTIONS_CERTIFICATE_PASSWORD", "wrong-password")],
    );
    check(wrong.status.code() == Some(3), || {
        format!(
            "a wrong password: exit {:?}: {}",
            wrong.status.code(),
            String::from_utf8_lossy(&wrong.stderr)
        )
    })?;
    let out = cli.expect(
        0,
        &["login", "--certificate", &pfx.display().to_string()],
        "",
        &[("INTUNE_ACTIONS_CERTIFICATE_PASSWORD", "pfx-pass-2026")],
    )?;
    check(out.contains("with a certificate"), || {
        format!("login said: {out}")
    })?;
    // Resumed with the password from the keychain (not from the environment).
    cli.expect(0, &["devices", "sync"], "", &[])?;
    cli.expect(0, &["logout"], "", &[])?;
    cli.expect(5, &["devices", "sync"], "", &[])?;
    let mut secrets = sim.issued_tokens();
    secrets.push("pfx-pass-2026".into());
    cli.assert_no_leak(&secrets)
}

fn azure_cli(keychain: &TestKeychain) -> Outcome {
    let sim = sim(SimConfig::default());
    let mut cli = Cli::new(keychain);
    cli.add_profile(&sim, &sim.tenant.app_client_id, "azure-cli")?;
    // A stand-in `az` first on the PATH, printing a token the tenant issued, as `az` would.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let token = reqwest::blocking::Client::new()
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            sim.base_url, sim.tenant.tenant_id
        ))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", sim.tenant.app_client_id.as_str()),
            ("client_secret", sim.tenant.client_secret.as_str()),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .and_then(|r| r.json::<serde_json::Value>())
        .map_err(|e| e.to_string())?["access_token"]
        .as_str()
        .ok_or("no token")?
        .to_string();
    let bin = cli.dirs.path().join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let az = bin.join("az");
    let answer = serde_json::json!({
        "accessToken": token, "expiresOn": "2099-01-01 00:00:00.000000",
        "expires_on": chrono_like_in_an_hour(), "tenant": sim.tenant.tenant_id, "tokenType": "Bearer"
    });
    write_script(&az, &format!("#!/bin/sh\ncat <<'JSON'\n{answer}\nJSON\n"))?;
    cli.path = Some(format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    ));
    let out = cli.expect(0, &["login"], "", &[])?;
    check(out.contains("with the Azure CLI"), || {
        format!("login said: {out}")
    })?;
    cli.expect(0, &["devices", "sync"], "", &[])?;

    write_script(
        &az,
        "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n",
    )?;
    let output = cli.run(&["whoami"], "", &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    check(
        output.status.code() == Some(5) && stderr.contains("run az login"),
        || format!("exit {:?}: {stderr}", output.status.code()),
    )?;
    std::fs::remove_file(&az).map_err(|e| e.to_string())?;
    Ok(())
}

fn chrono_like_in_an_hour() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() + 3600)
        .unwrap_or_default()
}

fn write_script(path: &Path, text: &str) -> Outcome {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).map_err(|e| e.to_string())?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())
}

/// The process is killed (SIGKILL) after its lock reached the tenant and before the answer came
/// back: the next start lists the request as interrupted, nothing sends it again, and looking at
/// the device with `status` settles it.
fn killed_before_the_answer(keychain: &TestKeychain) -> Outcome {
    let sim = sim(SimConfig {
        faults: tenant_sim::Faults {
            answer_delay_ms: 30_000,
            ..Default::default()
        },
        ..SimConfig::default()
    });
    let cli = Cli::new(keychain);
    cli.add_profile(&sim, &sim.tenant.app_client_id, "client-secret")?;
    cli.expect(
        0,
        &["login"],
        &format!("{}\n", sim.tenant.client_secret),
        &[],
    )?;
    let iphone = sim
        .devices()
        .into_iter()
        .find(|d| d.platform == tenant_sim::fleet::Platform::Ios)
        .ok_or("the fleet has no iPhone")?;
    let mut child = cli.spawn(&["lock", &iphone.id, "--yes"], &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !sim.received().iter().any(|r| r.device_id == iphone.id) {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err("the lock never reached the tenant".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().map_err(|e| format!("kill: {e}"))?;
    let _ = child.wait();

    let next = cli.run(&["check", "lock", &iphone.id], "", &[]);
    let stderr = String::from_utf8_lossy(&next.stderr).to_string();
    check(
        stderr.contains("interrupted: remoteLock to") && stderr.contains(&iphone.id),
        || format!("the next start did not list it: {stderr}"),
    )?;
    let status = cli.run(&["status", &iphone.id], "", &[]);
    let stderr = String::from_utf8_lossy(&status.stderr).to_string();
    check(stderr.contains("no longer listed"), || {
        format!("status did not settle it: {stderr}")
    })?;
    let after = cli.run(&["check", "lock", &iphone.id], "", &[]);
    let stderr = String::from_utf8_lossy(&after.stderr).to_string();
    check(!stderr.contains("interrupted:"), || {
        format!("still listed after status: {stderr}")
    })?;
    let sent = sim
        .received()
        .iter()
        .filter(|r| r.device_id == iphone.id)
        .count();
    check(sent == 1, || format!("{sent} requests reached the tenant"))?;
    let who = json(&cli.expect(0, &["whoami", "--json"], "", &[])?)?;
    let app = who["username"].as_str().ok_or("whoami names no account")?;
    check(!app.is_empty(), || format!("whoami: {who}"))?;
    names_the_actor(&cli, app)?;
    cli.expect(0, &["logout"], "", &[])?;
    Ok(())
}

/// A lock of 40 devices listed in a file is killed (SIGKILL) midway; the next command points to
/// the interrupted run, `runs list` shows it, and `runs resume` goes on with it while the tenant
/// drops connections and answers 5xx: every device of the run ends with an outcome, and none is
/// locked twice.
fn a_killed_run_is_resumed(keychain: &TestKeychain) -> Outcome {
    let sim = tenant_sim::start(SimConfig {
        devices: 120,
        // Intune's limit, scaled down so the run takes a few seconds.
        write_limit: tenant_sim::RateLimit {
            count: 6,
            window: std::time::Duration::from_secs(1),
        },
        ..SimConfig::default()
    })
    .expect("sim");
    let cli = Cli::new(keychain);
    cli.add_profile(&sim, &sim.tenant.app_client_id, "client-secret")?;
    cli.expect(
        0,
        &["login"],
        &format!("{}\n", sim.tenant.client_secret),
        &[],
    )?;
    let phones: Vec<tenant_sim::Device> = sim
        .devices()
        .into_iter()
        .filter(|d| {
            matches!(
                d.platform,
                tenant_sim::fleet::Platform::Ios | tenant_sim::fleet::Platform::Android
            )
        })
        .take(40)
        .collect();
    check(phones.len() == 40, || format!("{} phones", phones.len()))?;
    let list = cli.dirs.path().join("lost-shipment.csv");
    let mut text = String::from("Serial number,Note\n");
    for phone in &phones {
        text.push_str(&format!("{},lost\n", phone.serial_number));
    }
    std::fs::write(&list, text).map_err(|e| e.to_string())?;
    let list = list.display().to_string();

    let applied = |id: &str| sim.times_applied(id, "remoteLock");
    let mut child = cli.spawn(&["lock", "--from-file", &list, "--yes"], &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while phones.iter().map(|p| applied(&p.id)).sum::<usize>() < 12 {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err("the run never got going".into());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().map_err(|e| format!("kill: {e}"))?;
    let _ = child.wait();
    let sent_before: usize = phones.iter().map(|p| applied(&p.id)).sum();
    check(sent_before < 40, || {
        "the run finished before it was killed".into()
    })?;

    let check_run = cli.run(&["check", "lock", &phones[0].id], "", &[]);
    let stderr = String::from_utf8_lossy(&check_run.stderr).to_string();
    check(
        stderr.contains("interrupted run: remoteLock to 40 device(s)")
            && stderr.contains("runs resume"),
        || format!("the next command did not point to the run: {stderr}"),
    )?;
    let runs = json(&cli.expect(0, &["--json", "runs", "list"], "", &[])?)?;
    let run = runs
        .as_array()
        .and_then(|r| r.first())
        .ok_or_else(|| format!("no run listed: {runs}"))?;
    check(run["status"] == "interrupted", || format!("{run}"))?;
    let id = run["id"].as_str().ok_or("no run id")?.to_string();

    sim.set_faults(tenant_sim::Faults {
        drop_after_rate: 0.15,
        drop_before_rate: 0.1,
        error_rate: 0.05,
        ..Default::default()
    });
    let resumed = cli.run(&["--json", "runs", "resume", &id, "--yes"], "", &[]);
    let stdout = String::from_utf8_lossy(&resumed.stdout).to_string();
    check(matches!(resumed.status.code(), Some(0 | 11 | 12)), || {
        format!(
            "resume exited {:?}: {stdout}\n{}",
            resumed.status.code(),
            String::from_utf8_lossy(&resumed.stderr)
        )
    })?;
    let report = json(&stdout)?;
    let outcomes = report["report"]["outcomes"]
        .as_array()
        .ok_or_else(|| format!("no outcomes: {report}"))?;
    check(outcomes.len() == 40, || {
        format!("{} outcomes", outcomes.len())
    })?;
    for phone in &phones {
        let times = applied(&phone.id);
        check(times <= 1, || {
            format!("{} was locked {times} times", phone.serial_number)
        })?;
    }
    for outcome in outcomes {
        check(outcome["state"] != "cancelled", || format!("{outcome}"))?;
    }
    let shown = json(&cli.expect(0, &["--json", "runs", "show", &id], "", &[])?)?;
    check(shown["run"]["status"] == "finished", || format!("{shown}"))?;
    check(shown["run"]["left"] == 0, || format!("{shown}"))?;
    // Nothing is left, so a second resume sends nothing.
    let before: usize = phones.iter().map(|p| applied(&p.id)).sum();
    cli.expect(0, &["runs", "resume", &id, "--yes"], "", &[])?;
    let after: usize = phones.iter().map(|p| applied(&p.id)).sum();
    check(before == after, || format!("{before} then {after}"))?;
    Ok(())
}
