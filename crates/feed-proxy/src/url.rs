//! Proxy URLs: `scheme://[user[:password]@]host:port`, parsed strictly and shown redacted.

use std::fmt;
use std::str::FromStr;

use percent_encoding::percent_decode_str;

use crate::scheme::ProxyScheme;
use crate::secret::Secret;

/// User name and password for a proxy, percent-decoded from the URL.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyCredentials {
    username: String,
    password: Secret,
}

impl ProxyCredentials {
    /// Credentials from a user name and a password (not percent-encoded).
    #[must_use]
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        ProxyCredentials {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// The user name (shown in redacted URLs; not a secret).
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password; `Debug`/`Display` of it print `***`.
    #[must_use]
    pub fn password(&self) -> &Secret {
        &self.password
    }
}

impl fmt::Debug for ProxyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:***", self.username)
    }
}

/// What is wrong with a proxy URL. No variant carries, and no message shows, any part of
/// the text that could be a password: a URL whose `@` is missing or misplaced puts the
/// password where the host, port or path would be, so those are never echoed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyUrlError {
    /// The URL is empty.
    #[error("the proxy URL is empty")]
    Empty,
    /// There is no `scheme://`.
    #[error(
        "the proxy URL has no scheme (expected one of {})",
        ProxyScheme::supported_list()
    )]
    MissingScheme,
    /// The scheme is not a proxy protocol we speak. Carries the scheme when it looks like
    /// one (letters, digits, `+`, `-`, `.`; at most 16), else nothing.
    #[error("unsupported proxy scheme{} (expected one of {list})", quoted(.0), list = ProxyScheme::supported_list())]
    UnsupportedScheme(Option<String>),
    /// No host between `://` (or `@`) and `:port`.
    #[error("the proxy URL has no host")]
    MissingHost,
    /// The host is neither a name (letters, digits, `-`, `.`, `_`), an IPv4 address, nor an
    /// IPv6 address in brackets.
    #[error("invalid proxy host (expected a host name, an IPv4 address or an IPv6 address in brackets; is the '@' before the host missing?)")]
    InvalidHost,
    /// The port is missing: proxies have no default port, so it must be explicit.
    #[error("the proxy URL has no port (write it explicitly, e.g. host:1080)")]
    MissingPort,
    /// The port is not a number in 1..=65535.
    #[error("invalid proxy port (expected a number from 1 to 65535)")]
    InvalidPort,
    /// A bracketed IPv6 host that does not close or does not parse.
    #[error("invalid IPv6 host in the proxy URL")]
    InvalidIpv6,
    /// Anything after `host:port` other than a single `/`.
    #[error("a proxy URL has no path, query or fragment (remove what follows host:port)")]
    UnexpectedPath,
    /// The user name or password is not valid percent-encoded UTF-8.
    #[error("the proxy credentials are not valid percent-encoded UTF-8")]
    InvalidCredentials,
}

/// A parsed proxy URL.
///
/// `Display` and `Debug` redact the password: `socks5://user:***@host:1080`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyUrl {
    scheme: ProxyScheme,
    host: String,
    port: u16,
    credentials: Option<ProxyCredentials>,
}

impl ProxyUrl {
    /// Parses `scheme://[user[:password]@]host:port[/]`.
    ///
    /// The scheme is one of http, https, socks4, socks4a, socks5, socks5h; host and port are
    /// required; user and password are percent-decoded.
    ///
    /// # Errors
    /// [`ProxyUrlError`] says what is wrong; it never contains the password.
    pub fn parse(text: &str) -> Result<Self, ProxyUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ProxyUrlError::Empty);
        }
        let (scheme_text, rest) = text.split_once("://").ok_or(ProxyUrlError::MissingScheme)?;
        let scheme = scheme_text
            .parse::<ProxyScheme>()
            .map_err(|()| ProxyUrlError::UnsupportedScheme(scheme_like(scheme_text)))?;
        // The last '@' ends the credentials, which may hold any character (even '/').
        let (userinfo, after_userinfo) = match rest.rfind('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        let host_port = match after_userinfo.find(['/', '?', '#']) {
            Some(at) if &after_userinfo[at..] == "/" => &after_userinfo[..at],
            Some(_) => return Err(ProxyUrlError::UnexpectedPath),
            None => after_userinfo,
        };
        let credentials = userinfo.map(parse_credentials).transpose()?;
        let (host, port) = split_host_port(host_port)?;
        Ok(ProxyUrl {
            scheme,
            host,
            port,
            credentials,
        })
    }

    /// A URL from its parts, for building settings in code.
    #[must_use]
    pub fn from_parts(
        scheme: ProxyScheme,
        host: impl Into<String>,
        port: u16,
        credentials: Option<ProxyCredentials>,
    ) -> Self {
        ProxyUrl {
            scheme,
            host: host.into(),
            port,
            credentials,
        }
    }

    /// The proxy protocol.
    #[must_use]
    pub fn scheme(&self) -> ProxyScheme {
        self.scheme
    }

    /// The proxy's host: a name, an IPv4 address, or an IPv6 address without brackets.
    #[must_use]
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The proxy's port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// User name and password, if the URL has them.
    #[must_use]
    pub fn credentials(&self) -> Option<&ProxyCredentials> {
        self.credentials.as_ref()
    }

    /// The URL as it should be shown anywhere: the password replaced by `***`.
    #[must_use]
    pub fn redacted(&self) -> String {
        self.to_string()
    }
}

/// `text` when it looks like a URL scheme, for an error message; `None` otherwise (then it
/// may be part of a password, as in `user:pa://ss` with the scheme forgotten).
fn scheme_like(text: &str) -> Option<String> {
    let looks_like_scheme = (1..=16).contains(&text.len())
        && text.starts_with(|first: char| first.is_ascii_alphabetic())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    looks_like_scheme.then(|| text.to_owned())
}

fn quoted(scheme: &Option<String>) -> String {
    scheme
        .as_ref()
        .map_or_else(String::new, |scheme| format!(" '{scheme}'"))
}

/// A host name made of letters, digits, `-`, `.` and `_` (IPv4 addresses are such names).
fn is_host_name(host: &str) -> bool {
    host.bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_'))
}

fn parse_credentials(userinfo: &str) -> Result<ProxyCredentials, ProxyUrlError> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |part: &str| {
        percent_decode_str(part)
            .decode_utf8()
            .map(|decoded| decoded.into_owned())
            .map_err(|_| ProxyUrlError::InvalidCredentials)
    };
    Ok(ProxyCredentials::new(decode(user)?, decode(password)?))
}

fn split_host_port(host_port: &str) -> Result<(String, u16), ProxyUrlError> {
    let (host, port_text) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (inside, after) = bracketed
            .split_once(']')
            .ok_or(ProxyUrlError::InvalidIpv6)?;
        inside
            .parse::<std::net::Ipv6Addr>()
            .map_err(|_| ProxyUrlError::InvalidIpv6)?;
        let port_text = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or(ProxyUrlError::InvalidIpv6)?),
        };
        (inside, port_text)
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(ProxyUrlError::MissingHost);
    }
    if !host_port.starts_with('[') && !is_host_name(host) {
        return Err(ProxyUrlError::InvalidHost);
    }
    let port_text = port_text
        .filter(|text| !text.is_empty())
        .ok_or(ProxyUrlError::MissingPort)?;
    let port = port_text
        .parse::<u16>()
        .ok()
        .filter(|port| *port != 0)
        .ok_or(ProxyUrlError::InvalidPort)?;
    Ok((host.to_owned(), port))
}

impl FromStr for ProxyUrl {
    type Err = ProxyUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProxyUrl::parse(s)
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        if let Some(credentials) = &self.credentials {
            // ':' would end the user name and '%' start an escape when the URL is read back.
            for part in credentials.username.split_inclusive([':', '%']) {
                match part.strip_suffix(':') {
                    Some(head) => write!(f, "{head}%3A")?,
                    None => match part.strip_suffix('%') {
                        Some(head) => write!(f, "{head}%25")?,
                        None => f.write_str(part)?,
                    },
                }
            }
            f.write_str(":***@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_scheme_with_host_and_port() {
        for scheme in ProxyScheme::ALL {
            let url = ProxyUrl::parse(&format!("{scheme}://proxy.example:1080")).unwrap();
            assert_eq!(url.scheme(), scheme);
            assert_eq!(url.host(), "proxy.example");
            assert_eq!(url.port(), 1080);
            assert!(url.credentials().is_none());
        }
    }

    #[test]
    fn scheme_is_case_insensitive_and_trailing_slash_is_allowed() {
        let url = ProxyUrl::parse("SOCKS5H://10.0.0.1:1080/").unwrap();
        assert_eq!(url.scheme(), ProxyScheme::Socks5h);
        assert_eq!(url.to_string(), "socks5h://10.0.0.1:1080");
    }

    #[test]
    fn credentials_are_percent_decoded_and_redacted() {
        let url = ProxyUrl::parse("socks5://us%40er:p%3Ass%2Fw0rd@proxy:1080").unwrap();
        let credentials = url.credentials().unwrap();
        assert_eq!(credentials.username(), "us@er");
        assert_eq!(credentials.password().expose(), "p:ss/w0rd");
        let shown = [url.to_string(), format!("{url:?}"), url.redacted()];
        for text in shown {
            assert!(!text.contains("p:ss"), "{text}");
            assert!(!text.contains("p%3Ass"), "{text}");
        }
        assert_eq!(url.to_string(), "socks5://us@er:***@proxy:1080");
    }

    #[test]
    fn password_with_at_sign_keeps_the_last_at_as_separator() {
        let url = ProxyUrl::parse("http://user:pa@ss@proxy:8080").unwrap();
        assert_eq!(url.credentials().unwrap().password().expose(), "pa@ss");
        assert_eq!(url.host(), "proxy");
    }

    /// Fuzzing regression (tests/fuzz_config.rs): a user name with ':' or '%' was shown as
    /// is, so the shown URL read back as another user and password.
    #[test]
    fn the_shown_user_name_reads_back_as_the_same_user() {
        let url = ProxyUrl::parse("http://a%3Ab%2541:pw@proxy:8080").unwrap();
        assert_eq!(url.credentials().unwrap().username(), "a:b%41");
        let shown = url.to_string();
        assert_eq!(shown, "http://a%3Ab%2541:***@proxy:8080");
        let again = ProxyUrl::parse(&shown.replace("***", "pw")).unwrap();
        assert_eq!(again, url);
    }

    #[test]
    fn ipv6_hosts_are_bracketed() {
        let url = ProxyUrl::parse("socks5://[::1]:1080").unwrap();
        assert_eq!(url.host(), "::1");
        assert_eq!(url.to_string(), "socks5://[::1]:1080");
        assert_eq!(
            ProxyUrl::parse("socks5://[::1"),
            Err(ProxyUrlError::InvalidIpv6)
        );
    }

    #[test]
    fn rejects_what_is_not_a_proxy_url() {
        let cases = [
            ("", ProxyUrlError::Empty),
            ("proxy:1080", ProxyUrlError::MissingScheme),
            (
                "ftp://proxy:21",
                ProxyUrlError::UnsupportedScheme(Some("ftp".into())),
            ),
            ("socks5://:1080", ProxyUrlError::MissingHost),
            ("socks5://proxy", ProxyUrlError::MissingPort),
            ("http://proxy:", ProxyUrlError::MissingPort),
            ("socks5://proxy:0", ProxyUrlError::InvalidPort),
            ("socks5://proxy:99999", ProxyUrlError::InvalidPort),
            ("socks5://proxy:abc", ProxyUrlError::InvalidPort),
            ("http://proxy:8080/path", ProxyUrlError::UnexpectedPath),
            ("socks5://pro xy:1080", ProxyUrlError::InvalidHost),
            ("socks5://::1:1080", ProxyUrlError::InvalidHost),
            ("socks5://u:%ff@proxy:1", ProxyUrlError::InvalidCredentials),
            ("socks5://u:pa/ss@proxy", ProxyUrlError::MissingPort),
        ];
        for (text, expected) in cases {
            assert_eq!(ProxyUrl::parse(text), Err(expected), "{text}");
        }
    }

    #[test]
    fn errors_never_contain_the_password() {
        let bad = [
            "socks9://user:s3cret@proxy:1",
            "socks5://user:s3cret@proxy:x",
            "socks5://user:s3/cret@proxy:1/x",
            "socks5://user:s3cret@:1",
            // Fuzzing regressions (tests/fuzz_config.rs): the host forgotten, so the
            // password stands where the port or the path would be; the '@' lost, so it
            // stands in the host; the scheme's "://" lost inside the password.
            "socks5://user:s3cret",
            "socks5://user:s3cret/x",
            "socks5://user:s3cret/x@",
            "socks5://user:s3cretproxy:1080",
            "socks5//user:s3cret://proxy@host:1",
        ];
        for text in bad {
            let error = ProxyUrl::parse(text).unwrap_err().to_string();
            assert!(!error.contains("s3cret"), "{error}");
        }
    }
}
