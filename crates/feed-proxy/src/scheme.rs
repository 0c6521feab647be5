//! The proxy protocols a route can use.

use std::fmt;
use std::str::FromStr;

/// A proxy protocol, named by the scheme of the proxy URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyScheme {
    /// `http://`: an HTTP proxy; every connection goes through a `CONNECT` tunnel.
    Http,
    /// `https://`: an HTTP proxy reached over TLS, then a `CONNECT` tunnel inside it.
    Https,
    /// `socks4://`: SOCKS4; the client resolves the target's name to an IPv4 address.
    Socks4,
    /// `socks4a://`: SOCKS4a; the proxy resolves the target's name.
    Socks4a,
    /// `socks5://`: SOCKS5; the client resolves the target's name and sends the address.
    Socks5,
    /// `socks5h://`: SOCKS5; the proxy resolves the target's name (no local DNS lookup).
    Socks5h,
}

impl ProxyScheme {
    /// Every scheme, as spelled in URLs.
    pub const ALL: [ProxyScheme; 6] = [
        ProxyScheme::Http,
        ProxyScheme::Https,
        ProxyScheme::Socks4,
        ProxyScheme::Socks4a,
        ProxyScheme::Socks5,
        ProxyScheme::Socks5h,
    ];

    /// The scheme as written in a URL (`socks5h`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyScheme::Http => "http",
            ProxyScheme::Https => "https",
            ProxyScheme::Socks4 => "socks4",
            ProxyScheme::Socks4a => "socks4a",
            ProxyScheme::Socks5 => "socks5",
            ProxyScheme::Socks5h => "socks5h",
        }
    }

    /// True for the SOCKS family.
    #[must_use]
    pub fn is_socks(self) -> bool {
        !matches!(self, ProxyScheme::Http | ProxyScheme::Https)
    }

    /// True when the proxy, not this process, resolves the target's host name.
    #[must_use]
    pub fn proxy_resolves_names(self) -> bool {
        matches!(
            self,
            ProxyScheme::Socks4a | ProxyScheme::Socks5h | ProxyScheme::Http | ProxyScheme::Https
        )
    }

    /// The supported schemes as one comma-separated list, for error messages.
    #[must_use]
    pub fn supported_list() -> String {
        Self::ALL.map(ProxyScheme::as_str).join(", ")
    }
}

impl fmt::Display for ProxyScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProxyScheme {
    type Err = ();

    /// Parses a scheme case-insensitively (`SOCKS5` is `socks5`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|scheme| scheme.as_str().eq_ignore_ascii_case(s))
            .ok_or(())
    }
}
