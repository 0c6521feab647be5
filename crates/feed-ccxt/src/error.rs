//! Errors of adapters and of `CcxtFeed` set-up.

/// What went wrong setting up an exchange feed or reading its market list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdapterError {
    /// No adapter is registered under this id.
    #[error("unknown exchange '{id}' (supported: {supported})")]
    UnknownExchange {
        /// The id asked for.
        id: String,
        /// Every registered id, comma-separated.
        supported: String,
    },
    /// A symbol the exchange does not list (or does not trade now).
    #[error("{exchange} has no market {symbol}{hint}", hint = suggestion(suggestions))]
    UnknownSymbol {
        /// The exchange id.
        exchange: String,
        /// The normalized symbol asked for.
        symbol: String,
        /// Close matches from the market list.
        suggestions: Vec<String>,
    },
    /// A channel this adapter does not provide.
    #[error("{exchange} does not support channel {channel} (supported: {supported})")]
    UnsupportedChannel {
        /// The exchange id.
        exchange: String,
        /// The channel asked for.
        channel: String,
        /// The channels it supports.
        supported: String,
    },
    /// `symbols: ALL` narrowed so that no market of the list passes.
    #[error("{exchange}: no market of the {listed} listed matches {filter}")]
    NoMarketMatches {
        /// The exchange id.
        exchange: String,
        /// The filter, as configured.
        filter: String,
        /// How many markets the list had.
        listed: usize,
    },
    /// Channels (or symbols) the exchange serves on different connections, asked of one
    /// feed.
    #[error("{exchange}: {detail}")]
    IncompatibleChannels {
        /// The exchange id.
        exchange: String,
        /// Which channels go to separate feeds, and why.
        detail: String,
    },
    /// A candle interval the exchange does not document.
    #[error("{exchange} has no candle interval '{interval}' (documented: {supported})")]
    UnsupportedCandleInterval {
        /// The exchange id.
        exchange: String,
        /// The interval asked for.
        interval: String,
        /// The intervals it documents.
        supported: String,
    },
    /// The market list response is not what the exchange documents.
    #[error("{exchange}: unexpected market list: {detail}")]
    MarketList {
        /// The exchange id.
        exchange: String,
        /// What did not fit.
        detail: String,
    },
    /// The answer to the request made before connecting
    /// ([`crate::ExchangeAdapter::connect_request`]) is not what the exchange documents.
    #[error("{exchange}: unexpected answer to the connect request: {detail}")]
    ConnectReply {
        /// The exchange id.
        exchange: String,
        /// What did not fit.
        detail: String,
    },
    /// A symbol list or channel list is empty.
    #[error("{exchange}: {what} is empty")]
    Empty {
        /// The exchange id.
        exchange: String,
        /// `symbols` or `channels`.
        what: &'static str,
    },
}

fn suggestion(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", suggestions.join(", "))
    }
}
