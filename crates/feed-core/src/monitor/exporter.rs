//! `/metrics`: the feeds' counters in the Prometheus text format, encoded at scrape time by
//! `prometheus-client` (the Prometheus project's Rust client) from [`FeedStats`].
//!
//! Every series has the labels `feed` and `exchange`; the current connection's series add
//! `connection` (its number) and `route` (redacted: `socks5h://proxy:1080`, never a
//! password). Counter names end in `_total`.
//!
//! [`FeedStats`]: crate::runtime::FeedStats

use std::fmt;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use super::{FeedMonitor, MonitoredFeed};
use crate::runtime::{ConnectionSnapshot, StatsSnapshot};
use crate::types::{Channel, EventKind};

/// The Prometheus text (format 0.0.4) of every feed of `monitor`.
#[must_use]
pub fn render_metrics(monitor: &FeedMonitor) -> String {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(FeedCollector(monitor.clone())));
    let mut text = String::new();
    // Writing into a String cannot fail; a collector error would leave a partial body.
    if prometheus_client::encoding::prometheus_text::encode(&mut text, &registry).is_err() {
        text.clear();
    }
    text
}

/// The `Content-Type` of [`render_metrics`]' output.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Debug)]
struct FeedCollector(FeedMonitor);

/// A feed and its counters, read once per scrape.
struct Read<'a> {
    feed: &'a MonitoredFeed,
    stats: StatsSnapshot,
}

impl Read<'_> {
    fn labels(&self) -> [(&str, &str); 2] {
        [("feed", &self.feed.name), ("exchange", &self.feed.exchange)]
    }

    fn with<'a>(&'a self, key: &'a str, value: &'a str) -> [(&'a str, &'a str); 3] {
        let [feed, exchange] = self.labels();
        [feed, exchange, (key, value)]
    }
}

fn counter(metric: &mut MetricEncoder<'_>, value: u64) -> fmt::Result {
    metric.encode_counter::<NoLabelSet, u64, u64>(&value, None)
}

/// One metric family: its descriptor, then a sample (or several) per feed.
fn family<'r>(
    encoder: &mut DescriptorEncoder<'_>,
    reads: &'r [Read<'r>],
    name: &str,
    help: &str,
    metric_type: MetricType,
    mut samples: impl FnMut(&'r Read<'r>, &mut MetricEncoder<'_>) -> fmt::Result,
) -> fmt::Result {
    let mut metric = encoder.encode_descriptor(name, help, None, metric_type)?;
    for read in reads {
        samples(read, &mut metric)?;
    }
    Ok(())
}

/// A counter family with one sample per feed.
fn feed_counter<'r>(
    encoder: &mut DescriptorEncoder<'_>,
    reads: &'r [Read<'r>],
    name: &str,
    help: &str,
    value: impl Fn(&StatsSnapshot) -> u64,
) -> fmt::Result {
    family(
        encoder,
        reads,
        name,
        help,
        MetricType::Counter,
        |read, metric| {
            counter(
                &mut metric.encode_family(&read.labels())?,
                value(&read.stats),
            )
        },
    )
}

/// The sinks' families: events by outcome, queue depth and capacity.
fn sink_families(
    encoder: &mut DescriptorEncoder<'_>,
    sinks: &[crate::sink::SinkFigures],
) -> fmt::Result {
    if sinks.is_empty() {
        return Ok(());
    }
    let mut events = encoder.encode_descriptor(
        "feedhandler_sink_events",
        "Events of each sink by outcome: accepted into its queue, delivered, dropped (overflow drop), failed.",
        None,
        MetricType::Counter,
    )?;
    for sink in sinks {
        for (outcome, value) in [
            ("accepted", sink.accepted),
            ("delivered", sink.delivered),
            ("dropped", sink.dropped),
            ("failed", sink.failed),
        ] {
            let labels = [("sink", sink.sink.as_str()), ("outcome", outcome)];
            counter(&mut events.encode_family(&labels)?, value)?;
        }
    }
    for (name, help, value) in [
        (
            "feedhandler_sink_queued",
            "Events waiting in each sink's queue now.",
            (|sink: &crate::sink::SinkFigures| sink.queued)
                as fn(&crate::sink::SinkFigures) -> usize,
        ),
        (
            "feedhandler_sink_queue_capacity",
            "Each sink's queue capacity (queue_events).",
            |sink: &crate::sink::SinkFigures| sink.capacity,
        ),
    ] {
        let mut family = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
        for sink in sinks {
            let labels = [("sink", sink.sink.as_str())];
            let gauge = i64::try_from(value(sink)).unwrap_or(i64::MAX);
            family.encode_family(&labels)?.encode_gauge(&gauge)?;
        }
    }
    Ok(())
}

/// The proxy pools' members (process-wide): up or out, and their open connections plus
/// in-flight requests, by exchange, connection kind and member (redacted).
fn pool_families(
    encoder: &mut DescriptorEncoder<'_>,
    members: &[crate::connect::MemberStatus],
) -> fmt::Result {
    if members.is_empty() {
        return Ok(());
    }
    for (name, help, value) in [
        (
            "feedhandler_proxy_member_up",
            "1 while a proxy pool member takes connections, 0 while it is out after proxy-stage failures.",
            (|member: &crate::connect::MemberStatus| i64::from(member.up))
                as fn(&crate::connect::MemberStatus) -> i64,
        ),
        (
            "feedhandler_proxy_member_connections",
            "Open WebSockets plus in-flight HTTP requests through a proxy pool member now.",
            |member: &crate::connect::MemberStatus| {
                i64::try_from(member.load).unwrap_or(i64::MAX)
            },
        ),
    ] {
        let mut family = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
        for member in members {
            for kind in &member.kinds {
                let labels = [
                    ("exchange", member.exchange.as_str()),
                    ("kind", kind.config_key()),
                    ("member", member.member.as_str()),
                ];
                family.encode_family(&labels)?.encode_gauge(&value(member))?;
            }
        }
    }
    Ok(())
}

impl Collector for FeedCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> fmt::Result {
        let reads: Vec<Read<'_>> = self
            .0
            .feeds()
            .iter()
            .map(|feed| Read {
                feed,
                stats: feed.stats.snapshot(),
            })
            .collect();
        let encoder = &mut encoder;
        let reads = reads.as_slice();
        let health = self.0.health();
        sink_families(encoder, &self.0.sinks())?;
        pool_families(encoder, &crate::connect::member_statuses())?;

        feed_counter(
            encoder,
            reads,
            "feedhandler_frames",
            "Data frames received.",
            |s| s.frames,
        )?;
        family(
            encoder,
            reads,
            "feedhandler_events",
            "Events delivered to callbacks, by channel (trades, l2_book, gap) or lifecycle kind.",
            MetricType::Counter,
            |read, metric| {
                for kind in EventKind::ALL {
                    let labels = read.with("channel", kind.name());
                    counter(
                        &mut metric.encode_family(&labels)?,
                        read.feed.stats.events(kind),
                    )?;
                }
                Ok(())
            },
        )?;
        family(
            encoder,
            reads,
            "feedhandler_gaps",
            "Gaps in a symbol's data, by the channel they affect.",
            MetricType::Counter,
            |read, metric| {
                for channel in Channel::ALL {
                    let gaps = read.feed.stats.gaps(channel);
                    if gaps > 0 || matches!(channel, Channel::Trades | Channel::L2Book) {
                        let labels = read.with("affects", channel.json_name());
                        counter(&mut metric.encode_family(&labels)?, gaps)?;
                    }
                }
                Ok(())
            },
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_book_resyncs",
            "Order book resyncs started (one per l2_book gap).",
            |s| s.book_resyncs,
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_parse_errors",
            "Frames that did not parse (skipped).",
            |s| s.parse_errors,
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_exchange_errors",
            "Error frames the exchange sent.",
            |s| s.exchange_errors,
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_callback_errors",
            "Callbacks that returned an error or panicked.",
            |s| s.callback_errors,
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_reconnects",
            "Connections lost, and reconnect attempts that failed.",
            |s| s.reconnects,
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_connections",
            "Connections opened.",
            |s| s.connections,
        )?;
        family(
            encoder,
            reads,
            "feedhandler_requests",
            "REST requests of sessions (book snapshots), by outcome.",
            MetricType::Counter,
            |read, metric| {
                let failed = read.stats.request_errors;
                let ok = read.stats.requests.saturating_sub(failed);
                counter(&mut metric.encode_family(&read.with("outcome", "ok"))?, ok)?;
                counter(
                    &mut metric.encode_family(&read.with("outcome", "failed"))?,
                    failed,
                )
            },
        )?;
        family(
            encoder,
            reads,
            "feedhandler_subscriptions",
            "Subscriptions of the current connection: active (acknowledged or proven by data) or pending.",
            MetricType::Gauge,
            |read, metric| {
                let Some(counts) = read.feed.stats.subscriptions() else {
                    return Ok(()); // a session that does not track them
                };
                metric
                    .encode_family(&read.with("state", "active"))?
                    .encode_gauge(&counts.active)?;
                metric
                    .encode_family(&read.with("state", "pending"))?
                    .encode_gauge(&counts.pending)
            },
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_subscriptions_rejected",
            "Subscriptions the exchange refused or never acknowledged.",
            |s| s.rejected,
        )?;
        family(
            encoder,
            reads,
            "feedhandler_seconds_since_last_frame",
            "Seconds since the last frame (since the feed started, before the first).",
            MetricType::Gauge,
            |read, metric| {
                let silence = read.feed.stats.silence().as_secs_f64();
                metric.encode_family(&read.labels())?.encode_gauge(&silence)
            },
        )?;
        family(
            encoder,
            reads,
            "feedhandler_feed_live",
            "1 while the feed runs and its last frame is younger than its threshold (as /health).",
            MetricType::Gauge,
            |read, metric| {
                let live = health
                    .feeds
                    .iter()
                    .any(|feed| feed.name == read.feed.name && feed.live);
                metric
                    .encode_family(&read.labels())?
                    .encode_gauge(&u64::from(live))
            },
        )?;
        family(
            encoder,
            reads,
            "feedhandler_lag_seconds",
            "Exchange timestamp to receipt, per event that carries an exchange timestamp.",
            MetricType::Histogram,
            |read, metric| {
                let (sum, count, buckets) = read.feed.stats.lag_prometheus();
                metric
                    .encode_family(&read.labels())?
                    .encode_histogram::<NoLabelSet>(sum, count, &buckets, None)
            },
        )?;
        feed_counter(
            encoder,
            reads,
            "feedhandler_lag_negative",
            "Events stamped after their receipt (the local clock is behind the exchange's).",
            |s| s.lag.negative,
        )?;
        let connections: Vec<_> = reads
            .iter()
            .flat_map(|read| {
                read.feed
                    .stats
                    .connections_now()
                    .into_iter()
                    .map(move |connection| (read, connection))
            })
            .collect();
        connection_family(
            encoder,
            &connections,
            "feedhandler_connection_up",
            "1 while the feed's current connection is open, by connection number and route (redacted).",
            MetricType::Gauge,
            |connection, metric| metric.encode_gauge(&u64::from(connection.up)),
        )?;
        connection_family(
            encoder,
            &connections,
            "feedhandler_connection_frames",
            "Frames carried by the feed's current connection (updated every second).",
            MetricType::Counter,
            |connection, metric| counter(metric, connection.frames),
        )?;
        Ok(())
    }
}

/// A family over the feeds' current connections, labelled with `connection` and `route`.
fn connection_family(
    encoder: &mut DescriptorEncoder<'_>,
    connections: &[(&Read<'_>, ConnectionSnapshot)],
    name: &str,
    help: &str,
    metric_type: MetricType,
    sample: impl Fn(&ConnectionSnapshot, &mut MetricEncoder<'_>) -> fmt::Result,
) -> fmt::Result {
    let mut metric = encoder.encode_descriptor(name, help, None, metric_type)?;
    for (read, connection) in connections {
        let number = connection.number.to_string();
        let [feed, exchange] = read.labels();
        let labels = [
            feed,
            exchange,
            ("connection", number.as_str()),
            ("route", connection.route.as_str()),
        ];
        sample(connection, &mut metric.encode_family(&labels)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::monitor::test_trade as trade;
    use crate::runtime::FeedStats;

    #[test]
    fn the_text_has_every_family_with_cumulative_lag_buckets() {
        let stats = FeedStats::default();
        stats.set_running(true);
        let proxy = feed_proxy::ProxyConfig::new("socks5h://user:pw@127.0.0.1:1080").unwrap();
        stats.add_connection(0, 1, &crate::connect::Egress::Proxy(proxy));
        for lag in [1, 2, 2, 40, 400_000] {
            stats.add_frame(crate::types::now_micros());
            stats.add_event(&trade(lag));
        }
        let monitor = FeedMonitor::new(vec![MonitoredFeed {
            name: "binance-main".into(),
            exchange: "binance".into(),
            stats,
            stale_after: Duration::from_secs(60),
        }]);
        let text = render_metrics(&monitor);
        let labels = r#"feed="binance-main",exchange="binance""#;
        for line in [
            format!("feedhandler_frames_total{{{labels}}} 5"),
            format!(r#"feedhandler_events_total{{{labels},channel="trades"}} 5"#),
            format!(r#"feedhandler_lag_seconds_bucket{{{labels},le="0.001"}} 1"#),
            format!(r#"feedhandler_lag_seconds_bucket{{{labels},le="0.0025"}} 3"#),
            format!(r#"feedhandler_lag_seconds_bucket{{{labels},le="0.05"}} 4"#),
            format!(r#"feedhandler_lag_seconds_bucket{{{labels},le="300"}} 4"#),
            format!(r#"feedhandler_lag_seconds_bucket{{{labels},le="+Inf"}} 5"#),
            format!("feedhandler_lag_seconds_count{{{labels}}} 5"),
            format!("feedhandler_feed_live{{{labels}}} 1"),
            format!(
                r#"feedhandler_connection_up{{{labels},connection="1",route="socks5h://user:***@127.0.0.1:1080"}} 1"#
            ),
        ] {
            assert!(
                text.lines().any(|got| got == line),
                "missing {line} in\n{text}"
            );
        }
        assert!(text.contains("# TYPE feedhandler_lag_seconds histogram"));
        assert!(!text.contains("pw"), "{text}");
    }

    /// A sink's figures: events by outcome, the queue depth and capacity.
    #[tokio::test]
    async fn sinks_have_their_families() {
        use crate::sink::{JsonLinesSink, SinkOptions, Sinks};
        let sink = JsonLinesSink::to_writer("json lines", Box::new(std::io::sink()), false);
        let options = SinkOptions {
            queue_events: 500,
            ..SinkOptions::default()
        };
        let sinks = Arc::new(Sinks::start(vec![(Box::new(sink), options)]).await.unwrap());
        for lag in [1, 2, 3] {
            sinks.deliver(trade(lag)).await;
        }
        let _ = sinks.finish(Duration::from_secs(5)).await;
        let text = render_metrics(&FeedMonitor::new(Vec::new()).with_sinks(Arc::clone(&sinks)));
        assert!(
            text.contains("# TYPE feedhandler_sink_events_total counter"),
            "{text}"
        );
        assert!(
            text.contains(
                r#"feedhandler_sink_events_total{sink="json lines",outcome="accepted"} 3"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"feedhandler_sink_events_total{sink="json lines",outcome="delivered"} 3"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"feedhandler_sink_queued{sink="json lines"} 0"#),
            "{text}"
        );
        assert!(
            text.contains(r#"feedhandler_sink_queue_capacity{sink="json lines"} 500"#),
            "{text}"
        );
        // Without sinks, no sink family.
        assert!(!render_metrics(&FeedMonitor::new(Vec::new())).contains("feedhandler_sink"));
    }

    /// Pool members' families: up and connections, labelled exchange, kind and member
    /// (redacted).
    #[test]
    fn pool_members_have_their_families() {
        let pool = feed_proxy::ProxyPool::new(vec![
            feed_proxy::ProxyConfig::new("socks5h://u:member-secret@127.0.0.1:1").unwrap(),
            feed_proxy::ProxyConfig::new("http://127.0.0.1:2").unwrap(),
        ])
        .unwrap();
        let kind = feed_proxy::ConnectionKind::Websocket;
        let _lease = crate::connect::pool::choose("metricsex", kind, &pool, &[]).unwrap();
        let text = render_metrics(&FeedMonitor::new(Vec::new()));
        for line in [
            r#"feedhandler_proxy_member_up{exchange="metricsex",kind="websocket",member="socks5h://u:***@127.0.0.1:1"} 1"#,
            r#"feedhandler_proxy_member_connections{exchange="metricsex",kind="websocket",member="socks5h://u:***@127.0.0.1:1"} 1"#,
            r#"feedhandler_proxy_member_connections{exchange="metricsex",kind="websocket",member="http://127.0.0.1:2"} 0"#,
        ] {
            assert!(
                text.lines().any(|got| got == line),
                "missing {line} in\n{text}"
            );
        }
        assert!(!text.contains("member-secret"), "{text}");
    }
}
