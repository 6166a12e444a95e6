//! Profiles: which tenant, in which cloud, with which app registration and sign-in method.
//!
//! Profiles live in one JSON file in the OS config folder. The file never holds a secret: tokens
//! and client secrets go to the OS keychain, keyed by profile.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Microsoft Graph Command Line Tools: a public client many admin tools use as a quick start.
/// Organisations are better served by registering their own (the first-run screen explains how).
pub const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Cloud {
    Global,
    UsGovHigh,
    UsGovDod,
    China,
    /// Explicit hosts: sovereign set-ups, and how tests and the demo point at the simulated tenant.
    Custom {
        login_url: String,
        graph_url: String,
    },
}

impl Cloud {
    /// Where `/{tenant}/oauth2/v2.0/…` lives.
    pub fn login_url(&self) -> &str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovHigh | Cloud::UsGovDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
            Cloud::Custom { login_url, .. } => login_url.trim_end_matches('/'),
        }
    }

    /// Where `/v1.0` and `/beta` live.
    pub fn graph_url(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovHigh => "https://graph.microsoft.us",
            Cloud::UsGovDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom { graph_url, .. } => graph_url.trim_end_matches('/'),
        }
    }

    /// The Intune admin center of this cloud, where a device can be opened in the browser.
    pub fn admin_center_url(&self) -> &str {
        match self {
            Cloud::UsGovHigh | Cloud::UsGovDod => "https://intune.microsoft.us",
            Cloud::China => "https://intune.microsoftonline.cn",
            Cloud::Global | Cloud::Custom { .. } => "https://intune.microsoft.com",
        }
    }

    /// A delegated permission as this cloud's sign-in service expects it: prefixed with its Graph.
    pub fn scope(&self, permission: &str) -> String {
        format!("{}/{permission}", self.graph_url())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SignInMethod {
    Browser,
    DeviceCode,
    /// App-only with a client secret kept in the keychain.
    ClientSecret,
    /// App-only with a certificate file; its password, if any, is kept in the keychain.
    Certificate {
        path: String,
    },
    AzureCli,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub cloud: Cloud,
    /// A tenant GUID, a verified domain, or `organizations`.
    pub tenant: String,
    pub client_id: String,
    pub method: SignInMethod,
}

/// A field of the form a profile is made from, so a problem can be shown where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ProfileField {
    Name,
    Tenant,
    ClientId,
    LoginUrl,
    GraphUrl,
    CertificatePath,
}

impl ProfileField {
    fn what(self) -> &'static str {
        match self {
            ProfileField::Name => "the profile name",
            ProfileField::Tenant => "the tenant",
            ProfileField::ClientId => "the client ID",
            ProfileField::LoginUrl => "the sign-in URL",
            ProfileField::GraphUrl => "the Graph URL",
            ProfileField::CertificatePath => "the certificate file",
        }
    }
}

/// What is wrong with one field, as a sentence to show beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    pub field: ProfileField,
    pub message: String,
}

impl Profile {
    /// Every problem with the profile's own fields, each where it is (empty when it can be used).
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut problem = |field, why: String| problems.push((field, why));
        let name = self.name.trim();
        if name.is_empty() {
            problem(
                ProfileField::Name,
                "enter a name for this tenant, yours to choose".into(),
            );
        } else if name.chars().count() > 64 || name.chars().any(char::is_control) {
            problem(ProfileField::Name, "use 1 to 64 visible characters".into());
        }
        if self.tenant.trim().is_empty() {
            problem(
                ProfileField::Tenant,
                "enter the tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com".into(),
            );
        } else if !is_tenant(&self.tenant) {
            problem(
                ProfileField::Tenant,
                format!(
                    "{:?} is neither a tenant ID (a GUID), a domain such as contoso.onmicrosoft.com, nor \"organizations\"",
                    self.tenant
                ),
            );
        }
        if self.client_id.trim().is_empty() {
            problem(
                ProfileField::ClientId,
                "enter the Application (client) ID from the app registration's overview".into(),
            );
        } else if uuid::Uuid::parse_str(&self.client_id).is_err() {
            problem(
                ProfileField::ClientId,
                format!(
                    "{:?} is not a GUID; copy the Application (client) ID from the app registration",
                    self.client_id
                ),
            );
        }
        if let Cloud::Custom {
            login_url,
            graph_url,
        } = &self.cloud
        {
            for (field, url) in [
                (ProfileField::LoginUrl, login_url),
                (ProfileField::GraphUrl, graph_url),
            ] {
                if let Err(why) = endpoint_problem(url) {
                    problem(field, why);
                }
            }
        }
        if let SignInMethod::Certificate { path } = &self.method {
            if path.trim().is_empty() {
                problem(
                    ProfileField::CertificatePath,
                    "choose the certificate file (.pfx or .p12)".into(),
                );
            } else if !Path::new(path.trim()).is_file() {
                problem(
                    ProfileField::CertificatePath,
                    format!("there is no file at {:?}", path.trim()),
                );
            }
        }
        problems
            .into_iter()
            .map(|(field, why)| FieldProblem {
                field,
                message: sentence(&why),
            })
            .collect()
    }

    /// The first problem, as the crate's error (the command line's form of [`Profile::problems`]).
    pub fn validate(&self) -> Result<()> {
        match self.problems().into_iter().next() {
            None => Ok(()),
            Some(problem) => Err(Error::InvalidInput {
                what: problem.field.what(),
                why: unsentence(&problem.message),
            }),
        }
    }
}

fn sentence(why: &str) -> String {
    let mut chars = why.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// Back from [`sentence`]: the error's own message adds the capital and the full stop.
fn unsentence(message: &str) -> String {
    let mut chars = message.trim_end_matches('.').chars();
    match chars.next() {
        Some(first) if !message.starts_with('"') => {
            format!("{}{}", first.to_lowercase(), chars.as_str())
        }
        Some(first) => format!("{first}{}", chars.as_str()),
        None => String::new(),
    }
}

fn is_tenant(tenant: &str) -> bool {
    tenant == "organizations"
        || uuid::Uuid::parse_str(tenant).is_ok()
        || (tenant.contains('.')
            && !tenant.starts_with('.')
            && !tenant.ends_with('.')
            && tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
}

/// HTTPS, or plain HTTP to this machine only (the simulated tenant).
fn endpoint_problem(text: &str) -> std::result::Result<(), String> {
    if text.trim().is_empty() {
        return Err("enter the address, starting with https://".into());
    }
    let url = url::Url::parse(text).map_err(|e| format!("{text:?} is not a URL ({e})"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!(
            "{text:?} must use https (plain http is allowed only on this machine)"
        )),
    }
}

/// The profiles file: every profile and which one is active.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileSet {
    pub active: Option<String>,
    pub profiles: Vec<Profile>,
}

impl ProfileSet {
    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn active(&self) -> Option<&Profile> {
        self.active.as_deref().and_then(|name| self.get(name))
    }

    /// Adds a profile; the first one becomes active.
    /// Every problem with adding this profile: its own fields, and a name already taken.
    pub fn problems_adding(&self, profile: &Profile) -> Vec<FieldProblem> {
        let mut problems = profile.problems();
        let name = profile.name.trim();
        let taken = if name.eq_ignore_ascii_case(crate::demo::DEMO_PROFILE) {
            Some(format!(
                "{:?} is reserved for the demo; choose another name",
                crate::demo::DEMO_PROFILE
            ))
        } else if !name.is_empty() && self.get(name).is_some() {
            Some(format!(
                "a profile named {name:?} exists already; choose another name, or sign in to it from your tenants"
            ))
        } else {
            None
        };
        if let Some(why) = taken {
            problems.retain(|p| p.field != ProfileField::Name);
            problems.insert(
                0,
                FieldProblem {
                    field: ProfileField::Name,
                    message: sentence(&why),
                },
            );
        }
        problems
    }

    pub fn add(&mut self, profile: Profile) -> Result<()> {
        if let Some(problem) = self.problems_adding(&profile).into_iter().next() {
            return Err(Error::InvalidInput {
                what: problem.field.what(),
                why: unsentence(&problem.message),
            });
        }
        if self.active.is_none() {
            self.active = Some(profile.name.clone());
        }
        self.profiles.push(profile);
        Ok(())
    }

    /// Removes a profile and returns it, so the caller can delete its keychain entries too.
    pub fn remove(&mut self, name: &str) -> Result<Profile> {
        let index = self
            .profiles
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::ProfileNotFound(name.to_string()))?;
        let removed = self.profiles.remove(index);
        if self
            .active
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(&removed.name))
        {
            self.active = self.profiles.first().map(|p| p.name.clone());
        }
        Ok(removed)
    }

    /// Changes how a profile signs in (`login` with another method than the saved one).
    pub fn set_method(&mut self, name: &str, method: SignInMethod) -> Result<&Profile> {
        let profile = self
            .profiles
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::ProfileNotFound(name.to_string()))?;
        profile.method = method;
        Ok(profile)
    }

    pub fn use_profile(&mut self, name: &str) -> Result<&Profile> {
        let found = self
            .get(name)
            .ok_or_else(|| Error::ProfileNotFound(name.to_string()))?;
        self.active = Some(found.name.clone());
        self.get(name)
            .ok_or_else(|| Error::ProfileNotFound(name.to_string()))
    }
}

/// Overrides the config folder (tests, portable set-ups).
pub const CONFIG_DIR_ENV: &str = "INTUNE_ACTIONS_CONFIG_DIR";

/// The folder the desktop app keeps its configuration in (Tauri's app config dir), so the app
/// and the command line share one set of profiles.
pub fn default_config_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|dir| dir.join(crate::APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::Internal(
                "this system reports no configuration folder; set INTUNE_ACTIONS_CONFIG_DIR".into(),
            )
        })
}

/// Overrides the data folder, which holds the audit and the index of kept unlock PINs.
pub const DATA_DIR_ENV: &str = "INTUNE_ACTIONS_DATA_DIR";

/// The folder the desktop app keeps its data in (Tauri's app data dir): the audit and the index of
/// kept unlock PINs, shared by the app and the command line. Never a secret.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|dir| dir.join(crate::APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::Internal(
                "this system reports no data folder; set INTUNE_ACTIONS_DATA_DIR".into(),
            )
        })
}

/// Where the profiles file lives, and reading and writing it whole.
pub struct ProfileFile {
    path: PathBuf,
}

impl ProfileFile {
    pub const FILE_NAME: &'static str = "profiles.json";

    pub fn in_dir(config_dir: &Path) -> ProfileFile {
        ProfileFile {
            path: config_dir.join(Self::FILE_NAME),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A missing file is an empty set; a damaged one is an error that names the file, never
    /// silently replaced (that would lose the admin's profiles).
    pub fn load(&self) -> Result<ProfileSet> {
        let Some(text) = crate::json_file::read_text(&self.path)? else {
            return Ok(ProfileSet::default());
        };
        let set: ProfileSet = serde_json::from_str(&text).map_err(|e| {
            self.storage(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("it is not a valid profiles file ({e}); fix or move it away"),
            ))
        })?;
        // The file is the user's to edit, and anyone's who can write to it: each profile is
        // checked as when it was added (https hosts, a GUID client ID, …) before it is used.
        for profile in &set.profiles {
            profile.validate().map_err(|e| {
                self.storage(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "profile {:?} in it is not valid ({}); fix it or remove it with `intune-actions profiles remove`",
                        profile.name,
                        e.report().message
                    ),
                ))
            })?;
        }
        Ok(set)
    }

    /// Writes to a temporary file beside it, then renames: a crash never leaves half a file.
    pub fn save(&self, set: &ProfileSet) -> Result<()> {
        crate::json_file::write(&self.path, set, crate::json_file::Layout::Pretty)
    }

    fn storage(&self, source: std::io::Error) -> Error {
        Error::Storage {
            path: self.path.clone(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            cloud: Cloud::Global,
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: GRAPH_CLI_CLIENT_ID.into(),
            method: SignInMethod::Browser,
        }
    }

    #[test]
    fn each_cloud_has_its_own_hosts_and_scopes_follow_graph() {
        assert_eq!(
            Cloud::UsGovDod.graph_url(),
            "https://dod-graph.microsoft.us"
        );
        assert_eq!(
            Cloud::UsGovHigh.login_url(),
            "https://login.microsoftonline.us"
        );
        assert_eq!(Cloud::China.login_url(), "https://login.chinacloudapi.cn");
        assert_eq!(
            Cloud::Global.scope("DeviceManagementManagedDevices.Read.All"),
            "https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All"
        );
        let sim = Cloud::Custom {
            login_url: "http://127.0.0.1:4000/".into(),
            graph_url: "http://127.0.0.1:4000".into(),
        };
        assert_eq!(sim.login_url(), "http://127.0.0.1:4000");
        assert_eq!(sim.scope("X"), "http://127.0.0.1:4000/X");
    }

    #[test]
    fn validation_explains_what_is_wrong() {
        assert!(profile("Contoso").validate().is_ok());
        let mut p = profile("  ");
        assert!(p.validate().is_err());
        p = profile("Contoso");
        p.tenant = "not a tenant".into();
        let err = p.validate().expect_err("bad tenant");
        assert!(err.to_string().contains("neither a tenant ID"), "{err}");
        p = profile("Contoso");
        p.client_id = "abc".into();
        assert!(
            p.validate()
                .expect_err("bad id")
                .to_string()
                .contains("Application (client) ID")
        );
        p = profile("Contoso");
        p.cloud = Cloud::Custom {
            login_url: "http://login.example.com".into(),
            graph_url: "https://graph.example.com".into(),
        };
        assert!(
            p.validate()
                .expect_err("plain http")
                .to_string()
                .contains("must use https")
        );
        for ok in [
            "organizations",
            "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
            "fabrikam.com",
        ] {
            p = profile("Contoso");
            p.tenant = ok.into();
            assert!(p.validate().is_ok(), "{ok}");
        }
    }

    #[test]
    fn the_first_profile_becomes_active_and_removing_it_moves_on() {
        let mut set = ProfileSet::default();
        set.add(profile("Contoso")).expect("add");
        set.add(profile("Fabrikam")).expect("add");
        assert_eq!(set.active().map(|p| p.name.as_str()), Some("Contoso"));
        assert!(
            set.add(profile("contoso")).is_err(),
            "names are unique, ignoring case"
        );
        set.use_profile("fabrikam").expect("use");
        assert_eq!(set.active.as_deref(), Some("Fabrikam"));
        let removed = set.remove("Fabrikam").expect("remove");
        assert_eq!(removed.name, "Fabrikam");
        assert_eq!(set.active.as_deref(), Some("Contoso"));
        assert_eq!(
            set.remove("Nope").expect_err("missing").kind(),
            crate::ErrorKind::ProfileNotFound
        );
    }

    #[test]
    fn the_file_round_trips_and_a_damaged_one_is_reported_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = ProfileFile::in_dir(&dir.path().join("cfg"));
        assert_eq!(
            file.load().expect("missing is empty"),
            ProfileSet::default()
        );
        let mut set = ProfileSet::default();
        set.add(profile("Contoso")).expect("add");
        file.save(&set).expect("save");
        assert_eq!(file.load().expect("load"), set);

        std::fs::write(file.path(), "{ not json").expect("damage");
        let err = file.load().expect_err("damaged");
        assert_eq!(err.kind(), crate::ErrorKind::Storage);
        assert!(err.to_string().contains("profiles.json"));
        assert_eq!(
            std::fs::read_to_string(file.path()).expect("still there"),
            "{ not json"
        );
    }

    #[test]
    fn a_profile_edited_to_send_tokens_over_plain_http_elsewhere_is_refused_when_loaded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = ProfileFile::in_dir(dir.path());
        let mut set = ProfileSet::default();
        set.profiles.push(profile("Contoso"));
        file.save(&set).expect("saved");
        assert!(file.load().is_ok());
        let text = std::fs::read_to_string(file.path()).expect("read");
        let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
        json["profiles"][0]["cloud"] = serde_json::json!({
            "kind": "custom", "login_url": "http://login.evil.example", "graph_url": "http://graph.evil.example"
        });
        std::fs::write(file.path(), json.to_string()).expect("edit");
        let error = file.load().expect_err("refused");
        assert!(
            error.report().message.contains("Contoso"),
            "{}",
            error.report().message
        );
    }
}
