//! `intune-actions check | lock | rotate-filevault-key | recover-passcode | reset-passcode |
//! status | reveal | audit | pin-used`
//!
//! Exit codes beyond the common ones: 10 every device was blocked by the eligibility check (nothing
//! sent); 11 nothing succeeded (Intune refused, the outcome stayed unknown, or with `--wait` the
//! device reported failure); 12 some devices succeeded and some did not.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use clap::{Args, ValueEnum};
use futures::future::join_all;
use intune_core::actions::{
    ActionKind, ActionService, DeviceReview, FollowUpdate, Readiness, RunControl, RunEvent,
    RunReport, SecretKind, SendRequest, SendState, Severity, Verdict,
};
use intune_core::audit::{self, AuditEvent, AuditFilter};
use intune_core::connection::Connection;
use intune_core::devices::resolve::resolve;
use intune_core::profile::default_data_dir;
use intune_core::{Error, ErrorReport};
use serde_json::json;

use crate::context::{self, Options};
use crate::devices::{print_details, print_json};

pub const EXIT_BLOCKED: u8 = 10;
pub const EXIT_FAILED: u8 = 11;
pub const EXIT_PARTLY_FAILED: u8 = 12;

pub type Exit = Result<u8, ErrorReport>;

#[derive(Args)]
pub struct SendArgs {
    /// Device IDs, serial numbers or exact device names.
    #[arg(required_unless_present = "from_file", value_name = "DEVICE")]
    devices: Vec<String>,
    /// Devices listed in a file: serial numbers, names or IDs one per line, or rows saved from
    /// Excel or a CSV file. What matched, what named a device twice and what matched nothing are
    /// shown before anything is sent.
    #[arg(long, value_name = "PATH")]
    from_file: Option<std::path::PathBuf>,
    /// The business justification, kept in the audit (required to recover a passcode).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Send without asking on the terminal.
    #[arg(long)]
    yes: bool,
    /// Follow each device until it reports the outcome (or --timeout passes).
    #[arg(long)]
    wait: bool,
    /// How long --wait follows, in seconds.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    timeout: u64,
    /// Lock a Mac although its last unlock PIN is unused (the first PIN is lost from Intune).
    #[arg(long)]
    override_unused_pin: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// lock, rotate-filevault-key, recover-passcode or reset-passcode.
    #[arg(value_parser = parse_action)]
    action: ActionKind,
    #[arg(required_unless_present = "from_file", value_name = "DEVICE")]
    devices: Vec<String>,
    /// Devices listed in a file, as for the actions.
    #[arg(long, value_name = "PATH")]
    from_file: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RevealWhat {
    /// A Mac's remote-lock unlock PIN.
    Pin,
    /// An Android device's new passcode, or a recovered iPhone/iPad passcode.
    Passcode,
    /// A Mac's FileVault personal recovery key.
    FilevaultKey,
}

#[derive(Args)]
pub struct RevealArgs {
    what: RevealWhat,
    #[arg(value_name = "DEVICE")]
    device: String,
    /// The business justification, kept in the audit (required).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

#[derive(Args)]
pub struct AuditArgs {
    /// Print CSV, for a spreadsheet.
    #[arg(long, conflicts_with = "verify")]
    csv: bool,
    /// Check that no entry was changed, removed or reordered.
    #[arg(long)]
    verify: bool,
    /// Only entries whose device, account, action or justification contains this.
    #[arg(long, value_name = "TEXT", default_value = "")]
    search: String,
    /// Only this kind of entry: sending, send, outcome, reveal, override, blocked, pin, repair.
    #[arg(long, value_parser = parse_event)]
    event: Option<AuditEvent>,
}

fn parse_action(text: &str) -> Result<ActionKind, String> {
    ActionKind::parse(text).ok_or_else(|| {
        format!("{text:?} is not an action; use lock, rotate-filevault-key, recover-passcode or reset-passcode")
    })
}

fn parse_event(text: &str) -> Result<AuditEvent, String> {
    serde_json::from_value(json!(text.trim().to_ascii_lowercase())).map_err(|_| {
        format!(
            "{text:?} is not an entry kind; use sending, send, outcome, reveal, override, blocked, pin or repair"
        )
    })
}

pub(crate) struct Tenant {
    pub(crate) connection: Connection,
    pub(crate) service: ActionService,
}

pub(crate) async fn open(options: &Options) -> Result<Tenant, ErrorReport> {
    open_with(options, true).await
}

/// `runs_too`: also point to interrupted runs (not for the `runs` commands, which show them).
pub(crate) async fn open_with(options: &Options, runs_too: bool) -> Result<Tenant, ErrorReport> {
    let connection = context::connect(options).await?;
    let service = connection.actions(&default_data_dir()?)?;
    warn_of_interrupted(&service, runs_too);
    Ok(Tenant {
        connection,
        service,
    })
}

/// Requests cut off before their answer was recorded (a crash, a killed process), on stderr at
/// every start until `status DEVICE` has been looked at for each.
fn warn_of_interrupted(service: &intune_core::actions::ActionService, runs_too: bool) {
    let open = match service.interrupted() {
        Ok(open) => open,
        Err(error) => {
            eprintln!(
                "warning: the audit could not be read for interrupted requests: {}",
                error.report().message
            );
            return;
        }
    };
    // A run that stopped midway: how to go on with it.
    let runs = if runs_too {
        service.runs().list().unwrap_or_default()
    } else {
        Vec::new()
    };
    for run in runs {
        let run = run.summary();
        if run.status == intune_core::actions::RunStatus::Interrupted && run.resumable() {
            eprintln!(
                "interrupted run: {} to {} device(s), started {}, stopped with {} left to send. Go on with it (nothing already sent is sent again): intune-actions runs resume {}",
                run.action.segment(),
                run.devices,
                run.started.format("%Y-%m-%d %H:%M UTC"),
                run.left + run.in_flight,
                run.id
            );
        }
    }
    for entry in open {
        let r = &entry.record;
        eprintln!(
            "interrupted: {} to {} ({}) at {}: the answer was never recorded, so whether it reached Intune is unknown. Check whether it arrived: intune-actions status {}",
            r.subject,
            r.device_name,
            r.device_id,
            entry.time.format("%Y-%m-%d %H:%M UTC"),
            r.device_id
        );
    }
}

/// The devices a file lists, matched against the device list (fetched first if there is no
/// local copy yet), with what matched, repeated, was ambiguous or matched nothing on stderr (or
/// in the JSON).
async fn devices_from_file(
    tenant: &Tenant,
    path: &std::path::Path,
    json_out: bool,
) -> Result<(Vec<String>, serde_json::Value), ErrorReport> {
    let text = std::fs::read(path).map_err(|source| Error::Storage {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(text).map_err(|_| Error::InvalidInput {
        what: "the device list file",
        why: format!(
            "{} is not UTF-8 text; save it from Excel as \"CSV UTF-8\" or as plain text",
            path.display()
        ),
    })?;
    let inventory = context::inventory(&tenant.connection)?;
    let index = match inventory.index() {
        Some(index) => index,
        None => {
            if !json_out {
                eprintln!("Reading the device list first, to match the file against it...");
            }
            inventory
                .refresh(
                    tenant.connection.graph(),
                    intune_core::devices::RefreshMode::Full,
                    |_| {},
                )
                .await?;
            inventory.index().ok_or_else(|| {
                Error::Internal("the device list was read but is not searchable".into()).report()
            })?
        }
    };
    let found = intune_core::devices::device_list::match_list(&text, index.devices())?;
    if !json_out {
        report_list(path, &found);
    }
    if found.matched.is_empty() {
        return Err(Error::InvalidInput {
            what: "the device list file",
            why: format!(
                "no line of {} matches a device; list serial numbers, exact names or device IDs, one per line",
                path.display()
            ),
        }
        .report());
    }
    let summary = json!({
        "file": path.display().to_string(),
        "matched": found.matched.iter().map(|m| json!({"line": m.line, "text": m.text, "deviceId": m.device.id})).collect::<Vec<_>>(),
        "repeated": found.repeated,
        "ambiguous": found.ambiguous.iter().map(|a| json!({"line": a.line, "text": a.text, "deviceIds": a.devices.iter().map(|d| d.id.clone()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        "unmatched": found.unmatched,
        "header": found.header,
    });
    Ok((found.device_ids(), summary))
}

/// What a file matched, for the person at the terminal, before anything else happens.
fn report_list(path: &std::path::Path, found: &intune_core::devices::device_list::ListMatch) {
    eprintln!(
        "{}: {} {} matched.",
        path.display(),
        found.matched.len(),
        if found.matched.len() == 1 {
            "device"
        } else {
            "devices"
        }
    );
    if let Some(header) = &found.header {
        eprintln!("  line 1 {header:?}: column titles, left out");
    }
    for r in &found.repeated {
        eprintln!(
            "  line {} {:?}: the same device as line {} (sent to once)",
            r.line, r.text, r.first_line
        );
    }
    for a in &found.ambiguous {
        eprintln!(
            "  line {} {:?}: matches {} devices ({}); left out: give its serial number or ID",
            a.line,
            a.text,
            a.devices.len(),
            a.devices
                .iter()
                .map(|d| d.serial_number.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for u in &found.unmatched {
        eprintln!(
            "  line {} {:?}: matches no device; left out",
            u.line, u.text
        );
    }
}

/// The devices named on the command line and in `--from-file`, each once.
async fn chosen_devices(
    tenant: &Tenant,
    names: &[String],
    from_file: Option<&std::path::Path>,
    json_out: bool,
) -> Result<(Vec<String>, Option<serde_json::Value>), ErrorReport> {
    let mut ids = if names.is_empty() {
        Vec::new()
    } else {
        resolve_all(tenant, names).await?
    };
    let mut summary = None;
    if let Some(path) = from_file {
        let (listed, found) = devices_from_file(tenant, path, json_out).await?;
        for id in listed {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        summary = Some(found);
    }
    Ok((ids, summary))
}

/// The managed device IDs the arguments name (ID, serial or exact name each).
async fn resolve_all(tenant: &Tenant, names: &[String]) -> Result<Vec<String>, ErrorReport> {
    let inventory = context::inventory(&tenant.connection)?;
    let mut ids = Vec::new();
    for name in names {
        let device = resolve(
            tenant.connection.graph(),
            Some(&inventory),
            name,
            tenant.connection.admin_center(),
        )
        .await?;
        if !ids.contains(&device.id) {
            ids.push(device.id);
        }
    }
    Ok(ids)
}

pub async fn check(options: &Options, args: CheckArgs) -> Exit {
    let tenant = open(options).await?;
    let (ids, from_file) = chosen_devices(
        &tenant,
        &args.devices,
        args.from_file.as_deref(),
        options.json,
    )
    .await?;
    let mut rows = Vec::new();
    for id in &ids {
        let review = tenant.service.review(id).await?;
        let verdict = verdict_of(&review, args.action);
        rows.push((review, verdict));
    }
    if options.json {
        let out: Vec<_> = rows
            .iter()
            .map(|(r, v)| json!({ "device": r.details.device, "verdict": v }))
            .collect();
        match from_file {
            // With a file, the answer also says what each of its lines matched.
            Some(list) => print_json(&json!({ "devices": out, "fromFile": list })),
            None => print_json(&out),
        }
    } else {
        for (review, verdict) in &rows {
            print_verdict(review, verdict);
        }
    }
    Ok(
        if rows.iter().any(|(_, v)| v.readiness == Readiness::Blocked) {
            EXIT_BLOCKED
        } else {
            0
        },
    )
}

pub async fn send(options: &Options, action: ActionKind, args: SendArgs) -> Exit {
    let tenant = open(options).await?;
    let (ids, _) = chosen_devices(
        &tenant,
        &args.devices,
        args.from_file.as_deref(),
        options.json,
    )
    .await?;
    let mut reviews = Vec::new();
    for id in &ids {
        reviews.push(tenant.service.review(id).await?);
    }
    let sendable = |v: &Verdict| {
        v.readiness != Readiness::Blocked || (v.overridable && args.override_unused_pin)
    };
    if !options.json {
        for review in &reviews {
            print_verdict(review, &verdict_of(review, action));
        }
    }
    if !reviews.iter().any(|r| sendable(&verdict_of(r, action))) {
        for review in &reviews {
            tenant
                .service
                .record_blocked(review, action, args.reason.as_deref())?;
        }
        if options.json {
            print_json(
                &json!({ "action": action, "sent": false, "devices": reviews.iter().map(|r| json!({"device": r.details.device, "verdict": verdict_of(r, action)})).collect::<Vec<_>>() }),
            );
        } else {
            eprintln!("Nothing was sent: every device is blocked (see above).");
        }
        return Ok(EXIT_BLOCKED);
    }
    if !args.yes {
        confirm(action, &reviews, args.override_unused_pin)?;
    }
    let request = SendRequest {
        action,
        devices: ids,
        justification: args.reason.clone(),
        override_unused_pin: args.override_unused_pin,
    };
    let report = tenant
        .service
        .send(&request, &RunControl::default(), print_event(options.json))
        .await?;
    finish_run(
        &tenant,
        &report,
        options.json,
        args.wait.then_some(args.timeout),
    )
    .await
}

/// What a run prints as it goes: each device's outcome on stdout, throttling waits on stderr
/// (nothing in JSON mode: the report says it all at the end).
pub(crate) fn print_event(json_out: bool) -> impl Fn(RunEvent) + Send + Sync + 'static {
    move |event| {
        if json_out {
            return;
        }
        match event {
            RunEvent::Outcome(outcome) => {
                println!("{}: {}", outcome.device_name, outcome.message);
                if let Some(id) = &outcome.request_id {
                    println!("  request ID {id}");
                }
            }
            RunEvent::Waiting(wait) => eprintln!(
                "Intune asked to slow down: waiting {} s before trying again.",
                wait.as_secs().max(1)
            ),
        }
    }
}

/// After a run: follows what was queued (`follow_for` seconds, with --wait), prints the report
/// in JSON mode, and chooses the exit code.
pub(crate) async fn finish_run(
    tenant: &Tenant,
    report: &RunReport,
    json_out: bool,
    follow_for: Option<u64>,
) -> Exit {
    let action = report.action;
    let mut followed: Vec<FollowUpdate> = Vec::new();
    if let Some(timeout) = follow_for {
        let stop_after = Duration::from_secs(timeout);
        let follows = report
            .outcomes
            .iter()
            .filter(|o| o.state == SendState::Queued)
            .map(|o| {
                let name = o.device_name.clone();
                tenant.service.follow(
                    &o.device_id,
                    action,
                    o.baseline.as_ref(),
                    stop_after,
                    move |u| {
                        if !json_out {
                            eprintln!("{name}: {}", u.message);
                        }
                    },
                )
            });
        for result in join_all(follows).await {
            followed.push(result?);
        }
        if !json_out {
            for update in &followed {
                if !update.finished {
                    println!(
                        "Stopped following after {timeout} s; see later with `intune-actions status {}`.",
                        update.device_id
                    );
                } else if update.pin_kept && tenant.connection.is_demo() {
                    println!(
                        "The demo tenant ends with this command, and its PIN with it; in the desktop app, reveal it from the device panel."
                    );
                } else if update.pin_kept {
                    println!(
                        "The unlock PIN is in your keychain: `intune-actions reveal pin {} --reason TEXT`.",
                        update.device_id
                    );
                }
            }
        }
    }
    if json_out {
        print_json(
            &json!({ "action": action, "sent": true, "report": report, "followed": followed }),
        );
    }
    if !json_out && report.outcomes.len() > 1 {
        eprintln!(
            "Run {}: {} queued, {} blocked, {} failed, {} unknown{}. See it again with `intune-actions runs show {}`.",
            report.run_id,
            report.queued,
            report.blocked,
            report.failed,
            report.unknown,
            if report.cancelled > 0 {
                format!(", {} cancelled", report.cancelled)
            } else {
                String::new()
            },
            report.run_id
        );
    }
    let succeeded = |id: &str| {
        let queued = report
            .outcomes
            .iter()
            .any(|o| o.device_id == id && o.state == SendState::Queued);
        let reported_failure = followed.iter().any(|u| {
            u.device_id == id
                && u.result
                    .as_ref()
                    .is_some_and(|r| r.action_state != "done" && u.finished)
        });
        queued && !reported_failure
    };
    let ok = report
        .outcomes
        .iter()
        .filter(|o| succeeded(&o.device_id))
        .count();
    Ok(if ok == report.outcomes.len() {
        0
    } else if ok == 0 && report.blocked as usize == report.outcomes.len() {
        EXIT_BLOCKED
    } else if ok == 0 {
        EXIT_FAILED
    } else {
        EXIT_PARTLY_FAILED
    })
}

/// Asks on the terminal; without one, refuses (scripts pass --yes).
fn confirm(
    action: ActionKind,
    reviews: &[DeviceReview],
    overriding: bool,
) -> Result<(), ErrorReport> {
    let names: Vec<&str> = reviews
        .iter()
        .map(|r| r.details.device.device_name.as_str())
        .collect();
    let label = reviews
        .first()
        .map(|r| action.label(r.details.device.platform))
        .unwrap_or("Send");
    let word = if overriding { "override" } else { "yes" };
    if overriding && std::io::stdin().is_terminal() {
        eprintln!(
            "WARNING: the Mac's first unlock PIN is still unused. A second lock fails, and the first PIN disappears from Intune."
        );
    }
    ask_on_terminal(
        &format!(
            "{label} {} device(s): {}? Type {word:?} to send: ",
            names.len(),
            names.join(", ")
        ),
        word,
    )
}

/// Asks `question` and expects `word`; without a terminal, refuses (scripts pass --yes).
pub(crate) fn ask_on_terminal(question: &str, word: &str) -> Result<(), ErrorReport> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::InvalidInput {
            what: "the confirmation",
            why: "there is no terminal to ask on; pass --yes to send without asking".into(),
        }
        .report());
    }
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::Internal(format!("cannot read the answer: {e}")).report())?;
    if answer.trim().eq_ignore_ascii_case(word) {
        Ok(())
    } else {
        Err(Error::InvalidInput {
            what: "the confirmation",
            why: "it was not given; nothing was sent".into(),
        }
        .report())
    }
}

pub async fn status(options: &Options, device: String) -> Exit {
    let tenant = open(options).await?;
    let id = resolve_all(&tenant, &[device]).await?.remove(0);
    let review = tenant.service.review(&id).await?;
    settle_interrupted_by_status(&tenant, &review);
    if options.json {
        print_json(&review);
        return Ok(0);
    }
    print_details(&review.details);
    for warning in &review.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(pin) = &review.kept_pin {
        println!(
            "Unlock PIN     kept in your keychain (lock of {}){}",
            pin.locked_at.format("%Y-%m-%d %H:%M UTC"),
            if pin.used_at.is_some() {
                ", marked used"
            } else {
                ""
            }
        );
    }
    println!();
    for verdict in &review.verdicts {
        println!("{:<30} {}", verdict.label, readiness(verdict.readiness));
    }
    if let Some(guidance) = &review.guidance {
        println!();
        println!("Passcode: {}", guidance.headline);
        println!("  why: {}", cited(&guidance.headline_sources));
    }
    Ok(0)
}

/// Looking at a device's live action results is how an interrupted request is checked: each one
/// for this device is settled with what the results show.
fn settle_interrupted_by_status(tenant: &Tenant, review: &DeviceReview) {
    let device = &review.details.device;
    let Ok(open) = tenant.service.interrupted() else {
        return;
    };
    for entry in open.iter().filter(|e| e.record.device_id == device.id) {
        let shown = review
            .details
            .action_results
            .iter()
            .filter(|r| r.action_name.eq_ignore_ascii_case(&entry.record.subject))
            .max_by_key(|r| r.started);
        let found = match shown {
            Some(r)
                if r.started
                    .is_some_and(|s| s >= entry.time - chrono::Duration::seconds(5)) =>
            {
                format!("it arrived: Intune shows it {}", r.action_state)
            }
            _ => "Intune shows no result of it (it may still show up late)".to_string(),
        };
        let detail = format!("checked with status: {found}");
        if let Some(id) = &entry.record.client_request_id
            && tenant.service.settle_interrupted(id, &detail).is_ok()
        {
            eprintln!(
                "interrupted {} of {}: {found}. It is no longer listed.",
                entry.record.subject,
                entry.time.format("%Y-%m-%d %H:%M UTC")
            );
        }
    }
}

pub async fn reveal(options: &Options, args: RevealArgs) -> Exit {
    let tenant = open(options).await?;
    let id = resolve_all(&tenant, &[args.device]).await?.remove(0);
    let kind = match args.what {
        RevealWhat::Pin => SecretKind::UnlockPin,
        RevealWhat::Passcode => SecretKind::Passcode,
        RevealWhat::FilevaultKey => SecretKind::FileVaultKey,
    };
    let revealed = tenant
        .service
        .reveal(kind, &id, args.reason.as_deref())
        .await?;
    if options.json {
        // The value is printed because the admin asked for it by name: this command IS the reveal.
        print_json(&json!({
            "kind": revealed.kind,
            "deviceId": revealed.device_id,
            "deviceName": revealed.device_name,
            "value": revealed.value.expose(),
            "source": revealed.source,
            "producedAt": revealed.produced_at,
            "advice": revealed.advice,
        }));
    } else {
        eprintln!("{} of {}:", capitalised(kind.label()), revealed.device_name);
        println!("{}", revealed.value.expose());
        for line in &revealed.advice {
            eprintln!("- {line}");
        }
    }
    Ok(0)
}

pub async fn pin_used(options: &Options, device: String) -> Exit {
    let tenant = open(options).await?;
    let id = resolve_all(&tenant, &[device]).await?.remove(0);
    let kept = tenant.service.mark_pin_used(&id)?;
    if options.json {
        print_json(&kept);
    } else {
        println!(
            "Marked used: the unlock PIN of {} was deleted from your keychain; a new lock is allowed.",
            kept.device_name
        );
    }
    Ok(0)
}

/// The audit needs no sign-in: it is read from this computer.
pub fn audit(options: &Options, args: AuditArgs) -> Exit {
    let profile = if options.wants_demo() {
        intune_core::demo::DEMO_PROFILE.to_string()
    } else {
        context::profile(options)?.name
    };
    let log = audit::AuditLog::for_profile(&default_data_dir()?, &profile);
    if args.verify {
        let verification = log.verify()?;
        if options.json {
            print_json(&verification);
        } else if verification.intact {
            println!(
                "The audit is intact: {} entries; newest hash {}.",
                verification.entries, verification.head
            );
        } else {
            println!(
                "The audit was tampered with at entry {}: {}. {} entries before it are intact.",
                verification.broken_at.unwrap_or_default(),
                verification.problem.as_deref().unwrap_or("unknown problem"),
                verification.entries
            );
        }
        return Ok(if verification.intact { 0 } else { 1 });
    }
    let entries = log.list(&AuditFilter {
        text: args.search,
        event: args.event,
        since: None,
    })?;
    if args.csv {
        let mut oldest_first = entries;
        oldest_first.reverse();
        print!("{}", audit::to_csv(&oldest_first));
    } else if options.json {
        print_json(&entries);
    } else if entries.is_empty() {
        println!("No audit entries.");
    } else {
        for e in &entries {
            let r = &e.record;
            println!(
                "{:>5}  {}  {:<8} {:<20} {:<9} {}  {}{}",
                e.seq,
                e.time.format("%Y-%m-%d %H:%M:%S"),
                format!("{:?}", r.event).to_lowercase(),
                r.subject,
                r.outcome,
                r.device_name,
                r.account,
                r.justification
                    .as_deref()
                    .map(|j| format!("  \"{j}\""))
                    .unwrap_or_default()
            );
        }
    }
    Ok(0)
}

fn verdict_of(review: &DeviceReview, action: ActionKind) -> Verdict {
    review
        .verdicts
        .iter()
        .find(|v| v.action == action)
        .cloned()
        .expect("every action is judged")
}

fn print_verdict(review: &DeviceReview, verdict: &Verdict) {
    let d = &review.details.device;
    println!(
        "{} ({}, {} {}, {}): {}: {}",
        d.device_name,
        d.serial_number,
        d.operating_system,
        d.os_version,
        d.user_principal_name,
        verdict.label,
        readiness(verdict.readiness)
    );
    for reason in &verdict.reasons {
        let mark = match reason.severity {
            Severity::Blocker => "blocked",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        println!("  {mark:<8} {}", reason.text);
        if let Some(fix) = &reason.fix {
            println!("           {fix}");
        }
        println!("           why: {}", cited(&reason.sources));
        if let Some(disagreement) = &reason.disagreement {
            println!("           sources disagree: {disagreement}");
        }
    }
    if verdict.readiness != Readiness::Blocked {
        println!("  effect   {}", verdict.effect);
    } else if verdict.overridable {
        println!("  override possible with --override-unused-pin and --reason");
    }
}

/// Sources on one line: a page's title and address, a seed's name, or the app's reasoning.
fn cited(sources: &[intune_core::actions::Cited]) -> String {
    sources
        .iter()
        .map(|s| match (&s.kind, &s.url) {
            (intune_core::actions::SourceKind::Inference, _) => {
                format!("our inference: {}", s.title)
            }
            (_, Some(url)) => format!("{} <{url}>", s.title),
            (_, None) => s.title.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn readiness(readiness: Readiness) -> &'static str {
    match readiness {
        Readiness::Ready => "ready",
        Readiness::Warning => "ready, with warnings",
        Readiness::Blocked => "blocked",
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
