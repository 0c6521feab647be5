//! Helpers for the adapters' unit tests.

use std::str::FromStr;
use std::sync::Arc;

use feed_core::runtime::{Action, FrameError, SessionOutput};
use feed_core::{Channel, Event, Symbol, Trade};
use rust_decimal::Decimal;

use crate::adapter::{FrameContext, Subscription};
use crate::markets::{Market, MarketMap};
use crate::parsed::ParsedFrame;

/// An adapter's frame parser.
pub(crate) type FrameParser =
    fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Result<(), FrameError>;

/// Runs `parse` on `frame` with these subscribed markets, exchange name and receipt time;
/// returns the trades.
pub(crate) fn parse_with(
    parse: FrameParser,
    markets: &[Market],
    exchange: &str,
    receipt: &str,
    frame: &str,
) -> Result<Vec<Trade>, FrameError> {
    parse_frame_with(parse, markets, exchange, receipt, frame)
        .map(|parsed| parsed.trades().cloned().collect())
}

/// Runs `parse` on `frame` as [`parse_with`] does; returns everything it parsed.
pub(crate) fn parse_frame_with(
    parse: FrameParser,
    markets: &[Market],
    exchange: &str,
    receipt: &str,
    frame: &str,
) -> Result<ParsedFrame, FrameError> {
    let markets = MarketMap::new(markets.iter().cloned());
    let exchange: Arc<str> = exchange.into();
    let context = FrameContext {
        connection: None,
        markets: &markets,
        exchange: &exchange,
        receipt: Decimal::from_str(receipt).expect("a decimal receipt time"),
    };
    let mut out = ParsedFrame::default();
    parse(frame, &context, &mut out)?;
    Ok(out)
}

/// What a parsed frame holds, by kind: each event's kind name, then `l2_book` per book
/// message.
pub(crate) fn kinds(parsed: &ParsedFrame) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = parsed
        .events
        .iter()
        .map(|event| event.kind().name())
        .collect();
    kinds.extend(parsed.books.messages.iter().map(|_| "l2_book"));
    kinds
}

/// `(normalized, exchange)` symbol pairs of a market list, in order.
pub(crate) fn market_pairs(markets: &[Market]) -> Vec<(String, String)> {
    markets
        .iter()
        .map(|market| (market.symbol.to_string(), market.exchange_symbol.clone()))
        .collect()
}

/// TRADES subscriptions of `(normalized, exchange)` symbol pairs.
pub(crate) fn trade_subscriptions(pairs: &[(&str, &str)]) -> Vec<Subscription> {
    pairs
        .iter()
        .map(|(symbol, exchange_symbol)| Subscription {
            channel: Channel::Trades,
            symbol: Symbol::parse(symbol).expect("a normalized symbol"),
            exchange_symbol: (*exchange_symbol).to_owned(),
            id: 1,
            book_depth: crate::DEFAULT_BOOK_DEPTH,
            stream_depth: None,
            candle_interval: crate::DEFAULT_CANDLE_INTERVAL.into(),
        })
        .collect()
}

/// The text messages a session sent, in order.
pub(crate) fn sent(out: &SessionOutput) -> Vec<&str> {
    out.actions
        .iter()
        .filter_map(|action| match action {
            Action::Send(message) => Some(message.as_str()),
            _ => None,
        })
        .collect()
}

/// The refusals among a session's events, as printed.
pub(crate) fn rejections(out: &SessionOutput) -> Vec<String> {
    out.events
        .iter()
        .filter_map(|event| match event {
            Event::Rejected(rejected) => Some(rejected.to_string()),
            _ => None,
        })
        .collect()
}
