//! `intune-actions runs list | show RUN | resume RUN`: the runs of this profile (every send is
//! one), and going on with one that a crash, a killed process or a cancel stopped before its end.

use clap::{Args, Subcommand};
use intune_core::ErrorReport;
use intune_core::actions::runs::RunRecord;
use intune_core::actions::{RunControl, RunStatus, RunSummary, SendState};
use serde_json::json;

use crate::actions::{Exit, Tenant, ask_on_terminal, finish_run, open_with, print_event};
use crate::context::Options;
use crate::devices::print_json;

#[derive(Subcommand)]
pub enum RunsCommand {
    /// This profile's runs, newest first: what each did and what is left to send.
    List,
    /// One run, device by device.
    Show {
        /// The run's ID (from `runs list`).
        run: String,
    },
    /// Go on with a run that stopped before its end (a crash, a killed process, a lost network)
    /// or was cancelled. Devices whose request already left are never sent again; the others are
    /// read, checked and sent.
    Resume(ResumeArgs),
}

#[derive(Args)]
pub struct ResumeArgs {
    /// The run's ID (from `runs list`).
    run: String,
    /// Resume without asking on the terminal.
    #[arg(long)]
    yes: bool,
    /// Follow each device until it reports the outcome (or --timeout passes).
    #[arg(long)]
    wait: bool,
    /// How long --wait follows, in seconds.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    timeout: u64,
}

pub async fn run(options: &Options, command: RunsCommand) -> Exit {
    match command {
        RunsCommand::List => list(options).await,
        RunsCommand::Show { run } => show(options, &run).await,
        RunsCommand::Resume(args) => resume(options, args).await,
    }
}

async fn list(options: &Options) -> Exit {
    let tenant: Tenant = open_with(options, false).await?;
    let runs: Vec<RunSummary> = tenant
        .service
        .runs()
        .list()?
        .iter()
        .map(RunRecord::summary)
        .collect();
    if options.json {
        print_json(&runs);
        return Ok(0);
    }
    if runs.is_empty() {
        println!("No runs yet for this profile.");
        return Ok(0);
    }
    for run in &runs {
        println!(
            "{}  {}  {:<18} {:>5} device(s)  {:<11} {}",
            run.id,
            run.started
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M"),
            run.action.segment(),
            run.devices,
            status_word(run.status),
            counts(run)
        );
    }
    if let Some(stopped) = runs.iter().find(|r| r.resumable()) {
        eprintln!(
            "Resume one with `intune-actions runs resume {}`: nothing already sent is sent again.",
            stopped.id
        );
    }
    Ok(0)
}

async fn show(options: &Options, id: &str) -> Exit {
    let tenant: Tenant = open_with(options, false).await?;
    let record = tenant.service.runs().get(id)?;
    let summary = record.summary();
    if options.json {
        let devices: Vec<_> = record
            .header
            .devices
            .iter()
            .map(|d| {
                json!({
                    "deviceId": d,
                    "outcome": record.outcomes.get(d),
                    "leaving": !record.outcomes.contains_key(d) && record.sending.contains_key(d),
                })
            })
            .collect();
        print_json(&json!({ "run": summary, "header": record.header, "devices": devices }));
        return Ok(0);
    }
    print_summary(&summary);
    for device in &record.header.devices {
        match record.outcomes.get(device) {
            Some(o) => println!(
                "  {} ({}): {}: {}",
                if o.device_name.is_empty() {
                    device.as_str()
                } else {
                    o.device_name.as_str()
                },
                device,
                state_word(o.state),
                o.message
            ),
            None if record.sending.contains_key(device) => println!(
                "  {device}: leaving when the run stopped: a resume looks for it and never sends it again"
            ),
            None => println!("  {device}: not reached"),
        }
    }
    Ok(0)
}

async fn resume(options: &Options, args: ResumeArgs) -> Exit {
    let tenant: Tenant = open_with(options, false).await?;
    let summary = tenant.service.runs().get(&args.run)?.summary();
    if !options.json {
        print_summary(&summary);
    }
    if summary.status == RunStatus::Going {
        return Err(going(&summary));
    }
    if !summary.resumable() {
        if options.json {
            print_json(&json!({ "run": summary, "resumed": false }));
        } else {
            println!("Nothing is left to send in this run.");
        }
        return Ok(0);
    }
    if !args.yes {
        ask_on_terminal(
            &format!(
                "Resume: read, check and send to the {} device(s) left{}? Type \"yes\" to go on: ",
                summary.left,
                if summary.in_flight > 0 {
                    format!(
                        ", and look for the {} request(s) that were leaving (never sent again)",
                        summary.in_flight
                    )
                } else {
                    String::new()
                }
            ),
            "yes",
        )?;
    }
    let report = tenant
        .service
        .resume(
            &summary.id,
            &RunControl::default(),
            print_event(options.json),
        )
        .await?;
    finish_run(
        &tenant,
        &report,
        options.json,
        args.wait.then_some(args.timeout),
    )
    .await
}

fn going(summary: &RunSummary) -> ErrorReport {
    intune_core::Error::InvalidInput {
        what: "the run to resume",
        why: format!(
            "run {} is going on in another window or process; wait for it to finish, or stop it there",
            summary.id
        ),
    }
    .report()
}

fn print_summary(run: &RunSummary) {
    println!(
        "Run {}: {} to {} device(s), started {} by {}: {}.",
        run.id,
        run.action.segment(),
        run.devices,
        run.started
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M"),
        run.account,
        status_word(run.status)
    );
    println!("  {}", counts(run));
}

fn counts(run: &RunSummary) -> String {
    let mut parts = vec![format!("{} queued", run.queued)];
    for (count, word) in [
        (run.blocked, "blocked"),
        (run.failed, "failed"),
        (run.unknown, "unknown"),
        (run.in_flight, "leaving when it stopped"),
        (run.left, "left to send"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {word}"));
        }
    }
    parts.join(", ")
}

fn status_word(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Going => "going",
        RunStatus::Interrupted => "interrupted",
        RunStatus::Finished => "finished",
        RunStatus::Cancelled => "cancelled",
    }
}

fn state_word(state: SendState) -> &'static str {
    match state {
        SendState::Queued => "queued",
        SendState::Blocked => "blocked",
        SendState::Failed => "failed",
        SendState::Unknown => "unknown",
        SendState::Cancelled => "cancelled",
    }
}
