//! Lifecycle events: a feed's connections opening and closing, and subscriptions the
//! exchange refused.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::channel::Channel;
use super::json::{push_decimal, push_json_string, push_key, push_line_head, push_u64};
use super::symbol::Symbol;

/// A connection of a feed opened ([`super::Event::Connected`]) or closed
/// ([`super::Event::Disconnected`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionEvent {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The feed's name.
    pub feed: Arc<str>,
    /// The connection's number within the feed (1 for the first).
    pub connection: u64,
    /// The route it took: the redacted proxy, or `direct`.
    pub route: String,
    /// Why it closed (`None` for an opening, or a clean shutdown).
    pub reason: Option<String>,
    /// When it happened (seconds since the epoch).
    pub timestamp: Decimal,
}

impl ConnectionEvent {
    /// Appends the event as one JSON line; `channel` is `connected` or `disconnected`.
    pub fn write_json_line(&self, channel: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"exchange\":");
        push_json_string(out, &self.exchange);
        push_key(out, "channel");
        push_json_string(out, channel);
        push_key(out, "feed");
        push_json_string(out, &self.feed);
        push_key(out, "connection");
        push_u64(out, self.connection);
        push_key(out, "route");
        push_json_string(out, &self.route);
        push_key(out, "reason");
        match &self.reason {
            Some(reason) => push_json_string(out, reason),
            None => out.extend_from_slice(b"null"),
        }
        push_key(out, "timestamp");
        push_decimal(out, &self.timestamp);
        out.extend_from_slice(b"}\n");
    }
}

/// The exchange refused a subscription (or never acknowledged it): that symbol's channel
/// will carry no data. At start-up this stops the run; later it is logged and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRejected {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The channel.
    pub channel: Channel,
    /// What the exchange said, or that it said nothing in time.
    pub reason: String,
    /// When it was noticed here.
    pub timestamp: Decimal,
}

impl SubscriptionRejected {
    /// Appends the event as one JSON line (`channel` is `rejected`).
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "rejected");
        out.extend_from_slice(b",\"affects\":\"");
        out.extend_from_slice(self.channel.json_name().as_bytes());
        out.push(b'"');
        push_key(out, "reason");
        push_json_string(out, &self.reason);
        push_key(out, "timestamp");
        push_decimal(out, &self.timestamp);
        out.extend_from_slice(b"}\n");
    }
}

impl std::fmt::Display for SubscriptionRejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} rejected the subscription to {} {}: {}",
            self.exchange.to_ascii_lowercase(),
            self.channel,
            self.symbol,
            self.reason
        )
    }
}
