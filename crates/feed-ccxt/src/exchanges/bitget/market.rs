//! Bitget's market list: `GET /api/v2/spot/public/symbols`.

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented answer, trimmed to what the mapping needs:
///
/// ```json
/// {"code":"00000","msg":"success","requestTime":1695808949356,
///  "data":[{"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","minTradeAmount":"0.0001",
///           "maxTradeAmount":"10000","takerFeeRate":"0.001","makerFeeRate":"0.001",
///           "pricePrecision":"4","quantityPrecision":"8","quotePrecision":"4",
///           "status":"online","minTradeUSDT":"5","buyLimitPriceRatio":"0.05",
///           "sellLimitPriceRatio":"0.05"}]}
/// ```
///
/// `status` is `offline`, `gray`, `online` or `halt`: only `online` symbols are markets.
/// Base and quote come from `baseCoin`/`quoteCoin`. A `code` other than `00000` is an error.
#[derive(Deserialize)]
struct Answer {
    code: String,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Vec<SymbolInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SymbolInfo {
    symbol: String,
    base_coin: String,
    quote_coin: String,
    #[serde(default)]
    status: String,
}

fn error(detail: String) -> AdapterError {
    AdapterError::MarketList {
        exchange: "bitget".into(),
        detail,
    }
}

pub(super) fn parse_symbols(body: &str) -> Result<Vec<Market>, AdapterError> {
    let answer: Answer = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    if answer.code != "00000" {
        return Err(error(format!("code {}: {}", answer.code, answer.msg)));
    }
    Ok(answer
        .data
        .into_iter()
        .filter(|symbol| symbol.status == "online")
        .map(|symbol| Market::new(&symbol.base_coin, &symbol.quote_coin, symbol.symbol))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    const SYMBOLS: &str = r#"{"code":"00000","msg":"success","requestTime":1695808949356,"data":[
      {"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","minTradeAmount":"0.0001","maxTradeAmount":"10000",
       "takerFeeRate":"0.001","makerFeeRate":"0.001","pricePrecision":"4","quantityPrecision":"8",
       "quotePrecision":"4","status":"online","minTradeUSDT":"5","buyLimitPriceRatio":"0.05","sellLimitPriceRatio":"0.05"},
      {"symbol":"ETHUSDT","baseCoin":"ETH","quoteCoin":"USDT","status":"online"},
      {"symbol":"NEWUSDT","baseCoin":"NEW","quoteCoin":"USDT","status":"gray"},
      {"symbol":"OLDUSDT","baseCoin":"OLD","quoteCoin":"USDT","status":"offline"},
      {"symbol":"STOPUSDT","baseCoin":"STOP","quoteCoin":"USDT","status":"halt"}]}"#;

    #[test]
    fn maps_online_symbols_from_base_and_quote_coins() {
        let markets = parse_symbols(SYMBOLS).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USDT".into(), "BTCUSDT".into()),
                ("ETH-USDT".into(), "ETHUSDT".into()),
            ]
        );
    }

    #[test]
    fn an_error_code_is_a_market_list_error() {
        let error = parse_symbols(
            r#"{"code":"40034","msg":"Parameter does not exist","requestTime":1,"data":null}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("bitget: unexpected market list"),
            "{error}"
        );
        assert!(parse_symbols("[]").is_err());
    }
}
