//! MEXC's protobuf push messages, written by hand with prost's derive (no protoc, no build
//! script). The field numbers and types follow MEXC's published definitions
//! <https://github.com/mexcdevelop/websocket-proto> (`PushDataV3ApiWrapper.proto`,
//! `PublicAggreDealsV3Api.proto`, `PublicAggreDepthsV3Api.proto`,
//! `PublicAggreBookTickerV3Api.proto`); the files are not copied here. Only the bodies this
//! adapter reads are declared: a wrapper carrying another body (field 301..312) decodes
//! with `body: None` (prost skips unknown fields) and is not delivered.

/// `PushDataV3ApiWrapper`: the channel, one body, the symbol and times.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PushDataV3ApiWrapper {
    /// `string channel = 1`: the topic (`spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT`).
    #[prost(string, tag = "1")]
    pub channel: String,
    /// `oneof body`: the public aggregated bodies (313, 314, 315).
    #[prost(oneof = "Body", tags = "313, 314, 315")]
    pub body: Option<Body>,
    /// `optional string symbol = 3`.
    #[prost(string, optional, tag = "3")]
    pub symbol: Option<String>,
    /// `optional string symbolId = 4`.
    #[prost(string, optional, tag = "4")]
    pub symbol_id: Option<String>,
    /// `optional int64 createTime = 5` (ms).
    #[prost(int64, optional, tag = "5")]
    pub create_time: Option<i64>,
    /// `optional int64 sendTime = 6` (ms).
    #[prost(int64, optional, tag = "6")]
    pub send_time: Option<i64>,
}

/// The bodies of the wrapper's `oneof body` read here.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Body {
    /// `PublicAggreDepthsV3Api publicAggreDepths = 313`.
    #[prost(message, tag = "313")]
    PublicAggreDepths(PublicAggreDepthsV3Api),
    /// `PublicAggreDealsV3Api publicAggreDeals = 314`.
    #[prost(message, tag = "314")]
    PublicAggreDeals(PublicAggreDealsV3Api),
    /// `PublicAggreBookTickerV3Api publicAggreBookTicker = 315`.
    #[prost(message, tag = "315")]
    PublicAggreBookTicker(PublicAggreBookTickerV3Api),
}

/// `PublicAggreDealsV3Api`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PublicAggreDealsV3Api {
    /// `repeated PublicAggreDealsV3ApiItem deals = 1`.
    #[prost(message, repeated, tag = "1")]
    pub deals: Vec<PublicAggreDealsV3ApiItem>,
    /// `string eventType = 2`.
    #[prost(string, tag = "2")]
    pub event_type: String,
}

/// `PublicAggreDealsV3ApiItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PublicAggreDealsV3ApiItem {
    /// `string price = 1`.
    #[prost(string, tag = "1")]
    pub price: String,
    /// `string quantity = 2`.
    #[prost(string, tag = "2")]
    pub quantity: String,
    /// `int32 tradeType = 3`: 1 buy, 2 sell (the taker's side).
    #[prost(int32, tag = "3")]
    pub trade_type: i32,
    /// `int64 time = 4` (ms).
    #[prost(int64, tag = "4")]
    pub time: i64,
    /// `string tradeId = 5` (added in 2026; empty when not sent).
    #[prost(string, tag = "5")]
    pub trade_id: String,
}

/// `PublicAggreDepthsV3Api`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PublicAggreDepthsV3Api {
    /// `repeated PublicAggreDepthV3ApiItem asks = 1`.
    #[prost(message, repeated, tag = "1")]
    pub asks: Vec<PublicAggreDepthV3ApiItem>,
    /// `repeated PublicAggreDepthV3ApiItem bids = 2`.
    #[prost(message, repeated, tag = "2")]
    pub bids: Vec<PublicAggreDepthV3ApiItem>,
    /// `string eventType = 3`.
    #[prost(string, tag = "3")]
    pub event_type: String,
    /// `string fromVersion = 4`.
    #[prost(string, tag = "4")]
    pub from_version: String,
    /// `string toVersion = 5`.
    #[prost(string, tag = "5")]
    pub to_version: String,
    /// `int64 lastOrderCreateTime = 6`.
    #[prost(int64, tag = "6")]
    pub last_order_create_time: i64,
}

/// `PublicAggreDepthV3ApiItem`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PublicAggreDepthV3ApiItem {
    /// `string price = 1`.
    #[prost(string, tag = "1")]
    pub price: String,
    /// `string quantity = 2` (0 removes the level).
    #[prost(string, tag = "2")]
    pub quantity: String,
}

/// `PublicAggreBookTickerV3Api`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PublicAggreBookTickerV3Api {
    /// `string bidPrice = 1`.
    #[prost(string, tag = "1")]
    pub bid_price: String,
    /// `string bidQuantity = 2`.
    #[prost(string, tag = "2")]
    pub bid_quantity: String,
    /// `string askPrice = 3`.
    #[prost(string, tag = "3")]
    pub ask_price: String,
    /// `string askQuantity = 4`.
    #[prost(string, tag = "4")]
    pub ask_quantity: String,
    /// `string version = 5`.
    #[prost(string, tag = "5")]
    pub version: String,
    /// `int64 lastOrderCreateTime = 6`.
    #[prost(int64, tag = "6")]
    pub last_order_create_time: i64,
}
