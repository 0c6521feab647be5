//! HTTP `CONNECT` tunnels through `http://` and `https://` proxies.
//!
//! 1. (https:// proxies only) TLS to the proxy, verified against the proxy's name.
//! 2. Send `CONNECT host:port HTTP/1.1`, `Host: host:port`, and
//!    `Proxy-Authorization: Basic base64(user:password)` when the URL has credentials.
//! 3. Read the reply up to the blank line that ends its header, and not one byte further:
//!    the exchange's TLS handshake follows on the same stream.
//! 4. A 2xx status opens the tunnel; 407 (and 401, which some proxies send for wrong
//!    credentials) is an authentication failure; any other status is a refusal that carries
//!    the proxy's status line.

use base64::Engine as _;
use feed_proxy::ProxyUrl;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::error::ConnectStage;
use super::stream::HopStream;
use super::target::Target;

/// The longest reply header we accept from a proxy.
const MAX_REPLY_HEADER: usize = 16 * 1024;

/// Opens a `CONNECT` tunnel to `target` on `stream` (already connected to the proxy).
///
/// # Errors
/// [`ConnectStage::ProxyAuthentication`] on 407 or 401, [`ConnectStage::TunnelRefused`] on any other
/// non-2xx reply, [`ConnectStage::ProxyProtocol`] when the reply is not HTTP or the proxy
/// closes early.
pub async fn connect_tunnel(
    mut stream: HopStream,
    proxy: &ProxyUrl,
    target: &Target,
) -> Result<HopStream, ConnectStage> {
    let request = connect_request(proxy, target);
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|error| ConnectStage::ProxyProtocol(format!("sending CONNECT: {error}")))?;
    stream
        .flush()
        .await
        .map_err(|error| ConnectStage::ProxyProtocol(format!("sending CONNECT: {error}")))?;
    let header = read_reply_header(&mut stream).await?;
    let status_line = header.lines().next().unwrap_or_default().trim().to_owned();
    match parse_status(&status_line) {
        Some(200..=299) => Ok(stream),
        Some(401 | 407) => Err(ConnectStage::ProxyAuthentication(format!(
            "the proxy answered '{status_line}'{}",
            if proxy.credentials().is_some() {
                " (credentials rejected)"
            } else {
                " (the proxy URL has no credentials)"
            }
        ))),
        Some(_) => Err(ConnectStage::TunnelRefused(format!(
            "the proxy answered '{status_line}'"
        ))),
        None => Err(ConnectStage::ProxyProtocol(format!(
            "not an HTTP reply: '{}'",
            status_line.chars().take(80).collect::<String>()
        ))),
    }
}

fn connect_request(proxy: &ProxyUrl, target: &Target) -> String {
    let authority = target.authority();
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(credentials) = proxy.credentials() {
        let pair = format!(
            "{}:{}",
            credentials.username(),
            credentials.password().expose()
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        request.push_str("Proxy-Authorization: Basic ");
        request.push_str(&encoded);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    request
}

/// Reads byte by byte up to and including `\r\n\r\n` (the reply has no body we may read).
async fn read_reply_header(stream: &mut HopStream) -> Result<String, ConnectStage> {
    let mut header = Vec::with_capacity(256);
    let mut byte = [0_u8; 1];
    while !header.ends_with(b"\r\n\r\n") {
        if header.len() >= MAX_REPLY_HEADER {
            return Err(ConnectStage::ProxyProtocol(format!(
                "reply header longer than {MAX_REPLY_HEADER} bytes"
            )));
        }
        let read = stream.read(&mut byte).await.map_err(|error| {
            ConnectStage::ProxyProtocol(format!("reading the CONNECT reply: {error}"))
        })?;
        if read == 0 {
            return Err(ConnectStage::ProxyProtocol(
                "the proxy closed the connection before answering CONNECT".into(),
            ));
        }
        header.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&header).into_owned())
}

fn parse_status(status_line: &str) -> Option<u16> {
    let mut parts = status_line.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    parts.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_carries_basic_auth_when_the_url_has_credentials() {
        let proxy = ProxyUrl::parse("http://user:pa%3Ass@proxy:3128").unwrap();
        let target = Target {
            host: "stream.binance.com".into(),
            port: 9443,
            tls: true,
        };
        let request = connect_request(&proxy, &target);
        assert!(request.starts_with(
            "CONNECT stream.binance.com:9443 HTTP/1.1\r\nHost: stream.binance.com:9443\r\n"
        ));
        // base64("user:pa:ss")
        assert!(
            request.contains("Proxy-Authorization: Basic dXNlcjpwYTpzcw==\r\n"),
            "{request}"
        );
        assert!(request.ends_with("\r\n\r\n"));
    }

    #[test]
    fn parses_status_lines() {
        assert_eq!(
            parse_status("HTTP/1.1 200 Connection established"),
            Some(200)
        );
        assert_eq!(
            parse_status("HTTP/1.0 407 Proxy Authentication Required"),
            Some(407)
        );
        assert_eq!(parse_status("SSH-2.0-OpenSSH"), None);
    }
}
