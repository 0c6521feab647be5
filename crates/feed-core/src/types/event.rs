//! [`Event`]: everything a feed delivers, one type.

use super::book::L2Book;
use super::channel::Channel;
use super::gap::Gap;
use super::lifecycle::{ConnectionEvent, SubscriptionRejected};
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
}

impl EventKind {
    /// How many kinds there are (for tables indexed by kind).
    pub const COUNT: usize = 6;

    /// Every kind.
    pub const ALL: [EventKind; Self::COUNT] = [
        EventKind::Trade,
        EventKind::Book,
        EventKind::Gap,
        EventKind::Connected,
        EventKind::Disconnected,
        EventKind::Rejected,
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
        }
    }

    /// True for market data and gaps (what output files record), false for lifecycle events.
    #[must_use]
    pub fn is_data(self) -> bool {
        matches!(self, EventKind::Trade | EventKind::Book | EventKind::Gap)
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
}
