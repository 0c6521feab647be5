//! USDⓈ-M's market list: `GET /fapi/v1/exchangeInfo`
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information>).

use feed_core::{Expiry, Symbol};

use crate::error::AdapterError;
use crate::exchanges::binance::market::{trading_symbols, SymbolInfo};
use crate::markets::Market;
use crate::parse::utc_date_of_millis;

/// The expiry of a delivery contract from its delivery time (ms).
fn expiry_of(delivery_millis: i64) -> Option<Expiry> {
    let (year, month, day) = utc_date_of_millis(delivery_millis);
    Expiry::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
}

fn market_of(info: SymbolInfo) -> Option<Market> {
    let (base, quote) = (info.base_asset.as_str(), info.quote_asset.as_str());
    let symbol = match info.contract_type.as_str() {
        "PERPETUAL" => Symbol::perpetual(base, quote),
        "CURRENT_QUARTER" | "NEXT_QUARTER" => {
            Symbol::future(base, quote, expiry_of(info.delivery_date?)?)
        }
        _ => return None,
    };
    Some(Market::for_symbol(symbol, info.symbol))
}

/// The documented response (read by spot's `exchangeInfo` reader), trimmed to what the
/// mapping needs:
///
/// ```json
/// {"timezone":"UTC","serverTime":1565246363776,"rateLimits":[],"exchangeFilters":[],
///  "assets":[],
///  "symbols":[{"symbol":"BLZUSDT","pair":"BLZUSDT","contractType":"PERPETUAL",
///              "deliveryDate":4133404800000,"onboardDate":1598252400000,"status":"TRADING",
///              "baseAsset":"BLZ","quoteAsset":"USDT","marginAsset":"USDT",
///              "pricePrecision":5,"quantityPrecision":0,"filters":[]}]}
/// ```
///
/// `TRADING` symbols only. `PERPETUAL` is a perpetual (`BLZ-USDT-PERP`; its `deliveryDate`
/// is a far placeholder); `CURRENT_QUARTER` and `NEXT_QUARTER` are delivery contracts
/// (`BTCUSDT_261226` → `BTC-USDT-26DEC26`, the UTC date of `deliveryDate`); other contract
/// types are skipped. Base and quote come from `baseAsset`/`quoteAsset`, never from
/// splitting `symbol` (`1000PEPEUSDT`). `marginAsset`, the settlement asset, is the quote for
/// every listed contract and is not kept.
pub(super) fn parse_exchange_info(body: &str) -> Result<Vec<Market>, AdapterError> {
    Ok(trading_symbols(body, "binance_futures")?
        .filter_map(market_of)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape with a quarterly contract, one in `SETTLING`, one of another
    /// contract type and a `1000`-prefixed base.
    const EXCHANGE_INFO: &str = r#"{
      "timezone": "UTC", "serverTime": 1565246363776, "rateLimits": [], "exchangeFilters": [],
      "assets": [],
      "symbols": [
        {"symbol": "BLZUSDT", "pair": "BLZUSDT", "contractType": "PERPETUAL",
         "deliveryDate": 4133404800000, "onboardDate": 1598252400000, "status": "TRADING",
         "baseAsset": "BLZ", "quoteAsset": "USDT", "marginAsset": "USDT",
         "pricePrecision": 5, "quantityPrecision": 0, "filters": []},
        {"symbol": "BTCUSDT_261226", "pair": "BTCUSDT", "contractType": "CURRENT_QUARTER",
         "deliveryDate": 1798272000000, "status": "TRADING", "baseAsset": "BTC",
         "quoteAsset": "USDT", "marginAsset": "USDT"},
        {"symbol": "ETHUSDT_250926", "pair": "ETHUSDT", "contractType": "CURRENT_QUARTER",
         "deliveryDate": 1758873600000, "status": "SETTLING", "baseAsset": "ETH",
         "quoteAsset": "USDT", "marginAsset": "USDT"},
        {"symbol": "MUUSDT", "pair": "MUUSDT", "contractType": "TRADIFI_PERPETUAL",
         "status": "TRADING", "baseAsset": "MU", "quoteAsset": "USDT", "marginAsset": "USDT"},
        {"symbol": "1000PEPEUSDC", "pair": "1000PEPEUSDC", "contractType": "PERPETUAL",
         "deliveryDate": 4133404800000, "status": "TRADING", "baseAsset": "1000PEPE",
         "quoteAsset": "USDC", "marginAsset": "USDC"}
      ]
    }"#;

    #[test]
    fn maps_perpetuals_and_quarterlies_of_trading_symbols_and_names_itself_in_errors() {
        let markets = parse_exchange_info(EXCHANGE_INFO).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BLZ-USDT-PERP".into(), "BLZUSDT".into()),
                ("BTC-USDT-26DEC26".into(), "BTCUSDT_261226".into()),
                ("1000PEPE-USDC-PERP".into(), "1000PEPEUSDC".into()),
            ]
        );
        assert_eq!(
            markets[1].symbol.instrument().expiry,
            Expiry::new(2026, 12, 26)
        );
        let error = parse_exchange_info(r#"{"code":-1121,"msg":"Invalid symbol."}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("binance_futures: unexpected market list"),
            "{error}"
        );
    }
}
