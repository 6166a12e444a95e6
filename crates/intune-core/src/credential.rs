//! One interface between "how the admin signed in" and the Graph client: something that hands out
//! a valid access token. A delegated session and an app-only credential both implement it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::session::Session;
use crate::{Result, Secret};

pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret>> + Send + 'a>>;

/// Like Azure's `TokenCredential`: a fresh enough access token for the Graph host of the profile.
pub trait TokenSource: Send + Sync {
    fn access_token(&self) -> TokenFuture<'_>;

    /// Graph answered 401 to `rejected`: a new token, fetched even if `rejected` has not expired
    /// by the local clock (it was revoked, or the service expired it early).
    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a>;
}

/// A delegated sign-in: refreshes silently through its session.
pub struct Delegated {
    session: Arc<Session>,
    http: crate::http::SignInClient,
}

impl Delegated {
    pub fn new(session: Arc<Session>, http: crate::http::SignInClient) -> Self {
        Delegated { session, http }
    }

    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }
}

impl TokenSource for Delegated {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(self.session.access_token(&self.http))
    }

    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a> {
        Box::pin(self.session.renew(&self.http, rejected))
    }
}
