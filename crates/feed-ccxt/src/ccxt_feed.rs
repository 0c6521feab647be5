//! [`CcxtFeed`]: one feed type for every registered exchange.

use std::sync::Arc;

use async_trait::async_trait;
use feed_core::runtime::{Feed, FeedError, FrameError, FrameReply, KeepAlive};
use feed_core::{Channel, ExchangeConnector, ProxySettings, Symbol, Trade};
use rust_decimal::Decimal;

use crate::adapter::{ExchangeAdapter, FrameContext, Subscription};
use crate::error::AdapterError;
use crate::markets::MarketMap;
use crate::registry;

/// A feed for any exchange with an adapter: `CcxtFeed::new("binance", ["BTC-USDT"], [TRADES])`.
///
/// It knows nothing of proxies: its connections take the routes of the process-wide
/// settings ([`feed_core::connect::init_proxy_system`]) unless it is given its own with
/// [`CcxtFeed::with_proxy_settings`].
///
/// On start it loads the exchange's market list over REST (through the exchange's HTTP
/// route), maps the symbols, and subscribes over WebSocket after every (re)connection.
pub struct CcxtFeed {
    adapter: Arc<dyn ExchangeAdapter>,
    exchange_name: Arc<str>,
    symbols: Vec<Symbol>,
    channels: Vec<Channel>,
    rest_base: String,
    websocket_base: String,
    proxy_settings: Option<Arc<ProxySettings>>,
    markets: MarketMap,
    subscriptions: Vec<Subscription>,
}

impl std::fmt::Debug for CcxtFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CcxtFeed")
            .field("exchange", &self.adapter.id())
            .field("symbols", &self.symbols)
            .field("channels", &self.channels)
            .field("rest_base", &self.rest_base)
            .field("websocket_base", &self.websocket_base)
            .finish_non_exhaustive()
    }
}

impl CcxtFeed {
    /// A feed of `channels` for `symbols` (normalized, `BTC-USDT`) on `exchange_id`.
    ///
    /// # Errors
    /// [`AdapterError`] for an unknown exchange (listing the supported ones), a channel the
    /// adapter does not provide, or an empty list. Unknown symbols are found when the market
    /// list is loaded, at start.
    pub fn new(
        exchange_id: &str,
        symbols: Vec<Symbol>,
        channels: Vec<Channel>,
    ) -> Result<Self, AdapterError> {
        Self::with_adapter(registry::adapter(exchange_id)?, symbols, channels)
    }

    /// A feed with an adapter given directly (not from the registry).
    ///
    /// # Errors
    /// As [`CcxtFeed::new`].
    pub fn with_adapter(
        adapter: Arc<dyn ExchangeAdapter>,
        symbols: Vec<Symbol>,
        channels: Vec<Channel>,
    ) -> Result<Self, AdapterError> {
        let exchange = adapter.id().to_owned();
        if symbols.is_empty() {
            return Err(AdapterError::Empty {
                exchange,
                what: "symbols",
            });
        }
        if channels.is_empty() {
            return Err(AdapterError::Empty {
                exchange,
                what: "channels",
            });
        }
        if let Some(channel) = channels
            .iter()
            .find(|channel| !adapter.channels().contains(channel))
        {
            return Err(AdapterError::UnsupportedChannel {
                exchange,
                channel: channel.to_string(),
                supported: adapter
                    .channels()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let defaults = adapter.default_endpoints();
        Ok(CcxtFeed {
            exchange_name: adapter.name().into(),
            rest_base: defaults.rest.to_owned(),
            websocket_base: defaults.websocket.to_owned(),
            adapter,
            symbols,
            channels,
            proxy_settings: None,
            markets: MarketMap::default(),
            subscriptions: Vec::new(),
        })
    }

    /// A feed for replaying recorded frames offline: every market of `markets_body` (the
    /// body of the exchange's market list response, as the adapter requests it live) is
    /// mapped, and [`CcxtFeed::parse`] reads frames exactly as the live feed does.
    ///
    /// # Errors
    /// [`AdapterError`] for an unknown exchange or a malformed market list.
    pub fn replay(exchange_id: &str, markets_body: &str) -> Result<Self, AdapterError> {
        let adapter = registry::adapter(exchange_id)?;
        let defaults = adapter.default_endpoints();
        let mut feed = CcxtFeed {
            exchange_name: adapter.name().into(),
            rest_base: defaults.rest.to_owned(),
            websocket_base: defaults.websocket.to_owned(),
            adapter,
            symbols: Vec::new(),
            channels: vec![Channel::Trades],
            proxy_settings: None,
            markets: MarketMap::default(),
            subscriptions: Vec::new(),
        };
        feed.load_markets(markets_body, true)?;
        Ok(feed)
    }

    /// Replaces the documented REST base URL (testnets, local replays, tests).
    #[must_use]
    pub fn with_rest_endpoint(mut self, url: impl Into<String>) -> Self {
        self.rest_base = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Replaces the documented WebSocket URL.
    #[must_use]
    pub fn with_websocket_endpoint(mut self, url: impl Into<String>) -> Self {
        self.websocket_base = url.into();
        self
    }

    /// Gives this feed its own proxy settings, which win over the process-wide ones.
    #[must_use]
    pub fn with_proxy_settings(mut self, settings: ProxySettings) -> Self {
        self.proxy_settings = Some(Arc::new(settings));
        self
    }

    /// The adapter.
    #[must_use]
    pub fn adapter(&self) -> &Arc<dyn ExchangeAdapter> {
        &self.adapter
    }

    /// The URL the market list is loaded from.
    #[must_use]
    pub fn markets_url(&self) -> String {
        self.adapter.markets_url(&self.rest_base)
    }

    /// Maps the symbols with a market list body, as [`Feed::prepare`] does after fetching it;
    /// with `all_markets` every market of the list is kept, not only the feed's symbols.
    ///
    /// # Errors
    /// [`AdapterError`] for a malformed list or an unknown symbol.
    pub fn load_markets(&mut self, body: &str, all_markets: bool) -> Result<(), AdapterError> {
        let all = MarketMap::new(self.adapter.parse_markets(body)?);
        let mut subscriptions = Vec::with_capacity(self.symbols.len() * self.channels.len());
        if !all_markets {
            for symbol in &self.symbols {
                let exchange_symbol = all.exchange_symbol(self.adapter.id(), symbol)?.to_owned();
                for channel in &self.channels {
                    subscriptions.push(Subscription {
                        channel: *channel,
                        symbol: symbol.clone(),
                        exchange_symbol: exchange_symbol.clone(),
                    });
                }
            }
        }
        self.markets = if all_markets {
            all
        } else {
            all.restricted_to(&self.symbols)
        };
        self.subscriptions = subscriptions;
        Ok(())
    }

    /// Parses one frame as the live feed would (the path `feedhandler replay` uses). A frame
    /// that fails adds no trade, even if the adapter had pushed some before failing.
    ///
    /// # Errors
    /// As [`ExchangeAdapter::parse_frame`].
    pub fn parse(
        &self,
        frame: &str,
        receipt: Decimal,
        out: &mut Vec<Trade>,
    ) -> Result<FrameReply, FrameError> {
        let context = FrameContext {
            markets: &self.markets,
            exchange: &self.exchange_name,
            receipt,
        };
        let before = out.len();
        let outcome = self.adapter.parse_frame(frame, &context, out);
        if outcome.is_err() {
            // A frame either parses whole or contributes nothing.
            out.truncate(before);
        }
        outcome
    }
}

#[async_trait]
impl Feed for CcxtFeed {
    fn exchange_id(&self) -> &str {
        self.adapter.id()
    }

    fn proxy_settings(&self) -> Option<Arc<ProxySettings>> {
        self.proxy_settings.clone()
    }

    async fn prepare(&mut self, connector: &ExchangeConnector) -> Result<(), FeedError> {
        let url = self.markets_url();
        tracing::info!(%url, "loading the market list");
        let body = connector.get(&url).await?;
        let body = String::from_utf8_lossy(&body);
        let exchange = self.adapter.id().to_owned();
        self.load_markets(&body, false)
            .map_err(|error| FeedError::Setup {
                exchange,
                message: error.to_string(),
            })?;
        tracing::info!(
            markets = self.markets.len(),
            subscriptions = self.subscriptions.len(),
            "markets mapped"
        );
        Ok(())
    }

    fn websocket_url(&self) -> String {
        self.adapter
            .websocket_url(&self.websocket_base, &self.subscriptions)
    }

    fn subscribe_messages(&self) -> Vec<String> {
        self.adapter.subscribe_messages(&self.subscriptions)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        self.adapter.keep_alive()
    }

    fn parse_frame(
        &mut self,
        frame: &str,
        receipt: Decimal,
        out: &mut Vec<Trade>,
    ) -> Result<FrameReply, FrameError> {
        self.parse(frame, receipt, out)
    }
}
