//! One event as a Kafka record: key `EXCHANGE:SYMBOL`, value its JSON line, headers
//! `channel` and `exchange`.

use feed_core::Event;

/// The record's parts, built into reused buffers.
#[derive(Debug, Default)]
pub(super) struct RecordParts {
    /// `EXCHANGE:SYMBOL`: one symbol's records share a partition, so they keep their order.
    pub(super) key: String,
    /// The event's JSON line, without the newline.
    pub(super) value: Vec<u8>,
}

impl RecordParts {
    /// Fills the buffers from `event`; `false` for an event without a symbol (none of the
    /// data events).
    pub(super) fn fill(&mut self, event: &Event) -> bool {
        let Some(symbol) = event.symbol() else {
            return false;
        };
        self.key.clear();
        self.key.push_str(event.exchange());
        self.key.push(':');
        self.key.push_str(symbol.as_str());
        self.value.clear();
        event.write_json_line(&mut self.value);
        if self.value.last() == Some(&b'\n') {
            self.value.pop();
        }
        true
    }
}

/// The `channel` header: the event's JSON `channel` (`trades`, `l2_book`, ..., `gap`).
pub(super) fn channel_header(event: &Event) -> &'static str {
    match event {
        Event::Gap(_) => "gap",
        other => other
            .kind()
            .channel()
            .map_or("event", feed_core::Channel::json_name),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Side, Symbol, Trade, TradeId};
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn key_value_and_channel_of_a_trade() {
        let trade = Event::Trade(Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            side: Side::Buy,
            amount: Decimal::from_str("0.5").unwrap(),
            price: Decimal::from_str("37000.10").unwrap(),
            id: Some(TradeId::Number(7)),
            timestamp: Decimal::ONE,
            receipt_timestamp: Decimal::TWO,
        });
        let mut parts = RecordParts::default();
        assert!(parts.fill(&trade));
        assert_eq!(parts.key, "BINANCE:BTC-USDT");
        let value = String::from_utf8(parts.value.clone()).unwrap();
        assert!(value.starts_with('{') && value.ends_with('}'), "{value}");
        assert!(value.contains(r#""price":"37000.10""#));
        assert_eq!(channel_header(&trade), "trades");
    }
}
