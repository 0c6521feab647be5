//! Backpack's market list: `GET /api/v1/markets`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AdapterError;
use crate::markets::Market;

/// One entry of the documented response (a JSON array), trimmed to what the mapping needs:
///
/// ```json
/// [{"symbol":"SOL_USDC","baseSymbol":"SOL","quoteSymbol":"USDC","marketType":"SPOT",
///   "filters":{"price":{"tickSize":"0.01"},"quantity":{"stepSize":"0.01"}},
///   "orderBookState":"Open","createdAt":"2025-01-21T06:34:54.691858","visible":true}]
/// ```
///
/// Only `SPOT` markets whose `orderBookState` is `Open` are markets (the list also holds
/// perpetuals such as `SOL_USDC_PERP` with the same base and quote, and books that are
/// `Closed`, `CancelOnly`, `LimitOnly` or `PostOnly`). Base and quote come from
/// `baseSymbol`/`quoteSymbol`, never from splitting `symbol`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MarketInfo<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    base_symbol: Cow<'a, str>,
    #[serde(borrow)]
    quote_symbol: Cow<'a, str>,
    #[serde(borrow)]
    market_type: Cow<'a, str>,
    #[serde(borrow)]
    order_book_state: Cow<'a, str>,
}

/// The documented error body: `{"code":"INVALID_CLIENT_REQUEST","message":"..."}`.
#[derive(Deserialize)]
struct ApiError<'a> {
    #[serde(borrow)]
    code: &'a RawValue,
    #[serde(borrow)]
    message: Cow<'a, str>,
}

pub(super) fn parse_markets(body: &str) -> Result<Vec<Market>, AdapterError> {
    let markets: Vec<MarketInfo<'_>> = serde_json::from_str(body).map_err(|error| {
        let detail = match serde_json::from_str::<ApiError<'_>>(body) {
            Ok(api) => format!("code {}: {}", api.code.get(), api.message),
            Err(_) => error.to_string(),
        };
        AdapterError::MarketList {
            exchange: "backpack".into(),
            detail,
        }
    })?;
    Ok(markets
        .into_iter()
        .filter(|market| market.market_type == "SPOT" && market.order_book_state == "Open")
        .map(|market| {
            Market::new(
                &market.base_symbol,
                &market.quote_symbol,
                market.symbol.into_owned(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape: open spot markets, a perpetual with the same base and quote as
    /// a spot market, and spot markets whose book is not open.
    const MARKETS: &str = r#"[
      {"baseSymbol": "SOL", "createdAt": "2025-01-21T06:34:54.691858",
       "filters": {"price": {"minPrice": "0.01", "maxPrice": null, "tickSize": "0.01",
                             "maxMultiplier": "1.25", "minMultiplier": "0.75",
                             "meanMarkPriceBand": {"maxMultiplier": "1.15", "minMultiplier": "0.9"},
                             "meanPremiumBand": null},
                   "quantity": {"minQuantity": "0.01", "maxQuantity": null, "stepSize": "0.01"}},
       "fundingInterval": null, "fundingRateLowerBound": null, "fundingRateUpperBound": null,
       "imfFunction": null, "marketType": "SPOT", "mmfFunction": null, "openInterestLimit": "0",
       "orderBookState": "Open", "quoteSymbol": "USDC", "symbol": "SOL_USDC", "visible": true},
      {"baseSymbol": "SOL", "createdAt": "2025-01-21T06:34:54.691858",
       "filters": {"price": {"minPrice": "0.01", "maxPrice": "1000", "tickSize": "0.01"},
                   "quantity": {"minQuantity": "0.01", "maxQuantity": null, "stepSize": "0.01"}},
       "fundingInterval": 28800000, "fundingRateLowerBound": "-100", "fundingRateUpperBound": "100",
       "imfFunction": {"base": "0.02", "factor": "0.0001275", "type": "sqrt"},
       "marketType": "PERP", "mmfFunction": {"base": "0.0125", "factor": "0.0000765", "type": "sqrt"},
       "openInterestLimit": "4000000", "orderBookState": "Open", "quoteSymbol": "USDC",
       "symbol": "SOL_USDC_PERP", "visible": true},
      {"baseSymbol": "BTC", "createdAt": "2024-01-16T00:00:00", "filters": {},
       "marketType": "SPOT", "orderBookState": "Open", "quoteSymbol": "USDT",
       "symbol": "BTC_USDT", "visible": true},
      {"baseSymbol": "OLD", "createdAt": "2024-01-16T00:00:00", "filters": {},
       "marketType": "SPOT", "orderBookState": "Closed", "quoteSymbol": "USDC",
       "symbol": "OLD_USDC", "visible": false},
      {"baseSymbol": "WIND", "createdAt": "2024-01-16T00:00:00", "filters": {},
       "marketType": "SPOT", "orderBookState": "CancelOnly", "quoteSymbol": "USDC",
       "symbol": "WIND_USDC", "visible": true}
    ]"#;

    #[test]
    fn maps_open_spot_markets_from_base_and_quote_symbols() {
        let markets = parse_markets(MARKETS).unwrap();
        let pairs = market_pairs(&markets);
        assert_eq!(
            pairs,
            vec![
                ("SOL-USDC".into(), "SOL_USDC".into()),
                ("BTC-USDT".into(), "BTC_USDT".into()),
            ]
        );
    }

    #[test]
    fn an_error_body_is_a_market_list_error_naming_code_and_message() {
        let error = parse_markets(r#"{"code":"INVALID_CLIENT_REQUEST","message":"Bad query"}"#)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"backpack: unexpected market list: code "INVALID_CLIENT_REQUEST": Bad query"#
        );
        let error = parse_markets("<html>").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("backpack: unexpected market list"),
            "{error}"
        );
    }
}
