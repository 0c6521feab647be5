//! Bybit v5 spot. TRADES is the `publicTrade.<symbol>` topic; L2_BOOK is the
//! `orderbook.<depth>.<symbol>` topic, a snapshot on the stream followed by deltas
//! ([`book`]). The product category is a parameter of the wire format ([`Category`]);
//! only spot is served today.
//!
//! - REST: [`REST_BASE`] + `/v5/market/instruments-info?category=spot` (market list)
//!   <https://bybit-exchange.github.io/docs/v5/market/instrument>
//! - WebSocket: [`WEBSOCKET_URL`], then `{"req_id":"1","op":"subscribe","args":[...]}`, at
//!   most [`MAX_ARGS_PER_SUBSCRIBE`] topics per message on spot, each message answered
//!   once with its `req_id` <https://bybit-exchange.github.io/docs/v5/ws/connect>
//! - Trades: <https://bybit-exchange.github.io/docs/v5/websocket/public/trade>
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
//! - Acks come once per message, not per topic, with `ret_msg` `"subscribe"` on spot and
//!   `""` elsewhere: `success` decides, never `ret_msg`.

mod book;
mod category;
mod frame;
mod market;
mod subscription;
mod trade;

use std::time::Duration;

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::Channel;

pub use category::Category;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The category this adapter serves.
const CATEGORY: Category = Category::Spot;

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
        &[Channel::Trades, Channel::L2Book]
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!(
            "{rest_base}/v5/market/instruments-info?category={}",
            CATEGORY.name()
        )
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_instruments_info(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(CATEGORY, subscriptions)
    }

    fn unsubscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<String> {
        subscription::unsubscribe_messages(CATEGORY, subscriptions)
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
        book::params(CATEGORY, subscription)
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
        assert_eq!(Bybit.channels(), &[Channel::Trades, Channel::L2Book]);
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
