//! Bybit's market list: `GET /v5/market/instruments-info?category=spot|linear|inverse`
//! (<https://bybit-exchange.github.io/docs/v5/market/instrument>), one category per body.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use feed_core::{Expiry, Symbol};

use super::category::Category;
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parse::utc_date_of_millis;

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
/// (never from splitting `symbol`). Spot has no pagination. Linear and inverse add
/// `contractType` and `deliveryTime` (see [`symbol_of`], [`LINEAR_INSTRUMENTS`]).
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
    #[serde(borrow, default)]
    category: Cow<'a, str>,
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
    #[serde(borrow, default)]
    contract_type: Cow<'a, str>,
    #[serde(borrow, default)]
    delivery_time: Cow<'a, str>,
}

/// The expiry of a dated contract: the UTC date of `deliveryTime` (milliseconds; `"0"`
/// for perpetuals).
fn expiry_of(instrument: &Instrument<'_>) -> Option<Expiry> {
    let millis = instrument.delivery_time.parse::<i64>().ok()?;
    if millis <= 0 {
        return None;
    }
    let (year, month, day) = utc_date_of_millis(millis);
    Expiry::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
}

/// The normalized symbol of an instrument of `category`: spot pairs as `BASE-QUOTE`;
/// `LinearPerpetual`/`InversePerpetual` as perpetuals, `LinearFutures`/`InverseFutures` as
/// futures on the date of `deliveryTime`. A contract type of another category (none is
/// documented) or unknown is not a market.
fn symbol_of(category: Category, instrument: &Instrument<'_>) -> Option<Symbol> {
    let (base, quote) = (&*instrument.base_coin, &*instrument.quote_coin);
    match (category, &*instrument.contract_type) {
        (Category::Spot, _) => Some(Symbol::new(base, quote)),
        (Category::Linear, "LinearPerpetual") | (Category::Inverse, "InversePerpetual") => {
            Some(Symbol::perpetual(base, quote))
        }
        (Category::Linear, "LinearFutures") | (Category::Inverse, "InverseFutures") => {
            Some(Symbol::future(base, quote, expiry_of(instrument)?))
        }
        _ => None,
    }
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
    // A body without `category` is read as spot (what this adapter asked before).
    let category = if instruments.category.is_empty() {
        Category::Spot
    } else {
        Category::from_name(&instruments.category)
            .ok_or_else(|| error(format!("category {:?} is not served", instruments.category)))?
    };
    Ok(instruments
        .list
        .iter()
        .filter(|instrument| instrument.status == "Trading")
        .filter_map(|instrument| {
            let symbol = symbol_of(category, instrument)?;
            Some(Market::for_symbol(
                symbol,
                instrument.symbol.clone().into_owned(),
            ))
        })
        .collect())
}

/// The cursor of the page after this body (`result.nextPageCursor`, empty on the last
/// page and absent on spot).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageCursor<'a> {
    #[serde(borrow, default)]
    next_page_cursor: Cow<'a, str>,
}

/// The URL of the next page of a linear/inverse instrument list: `url` with its `cursor`
/// set to the body's `nextPageCursor` (sent as given, its reserved characters escaped), or
/// `None` on the last page, on spot, and for a body that is not the documented shape
/// (which [`parse_instruments_info`] reports).
pub(super) fn next_page(url: &str, body: &str) -> Option<String> {
    let envelope: Envelope<'_> = serde_json::from_str(body).ok()?;
    let cursor: PageCursor<'_> = serde_json::from_str(envelope.result?.get()).ok()?;
    if cursor.next_page_cursor.is_empty() {
        return None;
    }
    let first = url.split("&cursor=").next().unwrap_or(url);
    let mut next = format!("{first}&cursor=");
    for byte in cursor.next_page_cursor.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~%".contains(&byte) {
            next.push(char::from(byte));
        } else {
            next.push_str(&format!("%{byte:02X}"));
        }
    }
    Some(next)
}

#[cfg(test)]
pub(super) mod tests {
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

    /// The documented linear shape, trimmed: a USDT perpetual, a USDC perpetual (Bybit
    /// names them `BTCPERP`), a USDT dated future, one delivering (not `Trading`).
    pub(crate) const LINEAR_INSTRUMENTS: &str = r#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
      {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","launchTime":"1585526400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"2","settleCoin":"USDT","fundingInterval":480},
      {"symbol":"BTCPERP","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDC","deliveryTime":"0","settleCoin":"USDC"},
      {"symbol":"BTCUSDT-26DEC25","contractType":"LinearFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","deliveryTime":"1766736000000","settleCoin":"USDT"},
      {"symbol":"ETHUSDT-28NOV25","contractType":"LinearFutures","status":"Delivering","baseCoin":"ETH","quoteCoin":"USDT","deliveryTime":"1764316800000"}
    ],"nextPageCursor":""},"retExtInfo":{},"time":1735809771618}"#;

    /// The documented inverse shape, trimmed: a perpetual and a quarterly future.
    pub(crate) const INVERSE_INSTRUMENTS: &str = r#"{"retCode":0,"retMsg":"OK","result":{"category":"inverse","list":[
      {"symbol":"BTCUSD","contractType":"InversePerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USD","deliveryTime":"0","settleCoin":"BTC"},
      {"symbol":"BTCUSDH26","contractType":"InverseFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USD","deliveryTime":"1774598400000","settleCoin":"BTC"}
    ],"nextPageCursor":""},"retExtInfo":{},"time":1735809771618}"#;

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
    fn linear_perpetuals_and_futures_from_contract_type_and_delivery_time() {
        let pairs = market_pairs(&parse_instruments_info(LINEAR_INSTRUMENTS).unwrap());
        assert_eq!(
            pairs,
            vec![
                ("BTC-USDT-PERP".into(), "BTCUSDT".into()),
                ("BTC-USDC-PERP".into(), "BTCPERP".into()),
                ("BTC-USDT-26DEC25".into(), "BTCUSDT-26DEC25".into()),
            ]
        );
    }

    #[test]
    fn inverse_perpetuals_and_futures() {
        let pairs = market_pairs(&parse_instruments_info(INVERSE_INSTRUMENTS).unwrap());
        assert_eq!(
            pairs,
            vec![
                ("BTC-USD-PERP".into(), "BTCUSD".into()),
                ("BTC-USD-27MAR26".into(), "BTCUSDH26".into()),
            ]
        );
        assert!(parse_instruments_info(
            r#"{"retCode":0,"retMsg":"OK","result":{"category":"option","list":[]}}"#
        )
        .is_err());
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

    #[test]
    fn a_next_page_cursor_is_followed_and_the_last_page_ends_the_list() {
        let url = "https://api.bybit.com/v5/market/instruments-info?category=linear&limit=1000";
        let page = |cursor: &str| {
            format!(
                r#"{{"retCode":0,"retMsg":"OK","result":{{"category":"linear","list":[],"nextPageCursor":"{cursor}"}},"time":1}}"#
            )
        };
        let second = next_page(url, &page("first%3DBTCUSDT%26last%3DETHUSDT")).unwrap();
        assert_eq!(
            second,
            format!("{url}&cursor=first%3DBTCUSDT%26last%3DETHUSDT")
        );
        // The next cursor replaces the last one; raw reserved characters are escaped.
        assert_eq!(
            next_page(&second, &page("a=b&c")).unwrap(),
            format!("{url}&cursor=a%3Db%26c")
        );
        assert_eq!(next_page(url, &page("")), None);
        assert_eq!(next_page(url, INSTRUMENTS_INFO), None);
        assert_eq!(next_page(url, "not json"), None);
    }
}
