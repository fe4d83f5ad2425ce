//! Where calls go: the profile's deployments, or any base URL, checked so that the token never
//! travels in clear text beyond the local machine.

use std::net::IpAddr;

use reqwest::Url;

use super::errors::{BaseUrlError, Error};
use super::platform::Platform;

/// Which deployment to call: one of the platform's
/// [`environments`](super::Platform::environments), or any URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Environment {
    /// The deployment named `production` (for API Entreprise
    /// `https://entreprise.api.gouv.fr`), else the profile's first.
    #[default]
    Production,
    /// The deployment named `staging`, with test data (for API Entreprise
    /// `https://staging.entreprise.api.gouv.fr`).
    Staging,
    /// Another deployment of the profile, by name.
    Named(&'static str),
    /// Any other base URL (proxy, mock server). Must be `https://`, or
    /// `http://` on a loopback host.
    Custom(String),
}

impl Environment {
    /// Base URL of the deployment on `platform`, without trailing slash; empty when the
    /// profile has no deployment of that name (refused by `build()`).
    pub fn base_url<'a>(&'a self, platform: &Platform) -> &'a str {
        let named = |name: &str| platform.environment_url(name).unwrap_or_default();
        match self {
            Environment::Production => platform
                .environment_url("production")
                .or_else(|| platform.environments.first().map(|(_, url)| *url))
                .unwrap_or_default(),
            Environment::Staging => named("staging"),
            Environment::Named(name) => named(name),
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

/// Refuses plain HTTP except towards the local machine, where mock servers
/// and local proxies live: anywhere else it would expose the token.
pub(crate) fn check_base_url(raw: &str) -> Result<String, Error> {
    let refused = |problem: BaseUrlError| Error::Config(problem.into());
    let url = Url::parse(raw).map_err(|e| refused(e.into()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused(BaseUrlError::Credentials));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refused(BaseUrlError::QueryOrFragment));
    }
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(refused(BaseUrlError::PlainHttp {
                host: host.to_owned(),
            }))
        }
        other => {
            return Err(refused(BaseUrlError::Scheme {
                scheme: other.to_owned(),
            }))
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
