//! What the sign-in tests share: a profile that points at a simulated tenant.

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
