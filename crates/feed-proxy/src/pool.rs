//! A pool of proxies for one kind of connection: one or more members, each a
//! [`ProxyConfig`].

use std::fmt;

use crate::config::ProxyConfig;

/// What is wrong with a [`ProxyPool`] built in code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyPoolError {
    /// A pool needs at least one member.
    #[error("a proxy pool needs at least one proxy (the list is empty)")]
    Empty,
}

/// One or more proxies that share the connections of one kind of an exchange.
///
/// A pool is never empty, so "proxied" can never quietly turn into "direct". A single
/// proxy is a pool of one (`ProxyPool::from(proxy)`). The connection layer picks a member
/// per connection (least loaded first); members do not have to be of one scheme.
///
/// `Debug` and `Display` show every member redacted: a pool of one as its member
/// (`socks5://u:***@h:1080 (timeout 30s)`), a larger one as `pool of 2: a (timeout 10s),
/// b (timeout 10s)`.
///
/// # Examples
/// ```
/// use feed_proxy::{ProxyConfig, ProxyPool};
///
/// let pool = ProxyPool::new(vec![
///     ProxyConfig::new("socks5h://user:pw@10.0.0.1:1080")?,
///     ProxyConfig::new("http://10.0.0.2:3128")?,
/// ])?;
/// assert_eq!(pool.len(), 2);
/// assert_eq!(
///     pool.to_string(),
///     "pool of 2: socks5h://user:***@10.0.0.1:1080 (timeout 30s), http://10.0.0.2:3128 (timeout 30s)"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyPool {
    members: Vec<ProxyConfig>,
}

impl ProxyPool {
    /// A pool of these members, in this order (the order breaks ties between equally
    /// loaded members at first).
    ///
    /// # Errors
    /// [`ProxyPoolError::Empty`] for an empty list.
    pub fn new(members: Vec<ProxyConfig>) -> Result<Self, ProxyPoolError> {
        if members.is_empty() {
            return Err(ProxyPoolError::Empty);
        }
        Ok(ProxyPool { members })
    }

    /// A pool of one proxy.
    #[must_use]
    pub fn single(proxy: ProxyConfig) -> Self {
        ProxyPool {
            members: vec![proxy],
        }
    }

    /// The members, in configuration order (never empty).
    #[must_use]
    pub fn members(&self) -> &[ProxyConfig] {
        &self.members
    }

    /// The first member (a pool of one's only proxy).
    #[must_use]
    pub fn first(&self) -> &ProxyConfig {
        &self.members[0]
    }

    /// How many members the pool has (at least 1).
    #[must_use]
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Always false: a pool has at least one member. (Present for API symmetry.)
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The members' URLs, redacted and comma-separated: how errors and logs name the pool.
    #[must_use]
    pub fn redacted_urls(&self) -> String {
        self.members
            .iter()
            .map(|member| member.url().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl From<ProxyConfig> for ProxyPool {
    fn from(proxy: ProxyConfig) -> Self {
        ProxyPool::single(proxy)
    }
}

impl fmt::Display for ProxyPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [only] = self.members.as_slice() {
            return write!(f, "{only}");
        }
        write!(f, "pool of {}: ", self.members.len())?;
        for (index, member) in self.members.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{member}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ProxyPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyPool")
            .field("members", &self.members)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(url: &str) -> ProxyConfig {
        ProxyConfig::new(url).unwrap()
    }

    #[test]
    fn an_empty_pool_is_refused() {
        assert_eq!(ProxyPool::new(Vec::new()), Err(ProxyPoolError::Empty));
    }

    #[test]
    fn a_pool_of_one_shows_as_its_member() {
        let one = ProxyPool::from(proxy("socks5://p:1080"));
        assert_eq!(one.to_string(), "socks5://p:1080 (timeout 30s)");
        assert_eq!(one.first().url().to_string(), "socks5://p:1080");
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn debug_and_display_hide_every_password() {
        let pool = ProxyPool::new(vec![
            proxy("socks5h://a:first-secret@10.0.0.1:1080"),
            proxy("http://b:second-secret@10.0.0.2:3128"),
        ])
        .unwrap();
        for text in [
            format!("{pool}"),
            format!("{pool:?}"),
            format!("{pool:#?}"),
            pool.redacted_urls(),
        ] {
            assert!(!text.contains("first-secret"), "{text}");
            assert!(!text.contains("second-secret"), "{text}");
            assert!(text.contains("a:***@10.0.0.1:1080"), "{text}");
            assert!(text.contains("b:***@10.0.0.2:3128"), "{text}");
        }
    }
}
