//! Adding an exchange outside the crate, end to end.
//!
//! "Acme" is a made-up exchange with its own wire format. The example implements
//! `ExchangeAdapter` for it, registers it, and runs `CcxtFeed::new("acme", ...)` against a
//! loopback stand-in speaking that format (from feed-testkit), through the normal code path:
//! REST market list, subscription, frames, normalization, callbacks.
//!
//!   cargo run --example custom_adapter
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange};
use feedhandler::feed_ccxt::{
    register_adapter, Ack, AckBy, AdapterError, CcxtFeed, DefaultEndpoints, ExchangeAdapter,
    FrameContext, Market, ParsedFrame, SubscribeRequest, Subscription,
};
use feedhandler::feed_core::connect::{client_config, load_ca_file};
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler, FrameError};
use feedhandler::feed_core::types::millis_to_seconds;
use feedhandler::feed_core::{Event, Side, TradeId};
use feedhandler::{Channel, Symbol, Trade};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Acme's market list, `GET /v1/pairs`:
/// `{"pairs":[{"name":"btc_eur","base":"btc","quote":"eur","live":true}]}`
#[derive(Deserialize)]
struct Pairs {
    pairs: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    name: String,
    base: String,
    quote: String,
    live: bool,
}

/// Acme's frames: the acknowledgement `{"type":"watching","pairs":["btc_eur"]}` and trades
/// `{"type":"fill","pair":"btc_eur","px":"61000.5","sz":"0.01","taker":"buy","id":77,"t":1700000000123}`
#[derive(Deserialize)]
struct Fill<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(default, borrow)]
    pairs: Vec<&'a str>,
    pair: Option<&'a str>,
    px: Option<&'a str>,
    sz: Option<&'a str>,
    taker: Option<&'a str>,
    id: Option<u64>,
    t: Option<i64>,
}

struct Acme;

impl ExchangeAdapter for Acme {
    fn id(&self) -> &'static str {
        "acme"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: "https://api.acme.example",
            websocket: "wss://stream.acme.example/v1",
        }
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/v1/pairs")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        let pairs: Pairs =
            serde_json::from_str(body).map_err(|error| AdapterError::MarketList {
                exchange: "acme".into(),
                detail: error.to_string(),
            })?;
        Ok(pairs
            .pairs
            .into_iter()
            .filter(|p| p.live)
            .map(|p| Market::new(&p.base, &p.quote, p.name))
            .collect())
    }

    /// One `watch` for every pair; Acme answers with `watching` naming each pair, so the
    /// session waits for those acknowledgements (a pair left out is a rejected subscription).
    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        let pairs: Vec<&str> = subscriptions
            .iter()
            .map(|s| s.exchange_symbol.as_str())
            .collect();
        let message = serde_json::json!({"op": "watch", "pairs": pairs}).to_string();
        let all: Vec<&Subscription> = subscriptions.iter().collect();
        vec![SubscribeRequest::new(message, &all, AckBy::Topic)]
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        let fill: Fill<'_> =
            serde_json::from_str(frame).map_err(|e| FrameError::Malformed(e.to_string()))?;
        if fill.kind == "watching" {
            for pair in fill.pairs {
                out.acks.push(Ack::Topic {
                    channel: Channel::Trades,
                    exchange_symbol: pair.to_owned(),
                    outcome: Ok(()),
                });
            }
            return Ok(());
        }
        if fill.kind != "fill" {
            return Ok(()); // "heartbeat", ...
        }
        let missing = || FrameError::Malformed("fill without a field".into());
        let Some(symbol) = context.markets.symbol(fill.pair.ok_or_else(missing)?) else {
            return Ok(());
        };
        let decimal = |text: Option<&str>| -> Result<Decimal, FrameError> {
            Decimal::from_str(text.ok_or_else(missing)?)
                .map_err(|e| FrameError::Malformed(e.to_string()))
        };
        out.events.push(Event::Trade(Trade {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            side: if fill.taker == Some("sell") {
                Side::Sell
            } else {
                Side::Buy
            },
            amount: decimal(fill.sz)?,
            price: decimal(fill.px)?,
            id: fill.id.map(TradeId::Number),
            timestamp: millis_to_seconds(fill.t.ok_or_else(missing)?),
            receipt_timestamp: context.receipt,
        }));
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // 1. Register the adapter: CcxtFeed::new and configs can now name "acme".
    register_adapter(Arc::new(Acme));

    // 2. A loopback Acme (in real life: the exchange itself).
    let acme = ScriptedExchange::start(ExchangeScript {
        markets_path: "/v1/pairs".into(),
        markets: CannedResponse::ok(r#"{"pairs":[{"name":"btc_eur","base":"btc","quote":"eur","live":true}]}"#),
        on_connect: vec![],
        on_message: Arc::new(|_subscription: &str| {
            vec![
                r#"{"type":"watching","pairs":["btc_eur"]}"#.into(),
                r#"{"type":"fill","pair":"btc_eur","px":"61000.5","sz":"0.01","taker":"buy","id":77,"t":1700000000123}"#.into(),
                r#"{"type":"fill","pair":"btc_eur","px":"61000.0","sz":"0.25","taker":"sell","id":78,"t":1700000000456}"#.into(),
            ]
        }),
    })
    .await?;

    // 3. A feed, exactly as for a built-in exchange.
    let feed = CcxtFeed::new(
        "acme",
        vec![Symbol::parse("BTC-EUR")?],
        vec![Channel::Trades],
    )?
    .with_rest_endpoint(acme.rest_base())
    .with_websocket_endpoint(acme.websocket_url("/v1"));
    let tls = client_config(&load_ca_file(&acme.cert.ca_file())?)?;
    let mut handler =
        FeedHandler::new().with_connector_setup(move |c| c.with_tls_config(Arc::clone(&tls)));
    handler.add_feed(
        feed,
        Callbacks::new().on_trade(|trade: &Trade| println!("{}", trade.to_json_line())),
    );
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.shutdown();
    });
    for report in handler.run().await? {
        eprintln!("{}: {} trades", report.name, report.stats.trades);
    }
    Ok(())
}
