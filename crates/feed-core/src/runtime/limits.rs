//! [`VenueLimits`]: an exchange's documented connection, message and REST limits, the one
//! table the runtime plans connections and paces traffic by.
//!
//! Limits come in three scopes, and each is kept where it applies:
//! - per connection: how many subscriptions one connection may carry (the feed is split
//!   over as many connections as that needs) and how many messages the client may send on
//!   it per interval (subscribes and keep-alives are paced);
//! - per egress address (a proxy, or the direct route): how many connections may be opened
//!   per window and how much REST weight may be spent per window — the venues count these
//!   per IP, so every proxy of a pool carries its own budget;
//! - per connection lifetime: a forced disconnect after which the venue drops every
//!   connection (Binance: 24 h), renewed make-before-break before it comes.

use std::fmt;
use std::time::Duration;

/// `count` per `per`: a documented rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    /// How many.
    pub count: u32,
    /// Per how long.
    pub per: Duration,
}

impl Rate {
    /// `count` per `per`.
    #[must_use]
    pub const fn new(count: u32, per: Duration) -> Self {
        Rate { count, per }
    }

    /// `count` per second.
    #[must_use]
    pub const fn per_second(count: u32) -> Self {
        Rate::new(count, Duration::from_secs(1))
    }

    /// `count` per minute.
    #[must_use]
    pub const fn per_minute(count: u32) -> Self {
        Rate::new(count, Duration::from_secs(60))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} per {}", self.count, whole_duration(self.per))
    }
}

/// An exchange's documented limits (see the module docs); `None` where the venue
/// documents none. Adapters declare theirs with the sources cited in `source`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VenueLimits {
    /// Subscriptions (streams, topics, channels) one connection may carry.
    pub subscriptions_per_connection: Option<usize>,
    /// Subscriptions one subscribe message may carry (adapters split their messages by
    /// it; informational for the runtime).
    pub subscriptions_per_message: Option<usize>,
    /// Messages the client may send on one connection (subscribes, pings).
    pub messages_per_connection: Option<Rate>,
    /// New connections per egress address (IP).
    pub connections_per_egress: Option<Rate>,
    /// REST weight per egress address (IP); a request's weight is
    /// [`crate::runtime::HttpRequest::weight`] (1 unless the venue weighs it).
    pub rest_weight_per_egress: Option<Rate>,
    /// The venue closes every connection after this long.
    pub forced_disconnect: Option<Duration>,
    /// Where the figures come from (documentation URLs).
    pub source: &'static str,
}

impl VenueLimits {
    /// No documented limits.
    #[must_use]
    pub const fn none() -> Self {
        VenueLimits {
            subscriptions_per_connection: None,
            subscriptions_per_message: None,
            messages_per_connection: None,
            connections_per_egress: None,
            rest_weight_per_egress: None,
            forced_disconnect: None,
            source: "",
        }
    }

    /// How many connections `subscriptions` subscriptions need (at least one).
    #[must_use]
    pub fn connections_for(&self, subscriptions: usize) -> usize {
        match self.subscriptions_per_connection {
            Some(limit) if limit > 0 => subscriptions.div_ceil(limit).max(1),
            _ => 1,
        }
    }
}

impl fmt::Display for VenueLimits {
    /// One line for `check` and logs: `1024 subscriptions/connection, 5 per 1s messages/
    /// connection, ...`; `no documented limits` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(n) = self.subscriptions_per_connection {
            parts.push(format!("{n} subscriptions/connection"));
        }
        if let Some(n) = self.subscriptions_per_message {
            parts.push(format!("{n} subscriptions/message"));
        }
        if let Some(rate) = self.messages_per_connection {
            parts.push(format!("messages {rate} per connection"));
        }
        if let Some(rate) = self.connections_per_egress {
            parts.push(format!("connections {rate} per address"));
        }
        if let Some(rate) = self.rest_weight_per_egress {
            parts.push(format!("REST weight {rate} per address"));
        }
        if let Some(after) = self.forced_disconnect {
            parts.push(format!(
                "connections renewed before the {} forced disconnect",
                whole_duration(after)
            ));
        }
        if parts.is_empty() {
            f.write_str("no documented limits")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// `1s`, `5min`, `24h`, `1.5s`: a documented interval as the docs write it.
fn whole_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if duration.subsec_nanos() != 0 {
        format!("{seconds}s")
    } else if seconds >= 3600.0 && duration.as_secs() % 3600 == 0 {
        format!("{}h", duration.as_secs() / 3600)
    } else if seconds >= 60.0 && duration.as_secs() % 60 == 0 {
        format!("{}min", duration.as_secs() / 60)
    } else {
        format!("{}s", duration.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_cover_every_subscription() {
        let binance = VenueLimits {
            subscriptions_per_connection: Some(1024),
            ..VenueLimits::none()
        };
        assert_eq!(binance.connections_for(0), 1);
        assert_eq!(binance.connections_for(1024), 1);
        assert_eq!(binance.connections_for(1025), 2);
        assert_eq!(binance.connections_for(3000), 3);
        assert_eq!(VenueLimits::none().connections_for(100_000), 1);
    }

    #[test]
    fn display_names_every_limit() {
        let limits = VenueLimits {
            subscriptions_per_connection: Some(1024),
            messages_per_connection: Some(Rate::per_second(5)),
            connections_per_egress: Some(Rate::new(300, Duration::from_secs(300))),
            forced_disconnect: Some(Duration::from_secs(86_400)),
            ..VenueLimits::none()
        };
        let shown = limits.to_string();
        assert!(shown.contains("1024 subscriptions/connection"), "{shown}");
        assert!(shown.contains("messages 5 per 1s"), "{shown}");
        assert!(shown.contains("connections 300 per 5min"), "{shown}");
        assert!(shown.contains("24h forced disconnect"), "{shown}");
        assert_eq!(VenueLimits::none().to_string(), "no documented limits");
    }
}
