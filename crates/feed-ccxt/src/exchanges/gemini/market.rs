//! Gemini's market list <https://docs.gemini.com/rest/market-data>.
//!
//! A feed of named symbols asks `GET /v1/symbols/details/{symbol}` once per symbol: the
//! details name `base_currency`/`quote_currency` exactly and the book's `status`, and a
//! feed names few symbols (one request each). `symbols: ALL` asks `GET /v1/symbols` once
//! (every symbol, in lower case, without base, quote or status: asking the details of each
//! would be one request per market of the exchange). Its names are split at the longest
//! quote currency of [`QUOTES`] that ends them; a name ending in none of them, or in
//! `perp` (a perpetual swap), is not a spot market and is left out.

use std::borrow::Cow;

use feed_core::Symbol;
use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The quote currencies of Gemini's spot symbols (its "symbols and minimums" table), lower
/// case, longest first so that `gusd` wins over `usd`.
const QUOTES: [&str; 10] = [
    "gusd", "usdt", "usdc", "usd", "btc", "eth", "eur", "gbp", "sgd", "dai",
];

/// The book statuses that trade (`closed` and `cancel_only` do not).
const LIVE: [&str; 3] = ["open", "post_only", "limit_only"];

/// The URL of the whole list.
pub(super) fn list_url(rest_base: &str) -> String {
    format!("{}/v1/symbols", rest_base.trim_end_matches('/'))
}

/// Gemini's name of a normalized spot symbol: `BTC-USD` → `btcusd`; `None` for other kinds.
fn gemini_name(symbol: &Symbol) -> Option<String> {
    let mut parts = symbol.as_str().split('-');
    let (base, quote) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(format!("{base}{quote}").to_ascii_lowercase())
}

/// The details of each named symbol, or the whole list for `symbols: ALL`.
pub(super) fn urls_for(rest_base: &str, symbols: &[Symbol]) -> Vec<String> {
    let base = rest_base.trim_end_matches('/');
    let urls: Vec<String> = symbols
        .iter()
        .filter_map(gemini_name)
        .map(|name| format!("{base}/v1/symbols/details/{name}"))
        .collect();
    if urls.is_empty() {
        vec![list_url(rest_base)]
    } else {
        urls
    }
}

/// The documented details answer, trimmed to what the mapping needs:
///
/// ```json
/// {"symbol":"BTCUSD","base_currency":"BTC","quote_currency":"USD","tick_size":1E-8,
///  "quote_increment":0.01,"min_order_size":"0.00001","status":"open","wrap_enabled":false,
///  "product_type":"spot","contract_type":"vanilla","contract_price_currency":"USD"}
/// ```
///
/// `product_type` is `spot` or `swap` (a perpetual: not served here); an error is
/// `{"result":"error","reason":"..","message":".."}`.
#[derive(Deserialize)]
struct Details<'a> {
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    #[serde(borrow)]
    base_currency: Option<Cow<'a, str>>,
    #[serde(borrow)]
    quote_currency: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    product_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    result: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

fn error(detail: String) -> AdapterError {
    AdapterError::MarketList {
        exchange: "gemini".into(),
        detail,
    }
}

/// A details object (one market, or none when not live spot) or the list of names.
pub(super) fn parse(body: &str) -> Result<Vec<Market>, AdapterError> {
    if body.trim_start().starts_with('[') {
        return parse_list(body);
    }
    let details: Details<'_> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    if details.result.as_deref() == Some("error") {
        return Err(error(format!(
            "{}: {}",
            details.reason.as_deref().unwrap_or("error"),
            details.message.as_deref().unwrap_or("no message")
        )));
    }
    let (Some(symbol), Some(base), Some(quote), Some(status)) = (
        details.symbol,
        details.base_currency,
        details.quote_currency,
        details.status,
    ) else {
        return Err(error(
            "details without symbol, base_currency, quote_currency or status".into(),
        ));
    };
    let spot = details
        .product_type
        .as_deref()
        .is_none_or(|kind| kind == "spot");
    if !spot || !LIVE.contains(&status.as_ref()) {
        return Ok(Vec::new());
    }
    Ok(vec![Market::new(
        &base,
        &quote,
        symbol.to_ascii_uppercase(),
    )])
}

/// `["btcusd","ethbtc",...]`: each name split at its quote currency.
fn parse_list(body: &str) -> Result<Vec<Market>, AdapterError> {
    let names: Vec<Cow<'_, str>> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    Ok(names
        .iter()
        .filter_map(|name| {
            let name = name.to_ascii_lowercase();
            if name.ends_with("perp") {
                return None;
            }
            let quote = QUOTES
                .iter()
                .find(|quote| name.len() > quote.len() && name.ends_with(*quote))?;
            let base = &name[..name.len() - quote.len()];
            Some(Market::new(base, quote, name.to_ascii_uppercase()))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    const DOCUMENTED: &str = r#"{"symbol":"BTCUSD","base_currency":"BTC","quote_currency":"USD","tick_size":1E-8,"quote_increment":0.01,"min_order_size":"0.00001","status":"open","wrap_enabled":false,"product_type":"spot","contract_type":"vanilla","contract_price_currency":"USD"}"#;

    #[test]
    fn documented_details_map_base_quote_and_live_status() {
        assert_eq!(
            market_pairs(&parse(DOCUMENTED).unwrap()),
            vec![("BTC-USD".into(), "BTCUSD".into())]
        );
        let closed = DOCUMENTED.replace(r#""status":"open""#, r#""status":"closed""#);
        assert!(parse(&closed).unwrap().is_empty());
        let cancel_only = DOCUMENTED.replace(r#""status":"open""#, r#""status":"cancel_only""#);
        assert!(parse(&cancel_only).unwrap().is_empty());
        let limit_only = DOCUMENTED.replace(r#""status":"open""#, r#""status":"limit_only""#);
        assert_eq!(parse(&limit_only).unwrap().len(), 1);
        let swap = r#"{"symbol":"BTCGUSDPERP","base_currency":"BTC","quote_currency":"GUSD","status":"open","product_type":"swap","contract_type":"linear"}"#;
        assert!(parse(swap).unwrap().is_empty());
        let error = parse(r#"{"result":"error","reason":"InvalidSymbol","message":"Supplied value 'xyz' is not a valid symbol"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "gemini: unexpected market list: InvalidSymbol: Supplied value 'xyz' is not a valid symbol"
        );
        assert!(parse("<html>").is_err());
    }

    #[test]
    fn the_whole_list_is_split_at_its_quote_currency() {
        let body =
            r#"["btcusd","ethbtc","ethgusd","1inchusd","btcusdt","btcgusdperp","usd","zzzxyz"]"#;
        assert_eq!(
            market_pairs(&parse(body).unwrap()),
            vec![
                ("BTC-USD".into(), "BTCUSD".into()),
                ("ETH-BTC".into(), "ETHBTC".into()),
                ("ETH-GUSD".into(), "ETHGUSD".into()),
                ("1INCH-USD".into(), "1INCHUSD".into()),
                ("BTC-USDT".into(), "BTCUSDT".into()),
            ]
        );
    }

    #[test]
    fn named_symbols_ask_their_details_and_all_asks_the_list() {
        let symbols = [
            Symbol::parse("BTC-USD").unwrap(),
            Symbol::parse("ETH-BTC").unwrap(),
        ];
        assert_eq!(
            urls_for("https://api.gemini.com/", &symbols),
            vec![
                "https://api.gemini.com/v1/symbols/details/btcusd".to_owned(),
                "https://api.gemini.com/v1/symbols/details/ethbtc".to_owned(),
            ]
        );
        assert_eq!(
            urls_for("https://api.gemini.com", &[]),
            vec!["https://api.gemini.com/v1/symbols".to_owned()]
        );
    }
}
