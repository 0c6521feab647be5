//! One proxy: its URL and how long connecting through it may take.

use std::fmt;
use std::time::Duration;

use crate::url::{ProxyUrl, ProxyUrlError};

/// The timeout a proxy gets when the configuration does not name one.
pub const DEFAULT_TIMEOUT_SECONDS: u16 = 30;
/// The allowed range of `timeout_seconds`.
pub const TIMEOUT_SECONDS_RANGE: std::ops::RangeInclusive<u16> = 1..=300;

/// What is wrong with a [`ProxyConfig`] built in code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyConfigError {
    /// The URL does not parse.
    #[error(transparent)]
    Url(#[from] ProxyUrlError),
    /// `timeout_seconds` is outside 1..=300.
    #[error("timeout_seconds must be between 1 and 300 (found {0})")]
    TimeoutOutOfRange(u64),
}

/// A proxy for one kind of connection: `{ url, timeout_seconds }`.
///
/// `timeout_seconds` bounds connecting to the proxy and the proxy's handshake (SOCKS
/// negotiation or the `CONNECT` exchange). `Debug` and `Display` show the URL redacted.
///
/// # Examples
/// ```
/// use feed_proxy::ProxyConfig;
///
/// let proxy = ProxyConfig::new("socks5://user:secret@10.0.0.1:1080")?.with_timeout_seconds(15)?;
/// assert_eq!(proxy.to_string(), "socks5://user:***@10.0.0.1:1080 (timeout 15s)");
/// # Ok::<(), feed_proxy::ProxyConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyConfig {
    url: ProxyUrl,
    timeout_seconds: u16,
}

impl ProxyConfig {
    /// A proxy from its URL, with the default timeout of 30 seconds.
    ///
    /// # Errors
    /// [`ProxyConfigError::Url`] when the URL does not parse.
    pub fn new(url: &str) -> Result<Self, ProxyConfigError> {
        Ok(Self::from_url(ProxyUrl::parse(url)?))
    }

    /// A proxy from an already parsed URL, with the default timeout.
    #[must_use]
    pub fn from_url(url: ProxyUrl) -> Self {
        ProxyConfig {
            url,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
        }
    }

    /// The same proxy with another timeout.
    ///
    /// # Errors
    /// [`ProxyConfigError::TimeoutOutOfRange`] outside 1..=300 seconds.
    pub fn with_timeout_seconds(mut self, seconds: u64) -> Result<Self, ProxyConfigError> {
        self.timeout_seconds = checked_timeout(seconds)?;
        Ok(self)
    }

    /// The proxy URL (shown redacted).
    #[must_use]
    pub fn url(&self) -> &ProxyUrl {
        &self.url
    }

    /// The configured timeout in seconds.
    #[must_use]
    pub fn timeout_seconds(&self) -> u16 {
        self.timeout_seconds
    }

    /// The configured timeout.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(u64::from(self.timeout_seconds))
    }
}

/// Checks a timeout against [`TIMEOUT_SECONDS_RANGE`].
///
/// # Errors
/// [`ProxyConfigError::TimeoutOutOfRange`] outside the range.
pub fn checked_timeout(seconds: u64) -> Result<u16, ProxyConfigError> {
    u16::try_from(seconds)
        .ok()
        .filter(|seconds| TIMEOUT_SECONDS_RANGE.contains(seconds))
        .ok_or(ProxyConfigError::TimeoutOutOfRange(seconds))
}

impl fmt::Display for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (timeout {}s)", self.url, self.timeout_seconds)
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("url", &format_args!("{}", self.url))
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_timeout_is_thirty_seconds() {
        let proxy = ProxyConfig::new("socks5://proxy:1080").unwrap();
        assert_eq!(proxy.timeout_seconds(), 30);
        assert_eq!(proxy.timeout(), Duration::from_secs(30));
    }

    #[test]
    fn timeout_must_be_between_one_and_three_hundred() {
        let proxy = ProxyConfig::new("socks5://proxy:1080").unwrap();
        assert!(proxy.clone().with_timeout_seconds(1).is_ok());
        assert!(proxy.clone().with_timeout_seconds(300).is_ok());
        for bad in [0, 301, 70_000] {
            assert_eq!(
                proxy.clone().with_timeout_seconds(bad),
                Err(ProxyConfigError::TimeoutOutOfRange(bad))
            );
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let proxy = ProxyConfig::new("http://user:topsecret@proxy:8080").unwrap();
        let debug = format!("{proxy:?}");
        assert!(!debug.contains("topsecret"), "{debug}");
        assert!(debug.contains("http://user:***@proxy:8080"), "{debug}");
    }
}
