//! `intune-actions`: the command line of Intune Actions.
//!
//! Exit codes (stable, for scripts):
//! - 0: success
//! - 1: something failed (the message says what)
//! - 2: the command line itself is wrong (usage)
//! - 3: a value given is not valid
//! - 4: the profile named does not exist
//! - 5: sign-in needed (never signed in, expired, cancelled or refused, or the clock is wrong)
//! - 6: no device matches
//! - 7: several devices match (the message lists them)
//! - 8: a permission or Intune role is missing
//! - 9: Microsoft Graph is throttling; try again later
//! - 10: blocked: the eligibility check stopped every device, nothing was sent
//! - 11: failed: nothing succeeded (refused, outcome unknown, or the device reported failure)
//! - 12: partly failed: some devices succeeded, some did not

mod account;
mod actions;
mod context;
mod devices;
mod profiles;
mod runs;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use intune_core::actions::ActionKind;
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
    /// Which devices an action applies to, and why (nothing is sent).
    Check(actions::CheckArgs),
    /// Remote lock: macOS, iOS/iPadOS and corporate Android; a Mac's unlock PIN is kept in the keychain.
    Lock(actions::SendArgs),
    /// Rotate the FileVault recovery key of corporate Macs.
    RotateFilevaultKey(actions::SendArgs),
    /// Send Graph's recoverPasscode to supervised iPhones and iPads (needs --reason). Microsoft
    /// documents no passcode recovery for them; the app shows whatever Intune returns. Most
    /// often you need reset-passcode (remove) instead.
    RecoverPasscode(actions::SendArgs),
    /// Reset the passcode (Android: a new one) or remove it (iPhone, iPad: none).
    #[command(alias = "remove-passcode")]
    ResetPasscode(actions::SendArgs),
    /// One device: its facts, action results, kept PIN and what applies now.
    Status { device: String },
    /// Show a secret: pin, passcode or filevault-key (needs --reason; audited).
    Reveal(actions::RevealArgs),
    /// The user typed the Mac's unlock PIN: delete it from the keychain and allow new locks.
    PinUsed { device: String },
    /// The local audit of this profile: list, --csv, or --verify.
    Audit(actions::AuditArgs),
    /// Runs of an action (every send is one): list, show, and resume one that stopped midway.
    #[command(subcommand)]
    Runs(runs::RunsCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = context::Options {
        json: cli.json,
        profile: cli.profile,
    };
    let done = |result: CliResult| result.map(|()| 0);
    let result = match cli.command {
        Command::About => {
            print_about(options.json);
            Ok(0)
        }
        Command::Profiles(command) => done(profiles::run(command, options.json)),
        Command::Login(args) => done(context::block_on(account::login(&options, args))),
        Command::Whoami => done(context::block_on(account::whoami(&options))),
        Command::Logout => done(account::logout(&options)),
        Command::Devices(command) => done(context::block_on(devices::run(&options, command))),
        Command::Check(args) => block_on_exit(actions::check(&options, args)),
        Command::Lock(args) => block_on_exit(actions::send(&options, ActionKind::RemoteLock, args)),
        Command::RotateFilevaultKey(args) => block_on_exit(actions::send(
            &options,
            ActionKind::RotateFileVaultKey,
            args,
        )),
        Command::RecoverPasscode(args) => {
            block_on_exit(actions::send(&options, ActionKind::RecoverPasscode, args))
        }
        Command::ResetPasscode(args) => {
            block_on_exit(actions::send(&options, ActionKind::ResetPasscode, args))
        }
        Command::Status { device } => block_on_exit(actions::status(&options, device)),
        Command::Reveal(args) => block_on_exit(actions::reveal(&options, args)),
        Command::PinUsed { device } => block_on_exit(actions::pin_used(&options, device)),
        Command::Audit(args) => actions::audit(&options, args),
        Command::Runs(command) => block_on_exit(runs::run(&options, command)),
    };
    finish(&options, result)
}

/// Runs an async command that chooses its own exit code.
fn block_on_exit(future: impl std::future::Future<Output = actions::Exit>) -> actions::Exit {
    let mut code = 0;
    context::block_on(async {
        code = future.await?;
        Ok(())
    })
    .map(|()| code)
}

fn finish(options: &context::Options, result: actions::Exit) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code),
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
        ErrorKind::SignInRequired
        | ErrorKind::SignInCancelled
        | ErrorKind::SignInFailed
        | ErrorKind::ClockSkew => 5,
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
