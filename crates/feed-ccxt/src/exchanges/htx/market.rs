//! HTX's market list: `GET /v1/common/symbols`
//! <https://huobiapi.github.io/docs/spot/v1/en/#get-all-supported-trading-symbol>.

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented answer, trimmed to what the mapping needs:
///
/// ```json
/// {"status":"ok","data":[{"base-currency":"btc","quote-currency":"usdt",
///   "price-precision":2,"amount-precision":6,"symbol-partition":"main","symbol":"btcusdt",
///   "state":"online","value-precision":8,"min-order-amt":0.0001,"max-order-amt":1000,
///   "min-order-value":5,"leverage-ratio":5,"api-trading":"enabled"}]}
/// ```
///
/// Only `state: "online"` symbols are live (the others: `offline`, `suspend`,
/// `pre-online`). Base and quote come from `base-currency`/`quote-currency`; the exchange
/// symbol is `symbol` as listed (lower case, as topics use it). An error answer is
/// `{"status":"error","err-code":"..","err-msg":".."}`.
#[derive(Deserialize)]
struct Reply<'a> {
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "err-code")]
    err_code: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "err-msg")]
    err_msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<Vec<SymbolInfo<'a>>>,
}

#[derive(Deserialize)]
struct SymbolInfo<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow, rename = "base-currency")]
    base: Cow<'a, str>,
    #[serde(borrow, rename = "quote-currency")]
    quote: Cow<'a, str>,
    #[serde(borrow)]
    state: Cow<'a, str>,
}

fn error(detail: String) -> AdapterError {
    AdapterError::MarketList {
        exchange: "htx".into(),
        detail,
    }
}

pub(super) fn parse_symbols(body: &str) -> Result<Vec<Market>, AdapterError> {
    let reply: Reply<'_> = serde_json::from_str(body).map_err(|e| error(e.to_string()))?;
    if reply.status.as_deref() != Some("ok") {
        return Err(error(format!(
            "{}: {}",
            reply.err_code.as_deref().unwrap_or("no status"),
            reply.err_msg.as_deref().unwrap_or("no message")
        )));
    }
    let symbols = reply.data.ok_or_else(|| error("no 'data'".into()))?;
    Ok(symbols
        .into_iter()
        .filter(|info| info.state == "online")
        .map(|info| Market::new(&info.base, &info.quote, info.symbol.into_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    const DOCUMENTED: &str = r#"{"status":"ok","data":[
      {"base-currency":"btc","quote-currency":"usdt","price-precision":2,"amount-precision":6,"symbol-partition":"main","symbol":"btcusdt","state":"online","value-precision":8,"min-order-amt":0.0001,"max-order-amt":1000,"min-order-value":5,"leverage-ratio":5,"api-trading":"enabled"},
      {"base-currency":"eth","quote-currency":"btc","symbol":"ethbtc","state":"online"},
      {"base-currency":"old","quote-currency":"usdt","symbol":"oldusdt","state":"offline"},
      {"base-currency":"new","quote-currency":"usdt","symbol":"newusdt","state":"pre-online"}]}"#;

    #[test]
    fn maps_online_symbols_from_base_and_quote_currencies() {
        assert_eq!(
            market_pairs(&parse_symbols(DOCUMENTED).unwrap()),
            vec![
                ("BTC-USDT".into(), "btcusdt".into()),
                ("ETH-BTC".into(), "ethbtc".into())
            ]
        );
    }

    #[test]
    fn an_error_answer_names_code_and_message() {
        let error = parse_symbols(
            r#"{"status":"error","err-code":"invalid-parameter","err-msg":"invalid symbol"}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "htx: unexpected market list: invalid-parameter: invalid symbol"
        );
        assert!(parse_symbols("<html>").is_err());
    }
}
