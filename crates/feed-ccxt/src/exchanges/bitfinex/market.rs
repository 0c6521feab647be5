//! Bitfinex's market list: `GET /v2/conf/pub:list:pair:exchange`.

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented answer: one array holding every pair trading on the exchange,
///
/// ```json
/// [["BTCUSD","ETHUSD","ETHBTC","AVAX:USD","TESTBTC:TESTUSD"]]
/// ```
///
/// A pair is two currency codes: written together when both have three letters
/// (`BTCUSD`), else separated by `:` (`AVAX:USD`). The trading symbol is `t` + the pair
/// (`tBTCUSD`, `tAVAX:USD`). Codes are kept as listed (Bitfinex writes Tether `UST`, so
/// `BTCUST` is `BTC-UST`). A pair of any other shape is not mapped.
pub(super) fn parse_pairs(body: &str) -> Result<Vec<Market>, AdapterError> {
    let lists: Vec<Vec<String>> =
        serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
            exchange: "bitfinex".into(),
            detail: error.to_string(),
        })?;
    let Some(pairs) = lists.into_iter().next() else {
        return Err(AdapterError::MarketList {
            exchange: "bitfinex".into(),
            detail: "no list of pairs".into(),
        });
    };
    Ok(pairs
        .iter()
        .filter_map(|pair| {
            let (base, quote) = match pair.split_once(':') {
                Some((base, quote)) => (base, quote),
                None if pair.len() == 6 && pair.is_ascii() => pair.split_at(3),
                None => return None,
            };
            if base.is_empty() || quote.is_empty() {
                return None;
            }
            Some(Market::new(base, quote, format!("t{pair}")))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    #[test]
    fn maps_both_pair_spellings() {
        let markets =
            parse_pairs(r#"[["BTCUSD","ETHBTC","AVAX:USD","TESTBTC:TESTUSD","ODDPAIR"]]"#).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USD".into(), "tBTCUSD".into()),
                ("ETH-BTC".into(), "tETHBTC".into()),
                ("AVAX-USD".into(), "tAVAX:USD".into()),
                ("TESTBTC-TESTUSD".into(), "tTESTBTC:TESTUSD".into()),
            ]
        );
        assert!(parse_pairs("[]").is_err());
        assert!(parse_pairs(r#"{"error":"x"}"#).is_err());
    }
}
