//! Kraken's market list: `GET /0/public/AssetPairs`, with `wsname` mapped to v2 symbols and
//! each pair's price and volume precision (for the book checksum).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented response, trimmed to what the mapping needs:
///
/// ```json
/// {"error":[],
///  "result":{"XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","aclass_base":"currency",
///                        "base":"XXBT","aclass_quote":"currency","quote":"ZUSD",
///                        "pair_decimals":1,"lot_decimals":8,"ordermin":"0.0001",
///                        "costmin":"0.5","tick_size":"0.1","status":"online"}}}
/// ```
///
/// Markets are the pairs with a `wsname` and `status: "online"` (a response without
/// `status`, as older ones were, counts as online; `cancel_only`, `post_only`, `limit_only`
/// and `reduce_only` pairs are left out). Dark-pool pairs (keys ending in `.d`) are skipped.
/// The WebSocket v2 symbol is [`v2_symbol`] of `wsname`; the normalized symbol is its base
/// and quote (`XBT/USD` → `BTC/USD` → `BTC-USD`). An `error` list that is not empty is a
/// market list error.
///
/// `pair_decimals` ("scaling decimal places for pair", the price precision) and
/// `lot_decimals` ("scaling decimal places for volume") become the market's price and size
/// precision: the book checksum writes every level with exactly these digits (see
/// [`super::book`]). A missing value, or one that is not a whole number from 0 to 28 (what a
/// decimal holds), leaves that precision unknown rather than failing the whole list.
#[derive(Deserialize)]
struct AssetPairs {
    #[serde(default)]
    error: Vec<String>,
    #[serde(default)]
    result: BTreeMap<String, AssetPair>,
}

#[derive(Deserialize)]
struct AssetPair {
    wsname: Option<String>,
    status: Option<String>,
    pair_decimals: Option<serde_json::Value>,
    lot_decimals: Option<serde_json::Value>,
}

/// The most fraction digits a `Decimal` has.
const MAX_PRECISION: u64 = 28;

/// A precision field as a number of fraction digits, when it is one.
fn precision(value: Option<&serde_json::Value>) -> Option<u32> {
    value
        .and_then(serde_json::Value::as_u64)
        .filter(|digits| *digits <= MAX_PRECISION)
        .and_then(|digits| u32::try_from(digits).ok())
}

/// The WebSocket v2 name of an asset of a REST `wsname`: v2 uses `BTC` and `DOGE` where
/// REST and WebSocket v1 use the legacy `XBT` and `XDG` ("Symbol format: v1 `XBT/USD`,
/// v2 `BTC/USD`"); every other asset keeps its name. The rule is applied to each side of
/// the pair, so `XDG/XBT` becomes `DOGE/BTC` (the same aliases cryptofeed normalizes).
fn v2_asset(asset: &str) -> &str {
    match asset {
        "XBT" => "BTC",
        "XDG" => "DOGE",
        other => other,
    }
}

/// The WebSocket v2 symbol (`BTC/USD`) of a REST `wsname` (`XBT/USD`), with its base and
/// quote; `None` unless it is `BASE/QUOTE`.
pub(super) fn v2_symbol(wsname: &str) -> Option<(String, &str, &str)> {
    let (base, quote) = wsname.split_once('/')?;
    if base.is_empty() || quote.is_empty() || quote.contains('/') {
        return None;
    }
    let (base, quote) = (v2_asset(base), v2_asset(quote));
    Some((format!("{base}/{quote}"), base, quote))
}

pub(super) fn parse_asset_pairs(body: &str) -> Result<Vec<Market>, AdapterError> {
    let failure = |detail: String| AdapterError::MarketList {
        exchange: "kraken".into(),
        detail,
    };
    let pairs: AssetPairs =
        serde_json::from_str(body).map_err(|error| failure(error.to_string()))?;
    if !pairs.error.is_empty() {
        return Err(failure(pairs.error.join(", ")));
    }
    Ok(pairs
        .result
        .iter()
        .filter(|(key, pair)| {
            !key.ends_with(".d")
                && pair
                    .status
                    .as_deref()
                    .is_none_or(|status| status == "online")
        })
        .filter_map(|(_, pair)| {
            let (symbol, base, quote) = v2_symbol(pair.wsname.as_deref()?)?;
            Some(Market::new(base, quote, symbol).with_precision(
                precision(pair.pair_decimals.as_ref()),
                precision(pair.lot_decimals.as_ref()),
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape: XBT and XDG pairs (renamed for v2), a plain pair, a pair in
    /// `cancel_only`, a dark-pool pair and a pair without `wsname`.
    const ASSET_PAIRS: &str = r#"{
      "error": [],
      "result": {
        "XXBTZUSD": {"altname": "XBTUSD", "wsname": "XBT/USD", "aclass_base": "currency", "base": "XXBT",
                     "aclass_quote": "currency", "quote": "ZUSD", "lot": "unit", "cost_decimals": 5,
                     "pair_decimals": 1, "lot_decimals": 8, "lot_multiplier": 1,
                     "fee_volume_currency": "ZUSD", "ordermin": "0.0001", "costmin": "0.5",
                     "tick_size": "0.1", "status": "online"},
        "XETHZEUR": {"altname": "ETHEUR", "wsname": "ETH/EUR", "aclass_base": "currency", "base": "XETH",
                     "aclass_quote": "currency", "quote": "ZEUR", "pair_decimals": 2, "lot_decimals": 8,
                     "ordermin": "0.002", "costmin": "0.45", "tick_size": "0.01", "status": "online"},
        "XDGUSD": {"altname": "XDGUSD", "wsname": "XDG/USD", "base": "XXDG", "quote": "ZUSD", "status": "online"},
        "XDGXBT": {"altname": "XDGXBT", "wsname": "XDG/XBT", "base": "XXDG", "quote": "XXBT", "status": "online"},
        "MATICUSD": {"altname": "MATICUSD", "wsname": "MATIC/USD", "base": "MATIC", "quote": "ZUSD", "status": "cancel_only"},
        "XXBTZUSD.d": {"altname": "XBTUSD.d", "base": "XXBT", "quote": "ZUSD", "status": "online"},
        "XETHXXBT.d": {"altname": "ETHXBT.d", "wsname": "ETH/XBT", "base": "XETH", "quote": "XXBT"},
        "NOWSUSD": {"altname": "NOWSUSD", "base": "NOWS", "quote": "ZUSD", "status": "online"}
      }
    }"#;

    #[test]
    fn maps_online_pairs_to_v2_symbols() {
        let markets = parse_asset_pairs(ASSET_PAIRS).unwrap();
        let pairs = market_pairs(&markets);
        assert_eq!(
            pairs,
            vec![
                ("DOGE-USD".into(), "DOGE/USD".into()),
                ("DOGE-BTC".into(), "DOGE/BTC".into()),
                ("ETH-EUR".into(), "ETH/EUR".into()),
                ("BTC-USD".into(), "BTC/USD".into()),
            ]
        );
    }

    #[test]
    fn pair_and_lot_decimals_are_the_price_and_size_precision() {
        let markets = parse_asset_pairs(ASSET_PAIRS).unwrap();
        let precision = |symbol: &str| {
            let market = markets
                .iter()
                .find(|market| market.exchange_symbol == symbol)
                .unwrap();
            (market.price_precision, market.size_precision)
        };
        assert_eq!(precision("BTC/USD"), (Some(1), Some(8)));
        assert_eq!(precision("ETH/EUR"), (Some(2), Some(8)));
        assert_eq!(precision("DOGE/USD"), (None, None), "not in the response");
        let odd = r#"{"error":[],"result":{"A":{"wsname":"A/USD","pair_decimals":-1,"lot_decimals":"8"},
                      "B":{"wsname":"B/USD","pair_decimals":29,"lot_decimals":1.5}}}"#;
        let markets = parse_asset_pairs(odd).unwrap();
        assert!(markets
            .iter()
            .all(|market| market.price_precision.is_none() && market.size_precision.is_none()));
    }

    #[test]
    fn only_the_legacy_asset_names_change() {
        assert_eq!(v2_symbol("XBT/USDT").unwrap().0, "BTC/USDT");
        assert_eq!(v2_symbol("ETH/XBT").unwrap().0, "ETH/BTC");
        assert_eq!(v2_symbol("XBTX/USD").unwrap().0, "XBTX/USD");
        assert_eq!(v2_symbol("USDT/USD").unwrap().0, "USDT/USD");
        assert!(v2_symbol("XBTUSD").is_none());
        assert!(v2_symbol("/USD").is_none());
    }

    #[test]
    fn an_error_list_is_a_market_list_error() {
        let error = parse_asset_pairs(r#"{"error":["EGeneral:Invalid arguments"]}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "kraken: unexpected market list: EGeneral:Invalid arguments"
        );
        assert!(parse_asset_pairs("<html>").is_err());
    }
}
