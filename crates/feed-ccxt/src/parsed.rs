//! [`ParsedFrame`]: what an adapter found in one frame, for the session to act on.

use feed_core::book::BookBatch;
use feed_core::{Channel, Event, Symbol};
use rust_decimal::Decimal;

/// An acknowledgement (or refusal) of subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ack {
    /// The answer to the subscribe message with this request id (Binance `id`, Bybit
    /// `req_id`): every subscription the message carried.
    Request {
        /// The id the message was sent with.
        id: u64,
        /// `Err` with the exchange's words when refused.
        outcome: Result<(), String>,
    },
    /// The answer for one channel of one market (OKX `arg`, Kraken `result`, Coinbase
    /// `subscriptions`).
    Topic {
        /// The channel.
        channel: Channel,
        /// The exchange's name of the market.
        exchange_symbol: String,
        /// `Err` with the exchange's words when refused.
        outcome: Result<(), String>,
    },
    /// A refusal that names no subscription (OKX's error events): subscriptions still
    /// unacknowledged when their time runs out are refused with these words.
    Unattributed(String),
}

/// What an adapter parsed out of one frame.
#[derive(Debug, Default)]
pub struct ParsedFrame {
    /// Events ready to deliver (trades, and later tickers, funding, ...).
    pub events: Vec<Event>,
    /// Book snapshots and deltas, for the session's books.
    pub books: BookBatch,
    /// Ticker updates that carry only what changed (Bybit's `delta`s), merged by the
    /// session onto the connection's last whole ticker of the symbol.
    pub ticker_patches: Vec<TickerPatch>,
    /// Subscription acknowledgements and refusals.
    pub acks: Vec<Ack>,
    /// Messages to send back (answers to application-level pings).
    pub replies: Vec<String>,
    /// The frame's connection-wide sequence number, for exchanges that number every message
    /// of a connection (Coinbase `sequence_num`): a number skipped means a message was lost,
    /// and every subscription of the connection gets a gap and its books resync.
    pub sequence: Option<u64>,
    /// The exchange asks the client to reconnect (Bitstamp's `bts:request_reconnect`
    /// before a server's maintenance), with why: the session closes this connection and
    /// the runtime opens a new one, with backoff, after the frame's events.
    pub reconnect: Option<String>,
}

impl ParsedFrame {
    /// Empties it, keeping the capacity.
    pub fn clear(&mut self) {
        self.events.clear();
        self.books.clear();
        self.ticker_patches.clear();
        self.acks.clear();
        self.replies.clear();
        self.sequence = None;
        self.reconnect = None;
    }

    /// The trades among the events (for tests and simple consumers).
    pub fn trades(&self) -> impl Iterator<Item = &feed_core::Trade> {
        self.events.iter().filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
    }
}

/// A ticker update of a venue that sends a whole quote first and then only the fields
/// that changed. The session keeps the last whole ticker of each symbol per connection:
/// a snapshot replaces it (a side missing from a snapshot forgets it: no ticker until the
/// next snapshot), a delta's given fields overwrite it, and the merged ticker is delivered
/// when it changed. A delta before any snapshot delivers nothing: a ticker is never made
/// up from half a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickerPatch {
    /// The normalized symbol.
    pub symbol: Symbol,
    /// `true`: the whole quote (missing sides are absent); `false`: only what changed.
    pub snapshot: bool,
    /// Best bid price, where given.
    pub bid: Option<Decimal>,
    /// Size at the best bid, where given.
    pub bid_size: Option<Decimal>,
    /// Best ask price, where given.
    pub ask: Option<Decimal>,
    /// Size at the best ask, where given.
    pub ask_size: Option<Decimal>,
    /// The exchange's time of the update, where given.
    pub timestamp: Option<Decimal>,
    /// Arrival of the frame.
    pub receipt_timestamp: Decimal,
}
