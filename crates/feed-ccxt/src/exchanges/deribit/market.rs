//! Deribit's market list: `GET /api/v2/public/get_instruments?currency=any&expired=false`
//! (<https://docs.deribit.com/api-reference/market-data/public-get_instruments>).

use std::borrow::Cow;

use feed_core::{Expiry, OptionKind, Symbol};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::AdapterError;
use crate::markets::Market;
use crate::parse::{parse_decimal, scalar_text, utc_date_of_millis};

/// The documented response, trimmed to one instrument of each kind this adapter lists:
///
/// ```json
/// {"jsonrpc":"2.0","result":[
///  {"tick_size":0.5,"settlement_period":"perpetual","quote_currency":"USD",
///   "min_trade_amount":10,"kind":"future","is_active":true,"instrument_name":"BTC-PERPETUAL",
///   "expiration_timestamp":32503708800000,"contract_size":10,"base_currency":"BTC",
///   "settlement_currency":"BTC","counter_currency":"USD"},
///  {"settlement_period":"month","quote_currency":"USD","kind":"future","is_active":true,
///   "instrument_name":"BTC-26DEC26","expiration_timestamp":1798272000000,
///   "contract_size":10,"base_currency":"BTC","settlement_currency":"BTC"},
///  {"strike":100000.0,"option_type":"call","settlement_period":"month","quote_currency":"BTC",
///   "kind":"option","is_active":true,"instrument_name":"BTC-26DEC26-100000-C",
///   "expiration_timestamp":1798272000000,"contract_size":1.0,"base_currency":"BTC",
///   "settlement_currency":"BTC","counter_currency":"USD"}],
///  "usIn":1535043730126248,"usOut":1535043730126250,"usDiff":2,"testnet":false}
/// ```
///
/// `kind` is `future`, `option`, `spot`, `future_combo` or `option_combo`; a `future`
/// whose `settlement_period` is `perpetual` is a perpetual. Combos and instruments that
/// are not `is_active` are not markets.
#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow)]
    result: Vec<Instrument<'a>>,
}

#[derive(Deserialize)]
struct Instrument<'a> {
    #[serde(borrow)]
    instrument_name: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(default)]
    is_active: bool,
    #[serde(borrow)]
    settlement_period: Option<Cow<'a, str>>,
    #[serde(borrow)]
    base_currency: Cow<'a, str>,
    #[serde(borrow)]
    quote_currency: Cow<'a, str>,
    #[serde(borrow)]
    counter_currency: Option<Cow<'a, str>>,
    expiration_timestamp: Option<i64>,
    #[serde(borrow)]
    strike: Option<&'a RawValue>,
    #[serde(borrow)]
    option_type: Option<Cow<'a, str>>,
}

impl Instrument<'_> {
    /// The normalized symbol, or `None` for an instrument this adapter does not list.
    fn symbol(&self) -> Option<Symbol> {
        if !self.is_active {
            return None;
        }
        let base = self.base_currency.as_ref();
        match self.kind.as_ref() {
            "spot" => Some(Symbol::new(base, &self.quote_currency)),
            "future" if self.settlement_period.as_deref() == Some("perpetual") => {
                Some(Symbol::perpetual(base, &self.quote_currency))
            }
            "future" => Some(Symbol::future(base, &self.quote_currency, self.expiry()?)),
            "option" => {
                let strike = parse_decimal(&scalar_text(self.strike?, "strike").ok()?)?;
                let kind = match self.option_type.as_deref()? {
                    "call" => OptionKind::Call,
                    "put" => OptionKind::Put,
                    _ => return None,
                };
                // An option's `quote_currency` is the currency of its premium (BTC for
                // inverse options); its strike is in the `counter_currency` (USD, USDC).
                let quote = self
                    .counter_currency
                    .as_deref()
                    .unwrap_or(&self.quote_currency);
                Some(Symbol::option(base, quote, self.expiry()?, strike, kind))
            }
            _ => None, // combos
        }
    }

    fn expiry(&self) -> Option<Expiry> {
        let (year, month, day) = utc_date_of_millis(self.expiration_timestamp?);
        Expiry::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }
}

pub(super) fn parse_instruments(body: &str) -> Result<Vec<Market>, AdapterError> {
    let response: Response<'_> =
        serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
            exchange: "deribit".into(),
            detail: error.to_string(),
        })?;
    Ok(response
        .result
        .iter()
        .filter_map(|instrument| {
            instrument
                .symbol()
                .map(|symbol| Market::for_symbol(symbol, instrument.instrument_name.as_ref()))
        })
        .collect())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented response shape: a perpetual, a linear USDC perpetual, a future, an
    /// inverse call, a linear put, a spot pair, an inactive future and a combo.
    pub(crate) const INSTRUMENTS: &str = r#"{"jsonrpc":"2.0","result":[
 {"tick_size":0.5,"settlement_period":"perpetual","quote_currency":"USD","min_trade_amount":10,"kind":"future","is_active":true,"instrument_name":"BTC-PERPETUAL","expiration_timestamp":32503708800000,"contract_size":10,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"tick_size":1,"settlement_period":"perpetual","quote_currency":"USDC","kind":"future","is_active":true,"instrument_name":"BTC_USDC-PERPETUAL","expiration_timestamp":32503708800000,"contract_size":0.001,"base_currency":"BTC","settlement_currency":"USDC","counter_currency":"USDC"},
 {"tick_size":2.5,"settlement_period":"month","quote_currency":"USD","kind":"future","is_active":true,"instrument_name":"BTC-26DEC26","expiration_timestamp":1798272000000,"contract_size":10,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"tick_size":0.0005,"strike":100000.0,"option_type":"call","settlement_period":"month","quote_currency":"BTC","kind":"option","is_active":true,"instrument_name":"BTC-26DEC26-100000-C","expiration_timestamp":1798272000000,"contract_size":1.0,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"strike":1.5,"option_type":"put","settlement_period":"week","quote_currency":"USDC","kind":"option","is_active":true,"instrument_name":"XRP_USDC-26DEC26-1d5-P","expiration_timestamp":1798272000000,"contract_size":1,"base_currency":"XRP","settlement_currency":"USDC","counter_currency":"USDC"},
 {"quote_currency":"USDC","kind":"spot","is_active":true,"instrument_name":"ETH_USDC","expiration_timestamp":32503708800000,"contract_size":0.0001,"base_currency":"ETH","settlement_currency":"USDC","counter_currency":"USDC"},
 {"settlement_period":"month","quote_currency":"USD","kind":"future","is_active":false,"instrument_name":"BTC-27NOV26","expiration_timestamp":1795766400000,"contract_size":10,"base_currency":"BTC"},
 {"settlement_period":"month","quote_currency":"USD","kind":"future_combo","is_active":true,"instrument_name":"BTC-FS-26DEC26_PERP","expiration_timestamp":1798272000000,"contract_size":10,"base_currency":"BTC"}],
 "usIn":1535043730126248,"usOut":1535043730126250,"usDiff":2,"testnet":false}"#;

    #[test]
    fn perpetuals_futures_options_and_spot_are_normalized() {
        assert_eq!(
            market_pairs(&parse_instruments(INSTRUMENTS).unwrap()),
            vec![
                ("BTC-USD-PERP".into(), "BTC-PERPETUAL".into()),
                ("BTC-USDC-PERP".into(), "BTC_USDC-PERPETUAL".into()),
                ("BTC-USD-26DEC26".into(), "BTC-26DEC26".into()),
                (
                    "BTC-USD-26DEC26-100000-C".into(),
                    "BTC-26DEC26-100000-C".into()
                ),
                (
                    "XRP-USDC-26DEC26-1.5-P".into(),
                    "XRP_USDC-26DEC26-1d5-P".into()
                ),
                ("ETH-USDC".into(), "ETH_USDC".into()),
            ]
        );
    }

    #[test]
    fn an_error_body_is_a_market_list_error() {
        for body in [
            "null",
            r#"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params"}}"#,
            "<html>",
        ] {
            let error = parse_instruments(body).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("deribit: unexpected market list"),
                "{error}"
            );
        }
    }
}
