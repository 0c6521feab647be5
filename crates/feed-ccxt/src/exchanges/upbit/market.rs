//! Upbit's market list: `GET /v1/market/all`
//! <https://docs.upbit.com/kr/reference/list-trading-pairs>.

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented answer, trimmed to what the mapping needs:
///
/// ```json
/// [{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"},
///  {"market":"BTC-ETH","korean_name":"이더리움","english_name":"Ethereum"}]
/// ```
///
/// Every listed market trades (a delisted one leaves the list; `market_warning`, where
/// given, is a caution, not a halt). `market` is `QUOTE-BASE`: `KRW-BTC` is `BTC-KRW`. An
/// error is `{"error":{"name":..,"message":..}}`.
#[derive(Deserialize)]
struct Listed<'a> {
    #[serde(borrow)]
    market: Cow<'a, str>,
}

#[derive(Deserialize)]
struct ErrorReply<'a> {
    #[serde(borrow)]
    error: ErrorBody<'a>,
}

#[derive(Deserialize)]
pub(super) struct ErrorBody<'a> {
    #[serde(borrow)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub message: Option<Cow<'a, str>>,
}

fn error(detail: String) -> AdapterError {
    AdapterError::MarketList {
        exchange: "upbit".into(),
        detail,
    }
}

pub(super) fn parse_markets(body: &str) -> Result<Vec<Market>, AdapterError> {
    if let Ok(reply) = serde_json::from_str::<ErrorReply<'_>>(body) {
        return Err(error(format!(
            "{}: {}",
            reply.error.name.as_deref().unwrap_or("error"),
            reply.error.message.as_deref().unwrap_or("no message")
        )));
    }
    let listed: Vec<Listed<'_>> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    Ok(listed
        .iter()
        .filter_map(|listed| {
            let (quote, base) = listed.market.split_once('-')?;
            (!quote.is_empty() && !base.is_empty())
                .then(|| Market::new(base, quote, listed.market.as_ref()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    #[test]
    fn documented_markets_are_quote_first() {
        let body = r#"[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"},{"market":"BTC-ETH","korean_name":"이더리움","english_name":"Ethereum"},{"market":"USDT-XRP","korean_name":"리플","english_name":"Ripple","market_warning":"CAUTION"},{"market":"odd"}]"#;
        assert_eq!(
            market_pairs(&parse_markets(body).unwrap()),
            vec![
                ("BTC-KRW".into(), "KRW-BTC".into()),
                ("ETH-BTC".into(), "BTC-ETH".into()),
                ("XRP-USDT".into(), "USDT-XRP".into()),
            ]
        );
    }

    #[test]
    fn an_error_answer_names_name_and_message() {
        let error =
            parse_markets(r#"{"error":{"name":"too_many_requests","message":"slow down"}}"#)
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            "upbit: unexpected market list: too_many_requests: slow down"
        );
        assert!(parse_markets("<html>").is_err());
    }
}
