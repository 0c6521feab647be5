//! Bybit v5 spot, linear (USDT/USDC perpetuals and dated futures) and inverse
//! (coin-margined perpetuals and futures). TRADES is the `publicTrade.<symbol>` topic;
//! L2_BOOK is the `orderbook.<depth>.<symbol>` topic, a snapshot on the stream followed by
//! deltas ([`book`]), alike on every category.
//!
//! # Categories
//!
//! One exchange id, `bybit`; the product category follows the instruments
//! ([`Category::of`]): spot pairs (`BTC-USDT`) are `spot`, perpetuals and futures quoted in
//! USD (`BTC-USD-PERP`, `BTC-USD-27MAR26`) are `inverse`, other perpetuals and futures
//! (`BTC-USDT-PERP`, `BTC-USDC-PERP`, `BTC-USDT-26DEC25`) are `linear`. Bybit serves each
//! category on its own stream (`wss://stream.bybit.com/v5/public/{spot|linear|inverse}`),
//! so a feed holds one category: a mix is refused naming the split
//! ([`ExchangeAdapter::check_symbols`]); the stream is the base URL with its last path
//! segment (`spot`) replaced by the category's name.
//!
//! Spot and linear name markets alike (`BTCUSDT` is both the spot pair and the USDT
//! perpetual), so a feed loads the market list of its own category only
//! ([`ExchangeAdapter::markets_urls_for`]): its market map can never hold two markets of
//! one exchange symbol. `symbols: ALL` takes spot, unless its filter names `kind:
//! perpetual` or `kind: future`: then linear, or inverse with `quote: USD`.
//!
//! - REST: [`REST_BASE`] + `/v5/market/instruments-info?category=spot` (market list;
//!   `category=linear&limit=1000`, `category=inverse&limit=1000` for derivatives, each
//!   `nextPageCursor` followed as `cursor`, see [`Category::markets_url`])
//!   <https://bybit-exchange.github.io/docs/v5/market/instrument>
//! - WebSocket: [`WEBSOCKET_URL`], then `{"req_id":"1","op":"subscribe","args":[...]}`, at
//!   most [`MAX_ARGS_PER_SUBSCRIBE`] topics per message on spot, each message answered
//!   once with its `req_id` <https://bybit-exchange.github.io/docs/v5/ws/connect>
//! - Trades: <https://bybit-exchange.github.io/docs/v5/websocket/public/trade>
//! - TICKER, FUNDING, OPEN_INTEREST (linear and inverse only): one `tickers.<symbol>`
//!   topic per market, whole values only ([`ticker`])
//!   <https://bybit-exchange.github.io/docs/v5/websocket/public/ticker>
//! - LIQUIDATIONS (linear and inverse): `allLiquidation.<symbol>`, the topic the docs
//!   now document (`liquidation.<symbol>` is deprecated); Bybit's side is the liquidated
//!   position's, ours the liquidation order's, so it is flipped ([`liquidation`])
//!   <https://bybit-exchange.github.io/docs/v5/websocket/public/all-liquidation>
//! - CANDLES (every category): `kline.<interval>.<symbol>`, configs' `1m`..`12h`, `1d`,
//!   `1w`, `1M` mapped to Bybit's `1`..`720`, `D`, `W`, `M` ([`candle`])
//!   <https://bybit-exchange.github.io/docs/v5/websocket/public/kline>
//! - Books: <https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>; the only
//!   explicit statement on `u` is on the full-depth page
//!   <https://bybit-exchange.github.io/docs/v5/websocket/public/full-ob>
//! - Keep-alive: the client sends [`PING_MESSAGE`] every [`PING_INTERVAL`] (a JSON message,
//!   not a WebSocket ping frame); the server answers with a pong frame that carries no data.
//! - A subscription with an unknown topic is rejected (`success: false`), so symbols are
//!   checked against the market list before subscribing.
//!
//! # Book depth
//!
//! Spot offers depths 1, 50, 200 and 1000 (pushed every 10, 20, 100 and 200 ms). A book
//! subscribes the smallest that holds `book_depth` levels (the default 10 takes 50; 51..=200
//! take 200; beyond 1000 the book has at most the 1000 levels Bybit keeps). Depth 1 is
//! snapshot-only: every push replaces the book (and is re-sent with the same `u` after 3 s
//! without change).
//!
//! # Synchronization
//!
//! As documented: "Once you have subscribed successfully, you will receive a `snapshot`
//! ... If you receive a new `snapshot` message, you will have to reset your local
//! orderbook. If there is a problem on Bybit's end, a `snapshot` will be re-sent", and for
//! `u`: "Occasionally, you'll receive "u"=1, which is a snapshot data due to the restart of
//! the service. So please overwrite your local orderbook."
//!
//! - A `snapshot`, or any frame with `u == 1`, replaces the book (`SnapshotSource::Stream`).
//! - Each delta must continue `u` by one (`SequenceRule::Consecutive`): `u <= last` is stale
//!   and skipped, `u > last + 1` is a gap for that symbol alone, and the resync
//!   unsubscribes and subscribes its one topic, which makes Bybit send a fresh snapshot.
//!   Deltas before that snapshot are dropped.
//! - Sizes are absolute; size `0` deletes (a delete of an absent level is ignored).
//! - The stream keeps a fixed depth: after every message the book is cut to the topic's
//!   depth, so a level that left Bybit's window without an explicit delete never lingers.
//!
//! **Why `u` must go up by exactly one, when the depth page does not say so.** The
//! `orderbook.{depth}` page calls `u` only the "Update ID" (an older revision: "Update ID.
//! Is a sequence."). The +1 rule is written on the `orderbook.full` page alone: "`u`: The
//! update ID. It is consecutive — the `u` value of each delta packet increments by one
//! from the previous (`u+1`)", with "If the event's `u` is greater than the local order
//! book's `u` + 1, one or more events have been missed ... Discard the local order book.
//! Restart the synchronization process". The check is right either way: a lost delta
//! always leaves a hole in `u`, so a gap is always detected; if live `u` ever jumped
//! without a loss, the cost is one resync (a fresh snapshot replaces a book that was
//! right), never a wrong book. Trusting jumps instead could keep a book that silently
//! missed levels.
//!
//! # Ambiguities and what was chosen
//!
//! - `u == 1` in a `delta`: the depth page says `u=1` "is a snapshot data"; the full-depth
//!   page lists `u=1` deltas (a delist with `b=[]`, `a=[]`, auction phases, tick size
//!   changes) that restart numbering. Any frame with `u == 1` replaces the book with its
//!   levels (an empty book for a delist), and numbering continues from 1.
//! - `seq` is a cross sequence for comparing depths, monotonic but not consecutive: never
//!   used for gaps.
//! - Truncation is not documented: the book is cut to the topic's depth (above).
//! - `ts` is typed a number, while a note quotes it (`"ts": "1772694601512"`) and puts it
//!   before or after `type` by category: key order is never relied on, and `ts` is read as
//!   a number or a numeric string. It is the book's time (`cts`, the matching engine's, is
//!   not read).
//! - A delta without `b` or `a` (none is documented) reads them as empty.
//! - Failure acks are not documented. As captured live they are
//!   `{"success":false,"ret_msg":"error:handler not found,topic:<topic>",...,"op":"subscribe"}`.
//!   With a `req_id` of ours it refuses that subscribe message (`Ack::Request` with `Err`
//!   naming the topic); the docs do not say whether the message's other topics were
//!   subscribed, so all of them count as refused rather than silently trusted. Without a
//!   `req_id` of ours it is an exchange error, which the session keeps as the possible
//!   reason of a refusal.
//! - Linear or inverse: decided by the quote (`USD` is inverse). Bybit lists no linear
//!   contract quoted in USD, and USDC contracts (`BTCPERP`, `BTC-26DEC25`) are linear;
//!   names are never split, base and quote come from `baseCoin`/`quoteCoin`, the expiry
//!   from `deliveryTime` (UTC date), the kind from `contractType`.
//! - The instruments list of linear and inverse pages with `cursor`: pages of
//!   `limit=1000` are read until `nextPageCursor` is empty (the docs do not say whether
//!   the cursor comes escaped; it is sent as given, reserved characters escaped).
//! - `tickers` deltas on linear/inverse carry only changed fields: the quote is merged
//!   onto the connection's last snapshot by the session ([`crate::TickerPatch`]); funding
//!   and open interest are delivered from the frames that carry them (see [`ticker`]).
//! - TICKER, FUNDING, OPEN_INTEREST and LIQUIDATIONS exist on linear and inverse only and
//!   are refused for spot symbols, also when `symbols: ALL` lists spot markets.
//! - LIQUIDATIONS: `allLiquidation` gives the liquidated position's side; our event has
//!   the order's (flipped), status `filled`, no id.
//! - CANDLES: Bybit's `end` is the bar's last millisecond and is given as `stop` as sent.
//! - Acks come once per message, not per topic, with `ret_msg` `"subscribe"` on spot and
//!   `""` elsewhere: `success` decides, never `ret_msg`.

mod limits;
pub use limits::LIMITS;
mod book;
mod book_fast;
#[cfg(test)]
mod book_fast_tests;
mod candle;
mod category;
mod frame;
mod liquidation;
mod market;
mod subscription;
mod ticker;
mod trade;
mod trade_fast;
#[cfg(test)]
mod trade_fast_tests;

use std::time::Duration;

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::{Channel, InstrumentKind, Symbol};

pub use category::Category;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;
use crate::MarketFilter;

/// The category of the default endpoint.
const CATEGORY: Category = Category::Spot;

/// The category of a feed's subscriptions (spot when empty or mixed: a mix never reaches a
/// connection, [`ExchangeAdapter::check_symbols`] refuses it first).
fn category_of(subscriptions: &[Subscription]) -> Category {
    let symbols: Vec<Symbol> = subscriptions
        .iter()
        .map(|subscription| subscription.symbol.clone())
        .collect();
    Category::of_all(&symbols).unwrap_or(CATEGORY)
}

/// Up to three of `symbols`, and how many more (`symbols: ALL` lists hundreds).
fn named(symbols: &[Symbol]) -> String {
    let shown: Vec<&str> = symbols.iter().take(3).map(Symbol::as_str).collect();
    match symbols.len().saturating_sub(shown.len()) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The category `symbols: ALL` narrowed by `filter` lists: derivatives kinds take linear,
/// or inverse when the quote is USD; anything else takes spot.
fn category_of_filter(filter: Option<&MarketFilter>) -> Category {
    let Some(filter) = filter else {
        return Category::Spot;
    };
    match filter.kind {
        Some(InstrumentKind::Perpetual | InstrumentKind::Future) => {
            if filter
                .quote
                .as_deref()
                .is_some_and(|quote| quote.eq_ignore_ascii_case("USD"))
            {
                Category::Inverse
            } else {
                Category::Linear
            }
        }
        _ => Category::Spot,
    }
}

/// The stream of `category`: the base's last path segment, when it names a category
/// (`.../v5/public/spot`), replaced by the category's name; any other base as given.
fn websocket_url(base: &str, category: Category) -> String {
    let trimmed = base.trim_end_matches('/');
    for known in Category::ALL {
        if let Some(root) = trimmed.strip_suffix(known.name()) {
            if root.ends_with('/') {
                return format!("{root}{}", category.name());
            }
        }
    }
    base.to_owned()
}

/// The documented REST base URL.
/// <https://bybit-exchange.github.io/docs/v5/intro>
pub const REST_BASE: &str = "https://api.bybit.com";
/// The documented public spot WebSocket URL.
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const WEBSOCKET_URL: &str = CATEGORY.websocket_url();
/// Spot accepts at most this many `args` (topics) per subscribe message.
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const MAX_ARGS_PER_SUBSCRIBE: usize = match CATEGORY.max_args_per_subscribe() {
    Some(limit) => limit,
    None => usize::MAX,
};
/// The heartbeat the client sends.
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const PING_MESSAGE: &str = r#"{"op":"ping"}"#;
/// How often the heartbeat is sent (the documented recommendation).
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const PING_INTERVAL: Duration = Duration::from_secs(20);

/// The Bybit v5 spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bybit;

impl ExchangeAdapter for Bybit {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "bybit"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn channels(&self) -> &'static [Channel] {
        &[
            Channel::Trades,
            Channel::L2Book,
            Channel::Ticker,
            Channel::Funding,
            Channel::OpenInterest,
            Channel::Liquidations,
            Channel::Candles,
        ]
    }

    fn candle_intervals(&self) -> &'static [&'static str] {
        candle::INTERVALS
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!(
            "{rest_base}/v5/market/instruments-info?category={}",
            CATEGORY.name()
        )
    }

    fn markets_urls_for(
        &self,
        rest_base: &str,
        symbols: &[Symbol],
        filter: Option<&MarketFilter>,
    ) -> Vec<String> {
        let category = if symbols.is_empty() {
            category_of_filter(filter)
        } else {
            Category::of_all(symbols).unwrap_or(CATEGORY)
        };
        vec![category.markets_url(rest_base)]
    }

    fn check_symbols(&self, symbols: &[Symbol], channels: &[Channel]) -> Result<(), String> {
        let category = Category::of_all(symbols)?;
        match channels
            .iter()
            .find(|channel| !category.channels().contains(channel))
        {
            Some(channel) if !symbols.is_empty() => Err(format!(
                "{channel} is served on linear and inverse contracts only, not on {} ({})",
                category.name(),
                named(symbols)
            )),
            _ => Ok(()),
        }
    }

    fn websocket_url(&self, websocket_base: &str, subscriptions: &[Subscription]) -> String {
        websocket_url(websocket_base, category_of(subscriptions))
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_instruments_info(body)
    }

    fn markets_next_page(&self, url: &str, body: &str) -> Option<String> {
        market::next_page(url, body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(category_of(subscriptions), subscriptions)
    }

    fn unsubscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<String> {
        subscription::unsubscribe_messages(category_of(subscriptions), subscriptions)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::Text {
            interval: PING_INTERVAL,
            message: PING_MESSAGE.to_owned(),
        })
    }

    fn book_rules(&self) -> Option<BookRules> {
        Some(book::rules())
    }

    fn book_params(&self, subscription: &Subscription, _market: Option<&Market>) -> BookParams {
        book::params(
            Category::of(&subscription.symbol).unwrap_or(CATEGORY),
            subscription,
        )
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        frame::parse_frame(frame, context, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::runtime::{Action, FeedSession, Frame, SessionOutput};
    use feed_core::Event;
    use rust_decimal::Decimal;

    const MARKETS: &str = r#"{"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[{"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","status":"Trading"}]},"retExtInfo":{},"time":1672712468011}"#;

    #[test]
    fn documented_endpoints_and_keep_alive() {
        assert_eq!(Bybit.id(), "bybit");
        assert_eq!(Bybit.name(), "BYBIT");
        assert_eq!(
            Bybit.markets_url(REST_BASE),
            "https://api.bybit.com/v5/market/instruments-info?category=spot"
        );
        assert_eq!(Bybit.default_endpoints().websocket, WEBSOCKET_URL);
        assert_eq!(WEBSOCKET_URL, "wss://stream.bybit.com/v5/public/spot");
        assert_eq!(MAX_ARGS_PER_SUBSCRIBE, 10);
        assert_eq!(
            Bybit.keep_alive(),
            Some(KeepAlive::Text {
                interval: Duration::from_secs(20),
                message: r#"{"op":"ping"}"#.into(),
            })
        );
        assert_eq!(
            Bybit.channels(),
            &[
                Channel::Trades,
                Channel::L2Book,
                Channel::Ticker,
                Channel::Funding,
                Channel::OpenInterest,
                Channel::Liquidations,
                Channel::Candles
            ]
        );
        assert!(Bybit.candle_intervals().contains(&"1M"));
    }

    #[test]
    fn the_category_follows_the_symbols() {
        let symbols = |names: &[&str]| -> Vec<Symbol> {
            names
                .iter()
                .map(|name| Symbol::parse(name).unwrap())
                .collect()
        };
        let urls = |names: &[&str], filter: Option<&MarketFilter>| {
            Bybit.markets_urls_for(REST_BASE, &symbols(names), filter)
        };
        let list = "https://api.bybit.com/v5/market/instruments-info?category=";
        assert_eq!(urls(&["BTC-USDT"], None), vec![format!("{list}spot")]);
        assert_eq!(
            urls(&["BTC-USDT-PERP", "BTC-USDT-26DEC25"], None),
            vec![format!("{list}linear&limit=1000")]
        );
        assert_eq!(
            urls(&["BTC-USD-PERP"], None),
            vec![format!("{list}inverse&limit=1000")]
        );
        assert_eq!(urls(&[], None), vec![format!("{list}spot")]);
        let perpetuals = MarketFilter {
            kind: Some(InstrumentKind::Perpetual),
            ..MarketFilter::all()
        };
        assert_eq!(
            urls(&[], Some(&perpetuals)),
            vec![format!("{list}linear&limit=1000")]
        );
        let inverse = MarketFilter {
            quote: Some("USD".into()),
            ..perpetuals.clone()
        };
        assert_eq!(
            urls(&[], Some(&inverse)),
            vec![format!("{list}inverse&limit=1000")]
        );
        let trades = [Channel::Trades];
        assert!(Bybit
            .check_symbols(&symbols(&["BTC-USDT-PERP", "ETH-USDC-PERP"]), &trades)
            .is_ok());
        assert!(Bybit
            .check_symbols(
                &symbols(&["BTC-USD-PERP"]),
                &[Channel::Funding, Channel::Ticker]
            )
            .is_ok());
        assert_eq!(
            Bybit.check_symbols(&symbols(&["BTC-USDT"]), &[Channel::Trades, Channel::Ticker]),
            Err(
                "TICKER is served on linear and inverse contracts only, not on spot (BTC-USDT)"
                    .into()
            )
        );
        let refused = Bybit
            .check_symbols(&symbols(&["BTC-USDT", "BTC-USDT-PERP"]), &trades)
            .unwrap_err();
        assert!(
            refused.contains("spot (BTC-USDT) and linear (BTC-USDT-PERP)"),
            "{refused}"
        );

        let subscriptions = |name: &str| {
            vec![Subscription::new(
                Channel::Trades,
                Symbol::parse(name).unwrap(),
                "X",
            )]
        };
        assert_eq!(
            Bybit.websocket_url(WEBSOCKET_URL, &subscriptions("BTC-USDT-PERP")),
            "wss://stream.bybit.com/v5/public/linear"
        );
        assert_eq!(
            Bybit.websocket_url(WEBSOCKET_URL, &subscriptions("BTC-USD-PERP")),
            "wss://stream.bybit.com/v5/public/inverse"
        );
        assert_eq!(
            Bybit.websocket_url(
                "ws://127.0.0.1:9/v5/public/spot/",
                &subscriptions("BTC-USDT")
            ),
            "ws://127.0.0.1:9/v5/public/spot"
        );
        assert_eq!(
            Bybit.websocket_url("ws://127.0.0.1:9/feed", &subscriptions("BTC-USD-PERP")),
            "ws://127.0.0.1:9/feed"
        );
    }

    #[test]
    fn a_linear_feed_maps_btcusdt_to_the_perpetual() {
        let mut out = SessionOutput::default();
        let mut session = crate::CcxtFeed::replay("bybit", market::tests::LINEAR_INSTRUMENTS)
            .unwrap()
            .with_channels(vec![Channel::Trades])
            .unwrap()
            .new_session()
            .unwrap();
        session.open(Decimal::ZERO, &mut out);
        feed(
            &mut session,
            r#"{"success":true,"ret_msg":"","conn_id":"c","req_id":"1","op":"subscribe"}"#,
            &mut out,
        );
        feed(
            &mut session,
            r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}"#,
            &mut out,
        );
        let symbols: Vec<String> = out
            .events
            .iter()
            .filter_map(|event| match event {
                Event::Trade(trade) => Some(trade.symbol.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(symbols, vec!["BTC-USDT-PERP".to_owned()]);
    }

    fn session() -> crate::CcxtSession {
        crate::CcxtFeed::replay("bybit", MARKETS)
            .unwrap()
            .with_channels(vec![Channel::L2Book])
            .unwrap()
            .new_session()
            .unwrap()
    }

    fn book_frame(kind: &str, u: u64, bid: &str) -> String {
        format!(
            r#"{{"topic":"orderbook.50.BTCUSDT","ts":{u},"type":"{kind}","data":{{"s":"BTCUSDT","b":[["{bid}","1.5"]],"a":[["101.00","2"]],"u":{u},"seq":{}}},"cts":{u}}}"#,
            u * 7
        )
    }

    fn sent(out: &SessionOutput) -> Vec<serde_json::Value> {
        out.actions
            .iter()
            .filter_map(|action| match action {
                Action::Send(message) => serde_json::from_str(message).ok(),
                _ => None,
            })
            .collect()
    }

    fn feed(session: &mut crate::CcxtSession, frame: &str, out: &mut SessionOutput) {
        out.clear();
        session
            .frame(Frame::Text(frame), Decimal::ONE, out)
            .unwrap();
    }

    #[test]
    fn a_session_follows_u_resubscribes_on_a_gap_and_restarts_on_u_one() {
        let mut session = session();
        let mut out = SessionOutput::default();
        session.open(Decimal::ZERO, &mut out);
        assert_eq!(
            sent(&out),
            vec![
                serde_json::json!({"req_id": "1", "op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
            ]
        );
        feed(
            &mut session,
            r#"{"success":true,"ret_msg":"subscribe","conn_id":"c","req_id":"1","op":"subscribe"}"#,
            &mut out,
        );
        assert!(!session.awaiting_acknowledgements());

        let books = |out: &SessionOutput| -> Vec<(Option<u64>, String)> {
            out.events
                .iter()
                .filter_map(|event| match event {
                    Event::Book(book) => Some((book.sequence, book.bids[0].price.to_string())),
                    _ => None,
                })
                .collect()
        };
        feed(&mut session, &book_frame("delta", 99, "99.00"), &mut out);
        assert!(out.events.is_empty(), "a delta before the snapshot");
        feed(
            &mut session,
            &book_frame("snapshot", 100, "99.00"),
            &mut out,
        );
        assert_eq!(books(&out), vec![(Some(100), "99.00".into())]);
        feed(&mut session, &book_frame("delta", 101, "99.50"), &mut out);
        assert_eq!(books(&out), vec![(Some(101), "99.50".into())]);
        feed(&mut session, &book_frame("delta", 101, "99.60"), &mut out);
        assert!(out.events.is_empty(), "a stale delta is skipped");

        feed(&mut session, &book_frame("delta", 103, "99.70"), &mut out);
        let gaps: Vec<&str> = out
            .events
            .iter()
            .filter_map(|event| match event {
                Event::Gap(gap) => Some(gap.reason.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(gaps, vec!["sequence: expected u=102, got 103"]);
        assert_eq!(
            sent(&out),
            vec![
                serde_json::json!({"req_id": "1", "op": "unsubscribe", "args": ["orderbook.50.BTCUSDT"]}),
                serde_json::json!({"req_id": "1", "op": "subscribe", "args": ["orderbook.50.BTCUSDT"]}),
            ]
        );
        feed(&mut session, &book_frame("delta", 104, "99.80"), &mut out);
        assert!(out.events.is_empty(), "waiting for the new snapshot");
        feed(
            &mut session,
            &book_frame("snapshot", 200, "98.00"),
            &mut out,
        );
        assert_eq!(books(&out), vec![(Some(200), "98.00".into())]);

        // A service restart: `u` starts again from 1 and the deltas after it follow.
        feed(&mut session, &book_frame("snapshot", 1, "97.00"), &mut out);
        assert_eq!(books(&out), vec![(Some(1), "97.00".into())]);
        feed(&mut session, &book_frame("delta", 2, "97.50"), &mut out);
        assert_eq!(books(&out), vec![(Some(2), "97.50".into())]);
    }

    #[test]
    fn a_refused_subscribe_rejects_its_subscriptions_naming_the_topic() {
        let mut session = session();
        let mut out = SessionOutput::default();
        session.open(Decimal::ZERO, &mut out);
        feed(
            &mut session,
            r#"{"success":false,"ret_msg":"error:handler not found,topic:orderbook.50.BTCUSDT","conn_id":"x","req_id":"1","op":"subscribe"}"#,
            &mut out,
        );
        let rejected: Vec<(String, Channel, String)> = out
            .events
            .iter()
            .filter_map(|event| match event {
                Event::Rejected(rejected) => Some((
                    rejected.symbol.to_string(),
                    rejected.channel,
                    rejected.reason.clone(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            rejected,
            vec![(
                "BTC-USDT".into(),
                Channel::L2Book,
                "subscribe of orderbook.50.BTCUSDT failed: error:handler not found,topic:orderbook.50.BTCUSDT".into()
            )]
        );
        assert!(!session.awaiting_acknowledgements());
    }
}
