//! Bybit's market list: `GET /v5/market/instruments-info?category=spot`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented response, trimmed to what the mapping needs:
///
/// ```json
/// {"retCode":0,"retMsg":"OK",
///  "result":{"category":"spot","list":[{"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT",
///    "innovation":"0","status":"Trading","marginTrading":"utaOnly",
///    "lotSizeFilter":{"basePrecision":"0.000001","quotePrecision":"0.00000001",
///      "minOrderQty":"0.000048","maxOrderQty":"71.73956243","minOrderAmt":"1","maxOrderAmt":"2000000"},
///    "priceFilter":{"tickSize":"0.01"}}]},
///  "retExtInfo":{},"time":1672712468011}
/// ```
///
/// A `retCode` other than 0 is an error described by `retMsg` (its `result` is then `{}`).
/// Only `Trading` instruments are markets; base and quote come from `baseCoin`/`quoteCoin`
/// (never from splitting `symbol`). Spot has no pagination.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    ret_code: i64,
    #[serde(borrow, default)]
    ret_msg: Cow<'a, str>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct InstrumentList<'a> {
    #[serde(borrow)]
    list: Vec<Instrument<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Instrument<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    base_coin: Cow<'a, str>,
    #[serde(borrow)]
    quote_coin: Cow<'a, str>,
    #[serde(borrow)]
    status: Cow<'a, str>,
}

pub(super) fn parse_instruments_info(body: &str) -> Result<Vec<Market>, AdapterError> {
    let error = |detail: String| AdapterError::MarketList {
        exchange: "bybit".into(),
        detail,
    };
    let envelope: Envelope<'_> =
        serde_json::from_str(body).map_err(|json| error(json.to_string()))?;
    if envelope.ret_code != 0 {
        return Err(error(format!(
            "retCode {}: {}",
            envelope.ret_code, envelope.ret_msg
        )));
    }
    let result = envelope
        .result
        .ok_or_else(|| error("no 'result' with retCode 0".into()))?;
    let instruments: InstrumentList<'_> =
        serde_json::from_str(result.get()).map_err(|json| error(format!("result: {json}")))?;
    Ok(instruments
        .list
        .into_iter()
        .filter(|instrument| instrument.status == "Trading")
        .map(|instrument| {
            Market::new(
                &instrument.base_coin,
                &instrument.quote_coin,
                instrument.symbol,
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape, plus a market whose symbol no suffix rule splits right
    /// (`USDEUSDT`: USDE/USDT) and one not trading.
    const INSTRUMENTS_INFO: &str = r#"{
      "retCode": 0, "retMsg": "OK",
      "result": {
        "category": "spot",
        "list": [
          {"symbol": "BTCUSDT", "baseCoin": "BTC", "quoteCoin": "USDT", "innovation": "0",
           "status": "Trading", "marginTrading": "utaOnly",
           "lotSizeFilter": {"basePrecision": "0.000001", "quotePrecision": "0.00000001",
             "minOrderQty": "0.000048", "maxOrderQty": "71.73956243", "minOrderAmt": "1",
             "maxOrderAmt": "2000000"},
           "priceFilter": {"tickSize": "0.01"}},
          {"symbol": "ETHUSDC", "baseCoin": "ETH", "quoteCoin": "USDC", "innovation": "0",
           "status": "Trading", "marginTrading": "both",
           "lotSizeFilter": {"basePrecision": "0.00001", "quotePrecision": "0.0000001",
             "minOrderQty": "0.00062", "maxOrderQty": "1229.2336343", "minOrderAmt": "1",
             "maxOrderAmt": "2000000"},
           "priceFilter": {"tickSize": "0.01"}},
          {"symbol": "USDEUSDT", "baseCoin": "USDE", "quoteCoin": "USDT", "status": "Trading"},
          {"symbol": "OLDUSDT", "baseCoin": "OLD", "quoteCoin": "USDT", "status": "Closed"}
        ]
      },
      "retExtInfo": {}, "time": 1672712468011
    }"#;

    #[test]
    fn maps_trading_instruments_from_base_and_quote_coins() {
        let markets = parse_instruments_info(INSTRUMENTS_INFO).unwrap();
        let pairs = market_pairs(&markets);
        assert_eq!(
            pairs,
            vec![
                ("BTC-USDT".into(), "BTCUSDT".into()),
                ("ETH-USDC".into(), "ETHUSDC".into()),
                ("USDE-USDT".into(), "USDEUSDT".into()),
            ]
        );
    }

    #[test]
    fn a_non_zero_ret_code_is_a_market_list_error_with_ret_msg() {
        let error = parse_instruments_info(
            r#"{"retCode":10001,"retMsg":"params error: category is invalid","result":{},"retExtInfo":{},"time":1672712468011}"#,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "bybit: unexpected market list: retCode 10001: params error: category is invalid"
        );
    }

    #[test]
    fn other_shapes_are_market_list_errors() {
        for body in [
            "<html>blocked</html>",
            r#"{"retCode":0,"retMsg":"OK"}"#,
            r#"{"retCode":0,"retMsg":"OK","result":{"category":"spot"}}"#,
        ] {
            let error = parse_instruments_info(body).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("bybit: unexpected market list"),
                "{error}"
            );
        }
    }
}
