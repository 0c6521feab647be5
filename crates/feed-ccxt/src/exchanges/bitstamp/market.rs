//! Bitstamp's market list: `GET /api/v2/trading-pairs-info/`
//! <https://www.bitstamp.net/api/#tag/Market-info>.

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// One entry of the documented answer (a JSON array), trimmed to what the mapping needs:
///
/// ```json
/// [{"name":"BTC/USD","url_symbol":"btcusd","base_decimals":8,"counter_decimals":0,
///   "instant_order_counter_decimals":2,"minimum_order":"10 USD","trading":"Enabled",
///   "instant_and_market_orders":"Enabled","description":"Bitcoin / U.S. dollar"}]
/// ```
///
/// Only `trading: "Enabled"` pairs are live; base and quote are the two sides of `name`,
/// the exchange symbol `url_symbol` (as channel names and REST paths use it).
#[derive(Deserialize)]
struct PairInfo<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    url_symbol: Cow<'a, str>,
    #[serde(borrow)]
    trading: Cow<'a, str>,
}

pub(super) fn parse_pairs(body: &str) -> Result<Vec<Market>, AdapterError> {
    let error = |detail: String| AdapterError::MarketList {
        exchange: "bitstamp".into(),
        detail,
    };
    let pairs: Vec<PairInfo<'_>> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    let mut markets = Vec::with_capacity(pairs.len());
    for pair in pairs.iter().filter(|pair| pair.trading == "Enabled") {
        let Some((base, quote)) = pair.name.split_once('/') else {
            return Err(error(format!("a pair name without '/': {:?}", pair.name)));
        };
        markets.push(Market::new(
            base.trim(),
            quote.trim(),
            pair.url_symbol.clone().into_owned(),
        ));
    }
    Ok(markets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    #[test]
    fn maps_enabled_pairs_from_their_names() {
        let markets = parse_pairs(r#"[
          {"name":"BTC/USD","url_symbol":"btcusd","base_decimals":8,"counter_decimals":0,"instant_order_counter_decimals":2,"minimum_order":"10 USD","trading":"Enabled","instant_and_market_orders":"Enabled","description":"Bitcoin / U.S. dollar"},
          {"name":"ETH/EUR","url_symbol":"etheur","trading":"Enabled"},
          {"name":"OLD/USD","url_symbol":"oldusd","trading":"Disabled"}]"#)
        .unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USD".into(), "btcusd".into()),
                ("ETH-EUR".into(), "etheur".into())
            ]
        );
        assert!(parse_pairs(r#"{"status":"error","reason":"x"}"#).is_err());
        assert!(
            parse_pairs(r#"[{"name":"BTCUSD","url_symbol":"btcusd","trading":"Enabled"}]"#)
                .is_err()
        );
    }
}
