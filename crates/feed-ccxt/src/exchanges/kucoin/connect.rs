//! KuCoin's connect token: `POST /api/v1/bullet-public` before every connection
//! <https://www.kucoin.com/docs-new/websocket-api/base-info/get-public-token-spot-margin>.
//!
//! The WebSocket URL is `{endpoint}?token={token}&connectId={id}` with the first server of
//! `instanceServers` (the docs list one; the first is the documented choice), and the
//! client pings every `pingInterval` ms (the server drops a connection silent for
//! `pingTimeout` ms after it). The token is only good for connecting within 24 h: a new one
//! is fetched for every connection, reconnects included.

use std::borrow::Cow;
use std::time::Duration;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::{ConnectRequest, ConnectTarget};
use crate::error::AdapterError;

/// The ping interval the docs give when the answer is not at hand (ms).
pub(super) const DEFAULT_PING_INTERVAL_MS: u64 = 18_000;

/// The token request: a POST without parameters.
pub(super) fn request(rest_base: &str) -> ConnectRequest {
    ConnectRequest {
        url: format!("{rest_base}/api/v1/bullet-public"),
        post_body: Some(String::new()),
    }
}

/// The documented answer:
///
/// ```json
/// {"code":"200000","data":{"token":"2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ4aBZXpWhrmY9jKtqkdWoFa75w3istPvPtiYB9J6i9GjsxUuhPw3BlrzazF6ghq4L_u0MhKxG3x8TeN4aVbNiYo=.mvnekBb8DJegZIgYLs2FBQ==",
///   "instanceServers":[{"endpoint":"wss://ws-api-spot.kucoin.com/","encrypt":true,
///     "protocol":"websocket","pingInterval":18000,"pingTimeout":10000}]}}
/// ```
///
/// `code` other than `"200000"` is an error (`msg` says why).
#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<Token<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token<'a> {
    #[serde(borrow)]
    token: Cow<'a, str>,
    #[serde(borrow)]
    instance_servers: Vec<Server<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Server<'a> {
    #[serde(borrow)]
    endpoint: Cow<'a, str>,
    ping_interval: Option<u64>,
}

fn error(detail: impl Into<String>) -> AdapterError {
    AdapterError::ConnectReply {
        exchange: "kucoin".into(),
        detail: detail.into(),
    }
}

/// The target of a connection from the token answer; `connect_id` names the connection.
pub(crate) fn parse_reply(body: &str, connect_id: i64) -> Result<ConnectTarget, AdapterError> {
    let reply: Reply<'_> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    let code = reply
        .code
        .map(|code| code.get().trim_matches('"').to_owned());
    if code.as_deref() != Some("200000") {
        return Err(error(format!(
            "code {}: {}",
            code.unwrap_or_else(|| "missing".into()),
            reply.msg.as_deref().unwrap_or("no message")
        )));
    }
    let token = reply.data.ok_or_else(|| error("no 'data'"))?;
    let server = token
        .instance_servers
        .first()
        .ok_or_else(|| error("no instance server"))?;
    if token.token.is_empty() || server.endpoint.is_empty() {
        return Err(error("an empty token or endpoint"));
    }
    Ok(ConnectTarget {
        websocket_url: websocket_url(&server.endpoint, &token.token, connect_id),
        ping_interval: server
            .ping_interval
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis),
    })
}

/// `{endpoint}?token={token}&connectId={id}`, the token percent-encoded.
pub(crate) fn websocket_url(endpoint: &str, token: &str, connect_id: i64) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    format!(
        "{endpoint}{separator}token={}&connectId={connect_id}",
        percent_encode(token)
    )
}

/// Every byte but the unreserved ones (`A-Z a-z 0-9 - . _ ~`) as `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENTED: &str = r#"{"code":"200000","data":{"token":"2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ4aBZXpWhrmY9jKtqkdWoFa75w3istPvPtiYB9J6i9GjsxUuhPw3BlrzazF6ghq4L_u0MhKxG3x8TeN4aVbNiYo=.mvnekBb8DJegZIgYLs2FBQ==","instanceServers":[{"endpoint":"wss://ws-api-spot.kucoin.com/","encrypt":true,"protocol":"websocket","pingInterval":18000,"pingTimeout":10000}]}}"#;

    #[test]
    fn documented_answer_gives_url_and_ping_interval() {
        let target = parse_reply(DOCUMENTED, 1_700_000_000_000_001).unwrap();
        assert_eq!(
            target.websocket_url,
            "wss://ws-api-spot.kucoin.com/?token=2neAiuYvAU61ZDXANAGAsiL4-iAExhsBXZxftpOeh_55i3Ysy2q2LEsEWU64mdzUOPusi34M_wGoSf7iNyEWJ4aBZXpWhrmY9jKtqkdWoFa75w3istPvPtiYB9J6i9GjsxUuhPw3BlrzazF6ghq4L_u0MhKxG3x8TeN4aVbNiYo%3D.mvnekBb8DJegZIgYLs2FBQ%3D%3D&connectId=1700000000000001"
        );
        assert_eq!(target.ping_interval, Some(Duration::from_secs(18)));
        assert_eq!(
            websocket_url("wss://h/endpoint?x=1", "a+b", 7),
            "wss://h/endpoint?x=1&token=a%2Bb&connectId=7"
        );
    }

    #[test]
    fn errors_and_odd_answers_are_refused_with_the_reason() {
        let refused = parse_reply(r#"{"code":"400100","msg":"Too many requests"}"#, 1);
        assert_eq!(
            refused.unwrap_err().to_string(),
            "kucoin: unexpected answer to the connect request: code 400100: Too many requests"
        );
        assert!(parse_reply(
            r#"{"code":"200000","data":{"token":"t","instanceServers":[]}}"#,
            1
        )
        .is_err());
        assert!(parse_reply("<html>", 1).is_err());
        let no_interval = parse_reply(
            r#"{"code":"200000","data":{"token":"t","instanceServers":[{"endpoint":"wss://x/"}]}}"#,
            1,
        )
        .unwrap();
        assert_eq!(no_interval.ping_interval, None);
    }
}
