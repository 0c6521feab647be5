//! The WebSocket path of a feed and the stream of each subscription.
//!
//! USDⓈ-M ([`Routing::PublicMarket`]): `wss://fstream.binance.com/public` carries the
//! high-frequency streams (`@depth`, `@bookTicker`), `/market` the regular ones
//! (`@aggTrade`, `@markPrice`, `@kline`, `@forceOrder`); a connection gets the streams of
//! its own path only, and subscribing another path's stream is answered and then silent
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice>).
//!
//! COIN-M ([`Routing::Single`]): every stream on `wss://dstream.binance.com/ws`, so any mix
//! of channels shares one connection.

use feed_core::Channel;

use super::product::{Product, Routing};
use crate::adapter::Subscription;

/// The path of every stream where the product has one path, raw stream mode.
pub(super) const SINGLE_PATH: &str = "/ws";

/// The path of the high-frequency streams, raw stream mode.
pub(super) const PUBLIC_PATH: &str = "/public/ws";
/// The path of the regular streams, raw stream mode.
pub(super) const MARKET_PATH: &str = "/market/ws";

/// Which routed path serves a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Public,
    Market,
}

/// `None` for OPEN_INTEREST, which is polled over REST and goes with either.
fn route(channel: Channel) -> Option<Route> {
    match channel {
        Channel::L2Book | Channel::Ticker => Some(Route::Public),
        Channel::Trades | Channel::Funding | Channel::Liquidations | Channel::Candles => {
            Some(Route::Market)
        }
        _ => None,
    }
}

/// The stream of a subscription, symbols in lower case: `<symbol>@aggTrade` (as cryptofeed),
/// `@depth@100ms` (the fastest diff), `@bookTicker`, `@markPrice@1s` (the faster of 3 s and
/// 1 s), `@forceOrder`, `@kline_<interval>` (the interval as documented: `1M` is a month).
/// OPEN_INTEREST has none.
pub(super) fn stream(subscription: &Subscription) -> Option<String> {
    let symbol = subscription.exchange_symbol.to_ascii_lowercase();
    match subscription.channel {
        Channel::Trades => Some(format!("{symbol}@aggTrade")),
        Channel::L2Book => Some(format!("{symbol}@depth@100ms")),
        Channel::Ticker => Some(format!("{symbol}@bookTicker")),
        Channel::Funding => Some(format!("{symbol}@markPrice@1s")),
        Channel::Liquidations => Some(format!("{symbol}@forceOrder")),
        Channel::Candles => Some(format!("{symbol}@kline_{}", subscription.candle_interval)),
        _ => None,
    }
}

/// The connection group of a subscription: USDⓈ-M's `/public` streams (1) never share a
/// connection with its `/market` ones (0; OPEN_INTEREST, polled, goes with them); a
/// single-path product has one group.
pub(super) fn connection_group(product: &Product, subscription: &Subscription) -> u8 {
    match product.routing {
        Routing::PublicMarket if route(subscription.channel) == Some(Route::Public) => 1,
        _ => 0,
    }
}

/// The URL to connect to: `base` as given when it has a path, else `base` + the path of the
/// subscriptions' streams (USDⓈ-M: `/public/ws` for books and tickers, `/market/ws`
/// otherwise; COIN-M: `/ws`).
pub(super) fn websocket_url(
    product: &Product,
    base: &str,
    subscriptions: &[Subscription],
) -> String {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    if after_scheme
        .split_once('/')
        .is_some_and(|(_, path)| !path.is_empty())
    {
        return base.to_owned();
    }
    let public = subscriptions
        .iter()
        .any(|subscription| route(subscription.channel) == Some(Route::Public));
    let path = match product.routing {
        Routing::Single => SINGLE_PATH,
        Routing::PublicMarket if public => PUBLIC_PATH,
        Routing::PublicMarket => MARKET_PATH,
    };
    format!("{}{path}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::binance_futures::product::USD_M;
    use feed_core::Symbol;

    fn subscription(channel: Channel) -> Subscription {
        Subscription::new(channel, Symbol::perpetual("BTC", "USDT"), "BTCUSDT")
    }

    #[test]
    fn streams_are_lower_case_and_the_interval_is_kept() {
        let mut candles = subscription(Channel::Candles);
        candles.candle_interval = "1M".into();
        assert_eq!(stream(&candles).unwrap(), "btcusdt@kline_1M");
        let names: Vec<Option<String>> = [
            Channel::Trades,
            Channel::L2Book,
            Channel::Ticker,
            Channel::Funding,
            Channel::Liquidations,
            Channel::OpenInterest,
        ]
        .into_iter()
        .map(|channel| stream(&subscription(channel)))
        .collect();
        assert_eq!(
            names,
            vec![
                Some("btcusdt@aggTrade".into()),
                Some("btcusdt@depth@100ms".into()),
                Some("btcusdt@bookTicker".into()),
                Some("btcusdt@markPrice@1s".into()),
                Some("btcusdt@forceOrder".into()),
                None,
            ]
        );
        let dated = Subscription::new(
            Channel::L2Book,
            Symbol::parse("BTC-USDT-26DEC26").unwrap(),
            "BTCUSDT_261226",
        );
        assert_eq!(stream(&dated).unwrap(), "btcusdt_261226@depth@100ms");
    }

    #[test]
    fn the_route_follows_the_channels_unless_a_path_is_given() {
        let books = [
            subscription(Channel::L2Book),
            subscription(Channel::OpenInterest),
        ];
        let trades = [
            subscription(Channel::Trades),
            subscription(Channel::Funding),
        ];
        assert_eq!(
            websocket_url(&USD_M, "wss://fstream.binance.com", &books),
            "wss://fstream.binance.com/public/ws"
        );
        assert_eq!(
            websocket_url(&USD_M, "wss://fstream.binance.com/", &trades),
            "wss://fstream.binance.com/market/ws"
        );
        assert_eq!(
            websocket_url(
                &USD_M,
                "wss://fstream.binance.com",
                &[subscription(Channel::OpenInterest)]
            ),
            "wss://fstream.binance.com/market/ws"
        );
        assert_eq!(
            websocket_url(&USD_M, "wss://localhost:9443/market/ws", &books),
            "wss://localhost:9443/market/ws",
            "an endpoint with a path is used as given"
        );
    }

    #[test]
    fn public_and_market_streams_are_connection_groups_of_their_own() {
        let group = |channel| connection_group(&USD_M, &subscription(channel));
        assert_eq!(group(Channel::L2Book), group(Channel::Ticker));
        for channel in [
            Channel::Trades,
            Channel::Funding,
            Channel::Liquidations,
            Channel::Candles,
            Channel::OpenInterest,
        ] {
            assert_ne!(group(channel), group(Channel::L2Book), "{channel}");
            assert_eq!(group(channel), group(Channel::Trades), "{channel}");
        }
    }

    #[test]
    fn a_single_path_product_takes_every_channel_on_ws() {
        use crate::exchanges::binance_delivery::COIN_M;
        let every: Vec<Subscription> = super::super::CHANNELS
            .iter()
            .map(|channel| subscription(*channel))
            .collect();
        assert!(every
            .iter()
            .all(|subscription| connection_group(&COIN_M, subscription) == 0));
        assert_eq!(
            websocket_url(&COIN_M, "wss://dstream.binance.com", &every),
            "wss://dstream.binance.com/ws"
        );
        assert_eq!(
            websocket_url(&COIN_M, "wss://dstream.binance.com/", &every[..1]),
            "wss://dstream.binance.com/ws"
        );
        assert_eq!(
            websocket_url(&COIN_M, "wss://localhost:9443/stream", &every),
            "wss://localhost:9443/stream",
            "an endpoint with a path is used as given"
        );
    }
}
