//! Turning a config's feeds into [`CcxtFeed`]s.

use feed_ccxt::CcxtFeed;

use crate::config::FeedConfig;

/// The `CcxtFeed` of a configured feed, with its endpoint overrides.
///
/// # Errors
/// The adapter's error (unknown exchange, unsupported channel) naming the feed.
pub fn build_feed(config: &FeedConfig) -> Result<CcxtFeed, String> {
    let feed = match &config.every_market {
        Some(filter) => {
            CcxtFeed::every_market(&config.exchange_id, filter.clone(), config.channels.clone())
        }
        None => CcxtFeed::new(
            &config.exchange_id,
            config.symbols.clone(),
            config.channels.clone(),
        ),
    };
    let mut feed = feed
        .map_err(|error| format!("exchanges.{}: {error}", config.name))?
        .with_book_depth(config.book_depth);
    if let Some(interval) = &config.candle_interval {
        feed = feed
            .with_candle_interval(interval)
            .map_err(|error| format!("exchanges.{}: {error}", config.name))?;
    }
    if let Some(rest) = &config.endpoints.rest {
        feed = feed.with_rest_endpoint(rest.as_str());
    }
    if let Some(websocket) = &config.endpoints.websocket {
        feed = feed.with_websocket_endpoint(websocket.as_str());
    }
    Ok(feed)
}
