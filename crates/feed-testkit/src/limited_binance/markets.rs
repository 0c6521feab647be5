//! The stand-in's market list: `GET /api/v3/exchangeInfo` with `N` `TRADING` spot symbols
//! named as Binance names them (base asset then quote asset, `BTCUSDT`).

use serde_json::{json, Value};

/// Base assets listed on Binance spot, most traded first.
const BASES: &[&str] = &[
    "BTC", "ETH", "BNB", "SOL", "XRP", "DOGE", "ADA", "TRX", "AVAX", "LINK", "DOT", "MATIC", "LTC",
    "SHIB", "BCH", "UNI", "ATOM", "XLM", "ETC", "FIL", "APT", "ARB", "OP", "NEAR", "VET", "ICP",
    "HBAR", "ALGO", "GRT", "AAVE", "EGLD", "SAND", "MANA", "AXS", "THETA", "XTZ", "EOS", "FTM",
    "RUNE", "KAVA", "CHZ", "CRV", "MKR", "SNX", "COMP", "ZEC", "DASH", "NEO", "IOTA", "WAVES",
    "ZIL", "ENJ", "BAT", "1INCH", "SUSHI", "YFI", "LRC", "GALA", "IMX", "INJ", "SUI", "SEI", "TIA",
    "PEPE", "FLOKI", "BONK", "WIF", "JUP", "PYTH", "STX", "LDO", "RNDR", "FET", "AGIX", "OCEAN",
    "ROSE", "KSM", "QNT", "FLOW", "MINA", "CFX", "BLUR", "DYDX", "GMX", "CAKE", "ONE", "CELO",
    "ANKR", "SKL", "STORJ", "ZRX", "BAND", "KNC", "RSR", "OGN", "CTSI", "AUDIO", "C98", "ALICE",
    "SXP", "WOO", "HOT", "ICX", "QTUM",
];

/// Quote assets of Binance spot markets.
const QUOTES: &[&str] = &[
    "USDT", "USDC", "FDUSD", "BTC", "ETH", "BNB", "TRY", "EUR", "BRL", "JPY", "TUSD", "DAI", "AUD",
    "GBP", "PLN",
];

/// `count` distinct markets as `(symbol, base, quote)`: every base with the first quote,
/// then with the second, ...; beyond the real names, bases `COIN1`, ... quoted in USDT.
#[must_use]
pub fn markets(count: usize) -> Vec<(String, String, String)> {
    let mut markets = Vec::with_capacity(count);
    'quotes: for quote in QUOTES {
        for base in BASES {
            if markets.len() == count {
                break 'quotes;
            }
            if base != quote {
                markets.push((
                    format!("{base}{quote}"),
                    (*base).to_owned(),
                    (*quote).to_owned(),
                ));
            }
        }
    }
    let mut extra = 1;
    while markets.len() < count {
        let base = format!("COIN{extra}");
        markets.push((format!("{base}USDT"), base, "USDT".to_owned()));
        extra += 1;
    }
    markets
}

/// The documented answer of `GET /api/v3/exchangeInfo` listing `markets`:
///
/// ```json
/// {"timezone":"UTC","serverTime":1565246363776,
///  "rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000}],
///  "exchangeFilters":[],
///  "symbols":[{"symbol":"ETHBTC","status":"TRADING","baseAsset":"ETH","baseAssetPrecision":8,
///              "quoteAsset":"BTC","quotePrecision":8,"quoteAssetPrecision":8,
///              "orderTypes":["LIMIT","LIMIT_MAKER","MARKET"],"isSpotTradingAllowed":true,
///              "isMarginTradingAllowed":false,"filters":[...],"permissions":[],
///              "permissionSets":[["SPOT"]]}]}
/// ```
#[must_use]
pub fn exchange_info(markets: &[(String, String, String)]) -> String {
    let symbols: Vec<Value> = markets
        .iter()
        .map(|(symbol, base, quote)| {
            json!({
                "symbol": symbol,
                "status": "TRADING",
                "baseAsset": base,
                "baseAssetPrecision": 8,
                "quoteAsset": quote,
                "quotePrecision": 8,
                "quoteAssetPrecision": 8,
                "baseCommissionPrecision": 8,
                "quoteCommissionPrecision": 8,
                "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
                "icebergAllowed": true,
                "ocoAllowed": true,
                "quoteOrderQtyMarketAllowed": true,
                "allowTrailingStop": true,
                "cancelReplaceAllowed": true,
                "isSpotTradingAllowed": true,
                "isMarginTradingAllowed": false,
                "filters": [
                    {"filterType": "PRICE_FILTER", "minPrice": "0.00000001", "maxPrice": "1000000.00000000", "tickSize": "0.00000001"},
                    {"filterType": "LOT_SIZE", "minQty": "0.00001000", "maxQty": "9000.00000000", "stepSize": "0.00001000"}
                ],
                "permissions": [],
                "permissionSets": [["SPOT"]],
                "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
                "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"]
            })
        })
        .collect();
    json!({
        "timezone": "UTC",
        "serverTime": 1_565_246_363_776_u64,
        "rateLimits": [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
            {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
            {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000}
        ],
        "exchangeFilters": [],
        "symbols": symbols
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_hundred_distinct_real_names() {
        let listed = markets(1500);
        assert_eq!(listed.len(), 1500);
        let mut symbols: Vec<&str> = listed.iter().map(|(s, _, _)| s.as_str()).collect();
        symbols.sort_unstable();
        symbols.dedup();
        assert_eq!(symbols.len(), 1500);
        assert_eq!(listed[0], ("BTCUSDT".into(), "BTC".into(), "USDT".into()));
        assert!(listed.iter().all(|(_, base, _)| !base.starts_with("COIN")));
        let many = markets(2000);
        let mut symbols: Vec<&str> = many.iter().map(|(s, _, _)| s.as_str()).collect();
        symbols.sort_unstable();
        symbols.dedup();
        assert_eq!(
            symbols.len(),
            2000,
            "beyond the real names, distinct made-up bases"
        );
    }

    #[test]
    fn the_body_has_the_documented_shape() {
        let body: Value = serde_json::from_str(&exchange_info(&markets(3))).unwrap();
        assert_eq!(body["symbols"].as_array().unwrap().len(), 3);
        assert_eq!(body["symbols"][1]["symbol"], "ETHUSDT");
        assert_eq!(body["symbols"][1]["status"], "TRADING");
        assert_eq!(body["rateLimits"][0]["limit"], 6000);
    }
}
