//! The market list of a futures product: `GET /fapi/v1/exchangeInfo`
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Exchange-Information>)
//! and `GET /dapi/v1/exchangeInfo`
//! (<https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/Exchange-Information>).

use feed_core::{Expiry, Symbol};

use super::product::Product;
use crate::error::AdapterError;
use crate::exchanges::binance::market::{symbols, SymbolInfo};
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

/// The documented responses (read by spot's `exchangeInfo` reader), trimmed to what the
/// mapping needs. USDⓈ-M:
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
/// COIN-M, whose status field is `contractStatus` and whose contracts have a size in the
/// quote asset:
///
/// ```json
/// {"timezone":"UTC","serverTime":1565613908500,
///  "rateLimits":[{"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"}],
///  "symbols":[{"symbol":"BTCUSD_200925","pair":"BTCUSD","contractType":"CURRENT_QUARTER",
///              "deliveryDate":1601020800000,"onboardDate":1590739200000,
///              "contractStatus":"TRADING","contractSize":100,"quoteAsset":"USD",
///              "baseAsset":"BTC","marginAsset":"BTC","pricePrecision":1,
///              "quantityPrecision":0,"filters":[]}]}
/// ```
///
/// `TRADING` symbols only, by the product's status field. `PERPETUAL` is a perpetual
/// (`BLZ-USDT-PERP`, `BTC-USD-PERP`; its `deliveryDate` is a far placeholder);
/// `CURRENT_QUARTER` and `NEXT_QUARTER` are delivery contracts (`BTCUSDT_261226` →
/// `BTC-USDT-26DEC26`, `BTCUSD_261226` → `BTC-USD-26DEC26`, the UTC date of
/// `deliveryDate`); other contract types are skipped. Base and quote come from
/// `baseAsset`/`quoteAsset`, never from splitting `symbol` (`1000PEPEUSDT`).
/// `marginAsset`, the settlement asset (USD-M: the quote; COIN-M: the base), and COIN-M's
/// `contractSize` are not kept: a [`Market`] has no field for them (the product's module
/// docs say what a quantity counts).
pub(super) fn parse_exchange_info(
    product: &Product,
    body: &str,
) -> Result<Vec<Market>, AdapterError> {
    Ok(symbols(body, product.id)?
        .into_iter()
        .filter(|info| product.status_field.of(info) == "TRADING")
        .filter_map(market_of)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::binance_delivery::COIN_M;
    use crate::exchanges::binance_futures::product::USD_M;
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
        let markets = parse_exchange_info(&USD_M, EXCHANGE_INFO).unwrap();
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
        let error =
            parse_exchange_info(&USD_M, r#"{"code":-1121,"msg":"Invalid symbol."}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("binance_futures: unexpected market list"),
            "{error}"
        );
    }

    /// COIN-M's documented symbol (`BTCUSD_200925`), the perpetual and a quarterly of the
    /// same pair, one `DELIVERING`, and a USD-M style symbol with `status` only.
    const COIN_M_EXCHANGE_INFO: &str = r#"{
      "timezone": "UTC", "serverTime": 1565613908500,
      "rateLimits": [{"interval": "MINUTE", "intervalNum": 1, "limit": 2400,
                      "rateLimitType": "REQUEST_WEIGHT"}],
      "symbols": [
        {"filters": [], "orderTypes": ["LIMIT"], "timeInForce": ["GTC"],
         "liquidationFee": "0.010000", "marketTakeBound": "0.30",
         "symbol": "BTCUSD_200925", "pair": "BTCUSD", "contractType": "CURRENT_QUARTER",
         "deliveryDate": 1601020800000, "onboardDate": 1590739200000,
         "contractStatus": "TRADING", "contractSize": 100, "quoteAsset": "USD",
         "baseAsset": "BTC", "marginAsset": "BTC", "pricePrecision": 1,
         "quantityPrecision": 0, "baseAssetPrecision": 8, "quotePrecision": 8,
         "equalQtyPrecision": 4, "triggerProtect": "0.0500", "maintMarginPercent": "2.5000",
         "requiredMarginPercent": "5.0000", "underlyingType": "COIN"},
        {"symbol": "BTCUSD_PERP", "pair": "BTCUSD", "contractType": "PERPETUAL",
         "deliveryDate": 4133404800000, "contractStatus": "TRADING", "contractSize": 100,
         "quoteAsset": "USD", "baseAsset": "BTC", "marginAsset": "BTC"},
        {"symbol": "BTCUSD_261226", "pair": "BTCUSD", "contractType": "NEXT_QUARTER",
         "deliveryDate": 1798272000000, "contractStatus": "TRADING", "contractSize": 100,
         "quoteAsset": "USD", "baseAsset": "BTC", "marginAsset": "BTC"},
        {"symbol": "ETHUSD_250926", "pair": "ETHUSD", "contractType": "CURRENT_QUARTER",
         "deliveryDate": 1758873600000, "contractStatus": "DELIVERING", "contractSize": 10,
         "quoteAsset": "USD", "baseAsset": "ETH", "marginAsset": "ETH"},
        {"symbol": "ETHUSD_PERP", "pair": "ETHUSD", "contractType": "PERPETUAL",
         "deliveryDate": 4133404800000, "status": "TRADING", "contractSize": 10,
         "quoteAsset": "USD", "baseAsset": "ETH", "marginAsset": "ETH"}
      ]
    }"#;

    #[test]
    fn coin_m_maps_inverse_perpetuals_and_quarterlies_by_contract_status() {
        let markets = parse_exchange_info(&COIN_M, COIN_M_EXCHANGE_INFO).unwrap();
        assert_eq!(
            market_pairs(&markets),
            vec![
                ("BTC-USD-25SEP20".into(), "BTCUSD_200925".into()),
                ("BTC-USD-PERP".into(), "BTCUSD_PERP".into()),
                ("BTC-USD-26DEC26".into(), "BTCUSD_261226".into()),
            ],
            "DELIVERING and status-only symbols are not trading COIN-M contracts"
        );
        assert_eq!(
            markets[2].symbol.instrument().expiry,
            Expiry::new(2026, 12, 26)
        );
        assert!(
            parse_exchange_info(&USD_M, COIN_M_EXCHANGE_INFO)
                .unwrap()
                .iter()
                .all(|market| market.exchange_symbol == "ETHUSD_PERP"),
            "USD-M reads `status`"
        );
        let error =
            parse_exchange_info(&COIN_M, r#"{"code":-1121,"msg":"Invalid symbol."}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("binance_delivery: unexpected market list"),
            "{error}"
        );
    }
}
