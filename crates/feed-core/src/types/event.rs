//! [`Event`]: everything a feed delivers, one type.

use super::book::L2Book;
use super::candle::Candle;
use super::channel::Channel;
use super::funding::Funding;
use super::gap::Gap;
use super::lifecycle::{ConnectionEvent, SubscriptionRejected};
use super::line_heads::LineHeads;
use super::liquidation::Liquidation;
use super::open_interest::OpenInterest;
use super::ticker::Ticker;
use super::trade::Trade;

/// Everything a feed delivers: market data, gaps in it, and lifecycle events.
///
/// Non-exhaustive: new channels (ticker, candles, funding, ...) are new variants, so match
/// with a `_` arm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A public trade.
    Trade(Trade),
    /// The top of a symbol's L2 book after a change.
    Book(L2Book),
    /// A hole in a symbol's data on a channel.
    Gap(Gap),
    /// A connection opened and subscribed.
    Connected(ConnectionEvent),
    /// A connection closed.
    Disconnected(ConnectionEvent),
    /// The exchange refused a subscription.
    Rejected(SubscriptionRejected),
    /// Best bid and ask.
    Ticker(Ticker),
    /// A funding rate.
    Funding(Funding),
    /// Open interest.
    OpenInterest(OpenInterest),
    /// A liquidation.
    Liquidation(Liquidation),
    /// An OHLCV candle.
    Candle(Candle),
}

/// The kind of an [`Event`], for selecting callbacks and sink channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventKind {
    /// [`Event::Trade`].
    Trade,
    /// [`Event::Book`].
    Book,
    /// [`Event::Gap`].
    Gap,
    /// [`Event::Connected`].
    Connected,
    /// [`Event::Disconnected`].
    Disconnected,
    /// [`Event::Rejected`].
    Rejected,
    /// [`Event::Ticker`].
    Ticker,
    /// [`Event::Funding`].
    Funding,
    /// [`Event::OpenInterest`].
    OpenInterest,
    /// [`Event::Liquidation`].
    Liquidation,
    /// [`Event::Candle`].
    Candle,
}

impl EventKind {
    /// How many kinds there are (for tables indexed by kind).
    pub const COUNT: usize = 11;

    /// Every kind.
    pub const ALL: [EventKind; Self::COUNT] = [
        EventKind::Trade,
        EventKind::Book,
        EventKind::Gap,
        EventKind::Connected,
        EventKind::Disconnected,
        EventKind::Rejected,
        EventKind::Ticker,
        EventKind::Funding,
        EventKind::OpenInterest,
        EventKind::Liquidation,
        EventKind::Candle,
    ];

    /// The kinds output files record: market data of every channel, and gaps.
    pub const DATA: [EventKind; 8] = [
        EventKind::Trade,
        EventKind::Book,
        EventKind::Gap,
        EventKind::Ticker,
        EventKind::Funding,
        EventKind::OpenInterest,
        EventKind::Liquidation,
        EventKind::Candle,
    ];

    /// A dense index (0..COUNT).
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name JSON lines and metrics use: `trades`, `l2_book`, `gap`, `connected`,
    /// `disconnected`, `rejected`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Trade => Channel::Trades.json_name(),
            EventKind::Book => Channel::L2Book.json_name(),
            EventKind::Gap => "gap",
            EventKind::Connected => "connected",
            EventKind::Disconnected => "disconnected",
            EventKind::Rejected => "rejected",
            EventKind::Ticker => Channel::Ticker.json_name(),
            EventKind::Funding => Channel::Funding.json_name(),
            EventKind::OpenInterest => Channel::OpenInterest.json_name(),
            EventKind::Liquidation => Channel::Liquidations.json_name(),
            EventKind::Candle => Channel::Candles.json_name(),
        }
    }

    /// The data channel of this kind, `None` for gaps and lifecycle events.
    #[must_use]
    pub fn channel(self) -> Option<Channel> {
        match self {
            EventKind::Trade => Some(Channel::Trades),
            EventKind::Book => Some(Channel::L2Book),
            EventKind::Ticker => Some(Channel::Ticker),
            EventKind::Funding => Some(Channel::Funding),
            EventKind::OpenInterest => Some(Channel::OpenInterest),
            EventKind::Liquidation => Some(Channel::Liquidations),
            EventKind::Candle => Some(Channel::Candles),
            _ => None,
        }
    }

    /// True for market data and gaps (what output files record), false for lifecycle events.
    #[must_use]
    pub fn is_data(self) -> bool {
        Self::DATA.contains(&self)
    }

    /// True for market data itself (not gaps, not lifecycle events): what proves a
    /// connection works.
    #[must_use]
    pub fn is_market_data(self) -> bool {
        self.is_data() && self != EventKind::Gap
    }
}

impl Event {
    /// The event's kind.
    #[must_use]
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Trade(_) => EventKind::Trade,
            Event::Book(_) => EventKind::Book,
            Event::Gap(_) => EventKind::Gap,
            Event::Connected(_) => EventKind::Connected,
            Event::Disconnected(_) => EventKind::Disconnected,
            Event::Rejected(_) => EventKind::Rejected,
            Event::Ticker(_) => EventKind::Ticker,
            Event::Funding(_) => EventKind::Funding,
            Event::OpenInterest(_) => EventKind::OpenInterest,
            Event::Liquidation(_) => EventKind::Liquidation,
            Event::Candle(_) => EventKind::Candle,
        }
    }

    /// The symbol the event is about, for data events.
    #[must_use]
    pub fn symbol(&self) -> Option<&super::Symbol> {
        match self {
            Event::Trade(trade) => Some(&trade.symbol),
            Event::Book(book) => Some(&book.symbol),
            Event::Gap(gap) => Some(&gap.symbol),
            Event::Rejected(rejected) => Some(&rejected.symbol),
            Event::Ticker(ticker) => Some(&ticker.symbol),
            Event::Funding(funding) => Some(&funding.symbol),
            Event::OpenInterest(interest) => Some(&interest.symbol),
            Event::Liquidation(liquidation) => Some(&liquidation.symbol),
            Event::Candle(candle) => Some(&candle.symbol),
            Event::Connected(_) | Event::Disconnected(_) => None,
        }
    }

    /// The exchange, upper case.
    #[must_use]
    pub fn exchange(&self) -> &str {
        match self {
            Event::Trade(trade) => &trade.exchange,
            Event::Book(book) => &book.exchange,
            Event::Gap(gap) => &gap.exchange,
            Event::Connected(event) | Event::Disconnected(event) => &event.exchange,
            Event::Rejected(rejected) => &rejected.exchange,
            Event::Ticker(ticker) => &ticker.exchange,
            Event::Funding(funding) => &funding.exchange,
            Event::OpenInterest(interest) => &interest.exchange,
            Event::Liquidation(liquidation) => &liquidation.exchange,
            Event::Candle(candle) => &candle.exchange,
        }
    }

    /// Appends the event as one JSON line (with `\n`); every line has a `"channel"` key.
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        match self {
            Event::Trade(trade) => trade.write_json_line(out),
            Event::Book(book) => book.write_json_line(out),
            Event::Gap(gap) => gap.write_json_line(out),
            Event::Connected(event) => event.write_json_line("connected", out),
            Event::Disconnected(event) => event.write_json_line("disconnected", out),
            Event::Rejected(rejected) => rejected.write_json_line(out),
            Event::Ticker(ticker) => ticker.write_json_line(out),
            Event::Funding(funding) => funding.write_json_line(out),
            Event::OpenInterest(interest) => interest.write_json_line(out),
            Event::Liquidation(liquidation) => liquidation.write_json_line(out),
            Event::Candle(candle) => candle.write_json_line(out),
        }
    }

    /// [`Self::write_json_line`], with the line heads of trades and books from `heads`
    /// (written once per market and channel): the same bytes, fewer instructions.
    pub fn write_json_line_with(&self, heads: &mut LineHeads, out: &mut Vec<u8>) {
        match self {
            Event::Trade(trade) => {
                heads.push(out, &trade.exchange, &trade.symbol, Trade::CHANNEL);
                trade.write_json_after_head(out);
            }
            Event::Book(book) => {
                heads.push(out, &book.exchange, &book.symbol, L2Book::CHANNEL);
                book.write_json_after_head(out);
            }
            other => other.write_json_line(out),
        }
    }

    /// The exchange's timestamp and the receipt time, for events that carry both.
    #[must_use]
    pub fn timestamps(&self) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal)> {
        match self {
            Event::Trade(trade) => Some((trade.timestamp, trade.receipt_timestamp)),
            Event::Book(book) => Some((book.timestamp?, book.receipt_timestamp)),
            Event::Ticker(ticker) => Some((ticker.timestamp?, ticker.receipt_timestamp)),
            Event::Funding(funding) => Some((funding.timestamp?, funding.receipt_timestamp)),
            Event::OpenInterest(interest) => {
                Some((interest.timestamp?, interest.receipt_timestamp))
            }
            Event::Liquidation(liquidation) => {
                Some((liquidation.timestamp?, liquidation.receipt_timestamp))
            }
            Event::Candle(candle) => Some((candle.timestamp?, candle.receipt_timestamp)),
            Event::Gap(_) | Event::Connected(_) | Event::Disconnected(_) | Event::Rejected(_) => {
                None
            }
        }
    }

    /// The event as one JSON line, without the trailing newline.
    #[must_use]
    pub fn to_json_line(&self) -> String {
        super::json::line_of(|out| self.write_json_line(out))
    }
}

impl From<Trade> for Event {
    fn from(trade: Trade) -> Self {
        Event::Trade(trade)
    }
}

impl From<L2Book> for Event {
    fn from(book: L2Book) -> Self {
        Event::Book(book)
    }
}

impl From<Gap> for Event {
    fn from(gap: Gap) -> Self {
        Event::Gap(gap)
    }
}

macro_rules! event_from {
    ($($type:ident => $variant:ident),*) => {
        $(impl From<$type> for Event {
            fn from(value: $type) -> Self {
                Event::$variant(value)
            }
        })*
    };
}
event_from!(Ticker => Ticker, Funding => Funding, OpenInterest => OpenInterest, Liquidation => Liquidation, Candle => Candle);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_dense_and_named() {
        for (index, kind) in EventKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), index);
        }
        assert_eq!(EventKind::Book.name(), "l2_book");
        assert_eq!(EventKind::Trade.name(), "trades");
        assert!(EventKind::Gap.is_data() && !EventKind::Connected.is_data());
    }

    fn keys(event: &Event) -> (Vec<String>, serde_json::Value) {
        let line = event.to_json_line();
        let value: serde_json::Value = serde_json::from_str(&line).expect(&line);
        let keys = value.as_object().unwrap().keys().cloned().collect();
        (keys, value)
    }

    /// The derivatives lines carry cryptofeed's `to_dict()` keys (taken from cryptofeed
    /// 2.4.1), plus `channel`, `receipt_timestamp` and the documented extras.
    #[test]
    fn derivatives_lines_have_cryptofeed_s_keys() {
        use rust_decimal::Decimal;
        let (exchange, symbol) = (
            std::sync::Arc::<str>::from("BINANCE_FUTURES"),
            crate::Symbol::perpetual("BTC", "USDT"),
        );
        let d = |text: &str| text.parse::<Decimal>().unwrap();
        let receipt = d("1700000000.2");
        let cases: Vec<(Event, &str, &[&str])> = vec![
            (
                Ticker {
                    exchange: exchange.clone(),
                    symbol: symbol.clone(),
                    bid: d("37000.10"),
                    bid_size: Some(d("2.5")),
                    ask: d("37000.2"),
                    ask_size: None,
                    timestamp: Some(d("1700000000.123")),
                    receipt_timestamp: receipt,
                }
                .into(),
                "ticker",
                &[
                    "exchange",
                    "symbol",
                    "bid",
                    "ask",
                    "timestamp",
                    "bid_size",
                    "ask_size",
                ],
            ),
            (
                Funding {
                    exchange: exchange.clone(),
                    symbol: symbol.clone(),
                    mark_price: Some(d("37000.5")),
                    rate: d("0.00010000"),
                    predicted_rate: None,
                    next_funding_time: Some(d("1700006400")),
                    timestamp: None,
                    receipt_timestamp: receipt,
                }
                .into(),
                "funding",
                &[
                    "exchange",
                    "symbol",
                    "mark_price",
                    "rate",
                    "next_funding_time",
                    "predicted_rate",
                    "timestamp",
                ],
            ),
            (
                OpenInterest {
                    exchange: exchange.clone(),
                    symbol: symbol.clone(),
                    open_interest: d("10659.509"),
                    notional: None,
                    timestamp: Some(d("1589437530.011")),
                    receipt_timestamp: receipt,
                }
                .into(),
                "open_interest",
                &[
                    "exchange",
                    "symbol",
                    "open_interest",
                    "timestamp",
                    "notional",
                ],
            ),
            (
                Liquidation {
                    exchange: exchange.clone(),
                    symbol: symbol.clone(),
                    side: crate::Side::Sell,
                    quantity: d("0.014"),
                    price: d("9910"),
                    id: None,
                    status: "filled".into(),
                    timestamp: Some(d("1568014460.893")),
                    receipt_timestamp: receipt,
                }
                .into(),
                "liquidations",
                &[
                    "exchange",
                    "symbol",
                    "side",
                    "quantity",
                    "price",
                    "id",
                    "status",
                    "timestamp",
                ],
            ),
            (
                Candle {
                    exchange: exchange.clone(),
                    symbol: symbol.clone(),
                    start: d("1700000040"),
                    stop: d("1700000099.999"),
                    interval: "1m".into(),
                    trades: Some(5),
                    open: d("1"),
                    close: d("2"),
                    high: d("3"),
                    low: d("0.5"),
                    volume: d("1.50"),
                    closed: false,
                    timestamp: None,
                    receipt_timestamp: receipt,
                }
                .into(),
                "candles",
                &[
                    "exchange",
                    "symbol",
                    "start",
                    "stop",
                    "interval",
                    "trades",
                    "open",
                    "close",
                    "high",
                    "low",
                    "volume",
                    "closed",
                    "timestamp",
                ],
            ),
        ];
        for (event, channel, cryptofeed_keys) in cases {
            let (keys, value) = keys(&event);
            assert_eq!(value["channel"], channel);
            assert_eq!(event.kind().name(), channel);
            assert_eq!(value["symbol"], "BTC-USDT-PERP");
            assert_eq!(value["receipt_timestamp"].to_string(), "1700000000.2");
            let mut want: Vec<String> = cryptofeed_keys.iter().map(|k| (*k).to_owned()).collect();
            want.extend(["channel".to_owned(), "receipt_timestamp".to_owned()]);
            want.sort();
            let mut got = keys;
            got.sort();
            assert_eq!(got, want, "{channel}");
        }
        let ticker: Event = Ticker {
            exchange,
            symbol,
            bid: d("37000.10"),
            bid_size: None,
            ask: d("1"),
            ask_size: None,
            timestamp: None,
            receipt_timestamp: receipt,
        }
        .into();
        let (_, value) = keys(&ticker);
        assert_eq!(
            value["bid"], "37000.10",
            "decimals as strings, digits as sent"
        );
        assert_eq!(value["bid_size"], serde_json::Value::Null);
    }

    /// Lines written with remembered heads are the lines written without, for every kind.
    #[test]
    fn lines_with_remembered_heads_are_the_same_bytes() {
        use rust_decimal::Decimal;
        let exchange = std::sync::Arc::<str>::from("BINANCE");
        let d = |text: &str| text.parse::<Decimal>().unwrap();
        let mut events: Vec<Event> = Vec::new();
        for symbol in [
            crate::Symbol::new("BTC", "USDT"),
            crate::Symbol::new("ETH", "USDT"),
        ] {
            events.push(
                Trade {
                    exchange: exchange.clone(),
                    symbol: symbol.clone(),
                    side: crate::Side::Buy,
                    amount: d("0.50"),
                    price: d("37000.1"),
                    id: Some(crate::TradeId::Number(7)),
                    timestamp: d("1700000000.123"),
                    receipt_timestamp: d("1700000000.2"),
                }
                .into(),
            );
            events.push(Event::Book(L2Book {
                exchange: exchange.clone(),
                symbol: symbol.clone(),
                bids: vec![crate::Level::new(d("1.5"), d("2"))],
                asks: vec![],
                sequence: Some(9),
                timestamp: None,
                receipt_timestamp: d("1700000000.2"),
            }));
            events.push(
                Ticker {
                    exchange: exchange.clone(),
                    symbol,
                    bid: d("1"),
                    bid_size: None,
                    ask: d("2"),
                    ask_size: None,
                    timestamp: None,
                    receipt_timestamp: d("1700000000.2"),
                }
                .into(),
            );
        }
        let mut heads = LineHeads::new();
        for _ in 0..3 {
            for event in &events {
                let (mut plain, mut remembered) = (Vec::new(), Vec::new());
                event.write_json_line(&mut plain);
                event.write_json_line_with(&mut heads, &mut remembered);
                assert_eq!(
                    String::from_utf8(remembered).unwrap(),
                    String::from_utf8(plain).unwrap()
                );
            }
        }
        assert_eq!(heads.len(), 4, "a head per market for trades and for books");
    }
}
