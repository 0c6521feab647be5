//! Binance's market list: `GET /api/v3/exchangeInfo`.

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented response, trimmed to what the mapping needs:
///
/// ```json
/// {"timezone":"UTC","serverTime":1565246363776,"rateLimits":[],"exchangeFilters":[],
///  "symbols":[{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,
///              "quoteAsset":"BTC","quotePrecision":8,"isSpotTradingAllowed":true, "filters":[]}]}
/// ```
///
/// Only `TRADING` symbols are markets; base and quote come from `baseAsset`/`quoteAsset`
/// (never from splitting `symbol`: `1000SATSUSDT`).
#[derive(Deserialize)]
struct ExchangeInfo {
    symbols: Vec<SymbolInfo>,
}

/// A symbol of an `exchangeInfo` answer (spot's, or a futures product's with its contract).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SymbolInfo {
    pub(crate) symbol: String,
    /// Spot and USD-M futures: `TRADING`, `BREAK`, ...; empty when absent (COIN-M).
    #[serde(default)]
    pub(crate) status: String,
    /// COIN-M futures: the contract's status, in place of `status`; empty when absent.
    #[serde(default)]
    pub(crate) contract_status: String,
    pub(crate) base_asset: String,
    pub(crate) quote_asset: String,
    /// Futures: `PERPETUAL`, `CURRENT_QUARTER`, ... (spot has none).
    #[serde(default)]
    pub(crate) contract_type: String,
    /// Futures: the delivery time in milliseconds.
    pub(crate) delivery_date: Option<i64>,
}

/// Every symbol of an `exchangeInfo` body; `exchange` names the adapter in errors.
pub(crate) fn symbols(body: &str, exchange: &str) -> Result<Vec<SymbolInfo>, AdapterError> {
    let info: ExchangeInfo =
        serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
            exchange: exchange.into(),
            detail: error.to_string(),
        })?;
    Ok(info.symbols)
}

/// The symbols whose `status` is `TRADING`; `exchange` names the adapter in errors.
pub(crate) fn trading_symbols(
    body: &str,
    exchange: &str,
) -> Result<impl Iterator<Item = SymbolInfo>, AdapterError> {
    Ok(symbols(body, exchange)?
        .into_iter()
        .filter(|symbol| symbol.status == "TRADING"))
}

pub(super) fn parse_exchange_info(body: &str) -> Result<Vec<Market>, AdapterError> {
    Ok(trading_symbols(body, "binance")?
        .map(|symbol| Market::new(&symbol.base_asset, &symbol.quote_asset, symbol.symbol))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape, with one market in `BREAK` (not tradable).
    pub(crate) const EXCHANGE_INFO: &str = r#"{
      "timezone": "UTC", "serverTime": 1565246363776, "rateLimits": [], "exchangeFilters": [],
      "symbols": [
        {"symbol": "ETHBTC", "status": "TRADING", "baseAsset": "ETH", "baseAssetPrecision": 8,
         "quoteAsset": "BTC", "quotePrecision": 8, "quoteAssetPrecision": 8,
         "orderTypes": ["LIMIT", "MARKET"], "isSpotTradingAllowed": true, "filters": [], "permissions": []},
        {"symbol": "BTCUSDT", "status": "TRADING", "baseAsset": "BTC", "quoteAsset": "USDT", "filters": []},
        {"symbol": "1000SATSUSDT", "status": "TRADING", "baseAsset": "1000SATS", "quoteAsset": "USDT"},
        {"symbol": "LUNAUSDT", "status": "BREAK", "baseAsset": "LUNA", "quoteAsset": "USDT"}
      ]
    }"#;

    #[test]
    fn maps_trading_symbols_from_base_and_quote_assets() {
        let markets = parse_exchange_info(EXCHANGE_INFO).unwrap();
        let pairs = market_pairs(&markets);
        assert_eq!(
            pairs,
            vec![
                ("ETH-BTC".into(), "ETHBTC".into()),
                ("BTC-USDT".into(), "BTCUSDT".into()),
                ("1000SATS-USDT".into(), "1000SATSUSDT".into()),
            ]
        );
    }

    #[test]
    fn an_error_body_is_a_market_list_error() {
        let error = parse_exchange_info(r#"{"code":-1121,"msg":"Invalid symbol."}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("binance: unexpected market list"),
            "{error}"
        );
    }
}
