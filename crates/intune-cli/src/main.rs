//! `intune-actions`: the command line of Intune Actions.
//!
//! Exit codes (stable, for scripts):
//! - 0: success
//! - 1: something failed (the message says what)
//! - 2: the command line itself is wrong (usage)
//! - 3: a value given is not valid
//! - 4: the profile named does not exist

mod profiles;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use intune_core::{ErrorKind, ErrorReport, about};

#[derive(Parser)]
#[command(
    name = "intune-actions",
    version,
    about = "Remote lock, passcode and FileVault actions for Intune-managed devices"
)]
struct Cli {
    /// Print machine-readable JSON instead of text (errors too, on stdout).
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the version, platform and build of this tool.
    About,
    /// Manage tenant profiles (shared with the desktop app).
    #[command(subcommand)]
    Profiles(profiles::ProfilesCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::About => {
            print_about(cli.json);
            Ok(())
        }
        Command::Profiles(command) => profiles::run(command, cli.json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            if cli.json {
                println!("{}", serde_json::json!({ "error": report }));
            } else {
                eprintln!("error: {}", report.message);
            }
            ExitCode::from(exit_code(report.kind))
        }
    }
}

fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidInput => 3,
        ErrorKind::ProfileNotFound => 4,
        _ => 1,
    }
}

pub type CliResult = Result<(), ErrorReport>;

fn print_about(json: bool) {
    let info = about::about(env!("CARGO_PKG_VERSION"), None);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&info).expect("About always serialises")
        );
    } else {
        println!("{} {} ({} build)", info.product, info.version, info.build);
        println!("Platform: {} {}", info.os, info.arch);
    }
}
