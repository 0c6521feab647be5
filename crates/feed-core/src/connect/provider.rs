//! [`ProxyProvider`]: where the members of a proxy pool come from.
//!
//! The settings decide whether a connection is proxied (the exchange's entry, else the
//! default unless `direct`, else direct). For a proxied connection the provider then
//! supplies the pool's members: [`StaticProvider`] (the default) gives the members the
//! settings list; a library user plugs in a rotating-proxy service's API instead. A direct
//! route never asks the provider, so a provider cannot make anything direct.
//!
//! Fail closed: a provider error or an empty list where the settings say "proxied" fails
//! the connection ([`ConnectStage::ProviderFailed`]); there is never a direct fallback.
//!
//! Install one process-wide with [`init_proxy_provider`] (beside
//! [`super::init_proxy_system`]) or per connector with
//! [`super::ExchangeConnector::with_proxy_provider`].

use std::fmt;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use feed_proxy::{ConnectionKind, ProxyConfig, ProxyPool};

use super::error::ConnectStage;

/// A provider could not supply members. Its text is shown in errors and logs: it must not
/// hold a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProviderError(pub String);

impl ProviderError {
    /// An error with this (password-free) text.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        ProviderError(text.into())
    }
}

/// Supplies the pool members of a proxied connection kind of an exchange.
///
/// # Examples
/// ```
/// use async_trait::async_trait;
/// use feed_core::connect::{ProviderError, ProxyProvider};
/// use feed_proxy::{ConnectionKind, ProxyConfig, ProxyPool};
///
/// /// Asks a rotating-proxy service (here: a fixed answer) for the current exits.
/// struct Rotating;
///
/// #[async_trait]
/// impl ProxyProvider for Rotating {
///     async fn members(
///         &self,
///         _exchange: &str,
///         _kind: ConnectionKind,
///         _configured: &ProxyPool,
///     ) -> Result<Vec<ProxyConfig>, ProviderError> {
///         ["socks5h://10.1.0.1:1080", "socks5h://10.1.0.2:1080"]
///             .into_iter()
///             .map(|url| ProxyConfig::new(url).map_err(|e| ProviderError::new(e.to_string())))
///             .collect()
///     }
/// }
/// ```
#[async_trait]
pub trait ProxyProvider: Send + Sync {
    /// The members for `exchange`'s `kind` connections, which the settings route through
    /// `configured`. Called before every connection and request (cache inside if the
    /// service is slow).
    ///
    /// # Errors
    /// [`ProviderError`] when no members can be had; the connection then fails.
    async fn members(
        &self,
        exchange: &str,
        kind: ConnectionKind,
        configured: &ProxyPool,
    ) -> Result<Vec<ProxyConfig>, ProviderError>;

    /// A member failed at the proxy stage and was taken out of the pool (see
    /// [`super::pool`]); a rotating service may want to retire it. Does nothing by default.
    async fn report_failure(
        &self,
        _exchange: &str,
        _kind: ConnectionKind,
        _member: &ProxyConfig,
        _stage: &ConnectStage,
    ) {
    }

    /// A short name for logs and errors.
    fn name(&self) -> &str {
        "custom provider"
    }
}

/// The default provider: the members the settings list.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaticProvider;

#[async_trait]
impl ProxyProvider for StaticProvider {
    async fn members(
        &self,
        _exchange: &str,
        _kind: ConnectionKind,
        configured: &ProxyPool,
    ) -> Result<Vec<ProxyConfig>, ProviderError> {
        Ok(configured.members().to_vec())
    }

    fn name(&self) -> &str {
        "static configuration"
    }
}

/// A shared provider.
pub type SharedProvider = Arc<dyn ProxyProvider>;

static PROCESS_PROVIDER: RwLock<Option<SharedProvider>> = RwLock::new(None);

/// Installs a process-wide provider: connectors without their own ask it for the members
/// of every proxied route.
pub fn init_proxy_provider(provider: SharedProvider) {
    tracing::info!(provider = provider.name(), "proxy provider installed");
    *PROCESS_PROVIDER
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(provider);
}

/// Removes the process-wide provider: the settings' members are used again.
pub fn clear_proxy_provider() {
    *PROCESS_PROVIDER
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
}

/// The process-wide provider, if one was installed.
#[must_use]
pub fn process_proxy_provider() -> Option<SharedProvider> {
    PROCESS_PROVIDER
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// The pool for a proxied route: `provider`'s members (the settings' when `None`).
///
/// # Errors
/// [`ConnectStage::ProviderFailed`] when the provider fails or returns no member.
pub async fn provided_pool(
    provider: Option<&dyn ProxyProvider>,
    exchange: &str,
    kind: ConnectionKind,
    configured: &ProxyPool,
) -> Result<ProxyPool, ConnectStage> {
    let Some(provider) = provider else {
        return Ok(configured.clone());
    };
    let failed = |detail: String| ConnectStage::ProviderFailed {
        provider: provider.name().to_owned(),
        detail,
    };
    let members = provider
        .members(exchange, kind, configured)
        .await
        .map_err(|error| failed(error.to_string()))?;
    ProxyPool::new(members)
        .map_err(|_| failed("it returned no proxy (an empty pool never means direct)".to_owned()))
}

impl fmt::Debug for dyn ProxyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyProvider({})", self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Result<Vec<ProxyConfig>, ProviderError>);

    #[async_trait]
    impl ProxyProvider for Fixed {
        async fn members(
            &self,
            _exchange: &str,
            _kind: ConnectionKind,
            _configured: &ProxyPool,
        ) -> Result<Vec<ProxyConfig>, ProviderError> {
            self.0.clone()
        }
        fn name(&self) -> &str {
            "fixed"
        }
    }

    fn configured() -> ProxyPool {
        ProxyPool::from(ProxyConfig::new("socks5://configured:1").unwrap())
    }

    #[tokio::test]
    async fn the_static_provider_gives_the_settings_members() {
        let kind = ConnectionKind::Http;
        let pool = provided_pool(Some(&StaticProvider), "x", kind, &configured()).await;
        assert_eq!(pool, Ok(configured()));
        assert_eq!(
            provided_pool(None, "x", kind, &configured()).await,
            Ok(configured())
        );
    }

    #[tokio::test]
    async fn a_provider_error_or_an_empty_list_fails_closed() {
        let kind = ConnectionKind::Websocket;
        let error = Fixed(Err(ProviderError::new("service unreachable")));
        let stage = provided_pool(Some(&error), "x", kind, &configured())
            .await
            .unwrap_err();
        assert_eq!(stage.name(), "provider_failed");
        assert!(stage.to_string().contains("service unreachable"), "{stage}");
        let empty = Fixed(Ok(Vec::new()));
        let stage = provided_pool(Some(&empty), "x", kind, &configured())
            .await
            .unwrap_err();
        assert!(stage.to_string().contains("returned no proxy"), "{stage}");
        assert!(stage.is_proxy_failure());
    }

    #[tokio::test]
    async fn a_provider_replaces_the_members() {
        let members = vec![
            ProxyConfig::new("socks5://r1:1").unwrap(),
            ProxyConfig::new("socks5://r2:2").unwrap(),
        ];
        let rotating = Fixed(Ok(members.clone()));
        let pool = provided_pool(Some(&rotating), "x", ConnectionKind::Http, &configured())
            .await
            .unwrap();
        assert_eq!(pool.members(), members.as_slice());
    }
}
