//! [`CcxtFeed`]: one feed type for every registered exchange.

use std::sync::Arc;

use async_trait::async_trait;
use feed_core::runtime::{Feed, FeedError, FeedSession, KeepAlive, VenueLimits};
use feed_core::{Channel, ExchangeConnector, ProxySettings, Symbol};

use crate::adapter::{ConnectTarget, ExchangeAdapter, Subscription};
use crate::error::AdapterError;
use crate::filter::MarketFilter;
use crate::markets::MarketMap;
use crate::registry;
use crate::session::{split_plan, CcxtSession, FeedPlan};
use crate::shard::Shard;
use crate::DEFAULT_BOOK_DEPTH;

/// The most pages one market list request may take (a cursor that never ends is an
/// error, not a hang).
const MAX_MARKET_PAGES: usize = 100;
/// A feed for any exchange with an adapter: `CcxtFeed::new("binance", ["BTC-USDT"], [TRADES])`.
///
/// It knows nothing of proxies: its connections take the routes of the process-wide
/// settings ([`feed_core::connect::init_proxy_system`]) unless it is given its own with
/// [`CcxtFeed::with_proxy_settings`].
///
/// On start it loads the exchange's market list over REST (through the exchange's HTTP
/// route), maps the symbols, and opens a [`CcxtSession`] on every (re)connection, which
/// subscribes, checks acknowledgements and keeps the books.
pub struct CcxtFeed {
    adapter: Arc<dyn ExchangeAdapter>,
    exchange_name: Arc<str>,
    symbols: Vec<Symbol>,
    channels: Vec<Channel>,
    rest_base: String,
    websocket_base: String,
    proxy_settings: Option<Arc<ProxySettings>>,
    book_depth: usize,
    stream_depth: Option<usize>,
    candle_interval: Arc<str>,
    /// `symbols: ALL` (narrowed): every matching market of the list, instead of `symbols`.
    every_market: Option<MarketFilter>,
    /// This process's share of the symbols (`--shard K/N`).
    shard: Shard,
    plan: Option<Arc<FeedPlan>>,
    /// The plan split over the connections the venue's per-connection limit needs (one
    /// plan per connection slot).
    connection_plans: Vec<Arc<FeedPlan>>,
    /// Limits that replace the adapter's documented ones ([`CcxtFeed::with_limits`]).
    limits: Option<VenueLimits>,
    /// Where each slot's next connection goes, when the adapter asks for it before
    /// connecting ([`ExchangeAdapter::connect_request`]); fetched anew before every
    /// connection.
    connect_targets: Vec<Option<ConnectTarget>>,
}

impl std::fmt::Debug for CcxtFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CcxtFeed")
            .field("exchange", &self.adapter.id())
            .field("symbols", &self.symbols)
            .field("channels", &self.channels)
            .field("book_depth", &self.book_depth)
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
    /// adapter does not provide, channels it cannot serve on one connection, or an empty
    /// list. Unknown symbols are found when the market
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
        check_channels(adapter.as_ref(), &channels)?;
        check_connection_channels(adapter.as_ref(), &channels)?;
        adapter
            .check_symbols(&symbols, &channels)
            .map_err(|detail| AdapterError::IncompatibleChannels {
                exchange: adapter.id().to_owned(),
                detail,
            })?;
        Ok(Self::unloaded(adapter, symbols, channels))
    }

    fn unloaded(
        adapter: Arc<dyn ExchangeAdapter>,
        symbols: Vec<Symbol>,
        channels: Vec<Channel>,
    ) -> Self {
        let defaults = adapter.default_endpoints();
        CcxtFeed {
            exchange_name: adapter.name().into(),
            rest_base: defaults.rest.to_owned(),
            websocket_base: defaults.websocket.to_owned(),
            adapter,
            symbols,
            channels,
            proxy_settings: None,
            book_depth: DEFAULT_BOOK_DEPTH,
            stream_depth: None,
            candle_interval: crate::DEFAULT_CANDLE_INTERVAL.into(),
            every_market: None,
            shard: Shard::whole(),
            plan: None,
            connection_plans: Vec::new(),
            limits: None,
            connect_targets: Vec::new(),
        }
    }

    /// A feed of `channels` for every live market of `exchange_id` that `filter` passes
    /// (`symbols: ALL`), as the market list names them at start.
    ///
    /// # Errors
    /// As [`CcxtFeed::new`]; a filter no market passes is found at start.
    pub fn every_market(
        exchange_id: &str,
        filter: MarketFilter,
        channels: Vec<Channel>,
    ) -> Result<Self, AdapterError> {
        let adapter = registry::adapter(exchange_id)?;
        if channels.is_empty() {
            return Err(AdapterError::Empty {
                exchange: adapter.id().to_owned(),
                what: "channels",
            });
        }
        check_channels(adapter.as_ref(), &channels)?;
        check_connection_channels(adapter.as_ref(), &channels)?;
        let mut feed = Self::unloaded(adapter, Vec::new(), channels);
        feed.every_market = Some(filter);
        Ok(feed)
    }

    /// A feed for replaying recorded frames offline: every market of `markets_body` (the
    /// body of the exchange's market list response, as the adapter requests it live) is
    /// mapped with every channel the adapter has, and [`CcxtFeed::session`] reads frames
    /// exactly as the live feed does.
    ///
    /// # Errors
    /// [`AdapterError`] for an unknown exchange or a malformed market list.
    pub fn replay(exchange_id: &str, markets_body: &str) -> Result<Self, AdapterError> {
        let adapter = registry::adapter(exchange_id)?;
        let channels = adapter.channels().to_vec();
        let mut feed = Self::unloaded(adapter, Vec::new(), channels);
        feed.load_markets(markets_body, true)?;
        Ok(feed)
    }

    /// Replaces the documented REST base URL (testnets, local replays, tests).
    #[must_use]
    pub fn with_rest_endpoint(mut self, url: impl Into<String>) -> Self {
        self.rest_base = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// Replaces the documented WebSocket URL. (Adapters with a
    /// [`ExchangeAdapter::connect_request`], KuCoin, connect where its answer says; point
    /// them elsewhere with [`CcxtFeed::with_rest_endpoint`].)
    #[must_use]
    pub fn with_websocket_endpoint(mut self, url: impl Into<String>) -> Self {
        self.websocket_base = url.into();
        self
    }

    /// Keeps this feed under `limits` instead of the adapter's documented ones (an account
    /// with higher limits, a stand-in with lower ones).
    #[must_use]
    pub fn with_limits(mut self, limits: VenueLimits) -> Self {
        self.limits = Some(limits);
        if let Some(plan) = self.plan.take() {
            self.set_plan(plan);
        }
        self
    }

    /// The venue limits this feed keeps: [`CcxtFeed::with_limits`]' or the adapter's.
    #[must_use]
    pub fn venue_limits(&self) -> VenueLimits {
        self.limits.clone().unwrap_or_else(|| self.adapter.limits())
    }

    /// Keeps `plan` and its split over connections.
    fn set_plan(&mut self, plan: Arc<FeedPlan>) {
        self.connection_plans = split_plan(&plan, self.venue_limits().subscriptions_per_connection);
        self.connect_targets = vec![None; self.connection_plans.len()];
        self.plan = Some(plan);
    }

    /// The plan of each connection slot (one unless the venue's per-connection limit
    /// splits the feed); empty before the market list is loaded.
    #[must_use]
    pub fn connection_plans(&self) -> &[Arc<FeedPlan>] {
        &self.connection_plans
    }

    /// Gives this feed its own proxy settings, which win over the process-wide ones.
    #[must_use]
    pub fn with_proxy_settings(mut self, settings: ProxySettings) -> Self {
        self.proxy_settings = Some(Arc::new(settings));
        self
    }

    /// Subscribes only the symbols of `shard` (see [`Shard`]): with `symbols: ALL`, of the
    /// market list as loaded at start.
    #[must_use]
    pub fn with_shard(mut self, shard: Shard) -> Self {
        self.shard = shard;
        self.replan();
        self
    }

    /// Levels per side of delivered books (`book_depth`; default [`DEFAULT_BOOK_DEPTH`]).
    /// The adapter picks the exchange's stream depth and snapshot size to match.
    #[must_use]
    pub fn with_book_depth(mut self, depth: usize) -> Self {
        self.book_depth = depth.max(1);
        self.replan();
        self
    }

    /// The interval of `CANDLES` subscriptions (`candle_interval`; default
    /// [`crate::DEFAULT_CANDLE_INTERVAL`]).
    ///
    /// # Errors
    /// [`AdapterError::UnsupportedCandleInterval`] for an interval the exchange does not
    /// document, naming the ones it does.
    pub fn with_candle_interval(mut self, interval: &str) -> Result<Self, AdapterError> {
        check_candle_interval(self.adapter.as_ref(), interval)?;
        self.candle_interval = interval.into();
        self.replan();
        Ok(self)
    }

    /// Rebuilds a loaded plan after its parameters changed (replay feeds load first).
    fn replan(&mut self) {
        if let Some(plan) = self.plan.take() {
            let all_markets = self.symbols.is_empty() || self.every_market.is_some();
            let markets = plan.markets.markets().cloned().collect::<Vec<_>>();
            let plan = Arc::new(self.plan_for(MarketMap::new(markets), all_markets));
            self.set_plan(plan);
        }
    }

    /// Subscribes fixed-depth book streams (Kraken, Bybit) at this depth instead of the one
    /// the adapter picks for `book_depth`: for replaying a recording made at that depth
    /// (`replay --stream-depth`).
    #[must_use]
    pub fn with_stream_depth(mut self, depth: usize) -> Self {
        self.stream_depth = Some(depth.max(1));
        self.replan();
        self
    }

    /// Only these channels (replays: `--channels`).
    ///
    /// # Errors
    /// [`AdapterError::UnsupportedChannel`] for a channel the adapter does not have.
    pub fn with_channels(mut self, channels: Vec<Channel>) -> Result<Self, AdapterError> {
        check_channels(self.adapter.as_ref(), &channels)?;
        self.channels = channels;
        self.replan();
        Ok(self)
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

    /// Every URL the market list is loaded from ([`ExchangeAdapter::markets_urls`]).
    #[must_use]
    pub fn markets_urls(&self) -> Vec<String> {
        self.adapter
            .markets_urls_for(&self.rest_base, &self.symbols, self.every_market.as_ref())
    }

    /// The markets of every body, in order.
    fn listed_markets(&self, bodies: &[&str]) -> Result<Vec<crate::markets::Market>, AdapterError> {
        let mut listed = Vec::new();
        for body in bodies {
            listed.extend(self.adapter.parse_markets(body)?);
        }
        Ok(listed)
    }

    /// The subscriptions and markets, once the market list is loaded.
    #[must_use]
    pub fn plan(&self) -> Option<&Arc<FeedPlan>> {
        self.plan.as_ref()
    }

    /// Maps the symbols with a market list body, as [`Feed::prepare`] does after fetching it;
    /// with `all_markets` every market of the list is kept and subscribed, not only the
    /// feed's symbols.
    ///
    /// # Errors
    /// [`AdapterError`] for a malformed list or an unknown symbol.
    pub fn load_markets(&mut self, body: &str, all_markets: bool) -> Result<(), AdapterError> {
        self.load_market_bodies(&[body], all_markets)
    }

    /// [`CcxtFeed::load_markets`] with the bodies of every [`CcxtFeed::markets_urls`].
    ///
    /// # Errors
    /// [`AdapterError`] for a malformed list or an unknown symbol.
    pub fn load_market_bodies(
        &mut self,
        bodies: &[&str],
        all_markets: bool,
    ) -> Result<(), AdapterError> {
        let all = MarketMap::new(self.listed_markets(bodies)?);
        if !all_markets {
            for symbol in &self.symbols {
                all.exchange_symbol(self.adapter.id(), symbol)?;
            }
        }
        let markets = if all_markets {
            all
        } else {
            all.restricted_to(&self.symbols)
        };
        let plan = Arc::new(self.plan_for(markets, all_markets));
        self.set_plan(plan);
        Ok(())
    }

    /// Keeps every market of the list that `filter` passes (`symbols: ALL`).
    ///
    /// # Errors
    /// [`AdapterError`] for a malformed list, or when no market passes.
    pub fn load_every_market(
        &mut self,
        body: &str,
        filter: &MarketFilter,
    ) -> Result<(), AdapterError> {
        self.load_every_market_of(&[body], filter)
    }

    /// [`CcxtFeed::load_every_market`] with the bodies of every [`CcxtFeed::markets_urls`].
    ///
    /// # Errors
    /// [`AdapterError`] for a malformed list, or when no market passes.
    pub fn load_every_market_of(
        &mut self,
        bodies: &[&str],
        filter: &MarketFilter,
    ) -> Result<(), AdapterError> {
        let listed = self.listed_markets(bodies)?;
        let total = listed.len();
        let markets = MarketMap::new(
            listed
                .into_iter()
                .filter(|market| filter.matches(&market.symbol)),
        );
        if markets.is_empty() {
            return Err(AdapterError::NoMarketMatches {
                exchange: self.adapter.id().to_owned(),
                filter: filter.to_string(),
                listed: total,
            });
        }
        let mut symbols: Vec<Symbol> = markets.markets().map(|m| m.symbol.clone()).collect();
        symbols.sort();
        self.adapter
            .check_symbols(&symbols, &self.channels)
            .map_err(|detail| AdapterError::IncompatibleChannels {
                exchange: self.adapter.id().to_owned(),
                detail,
            })?;
        let plan = Arc::new(self.plan_for(markets, true));
        self.set_plan(plan);
        Ok(())
    }

    fn plan_for(&self, markets: MarketMap, all_markets: bool) -> FeedPlan {
        let mut symbols: Vec<&crate::markets::Market> = if all_markets {
            let mut every: Vec<_> = markets.markets().collect();
            every.sort_by(|a, b| a.symbol.cmp(&b.symbol));
            every
        } else {
            self.symbols
                .iter()
                .filter_map(|symbol| markets.market(symbol))
                .collect()
        };
        symbols.dedup_by(|a, b| a.symbol == b.symbol);
        let listed = symbols.len();
        symbols.retain(|market| self.shard.owns(self.adapter.id(), &market.symbol));
        if self.shard != Shard::whole() {
            tracing::info!(shard = %self.shard, symbols = symbols.len(), of = listed, "this process's share");
        }
        let mut subscriptions = Vec::with_capacity(symbols.len() * self.channels.len());
        for market in symbols {
            for channel in &self.channels {
                subscriptions.push(Subscription {
                    channel: *channel,
                    symbol: market.symbol.clone(),
                    exchange_symbol: market.exchange_symbol.clone(),
                    id: subscriptions.len() as u64 + 1,
                    book_depth: self.book_depth,
                    stream_depth: self.stream_depth,
                    candle_interval: Arc::clone(&self.candle_interval),
                });
            }
        }
        FeedPlan::new(
            Arc::clone(&self.adapter),
            markets,
            subscriptions,
            self.rest_base.clone(),
        )
    }

    /// A session over the loaded plan (what every connection gets; replays drive one
    /// directly).
    ///
    /// # Errors
    /// [`AdapterError::Empty`] before the market list is loaded.
    pub fn new_session(&self) -> Result<CcxtSession, AdapterError> {
        self.plan
            .as_ref()
            .map(|plan| CcxtSession::new(Arc::clone(plan)))
            .ok_or_else(|| AdapterError::Empty {
                exchange: self.adapter.id().to_owned(),
                what: "the market list (not loaded yet)",
            })
    }
}

#[async_trait]
impl Feed for CcxtFeed {
    fn exchange_id(&self) -> &str {
        self.adapter.id()
    }

    fn exchange_name(&self) -> Arc<str> {
        Arc::clone(&self.exchange_name)
    }

    fn proxy_settings(&self) -> Option<Arc<ProxySettings>> {
        self.proxy_settings.clone()
    }

    fn limits(&self) -> VenueLimits {
        self.venue_limits()
    }

    async fn prepare(&mut self, connector: &ExchangeConnector) -> Result<(), FeedError> {
        let mut bodies = Vec::new();
        for first_page in self.markets_urls() {
            let mut next = Some(first_page);
            let mut pages = 0;
            while let Some(url) = next.take() {
                pages += 1;
                if pages > MAX_MARKET_PAGES {
                    return Err(FeedError::Setup {
                        exchange: self.adapter.id().to_owned(),
                        message: format!(
                            "the market list has more than {MAX_MARKET_PAGES} pages (at {url})"
                        ),
                    });
                }
                tracing::info!(%url, "loading the market list");
                let body = match self.adapter.markets_post_body() {
                    Some(request) => connector.post(&url, request).await?,
                    None => connector.get(&url).await?,
                };
                let body = String::from_utf8_lossy(&body).into_owned();
                next = self.adapter.markets_next_page(&url, &body);
                bodies.push(body);
            }
        }
        let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
        let exchange = self.adapter.id().to_owned();
        let loaded = match self.every_market.clone() {
            Some(filter) => self.load_every_market_of(&bodies, &filter),
            None => self.load_market_bodies(&bodies, false),
        };
        loaded.map_err(|error| FeedError::Setup {
            exchange,
            message: error.to_string(),
        })?;
        if let Some(plan) = &self.plan {
            tracing::info!(
                markets = plan.markets.len(),
                subscriptions = plan.subscriptions.len(),
                connections = self.connection_plans.len(),
                "markets mapped"
            );
        }
        Ok(())
    }

    fn connections(&self) -> usize {
        self.connection_plans.len().max(1)
    }

    /// For adapters with a [`ExchangeAdapter::connect_request`] (KuCoin): makes it over
    /// the exchange's HTTP route and keeps the answer's WebSocket URL and keep-alive
    /// interval for this connection. Others: nothing.
    async fn before_connect(
        &mut self,
        connection: usize,
        connector: &ExchangeConnector,
    ) -> Result<(), FeedError> {
        let Some(request) = self.adapter.connect_request(&self.rest_base) else {
            return Ok(());
        };
        if self.connect_targets.len() <= connection {
            self.connect_targets.resize(connection + 1, None);
        }
        self.connect_targets[connection] = None;
        tracing::debug!(url = %request.url, "asking where to connect");
        let body = match request.post_body {
            Some(body) => connector.post(&request.url, body).await?,
            None => connector.get(&request.url).await?,
        };
        let target = self
            .adapter
            .parse_connect_reply(&String::from_utf8_lossy(&body))
            .map_err(|error| FeedError::Setup {
                exchange: self.adapter.id().to_owned(),
                message: error.to_string(),
            })?;
        self.connect_targets[connection] = Some(target);
        Ok(())
    }

    fn websocket_url(&self, connection: usize) -> String {
        if let Some(Some(target)) = self.connect_targets.get(connection) {
            return target.websocket_url.clone();
        }
        let subscriptions = self
            .connection_plans
            .get(connection)
            .map_or(&[][..], |plan| &plan.subscriptions[..]);
        self.adapter
            .websocket_url(&self.websocket_base, subscriptions)
    }

    fn keep_alive(&self, connection: usize) -> Option<KeepAlive> {
        let keep_alive = self.adapter.keep_alive();
        let prescribed = self
            .connect_targets
            .get(connection)
            .and_then(|target| target.as_ref()?.ping_interval);
        match (keep_alive, prescribed) {
            (Some(KeepAlive::Text { message, .. }), Some(interval)) => {
                Some(KeepAlive::Text { interval, message })
            }
            (Some(KeepAlive::PingFrame { .. }), Some(interval)) => {
                Some(KeepAlive::PingFrame { interval })
            }
            (keep_alive, _) => keep_alive,
        }
    }

    fn session(&mut self, connection: usize) -> Box<dyn FeedSession> {
        match self.connection_plans.get(connection) {
            Some(plan) => Box::new(CcxtSession::new(Arc::clone(plan))),
            // `prepare` always loads the plan first; an empty plan subscribes to nothing.
            None => Box::new(CcxtSession::new(Arc::new(
                self.plan_for(MarketMap::default(), false),
            ))),
        }
    }
}

/// `interval` is one of the adapter's documented candle intervals.
///
/// # Errors
/// [`AdapterError::UnsupportedCandleInterval`] naming the intervals it has.
pub fn check_candle_interval(
    adapter: &dyn ExchangeAdapter,
    interval: &str,
) -> Result<(), AdapterError> {
    if adapter.candle_intervals().contains(&interval) {
        return Ok(());
    }
    Err(AdapterError::UnsupportedCandleInterval {
        exchange: adapter.id().to_owned(),
        interval: interval.to_owned(),
        supported: if adapter.candle_intervals().is_empty() {
            "none: it has no CANDLES channel".to_owned()
        } else {
            adapter.candle_intervals().join(", ")
        },
    })
}

/// Every channel of `channels` is one the adapter has.
///
/// # Errors
/// [`AdapterError::UnsupportedChannel`] naming the first that is not, and the ones it has.
fn check_channels(adapter: &dyn ExchangeAdapter, channels: &[Channel]) -> Result<(), AdapterError> {
    match channels
        .iter()
        .find(|channel| !adapter.channels().contains(channel))
    {
        None => Ok(()),
        Some(channel) => Err(AdapterError::UnsupportedChannel {
            exchange: adapter.id().to_owned(),
            channel: channel.to_string(),
            supported: adapter
                .channels()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// The channels can share one connection (Binance USD-M serves some streams on another
/// path); replays, which open no connection, skip this.
///
/// # Errors
/// [`AdapterError::IncompatibleChannels`] with the adapter's explanation.
fn check_connection_channels(
    adapter: &dyn ExchangeAdapter,
    channels: &[Channel],
) -> Result<(), AdapterError> {
    adapter
        .check_channels(channels)
        .map_err(|detail| AdapterError::IncompatibleChannels {
            exchange: adapter.id().to_owned(),
            detail,
        })
}
