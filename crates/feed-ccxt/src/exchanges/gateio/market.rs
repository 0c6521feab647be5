//! Gate's market list: `GET /api/v4/spot/currency_pairs`.

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// One element of the documented answer (an array), trimmed to what the mapping needs:
///
/// ```json
/// [{"id":"ETH_USDT","base":"ETH","base_name":"Ethereum","quote":"USDT","quote_name":"Tether",
///   "fee":"0.2","min_base_amount":"0.001","min_quote_amount":"1.0","max_base_amount":"10000",
///   "max_quote_amount":"10000000","amount_precision":3,"precision":6,
///   "trade_status":"tradable","sell_start":1516378650,"buy_start":1516378650,
///   "delisting_time":0,"type":"normal"}]
/// ```
///
/// `trade_status` is one of `untradable`, `buyable`, `sellable`, `tradable`: only
/// `tradable` pairs are markets. Base and quote come from `base`/`quote`.
#[derive(Deserialize)]
struct CurrencyPair {
    id: String,
    base: String,
    quote: String,
    #[serde(default)]
    trade_status: String,
}

pub(super) fn parse_currency_pairs(body: &str) -> Result<Vec<Market>, AdapterError> {
    let pairs: Vec<CurrencyPair> =
        serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
            exchange: "gateio".into(),
            detail: error.to_string(),
        })?;
    Ok(pairs
        .into_iter()
        .filter(|pair| pair.trade_status == "tradable")
        .map(|pair| Market::new(&pair.base, &pair.quote, pair.id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape, with one pair only buyable (not tradable).
    const CURRENCY_PAIRS: &str = r#"[
      {"id":"ETH_USDT","base":"ETH","base_name":"Ethereum","quote":"USDT","quote_name":"Tether",
       "fee":"0.2","min_base_amount":"0.001","min_quote_amount":"1.0","max_base_amount":"10000",
       "max_quote_amount":"10000000","amount_precision":3,"precision":6,
       "trade_status":"tradable","sell_start":1516378650,"buy_start":1516378650,
       "delisting_time":0,"type":"normal"},
      {"id":"BTC_USDT","base":"BTC","quote":"USDT","trade_status":"tradable"},
      {"id":"NEW_USDT","base":"NEW","quote":"USDT","trade_status":"buyable"},
      {"id":"OLD_USDT","base":"OLD","quote":"USDT","trade_status":"untradable"}
    ]"#;

    #[test]
    fn maps_tradable_pairs_from_base_and_quote() {
        let markets = parse_currency_pairs(CURRENCY_PAIRS).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("ETH-USDT".into(), "ETH_USDT".into()),
                ("BTC-USDT".into(), "BTC_USDT".into()),
            ]
        );
    }

    #[test]
    fn an_error_body_is_a_market_list_error() {
        let error =
            parse_currency_pairs(r#"{"label":"INVALID_PARAM_VALUE","message":"x"}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("gateio: unexpected market list"),
            "{error}"
        );
    }
}
