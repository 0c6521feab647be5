//! Hyperliquid's market list: `POST /info` with `{"type":"meta"}`.

use std::borrow::Cow;

use feed_core::Symbol;
use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The quote (margin and settlement) asset of every perpetual of the first perp dex.
pub(super) const QUOTE: &str = "USDC";

/// The documented response, trimmed to what the mapping needs:
///
/// ```json
/// {"universe":[{"name":"BTC","szDecimals":5,"maxLeverage":50},
///              {"name":"HPOS","szDecimals":0,"maxLeverage":3,"onlyIsolated":true},
///              {"name":"LOOM","szDecimals":1,"maxLeverage":3,"isDelisted":true,
///               "marginMode":"strictIsolated","onlyIsolated":true}],
///  "marginTables":[[50,{"description":"","marginTiers":[{"lowerBound":"0.0","maxLeverage":50}]}]]}
/// ```
///
/// Every asset of `universe` is a perpetual named by its coin; delisted ones
/// (`isDelisted: true`) are not markets. `szDecimals` is the size precision.
#[derive(Deserialize)]
struct Meta<'a> {
    #[serde(borrow)]
    universe: Vec<Asset<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Asset<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    sz_decimals: Option<u32>,
    #[serde(default)]
    is_delisted: bool,
}

pub(super) fn parse_meta(body: &str) -> Result<Vec<Market>, AdapterError> {
    let meta: Meta<'_> = serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
        exchange: "hyperliquid".into(),
        detail: error.to_string(),
    })?;
    Ok(meta
        .universe
        .into_iter()
        // A name a normalized symbol cannot carry (empty, or with the separator) is skipped.
        .filter(|asset| !asset.is_delisted && !asset.name.is_empty() && !asset.name.contains('-'))
        .map(|asset| {
            Market::for_symbol(Symbol::perpetual(&asset.name, QUOTE), asset.name.as_ref())
                .with_precision(None, asset.sz_decimals)
        })
        .collect())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented `meta` response (its comments dropped), with a coin spelled in mixed
    /// case.
    pub(crate) const META: &str = r#"{
      "universe": [
        {"name": "BTC", "szDecimals": 5, "maxLeverage": 50},
        {"name": "ETH", "szDecimals": 4, "maxLeverage": 50},
        {"name": "HPOS", "szDecimals": 0, "maxLeverage": 3, "onlyIsolated": true},
        {"name": "LOOM", "szDecimals": 1, "maxLeverage": 3, "isDelisted": true,
         "marginMode": "strictIsolated", "onlyIsolated": true},
        {"name": "kPEPE", "szDecimals": 0, "maxLeverage": 10}
      ],
      "marginTables": [
        [50, {"description": "", "marginTiers": [{"lowerBound": "0.0", "maxLeverage": 50}]}],
        [51, {"description": "tiered 10x", "marginTiers": [
          {"lowerBound": "0.0", "maxLeverage": 10}, {"lowerBound": "3000000.0", "maxLeverage": 5}]}]
      ]
    }"#;

    #[test]
    fn listed_coins_are_usdc_perpetuals_and_delisted_ones_are_skipped() {
        let markets = parse_meta(META).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USDC-PERP".into(), "BTC".into()),
                ("ETH-USDC-PERP".into(), "ETH".into()),
                ("HPOS-USDC-PERP".into(), "HPOS".into()),
                ("KPEPE-USDC-PERP".into(), "kPEPE".into()),
            ]
        );
        assert_eq!(markets[0].size_precision, Some(5));
        assert_eq!(markets[0].price_precision, None);
        assert_eq!(
            markets[0].symbol.kind(),
            feed_core::InstrumentKind::Perpetual
        );
    }

    #[test]
    fn an_error_body_is_a_market_list_error() {
        for body in [
            "null",
            r#"{"error":"bad request"}"#,
            "<html>",
            r#"{"universe":{}}"#,
        ] {
            let error = parse_meta(body).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("hyperliquid: unexpected market list"),
                "{error}"
            );
        }
    }
}
