//! OKX's market list: `GET /api/v5/public/instruments?instType=SPOT`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AdapterError;
use crate::markets::Market;
use crate::parse::scalar_text;

/// The documented response, trimmed to what the mapping needs:
///
/// ```json
/// {"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT","baseCcy":"BTC",
///   "quoteCcy":"USDT","state":"live","tickSz":"0.1","lotSz":"0.00000001","minSz":"0.00001"}]}
/// ```
///
/// A `code` other than `"0"` is an error (`msg` says which). Only `SPOT` instruments in
/// state `live` are markets (not `suspend`, `preopen` or `test`); base and quote come from
/// `baseCcy`/`quoteCcy`, never from splitting `instId`.
#[derive(Deserialize)]
struct Instruments<'a> {
    #[serde(borrow)]
    code: &'a RawValue,
    #[serde(borrow, default)]
    msg: Cow<'a, str>,
    #[serde(borrow)]
    data: Option<Vec<Instrument<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Instrument<'a> {
    #[serde(borrow)]
    inst_type: Cow<'a, str>,
    #[serde(borrow)]
    inst_id: Cow<'a, str>,
    #[serde(borrow)]
    base_ccy: Cow<'a, str>,
    #[serde(borrow)]
    quote_ccy: Cow<'a, str>,
    #[serde(borrow)]
    state: Cow<'a, str>,
}

pub(super) fn parse_instruments(body: &str) -> Result<Vec<Market>, AdapterError> {
    let error = |detail: String| AdapterError::MarketList {
        exchange: "okx".into(),
        detail,
    };
    let response: Instruments<'_> =
        serde_json::from_str(body).map_err(|json| error(json.to_string()))?;
    let code = scalar_text(response.code, "code")
        .unwrap_or(std::borrow::Cow::Borrowed(response.code.get()));
    if code != "0" {
        return Err(error(format!("code {code}: {}", response.msg)));
    }
    let instruments = response
        .data
        .ok_or_else(|| error("no 'data' in a successful response".into()))?;
    Ok(instruments
        .into_iter()
        .filter(|instrument| instrument.inst_type == "SPOT" && instrument.state == "live")
        .map(|instrument| {
            Market::new(
                &instrument.base_ccy,
                &instrument.quote_ccy,
                instrument.inst_id.into_owned(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented example (first entry verbatim), instruments in other states, and a
    /// base currency with digits.
    const INSTRUMENTS: &str = r#"{"code": "0", "msg": "", "data": [
      {"alias": "", "auctionEndTime": "", "baseCcy": "BTC", "category": "1", "ctMult": "", "ctType": "",
       "ctVal": "", "ctValCcy": "", "expTime": "", "futureSettlement": false, "instFamily": "",
       "instId": "BTC-USDT", "instType": "SPOT", "lever": "10", "listTime": "1606468572000",
       "lotSz": "0.00000001", "maxIcebergSz": "9999999999.0000000000000000", "maxLmtAmt": "1000000",
       "maxLmtSz": "9999999999", "maxMktAmt": "1000000", "maxMktSz": "", "maxStopSz": "",
       "maxTriggerSz": "9999999999.0000000000000000", "maxTwapSz": "9999999999.0000000000000000",
       "minSz": "0.00001", "optType": "", "openType": "call_auction", "quoteCcy": "USDT",
       "settleCcy": "", "state": "live", "stk": "", "tickSz": "0.1", "uly": ""},
      {"baseCcy": "ETH", "instId": "ETH-USDC", "instType": "SPOT", "lotSz": "0.000001",
       "minSz": "0.0001", "quoteCcy": "USDC", "state": "live", "tickSz": "0.01"},
      {"baseCcy": "1INCH", "instId": "1INCH-USDT", "instType": "SPOT", "quoteCcy": "USDT",
       "state": "live", "tickSz": "0.001"},
      {"baseCcy": "NEWCOIN", "instId": "NEWCOIN-USDT", "instType": "SPOT",
       "listTime": "1760000000000", "quoteCcy": "USDT", "state": "preopen", "tickSz": "0.0001"},
      {"baseCcy": "OLD", "instId": "OLD-USDT", "instType": "SPOT", "quoteCcy": "USDT",
       "state": "suspend", "tickSz": "0.0001"},
      {"baseCcy": "TST", "instId": "TST-USDT", "instType": "SPOT", "quoteCcy": "USDT",
       "state": "test", "tickSz": "0.0001"}
    ]}"#;

    #[test]
    fn maps_live_spot_instruments_from_base_and_quote_currencies() {
        let markets = parse_instruments(INSTRUMENTS).unwrap();
        let pairs = market_pairs(&markets);
        assert_eq!(
            pairs,
            vec![
                ("BTC-USDT".into(), "BTC-USDT".into()),
                ("ETH-USDC".into(), "ETH-USDC".into()),
                ("1INCH-USDT".into(), "1INCH-USDT".into()),
            ]
        );
    }

    #[test]
    fn an_error_code_is_a_market_list_error() {
        let error =
            parse_instruments(r#"{"code":"51000","msg":"Parameter instType error","data":[]}"#)
                .unwrap_err();
        assert_eq!(
            error.to_string(),
            "okx: unexpected market list: code 51000: Parameter instType error"
        );
        let error = parse_instruments(r#"{"code":"0","msg":""}"#).unwrap_err();
        assert!(error.to_string().contains("no 'data'"), "{error}");
        let error = parse_instruments("<html>").unwrap_err();
        assert!(
            error.to_string().starts_with("okx: unexpected market list"),
            "{error}"
        );
    }
}
