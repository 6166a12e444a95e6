//! `intune-actions`: the command line of Intune Actions.
//!
//! Exit codes (stable, for scripts):
//! - 0: success
//! - 1: something failed (the message says what)
//! - 2: the command line itself is wrong (usage)
//! - 3: a value given is not valid
//! - 4: the profile named does not exist
//! - 5: sign-in needed (never signed in, expired, cancelled or refused)
//! - 6: no device matches
//! - 7: several devices match (the message lists them)
//! - 8: a permission or Intune role is missing
//! - 9: Microsoft Graph is throttling; try again later

mod account;
mod context;
mod devices;
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

    /// The profile to use instead of the active one; "demo" is the simulated demo tenant.
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,

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
    /// Sign in to the profile's tenant; the refresh token goes to the OS keychain.
    Login(account::LoginArgs),
    /// Show who is signed in to the profile, and the permissions granted.
    Whoami,
    /// Sign out: removes the profile's tokens from the keychain and its device cache.
    Logout,
    /// Find devices and show what decides an action.
    #[command(subcommand)]
    Devices(devices::DevicesCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = context::Options {
        json: cli.json,
        profile: cli.profile,
    };
    let result = match cli.command {
        Command::About => {
            print_about(options.json);
            Ok(())
        }
        Command::Profiles(command) => profiles::run(command, options.json),
        Command::Login(args) => context::block_on(account::login(&options, args)),
        Command::Whoami => context::block_on(account::whoami(&options)),
        Command::Logout => account::logout(&options),
        Command::Devices(command) => context::block_on(devices::run(&options, command)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            if options.json {
                println!("{}", serde_json::json!({ "error": report }));
            } else {
                eprintln!("error: {}", report.message);
                if let Some(id) = &report.request_id {
                    eprintln!("request ID (for Microsoft support): {id}");
                }
            }
            ExitCode::from(exit_code(report.kind))
        }
    }
}

fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidInput => 3,
        ErrorKind::ProfileNotFound => 4,
        ErrorKind::SignInRequired | ErrorKind::SignInCancelled | ErrorKind::SignInFailed => 5,
        ErrorKind::NotFound => 6,
        ErrorKind::Ambiguous => 7,
        ErrorKind::PermissionDenied => 8,
        ErrorKind::Throttled => 9,
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
