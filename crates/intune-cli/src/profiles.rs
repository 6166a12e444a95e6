//! `intune-actions profiles …`

use clap::{Subcommand, ValueEnum};
use intune_core::profile::{
    Cloud, GRAPH_CLI_CLIENT_ID, Profile, ProfileFile, ProfileSet, SignInMethod, default_config_dir,
};

use crate::CliResult;

#[derive(Subcommand)]
pub enum ProfilesCommand {
    /// List the profiles; the active one is marked.
    List,
    /// Add a profile. The first one becomes active.
    Add {
        /// A name to tell it apart, e.g. "Contoso".
        name: String,
        /// Tenant ID (GUID), a verified domain, or "organizations".
        #[arg(long)]
        tenant: String,
        /// Application (client) ID of your app registration.
        #[arg(
            long,
            required_unless_present = "graph_cli_client",
            conflicts_with = "graph_cli_client"
        )]
        client_id: Option<String>,
        /// Use the Microsoft Graph Command Line Tools client instead of your own registration.
        #[arg(long)]
        graph_cli_client: bool,
        #[arg(long, value_enum, default_value_t = CloudArg::Global)]
        cloud: CloudArg,
        /// Sign-in host, with --cloud custom.
        #[arg(long, required_if_eq("cloud", "custom"))]
        login_url: Option<String>,
        /// Graph host, with --cloud custom.
        #[arg(long, required_if_eq("cloud", "custom"))]
        graph_url: Option<String>,
        #[arg(long, value_enum, default_value_t = MethodArg::Browser)]
        method: MethodArg,
        /// The certificate file, with --method certificate.
        #[arg(long, required_if_eq("method", "certificate"))]
        certificate: Option<String>,
    },
    /// Remove a profile.
    Remove { name: String },
    /// Make a profile the active one.
    Use { name: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CloudArg {
    Global,
    GccHigh,
    Dod,
    China,
    Custom,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    Browser,
    DeviceCode,
    ClientSecret,
    Certificate,
    AzureCli,
}

pub fn run(command: ProfilesCommand, json: bool) -> CliResult {
    let file = ProfileFile::in_dir(&default_config_dir()?);
    let mut set = file.load()?;
    match command {
        ProfilesCommand::List => {
            print_list(&set, json);
            return Ok(());
        }
        ProfilesCommand::Add {
            name,
            tenant,
            client_id,
            graph_cli_client: _,
            cloud,
            login_url,
            graph_url,
            method,
            certificate,
        } => {
            let cloud = match cloud {
                CloudArg::Global => Cloud::Global,
                CloudArg::GccHigh => Cloud::UsGovHigh,
                CloudArg::Dod => Cloud::UsGovDod,
                CloudArg::China => Cloud::China,
                CloudArg::Custom => Cloud::Custom {
                    login_url: login_url.unwrap_or_default(),
                    graph_url: graph_url.unwrap_or_default(),
                },
            };
            let method = match method {
                MethodArg::Browser => SignInMethod::Browser,
                MethodArg::DeviceCode => SignInMethod::DeviceCode,
                MethodArg::ClientSecret => SignInMethod::ClientSecret,
                MethodArg::Certificate => SignInMethod::Certificate {
                    path: certificate.unwrap_or_default(),
                },
                MethodArg::AzureCli => SignInMethod::AzureCli,
            };
            set.add(Profile {
                name,
                cloud,
                tenant,
                client_id: client_id.unwrap_or_else(|| GRAPH_CLI_CLIENT_ID.to_string()),
                method,
            })?;
        }
        ProfilesCommand::Remove { name } => {
            let removed = set.remove(&name)?;
            // The profile goes even when the keychain is out of reach; say what stayed behind.
            if let Err(report) = crate::account::forget(&removed) {
                eprintln!(
                    "warning: the profile's stored sign-in could not be removed: {}",
                    report.message
                );
            }
        }
        ProfilesCommand::Use { name } => {
            set.use_profile(&name)?;
        }
    }
    file.save(&set)?;
    print_list(&set, json);
    Ok(())
}

fn print_list(set: &ProfileSet, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(set).expect("profiles serialise")
        );
        return;
    }
    if set.profiles.is_empty() {
        println!(
            "No profiles yet. Add one with: intune-actions profiles add NAME --tenant TENANT --client-id ID"
        );
        return;
    }
    for profile in &set.profiles {
        let marker = if set.active() == Some(profile) {
            "*"
        } else {
            " "
        };
        println!(
            "{marker} {}  tenant {}  client {}  {}",
            profile.name,
            profile.tenant,
            profile.client_id,
            profile.cloud.graph_url()
        );
    }
}
