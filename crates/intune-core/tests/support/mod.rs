//! What the integration tests share: profiles and signed-in Graph clients for a simulated tenant.
#![allow(dead_code)] // each test binary uses part of it

use intune_core::profile::{Cloud, Profile, SignInMethod};
use tenant_sim::SimHandle;

pub fn sim_profile(sim: &SimHandle, tenant: &str, method: SignInMethod) -> Profile {
    Profile {
        name: "Sim".into(),
        cloud: Cloud::Custom {
            login_url: sim.base_url.clone(),
            graph_url: sim.base_url.clone(),
        },
        tenant: tenant.into(),
        client_id: sim.tenant.client_id.clone(),
        method,
    }
}

/// A signed-in Graph client for a simulated tenant set up as the test needs.
pub async fn graph_for(
    config: tenant_sim::SimConfig,
    policy: intune_core::graph::RetryPolicy,
) -> (intune_demo::Demo, intune_core::graph::GraphClient) {
    use std::sync::Arc;
    let demo = intune_demo::Demo::with_config(config).expect("sim");
    let http = intune_core::signin::http_client().expect("http");
    let session = demo.sign_in(&http).await.expect("signed in");
    let credential = Arc::new(intune_core::credential::Delegated::new(session, http));
    let client = intune_core::graph::GraphClient::with_policy(
        demo.profile().cloud.graph_url(),
        credential,
        policy,
        None,
    )
    .expect("client");
    (demo, client)
}

/// Short waits, so failure paths finish quickly.
pub fn quick_policy() -> intune_core::graph::RetryPolicy {
    intune_core::graph::RetryPolicy {
        attempts: 4,
        max_wait: std::time::Duration::from_secs(5),
        first_backoff: std::time::Duration::from_millis(20),
        timeout: std::time::Duration::from_secs(10),
    }
}

/// A token source for mockito tests: the server never checks the token.
pub struct StaticToken;

impl intune_core::credential::TokenSource for StaticToken {
    fn access_token(&self) -> intune_core::credential::TokenFuture<'_> {
        Box::pin(async { Ok(intune_core::Secret::new("test-token")) })
    }

    fn renew<'a>(
        &'a self,
        _rejected: &'a intune_core::Secret,
    ) -> intune_core::credential::TokenFuture<'a> {
        self.access_token()
    }
}

/// Following and looking for lost answers in milliseconds, not seconds.
pub fn quick_follow() -> intune_core::actions::service::FollowPolicy {
    intune_core::actions::service::FollowPolicy {
        first_wait: std::time::Duration::from_millis(20),
        max_wait: std::time::Duration::from_millis(100),
        arrival_reads: 4,
    }
}

/// The actions of a tenant reached through `graph`, audited under `profile` in `dir`, keeping
/// PINs with `pins`, following quickly: one window, one start of the app, or the command line.
pub fn action_service(
    graph: intune_core::graph::GraphClient,
    dir: &std::path::Path,
    profile: &str,
    pins: intune_core::actions::pins::PinKeeper,
) -> intune_core::actions::ActionService {
    intune_core::actions::ActionService::new(
        graph,
        "https://intune.microsoft.com",
        intune_core::actions::Actor {
            profile: profile.into(),
            account: "admin@contoso.com".into(),
            tenant: "contoso".into(),
        },
        intune_core::audit::AuditLog::for_profile(dir, profile),
        pins,
    )
    .tuned(
        intune_core::actions::limiter::WriteLimiter::default(),
        4,
        quick_follow(),
    )
}
