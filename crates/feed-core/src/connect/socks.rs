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

/// Asks the SOCKS proxy on `stream` for a tunnel to `target`; returns the stream, which now
/// carries the exchange's bytes.
///
/// # Errors
/// [`ConnectStage::Resolve`] when a client-side lookup fails, otherwise the proxy's answer
/// mapped to authentication, refusal or protocol failure.
pub async fn socks_tunnel(
    stream: TcpStream,
    proxy: &ProxyUrl,
    target: &Target,
) -> Result<TcpStream, ConnectStage> {
    let address = socks_target(proxy.scheme(), target).await?;
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

/// The address to put in the SOCKS request: a name when the proxy resolves, else an
/// address resolved here (IPv4 only for SOCKS4).
async fn socks_target(
    scheme: ProxyScheme,
    target: &Target,
) -> Result<TargetAddr<'static>, ConnectStage> {
    if let Ok(ip) = target.host.parse::<std::net::IpAddr>() {
        return Ok(TargetAddr::Ip(SocketAddr::new(ip, target.port)));
    }
    match scheme {
        ProxyScheme::Socks4a | ProxyScheme::Socks5h => {
            Ok(TargetAddr::Domain(target.host.clone().into(), target.port))
        }
        _ => {
            let addresses = resolve(&target.host, target.port).await?;
            let wanted = addresses
                .iter()
                .find(|address| scheme != ProxyScheme::Socks4 || address.is_ipv4())
                .ok_or_else(|| ConnectStage::Resolve {
                    host: target.host.clone(),
                    detail: "no IPv4 address, which SOCKS4 requires (use socks4a or socks5)".into(),
                })?;
            Ok(TargetAddr::Ip(*wanted))
        }
    }
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
