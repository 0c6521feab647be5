//! SOCKS tunnels (tokio-socks) over an open TCP connection to the proxy.
//!
//! - `socks4`: this process resolves the exchange's name and sends an IPv4 address; the URL's
//!   user name, if any, is sent as the SOCKS4 user id.
//! - `socks4a`: the name is sent; the proxy resolves it.
//! - `socks5`: this process resolves the name and sends the address.
//! - `socks5h`: the name is sent; the proxy resolves it (no DNS lookup here).
//! - SOCKS5 with credentials negotiates username/password authentication (RFC 1929).

use std::net::SocketAddr;

use feed_proxy::{ProxyScheme, ProxyUrl};
use tokio::net::TcpStream;
use tokio_socks::tcp::{Socks4Stream, Socks5Stream};
use tokio_socks::{Error as SocksError, TargetAddr};

use super::error::ConnectStage;
use super::target::Target;
use super::tcp::resolve;

/// Asks the SOCKS proxy on `stream` for a tunnel to `address`; returns the stream, which
/// now carries the exchange's bytes.
///
/// # Errors
/// The proxy's answer mapped to authentication, refusal or protocol failure.
pub async fn socks_tunnel(
    stream: TcpStream,
    proxy: &ProxyUrl,
    address: TargetAddr<'static>,
) -> Result<TcpStream, ConnectStage> {
    let credentials = proxy.credentials();
    let result = match proxy.scheme() {
        ProxyScheme::Socks4 | ProxyScheme::Socks4a => match credentials {
            Some(credentials) => {
                Socks4Stream::connect_with_userid_and_socket(
                    stream,
                    address,
                    credentials.username(),
                )
                .await
            }
            None => Socks4Stream::connect_with_socket(stream, address).await,
        }
        .map(Socks4Stream::into_inner),
        _ => match credentials {
            Some(credentials) => Socks5Stream::connect_with_password_and_socket(
                stream,
                address,
                credentials.username(),
                credentials.password().expose(),
            )
            .await
            .map(Socks5Stream::into_inner),
            None => Socks5Stream::connect_with_socket(stream, address)
                .await
                .map(Socks5Stream::into_inner),
        },
    };
    result.map_err(|error| socks_stage(&error))
}

/// The addresses to put in SOCKS requests, in the order to try them: the name when the
/// proxy resolves (`socks4a`, `socks5h`), else every address resolved here in Happy
/// Eyeballs order (IPv4 only for SOCKS4), so that an address the proxy cannot reach does
/// not end the connection while another could.
///
/// # Errors
/// [`ConnectStage::Resolve`] when a client-side lookup fails.
pub async fn socks_targets(
    scheme: ProxyScheme,
    target: &Target,
) -> Result<Vec<TargetAddr<'static>>, ConnectStage> {
    if let Ok(ip) = target.host.parse::<std::net::IpAddr>() {
        return Ok(vec![TargetAddr::Ip(SocketAddr::new(ip, target.port))]);
    }
    match scheme {
        ProxyScheme::Socks4a | ProxyScheme::Socks5h => Ok(vec![TargetAddr::Domain(
            target.host.clone().into(),
            target.port,
        )]),
        _ => {
            let addresses: Vec<TargetAddr<'static>> = resolve(&target.host, target.port)
                .await?
                .into_iter()
                .filter(|address| scheme != ProxyScheme::Socks4 || address.is_ipv4())
                .map(TargetAddr::Ip)
                .collect();
            if addresses.is_empty() {
                return Err(ConnectStage::Resolve {
                    host: target.host.clone(),
                    detail: "no IPv4 address, which SOCKS4 requires (use socks4a or socks5)".into(),
                });
            }
            Ok(addresses)
        }
    }
}

/// True for a refusal that another target address might not get (the proxy could not reach
/// this one); false for what no other address changes (credentials, protocol).
#[must_use]
pub fn worth_another_address(stage: &ConnectStage) -> bool {
    matches!(stage, ConnectStage::TunnelRefused(_))
}

fn socks_stage(error: &SocksError) -> ConnectStage {
    let text = error.to_string();
    match error {
        SocksError::PasswordAuthFailure(_)
        | SocksError::NoAcceptableAuthMethods
        | SocksError::AuthorizationRequired
        | SocksError::IdentdAuthFailure
        | SocksError::InvalidUserIdAuthFailure
        | SocksError::InvalidAuthValues(_) => ConnectStage::ProxyAuthentication(text),
        SocksError::GeneralSocksServerFailure
        | SocksError::ConnectionNotAllowedByRuleset
        | SocksError::NetworkUnreachable
        | SocksError::HostUnreachable
        | SocksError::ConnectionRefused
        | SocksError::TtlExpired
        | SocksError::CommandNotSupported
        | SocksError::AddressTypeNotSupported => {
            ConnectStage::TunnelRefused(format!("SOCKS reply: {text}"))
        }
        _ => ConnectStage::ProxyProtocol(text),
    }
}
