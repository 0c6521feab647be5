//! OKX's market list: `GET /api/v5/public/instruments?instType=<type>`, one request per
//! instrument type (`instType` is required and takes one value)
//! <https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments>.

use std::borrow::Cow;
use std::str::FromStr;

use feed_core::{Expiry, InstrumentKind, OptionKind, Symbol};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AdapterError;
use crate::markets::Market;
use crate::parse::{scalar_text, utc_date_of_millis};

/// The instrument types listed whole, each its own request ([`super::Okx::markets_urls`]).
/// `OPTION` is not among them: OKX requires an `instFamily` (or `uly`) with it, so options
/// are requested per family a feed needs ([`option_families`]).
pub(super) const LISTED_TYPES: &[&str] = &["SPOT", "SWAP", "FUTURES"];

/// The quote of OKX's option families when a filter names none (every family OKX lists
/// is `<coin>-USD`).
const DEFAULT_OPTION_QUOTE: &str = "USD";

/// The option families (`instFamily`, e.g. `BTC-USD`) whose lists a feed needs: those of
/// its option symbols, or, for `symbols: ALL`, the family its filter names by `base` when
/// it lets options through (`kind: option` or no kind). Sorted, each once.
pub(super) fn option_families(
    symbols: &[Symbol],
    filter: Option<&crate::MarketFilter>,
) -> Vec<String> {
    let mut families: Vec<String> = if symbols.is_empty() {
        filter
            .filter(|filter| matches!(filter.kind, None | Some(InstrumentKind::Option)))
            .and_then(|filter| {
                let base = filter.base.as_deref()?;
                let quote = filter.quote.as_deref().unwrap_or(DEFAULT_OPTION_QUOTE);
                Some(format!("{base}-{quote}").to_ascii_uppercase())
            })
            .into_iter()
            .collect()
    } else {
        symbols
            .iter()
            .filter(|symbol| symbol.kind() == InstrumentKind::Option)
            .map(|symbol| format!("{}-{}", symbol.base(), symbol.quote()))
            .collect()
    };
    families.sort();
    families.dedup();
    families
}

/// The documented response, trimmed to what the mapping needs (spot, perpetual, dated
/// future and option entries):
///
/// ```json
/// {"code":"0","msg":"","data":[
///  {"instType":"SPOT","instId":"BTC-USDT","baseCcy":"BTC","quoteCcy":"USDT","state":"live"},
///  {"instType":"SWAP","instId":"BTC-USDT-SWAP","baseCcy":"","quoteCcy":"","instFamily":"BTC-USDT",
///   "uly":"BTC-USDT","settleCcy":"USDT","ctType":"linear","ctVal":"0.01","ctValCcy":"BTC",
///   "expTime":"","state":"live"},
///  {"instType":"FUTURES","instId":"BTC-USD-261226","instFamily":"BTC-USD","uly":"BTC-USD",
///   "settleCcy":"BTC","ctType":"inverse","ctVal":"100","ctValCcy":"USD",
///   "expTime":"1798272000000","alias":"next_quarter","state":"live"},
///  {"instType":"OPTION","instId":"BTC-USD-261226-100000-C","instFamily":"BTC-USD",
///   "uly":"BTC-USD","settleCcy":"BTC","expTime":"1798272000000","stk":"100000",
///   "optType":"C","state":"live"}]}
/// ```
///
/// A `code` other than `"0"` is an error (`msg` says which). Only instruments in state
/// `live` are markets (not `suspend`, `preopen` or `test`). Spot base and quote come from
/// `baseCcy`/`quoteCcy` (empty for derivatives), derivatives' from `instFamily` (else
/// `uly`), `BASE-QUOTE`; never from splitting `instId`. `SWAP` → `BASE-QUOTE-PERP`
/// (linear `BTC-USDT-SWAP` → `BTC-USDT-PERP`, inverse `BTC-USD-SWAP` → `BTC-USD-PERP`),
/// `FUTURES` → `BASE-QUOTE-<expiry>` (the UTC date of `expTime`), `OPTION` →
/// `BASE-QUOTE-<expiry>-<stk>-<C|P>`. Other types (`MARGIN`, `EVENTS`, ...) are skipped.
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
    #[serde(borrow, default)]
    base_ccy: Cow<'a, str>,
    #[serde(borrow, default)]
    quote_ccy: Cow<'a, str>,
    #[serde(borrow, default)]
    inst_family: Cow<'a, str>,
    #[serde(borrow, default)]
    uly: Cow<'a, str>,
    #[serde(borrow, default)]
    exp_time: Cow<'a, str>,
    #[serde(borrow, default)]
    stk: Cow<'a, str>,
    #[serde(borrow, default)]
    opt_type: Cow<'a, str>,
    #[serde(borrow)]
    state: Cow<'a, str>,
}

/// `BASE-QUOTE` of a derivative's `instFamily` (else `uly`).
fn pair_of<'a>(instrument: &'a Instrument<'_>) -> Option<(&'a str, &'a str)> {
    let family = if instrument.inst_family.is_empty() {
        instrument.uly.as_ref()
    } else {
        instrument.inst_family.as_ref()
    };
    let (base, quote) = family.split_once('-')?;
    let plain = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric());
    (plain(base) && plain(quote)).then_some((base, quote))
}

/// The expiry of a dated instrument: the UTC date of `expTime` (milliseconds).
fn expiry_of(instrument: &Instrument<'_>) -> Option<Expiry> {
    let millis = instrument.exp_time.parse::<i64>().ok()?;
    let (year, month, day) = utc_date_of_millis(millis);
    Expiry::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
}

fn symbol_of(instrument: &Instrument<'_>) -> Option<Symbol> {
    match instrument.inst_type.as_ref() {
        "SPOT" => Some(Symbol::new(&instrument.base_ccy, &instrument.quote_ccy)),
        "SWAP" => {
            let (base, quote) = pair_of(instrument)?;
            Some(Symbol::perpetual(base, quote))
        }
        "FUTURES" => {
            let (base, quote) = pair_of(instrument)?;
            Some(Symbol::future(base, quote, expiry_of(instrument)?))
        }
        "OPTION" => {
            let (base, quote) = pair_of(instrument)?;
            let kind = match instrument.opt_type.as_ref() {
                "C" => OptionKind::Call,
                "P" => OptionKind::Put,
                _ => return None,
            };
            let strike = Decimal::from_str(&instrument.stk).ok()?;
            Some(Symbol::option(
                base,
                quote,
                expiry_of(instrument)?,
                strike,
                kind,
            ))
        }
        _ => None,
    }
}

pub(super) fn parse_instruments(body: &str) -> Result<Vec<Market>, AdapterError> {
    let error = |detail: String| AdapterError::MarketList {
        exchange: "okx".into(),
        detail,
    };
    let response: Instruments<'_> =
        serde_json::from_str(body).map_err(|json| error(json.to_string()))?;
    let code = scalar_text(response.code, "code").unwrap_or(Cow::Borrowed(response.code.get()));
    if code != "0" {
        return Err(error(format!("code {code}: {}", response.msg)));
    }
    let instruments = response
        .data
        .ok_or_else(|| error("no 'data' in a successful response".into()))?;
    Ok(instruments
        .into_iter()
        .filter(|instrument| instrument.state == "live")
        .filter_map(|instrument| {
            let symbol = symbol_of(&instrument)?;
            Some(Market::for_symbol(symbol, instrument.inst_id.into_owned()))
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

    /// Derivatives as the docs describe them (`baseCcy`/`quoteCcy` empty, the pair in
    /// `instFamily`/`uly`), each type, linear and inverse, and ones to skip.
    const DERIVATIVES: &str = r#"{"code":"0","msg":"","data":[
      {"alias":"","baseCcy":"","category":"1","ctMult":"1","ctType":"linear","ctVal":"0.01",
       "ctValCcy":"BTC","expTime":"","instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP",
       "instType":"SWAP","lever":"100","listTime":"1573557408000","lotSz":"1","minSz":"1",
       "optType":"","quoteCcy":"","settleCcy":"USDT","state":"live","stk":"","tickSz":"0.1",
       "uly":"BTC-USDT"},
      {"baseCcy":"","ctType":"inverse","ctVal":"100","ctValCcy":"USD","expTime":"",
       "instFamily":"BTC-USD","instId":"BTC-USD-SWAP","instType":"SWAP","quoteCcy":"",
       "settleCcy":"BTC","state":"live","uly":"BTC-USD"},
      {"alias":"next_quarter","baseCcy":"","ctType":"inverse","ctVal":"100","ctValCcy":"USD",
       "expTime":"1798272000000","instFamily":"BTC-USD","instId":"BTC-USD-261226",
       "instType":"FUTURES","quoteCcy":"","settleCcy":"BTC","state":"live","uly":"BTC-USD"},
      {"alias":"this_week","ctType":"linear","expTime":"1765526400000","instFamily":"ETH-USDT",
       "instId":"ETH-USDT-251212","instType":"FUTURES","settleCcy":"USDT","state":"live",
       "uly":"ETH-USDT"},
      {"baseCcy":"","ctType":"","ctVal":"0.01","ctValCcy":"BTC","expTime":"1798272000000",
       "instFamily":"BTC-USD","instId":"BTC-USD-261226-100000-C","instType":"OPTION",
       "optType":"C","quoteCcy":"","settleCcy":"BTC","state":"live","stk":"100000",
       "uly":"BTC-USD"},
      {"expTime":"1798272000000","instFamily":"","instId":"ETH-USD-261226-2500.5-P",
       "instType":"OPTION","optType":"P","settleCcy":"ETH","state":"live","stk":"2500.5",
       "uly":"ETH-USD"},
      {"ctType":"linear","expTime":"","instFamily":"NEW-USDT","instId":"NEW-USDT-SWAP",
       "instType":"SWAP","settleCcy":"USDT","state":"preopen","uly":"NEW-USDT"},
      {"expTime":"","instFamily":"","instId":"ODD-SWAP","instType":"SWAP","state":"live","uly":""},
      {"expTime":"","instFamily":"BTC-USDT","instId":"BTC-USDT-X","instType":"FUTURES","state":"live"},
      {"baseCcy":"BTC","instId":"BTC-USDT","instType":"MARGIN","quoteCcy":"USDT","state":"live"}
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
    fn maps_perpetuals_futures_and_options_from_the_instrument_family() {
        let markets = parse_instruments(DERIVATIVES).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USDT-PERP".into(), "BTC-USDT-SWAP".into()),
                ("BTC-USD-PERP".into(), "BTC-USD-SWAP".into()),
                ("BTC-USD-26DEC26".into(), "BTC-USD-261226".into()),
                ("ETH-USDT-12DEC25".into(), "ETH-USDT-251212".into()),
                (
                    "BTC-USD-26DEC26-100000-C".into(),
                    "BTC-USD-261226-100000-C".into()
                ),
                (
                    "ETH-USD-26DEC26-2500.5-P".into(),
                    "ETH-USD-261226-2500.5-P".into()
                ),
            ]
        );
        assert_eq!(
            markets[2].symbol.instrument().expiry,
            Expiry::new(2026, 12, 26)
        );
        // Both directions of the mapping.
        let map = crate::markets::MarketMap::new(markets);
        assert_eq!(
            map.symbol("BTC-USDT-SWAP").map(Symbol::as_str),
            Some("BTC-USDT-PERP")
        );
        assert_eq!(
            map.exchange_symbol("okx", &Symbol::parse("BTC-USD-26DEC26").unwrap())
                .unwrap(),
            "BTC-USD-261226"
        );
        assert_eq!(
            map.exchange_symbol("okx", &Symbol::parse("BTC-USD-26DEC26-100000-C").unwrap())
                .unwrap(),
            "BTC-USD-261226-100000-C"
        );
    }

    #[test]
    fn spot_and_perpetual_of_one_pair_coexist() {
        let spot = parse_instruments(INSTRUMENTS).unwrap();
        let derivatives = parse_instruments(DERIVATIVES).unwrap();
        let map = crate::markets::MarketMap::new(spot.into_iter().chain(derivatives));
        assert_eq!(map.symbol("BTC-USDT").map(Symbol::as_str), Some("BTC-USDT"));
        assert_eq!(
            map.symbol("BTC-USDT-SWAP").map(Symbol::as_str),
            Some("BTC-USDT-PERP")
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
