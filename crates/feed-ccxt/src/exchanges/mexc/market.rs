//! MEXC's market list: `GET /api/v3/exchangeInfo`
//! <https://www.mexc.com/api-docs/spot-v3/market-data-endpoints>.

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented answer, trimmed to what the mapping needs:
///
/// ```json
/// {"timezone":"CST","serverTime":1739242106044,"symbols":[{"symbol":"BTCUSDT",
///  "status":"1","baseAsset":"BTC","quoteAsset":"USDT","isSpotTradingAllowed":true,
///  "isMarginTradingAllowed":false,"permissions":["SPOT"]}]}
/// ```
///
/// `status` `"1"` is online (`"2"` paused, `"3"` offline); only online symbols that allow
/// spot trading are markets. An error is `{"code":..,"msg":".."}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reply<'a> {
    #[serde(borrow)]
    symbols: Option<Vec<SymbolInfo<'a>>>,
    code: Option<serde_json::Value>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SymbolInfo<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(borrow)]
    base_asset: Cow<'a, str>,
    #[serde(borrow)]
    quote_asset: Cow<'a, str>,
    is_spot_trading_allowed: Option<bool>,
}

fn error(detail: String) -> AdapterError {
    AdapterError::MarketList {
        exchange: "mexc".into(),
        detail,
    }
}

pub(super) fn parse_exchange_info(body: &str) -> Result<Vec<Market>, AdapterError> {
    let reply: Reply<'_> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    let Some(symbols) = reply.symbols else {
        return Err(error(format!(
            "code {}: {}",
            reply
                .code
                .map_or_else(|| "none".to_owned(), |code| code.to_string()),
            reply.msg.as_deref().unwrap_or("no 'symbols'")
        )));
    };
    Ok(symbols
        .into_iter()
        .filter(|info| info.status == "1" && info.is_spot_trading_allowed != Some(false))
        .map(|info| {
            Market::new(
                &info.base_asset,
                &info.quote_asset,
                info.symbol.into_owned(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    #[test]
    fn online_spot_symbols_are_markets() {
        let body = r#"{"timezone":"CST","serverTime":1739242106044,"symbols":[{"symbol":"BTCUSDT","status":"1","baseAsset":"BTC","quoteAsset":"USDT","isSpotTradingAllowed":true,"permissions":["SPOT"]},{"symbol":"OLDUSDT","status":"3","baseAsset":"OLD","quoteAsset":"USDT","isSpotTradingAllowed":true},{"symbol":"NOSPOTUSDT","status":"1","baseAsset":"NOSPOT","quoteAsset":"USDT","isSpotTradingAllowed":false},{"symbol":"ETHBTC","status":"1","baseAsset":"ETH","quoteAsset":"BTC"}]}"#;
        assert_eq!(
            market_pairs(&parse_exchange_info(body).unwrap()),
            vec![
                ("BTC-USDT".into(), "BTCUSDT".into()),
                ("ETH-BTC".into(), "ETHBTC".into())
            ]
        );
        let error = parse_exchange_info(
            r#"{"code":700003,"msg":"Timestamp for this request is outside of the recvWindow."}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "mexc: unexpected market list: code 700003: Timestamp for this request is outside of the recvWindow."
        );
    }
}
