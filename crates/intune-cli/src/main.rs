//! `intune-actions`: the command line of Intune Actions.
//!
//! Exit codes (stable, for scripts):
//! - 0: success
//! - 2: the command line itself is wrong (clap's usage errors)

use clap::{Parser, Subcommand};
use intune_core::about;

#[derive(Parser)]
#[command(
    name = "intune-actions",
    version,
    about = "Remote lock, passcode and FileVault actions for Intune-managed devices"
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the version, platform and build of this tool.
    About,
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Command::About => print_about(cli.json),
    }
}

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
