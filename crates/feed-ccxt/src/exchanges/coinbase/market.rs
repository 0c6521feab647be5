//! Coinbase's market list: `GET /api/v3/brokerage/market/products` (public, no key).

use serde::Deserialize;

use crate::error::AdapterError;
use crate::markets::Market;

/// The documented response ("List Public Products"), trimmed to what the mapping needs:
///
/// ```json
/// {"products":[{"product_id":"BTC-USD","price":"64123.45","base_increment":"0.00000001",
///               "quote_increment":"0.01","status":"online","cancel_only":false,
///               "trading_disabled":false,"product_type":"SPOT","quote_currency_id":"USD",
///               "base_currency_id":"BTC","is_disabled":false,"view_only":false,
///               "alias":"","alias_to":["BTC-USDC"]}],
///  "num_products":1}
/// ```
///
/// Markets are the `SPOT` products with `status: "online"` that are neither
/// `trading_disabled` nor `is_disabled`. The normalized symbol comes from
/// `base_currency_id`/`quote_currency_id`; `product_id` is the wire symbol.
///
/// "-USDC" products are left out (except the two the docs name): Coinbase documents that
/// "Subscribing to "-USDC" based products are only available on the user channel. Other
/// channels will return the same data as the corresponding "-USD" based products. USDT-USDC
/// and EURC-USDC are available on all channels." A `BTC-USDC` trade feed would therefore
/// receive frames for `BTC-USD` and stay silent; leaving it out makes the start fail with
/// "no market BTC-USDC" and close matches such as `BTC-USD` instead.
#[derive(Deserialize)]
struct Products {
    products: Vec<Product>,
}

#[derive(Deserialize)]
struct Product {
    product_id: String,
    base_currency_id: String,
    quote_currency_id: String,
    status: String,
    #[serde(default)]
    trading_disabled: bool,
    #[serde(default)]
    is_disabled: bool,
    #[serde(default)]
    product_type: Option<String>,
}

/// The "-USDC" products the market-data channels serve as themselves (see [`Products`]).
const USDC_PRODUCTS_ON_ALL_CHANNELS: [&str; 2] = ["USDT-USDC", "EURC-USDC"];

impl Product {
    fn is_tradable_spot(&self) -> bool {
        self.status == "online"
            && !self.trading_disabled
            && !self.is_disabled
            && self.product_type.as_deref() == Some("SPOT")
    }

    fn has_own_market_data(&self) -> bool {
        self.quote_currency_id != "USDC"
            || USDC_PRODUCTS_ON_ALL_CHANNELS.contains(&self.product_id.as_str())
    }
}

pub(super) fn parse_products(body: &str) -> Result<Vec<Market>, AdapterError> {
    let products: Products =
        serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
            exchange: "coinbase".into(),
            detail: error.to_string(),
        })?;
    Ok(products
        .products
        .into_iter()
        .filter(|product| product.is_tradable_spot() && product.has_own_market_data())
        .map(|product| {
            Market::new(
                &product.base_currency_id,
                &product.quote_currency_id,
                product.product_id,
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::market_pairs;

    /// The documented shape, with products that are not markets: offline, trading disabled,
    /// disabled, a future, and a "-USDC" alias of a "-USD" product.
    const PRODUCTS: &str = r#"{
      "products": [
        {"product_id": "BTC-USD", "price": "64123.45", "base_increment": "0.00000001",
         "quote_increment": "0.01", "base_name": "Bitcoin", "quote_name": "US Dollar",
         "status": "online", "cancel_only": false, "limit_only": false, "post_only": false,
         "trading_disabled": false, "auction_mode": false, "product_type": "SPOT",
         "quote_currency_id": "USD", "base_currency_id": "BTC", "base_display_symbol": "BTC",
         "quote_display_symbol": "USD", "view_only": false, "is_disabled": false,
         "alias": "", "alias_to": ["BTC-USDC"]},
        {"product_id": "BTC-USDC", "status": "online", "trading_disabled": false,
         "product_type": "SPOT", "quote_currency_id": "USDC", "base_currency_id": "BTC",
         "is_disabled": false, "alias": "BTC-USD", "alias_to": []},
        {"product_id": "USDT-USDC", "status": "online", "trading_disabled": false,
         "product_type": "SPOT", "quote_currency_id": "USDC", "base_currency_id": "USDT",
         "is_disabled": false},
        {"product_id": "ETH-EUR", "status": "online", "trading_disabled": false,
         "product_type": "SPOT", "quote_currency_id": "EUR", "base_currency_id": "ETH",
         "is_disabled": false},
        {"product_id": "OLD-USD", "status": "delisted", "trading_disabled": false,
         "product_type": "SPOT", "quote_currency_id": "USD", "base_currency_id": "OLD"},
        {"product_id": "HALT-USD", "status": "online", "trading_disabled": true,
         "product_type": "SPOT", "quote_currency_id": "USD", "base_currency_id": "HALT"},
        {"product_id": "GONE-USD", "status": "online", "is_disabled": true,
         "product_type": "SPOT", "quote_currency_id": "USD", "base_currency_id": "GONE"},
        {"product_id": "BIT-28FEB25-CDE", "status": "online", "trading_disabled": false,
         "product_type": "FUTURE", "quote_currency_id": "USD", "base_currency_id": "BIT"}
      ],
      "num_products": 8
    }"#;

    #[test]
    fn maps_online_spot_products_from_base_and_quote_ids() {
        let markets = parse_products(PRODUCTS).unwrap();
        let pairs = market_pairs(&markets);
        assert_eq!(
            pairs,
            vec![
                ("BTC-USD".into(), "BTC-USD".into()),
                ("USDT-USDC".into(), "USDT-USDC".into()),
                ("ETH-EUR".into(), "ETH-EUR".into()),
            ]
        );
    }

    #[test]
    fn an_error_body_is_a_market_list_error() {
        let error = parse_products(r#"{"error":"NOT_FOUND","message":"not found"}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("coinbase: unexpected market list"),
            "{error}"
        );
    }
}
