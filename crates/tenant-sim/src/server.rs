//! The HTTP server: axum routes behind an accept loop of our own, so a handler can drop its
//! connection without answering (the "did my action go through?" failure).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::routing::{get, post};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tower::ServiceExt;

use crate::graph::ConnectionKill;
use crate::sim::Shared;
use crate::{auth, control, graph};

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/{root}/oauth2/v2.0/authorize", get(auth::authorize))
        .route("/{root}/oauth2/v2.0/token", post(auth::token))
        .route("/{root}/oauth2/v2.0/devicecode", post(auth::device_code))
        .route("/devicelogin", get(auth::device_login_page))
        .route(
            "/{root}/deviceManagement/managedDevices",
            get(graph::list_devices),
        )
        .route(
            "/{root}/deviceManagement/managedDevices/{id}",
            get(graph::get_device),
        )
        .route(
            "/{root}/deviceManagement/managedDevices/{id}/{action}",
            get(graph::device_action).post(graph::device_action),
        )
        .route("/_sim/actions", get(control::received))
        .route("/_sim/stats", get(control::stats))
        .route(
            "/_sim/faults",
            get(control::get_faults).post(control::set_faults),
        )
        .route("/_sim/checkin", post(control::check_in))
        .route("/_sim/devices", get(control::devices))
        .route("/_sim/devices/{id}/unlock", post(control::unlock))
        .route(
            "/_sim/devicecode/approve",
            post(control::decide_device_code),
        )
        .route("/_sim/tokens/revoke", post(control::revoke_refresh_tokens))
        .route("/_sim/tokens/expire", post(control::expire_access_tokens))
        .fallback(graph::unknown)
        .with_state(shared)
}

pub async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    loop {
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
            _ = &mut shutdown => return,
        };
        let kill = Arc::new(Notify::new());
        let app = app.clone();
        let connection_kill = ConnectionKill(Arc::clone(&kill));
        let service =
            TowerToHyperService::new(tower::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(connection_kill.clone());
                app.clone().oneshot(request.map(axum::body::Body::new))
            }));
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                // Dropping the connection future closes the socket mid-request.
                _ = kill.notified() => {}
            }
        });
    }
}
