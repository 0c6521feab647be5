//! The exchange endpoint a connection goes to, taken from its URL.

use url::Url;

use super::error::ConnectStage;

/// Host, port and whether TLS is spoken, for `http(s)://` and `ws(s)://` URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Port (the scheme's default when the URL has none).
    pub port: u16,
    /// True for `https://` and `wss://`.
    pub tls: bool,
}

impl Target {
    /// The target of a URL.
    ///
    /// # Errors
    /// [`ConnectStage::InvalidUrl`] for an unparsable URL, another scheme, or no host.
    pub fn from_url(url: &Url) -> Result<Self, ConnectStage> {
        let tls = match url.scheme() {
            "https" | "wss" => true,
            "http" | "ws" => false,
            other => {
                return Err(ConnectStage::InvalidUrl(format!(
                    "unsupported scheme '{other}' (expected http, https, ws or wss)"
                )))
            }
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(address)) => address.to_string(),
            Some(host) => host.to_string(),
            None => return Err(ConnectStage::InvalidUrl("the URL has no host".into())),
        };
        let port = url
            .port_or_known_default()
            .unwrap_or(if tls { 443 } else { 80 });
        Ok(Target { host, port, tls })
    }

    /// Parses a URL text and takes its target.
    ///
    /// # Errors
    /// As [`Target::from_url`].
    pub fn parse(text: &str) -> Result<(Url, Self), ConnectStage> {
        let url = Url::parse(text).map_err(|error| ConnectStage::InvalidUrl(format!("{error}")))?;
        let target = Self::from_url(&url)?;
        Ok((url, target))
    }

    /// `host:port`, IPv6 hosts bracketed, as in `CONNECT` requests and messages.
    #[must_use]
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_and_tls_follow_the_scheme() {
        let (_, wss) = Target::parse("wss://stream.binance.com:9443/ws").unwrap();
        assert_eq!(
            (wss.host.as_str(), wss.port, wss.tls),
            ("stream.binance.com", 9443, true)
        );
        let (_, https) = Target::parse("https://api.binance.com/api/v3/exchangeInfo").unwrap();
        assert_eq!((https.port, https.tls), (443, true));
        let (_, ws) = Target::parse("ws://[::1]/x").unwrap();
        assert_eq!((ws.authority().as_str(), ws.tls), ("[::1]:80", false));
    }

    #[test]
    fn other_schemes_are_rejected() {
        assert!(matches!(
            Target::parse("ftp://host/"),
            Err(ConnectStage::InvalidUrl(_))
        ));
        assert!(matches!(
            Target::parse("not a url"),
            Err(ConnectStage::InvalidUrl(_))
        ));
    }
}
