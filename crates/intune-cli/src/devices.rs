//! `intune-actions devices …`
//!
//! `--json` output (stable): `search` prints `{"source":"inventory"|"graph","total":N,
//! "devices":[Device]}`; `show` prints a DeviceDetails (`device`, `actionResults`, `readAt`,
//! `adminCenterUrl`); `sync` prints the inventory status. Device fields are those of
//! `intune_core::devices::Device`, in camelCase.

use std::io::Write;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use intune_core::devices::resolve::resolve;
use intune_core::devices::{
    Device, DeviceDetails, DeviceQuery, Ownership, Platform, RefreshMode, remote,
};
use intune_core::{Error, ErrorReport};
use serde_json::json;

use crate::CliResult;
use crate::context::{self, Options};

#[derive(Subcommand)]
pub enum DevicesCommand {
    /// Search by device name, serial number, user (UPN or email) or device ID.
    Search {
        /// What to look for; empty lists every device the filters allow.
        #[arg(default_value = "")]
        query: String,
        /// Only these platforms: macos, ios, ipados, android, windows (repeat or comma-separate).
        #[arg(long = "os", value_delimiter = ',', value_parser = parse_platform)]
        platforms: Vec<Platform>,
        /// Only company-owned or personal devices.
        #[arg(long, value_parser = parse_owner)]
        owner: Option<Ownership>,
        /// At most this many devices are printed.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show one device (ID, serial number or exact name) with its action results, read now.
    Show { device: String },
    /// Fetch the device list into the local cache, so searches are instant.
    Sync {
        /// Fetch everything again, not only the devices that changed.
        #[arg(long)]
        full: bool,
    },
}

fn parse_platform(text: &str) -> Result<Platform, String> {
    Platform::parse(text).ok_or_else(|| {
        format!("{text:?} is not a platform; use macos, ios, ipados, android or windows")
    })
}

fn parse_owner(text: &str) -> Result<Ownership, String> {
    Ownership::parse(text)
        .ok_or_else(|| format!("{text:?} is not an owner; use company or personal"))
}

pub async fn run(options: &Options, command: DevicesCommand) -> CliResult {
    let connection = context::connect(options).await?;
    match command {
        DevicesCommand::Search {
            query,
            platforms,
            owner,
            limit,
        } => {
            let query = DeviceQuery {
                text: query,
                platforms,
                ownership: owner,
                ..DeviceQuery::default()
            };
            let inventory = context::inventory(&connection)?;
            let (source, total, devices) = match inventory.search(&query, 0, limit) {
                Some(page) => {
                    let page = page?;
                    ("inventory", page.total as usize, page.devices)
                }
                None => {
                    let mut found = remote::search(connection.graph(), &query, Utc::now()).await?;
                    let total = found.len();
                    found.truncate(limit);
                    ("graph", total, found)
                }
            };
            if options.json {
                print_json(&json!({ "source": source, "total": total, "devices": devices }));
            } else {
                print_table(&devices);
                let shown = devices.len();
                if total > shown {
                    println!(
                        "{shown} of {total} devices shown; narrow the search or raise --limit."
                    );
                } else if total == 0 {
                    println!("No device matches.");
                }
                if source == "graph" {
                    eprintln!(
                        "Searched Microsoft Graph directly; run `intune-actions devices sync` for instant local searches."
                    );
                }
            }
            Ok(())
        }
        DevicesCommand::Show { device } => {
            let inventory = context::inventory(&connection)?;
            let found = resolve(
                connection.graph(),
                Some(&inventory),
                &device,
                connection.admin_center(),
            )
            .await?;
            let details =
                remote::details(connection.graph(), &found.id, connection.admin_center()).await?;
            if options.json {
                print_json(&details);
            } else {
                print_details(&details);
            }
            Ok(())
        }
        DevicesCommand::Sync { full } => {
            let inventory = context::inventory(&connection)?;
            let mode = if full {
                RefreshMode::Full
            } else {
                RefreshMode::Changes
            };
            let quiet = options.json;
            inventory
                .refresh(connection.graph(), mode, |p| {
                    if !quiet {
                        match p.total {
                            Some(total) => eprint!("\rFetched {} of {total} devices", p.fetched),
                            None => eprint!("\rFetched {} devices", p.fetched),
                        }
                        let _ = std::io::stderr().flush();
                    }
                })
                .await
                .map_err(ErrorReport::from)?;
            let status = inventory.status();
            if options.json {
                print_json(&status);
            } else {
                eprintln!();
                println!("{} devices in the local cache.", status.count);
            }
            Ok(())
        }
    }
}

pub fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: {}", Error::Internal(e.to_string()).report().message),
    }
}

fn print_table(devices: &[Device]) {
    if devices.is_empty() {
        return;
    }
    let rows: Vec<[String; 7]> = devices
        .iter()
        .map(|d| {
            [
                d.device_name.clone(),
                format!("{} {}", d.operating_system, d.os_version),
                d.serial_number.clone(),
                d.user_principal_name.clone(),
                owner(d.ownership).into(),
                age(d.last_sync),
                d.id.clone(),
            ]
        })
        .collect();
    let header = [
        "NAME",
        "OS",
        "SERIAL",
        "USER",
        "OWNER",
        "LAST CHECK-IN",
        "ID",
    ];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    println!("{}", line(&header.map(String::from)));
    for row in &rows {
        println!("{}", line(row));
    }
}

pub fn print_details(details: &DeviceDetails) {
    let d = &details.device;
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let fields = [
        ("Name", d.device_name.clone()),
        (
            "User",
            format!("{} ({})", d.user_display_name, d.user_principal_name),
        ),
        (
            "Platform",
            format!("{} {}", d.operating_system, d.os_version),
        ),
        ("Model", format!("{} {}", d.manufacturer, d.model)),
        ("Serial number", d.serial_number.clone()),
        ("Ownership", owner(d.ownership).into()),
        ("Enrollment", d.enrollment_type.clone()),
        ("Supervised", yes_no(d.is_supervised).into()),
        ("Encrypted", yes_no(d.is_encrypted).into()),
        ("Compliance", d.compliance_state.clone()),
        ("Management", d.management_state.clone()),
        ("Last check-in", age(d.last_sync)),
        ("Device ID", d.id.clone()),
        ("Admin center", details.admin_center_url.clone()),
    ];
    for (label, value) in fields {
        println!("{label:<14} {value}");
    }
    if details.action_results.is_empty() {
        println!("Actions        none recorded");
    } else {
        println!("Actions");
        for r in &details.action_results {
            let when = r
                .last_updated
                .or(r.started)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default();
            println!("  {:<20} {:<10} {when}", r.action_name, r.action_state);
        }
    }
}

fn owner(ownership: Ownership) -> &'static str {
    match ownership {
        Ownership::Company => "company",
        Ownership::Personal => "personal",
        Ownership::Unknown => "unknown",
    }
}

fn age(time: Option<DateTime<Utc>>) -> String {
    let Some(time) = time else {
        return "never".into();
    };
    let minutes = (Utc::now() - time).num_minutes().max(0);
    match minutes {
        0..=1 => "just now".into(),
        2..=119 => format!("{minutes} min ago"),
        120..=2879 => format!("{} h ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}
