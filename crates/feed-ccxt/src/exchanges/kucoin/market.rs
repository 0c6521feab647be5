//! KuCoin's market list: `GET /api/v2/symbols`
//! <https://www.kucoin.com/docs-new/rest/spot-trading/market-data/get-all-symbols>.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented answer, trimmed to what the mapping needs:
///
/// ```json
/// {"code":"200000","data":[{"symbol":"BTC-USDT","name":"BTC-USDT","baseCurrency":"BTC",
///   "quoteCurrency":"USDT","feeCurrency":"USDT","market":"USDS","baseMinSize":"0.00001",
///   "quoteMinSize":"0.1","baseMaxSize":"10000000000","quoteMaxSize":"99999999",
///   "baseIncrement":"0.00000001","quoteIncrement":"0.000001","priceIncrement":"0.1",
///   "priceLimitRate":"0.1","minFunds":"0.1","isMarginEnabled":true,"enableTrading":true,
///   "feeCategory":1,"makerFeeCoefficient":"1.00","takerFeeCoefficient":"1.00","st":false}]}
/// ```
///
/// Only markets with `enableTrading: true` are live; base and quote come from
/// `baseCurrency`/`quoteCurrency`, never from splitting `symbol`.
#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Option<Vec<SymbolInfo<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SymbolInfo<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    base_currency: Cow<'a, str>,
    #[serde(borrow)]
    quote_currency: Cow<'a, str>,
    #[serde(default)]
    enable_trading: bool,
}

fn error(detail: String) -> AdapterError {
    AdapterError::MarketList {
        exchange: "kucoin".into(),
        detail,
    }
}

pub(super) fn parse_symbols(body: &str) -> Result<Vec<Market>, AdapterError> {
    let reply: Reply<'_> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    let code = reply
        .code
        .map(|code| code.get().trim_matches('"').to_owned());
    if code.as_deref() != Some("200000") {
        return Err(error(format!(
            "code {}: {}",
            code.unwrap_or_else(|| "missing".into()),
            reply.msg.as_deref().unwrap_or("no message")
        )));
    }
    let symbols = reply.data.ok_or_else(|| error("no 'data'".into()))?;
    Ok(symbols
        .into_iter()
        .filter(|info| info.enable_trading)
        .map(|info| {
            Market::new(
                &info.base_currency,
                &info.quote_currency,
                info.symbol.into_owned(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    const DOCUMENTED: &str = r#"{"code":"200000","data":[
      {"symbol":"BTC-USDT","name":"BTC-USDT","baseCurrency":"BTC","quoteCurrency":"USDT","feeCurrency":"USDT","market":"USDS","baseMinSize":"0.00001","quoteMinSize":"0.1","baseMaxSize":"10000000000","quoteMaxSize":"99999999","baseIncrement":"0.00000001","quoteIncrement":"0.000001","priceIncrement":"0.1","priceLimitRate":"0.1","minFunds":"0.1","isMarginEnabled":true,"enableTrading":true,"feeCategory":1,"makerFeeCoefficient":"1.00","takerFeeCoefficient":"1.00","st":false},
      {"symbol":"OLD-BTC","name":"OLD-BTC","baseCurrency":"OLD","quoteCurrency":"BTC","enableTrading":false},
      {"symbol":"ETH-BTC","name":"ETH-BTC","baseCurrency":"ETH","quoteCurrency":"BTC","enableTrading":true}]}"#;

    #[test]
    fn maps_trading_markets_from_base_and_quote_currencies() {
        let markets = parse_symbols(DOCUMENTED).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USDT".into(), "BTC-USDT".into()),
                ("ETH-BTC".into(), "ETH-BTC".into())
            ]
        );
    }

    #[test]
    fn an_error_answer_names_code_and_message() {
        let error = parse_symbols(r#"{"code":"400100","msg":"Bad request"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "kucoin: unexpected market list: code 400100: Bad request"
        );
        assert!(parse_symbols("<html>").is_err());
    }
}
