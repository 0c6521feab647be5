//! The two kinds of connection an exchange feed makes.

use std::fmt;

/// Which connection of an exchange a route is for.
///
/// Every exchange feed makes REST calls (market lists, snapshots) and holds WebSocket
/// streams; each kind can take its own proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectionKind {
    /// REST calls over HTTP(S).
    Http,
    /// Streaming over WebSocket (ws:// or wss://).
    Websocket,
}

impl ConnectionKind {
    /// Both kinds, in the order they are shown to users.
    pub const ALL: [ConnectionKind; 2] = [ConnectionKind::Http, ConnectionKind::Websocket];

    /// The key that names this kind in the configuration (`http`, `websocket`).
    #[must_use]
    pub fn config_key(self) -> &'static str {
        match self {
            ConnectionKind::Http => "http",
            ConnectionKind::Websocket => "websocket",
        }
    }
}

impl fmt::Display for ConnectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.config_key())
    }
}
