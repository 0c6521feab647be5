//! The `feedhandler` command line: `check`, `run`, `replay`, `demo`.

/// A line on stderr; a closed stderr is ignored instead of panicking like `eprintln!`.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod check;
pub mod exit;
pub mod logging;
pub mod replay;
pub mod run;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use run::StopRules;

/// Normalized crypto market data; every connection through its own proxy.
#[derive(Debug, Parser)]
#[command(name = "feedhandler", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a config file and print the route (proxy or direct) of every connection.
    Check {
        /// The YAML config file; FEED_* environment variables apply on top.
        config: PathBuf,
    },
    /// Run every feed of a config: events (trades, books, gaps) as JSON lines on stdout (or
    /// `output.file`), logs on stderr (RUST_LOG sets the level).
    Run {
        /// The YAML config file; FEED_* environment variables apply on top.
        config: PathBuf,
        /// Stop cleanly after exactly this many trades in total.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        max_trades: Option<u64>,
        /// Stop after this many seconds.
        #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
        duration: Option<f64>,
        /// Run only this process's share K of N of every feed's symbols (a stable split:
        /// N processes given 1/N .. N/N carry everything exactly once).
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
    },
    /// Run a recording (WebSocket frames one per line, plus `REST <url> <body>` lines for
    /// snapshots and `BINARY <base64>` lines) through an exchange's live session and print
    /// the events (trades, books, gaps) as JSON lines.
    Replay {
        /// The exchange id (binance, backpack, coinbase, kraken, bybit, okx, ...).
        #[arg(long)]
        exchange: String,
        /// The body of the exchange's REST market-list response.
        #[arg(long, value_name = "FILE")]
        markets: PathBuf,
        /// The recording, one item per line (stdin when absent).
        #[arg(long, value_name = "FILE")]
        input: Option<PathBuf>,
        /// Only these channels, comma-separated (TRADES,L2_BOOK); every channel the adapter
        /// has when absent.
        #[arg(long, value_name = "LIST", value_delimiter = ',')]
        channels: Vec<String>,
        /// Book levels per side delivered.
        #[arg(long, value_name = "N")]
        book_depth: Option<usize>,
        /// The depth the recording's fixed-depth book streams (Kraken, Bybit) were
        /// subscribed with, when not the one the adapter picks for --book-depth.
        #[arg(long, value_name = "N")]
        stream_depth: Option<usize>,
    },
    /// Start an embedded simulated exchange (Binance's wire format over wss://) and stream its
    /// trades through the normal code path; needs no internet.
    Demo {
        /// Stop cleanly after exactly this many trades.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        max_trades: Option<u64>,
        /// Stop after this many seconds.
        #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
        duration: Option<f64>,
        /// Trades per second the simulator sends.
        #[arg(long, default_value_t = 20.0, allow_negative_numbers = true)]
        rate: f64,
        /// Route the demo's connections through this proxy (e.g. socks5h://127.0.0.1:1080).
        #[arg(long, value_name = "URL")]
        proxy: Option<String>,
        /// Serve /metrics (Prometheus) and /health on this address (e.g. 127.0.0.1:9898).
        #[arg(long, value_name = "ADDRESS")]
        metrics: Option<std::net::SocketAddr>,
    },
}

fn stop_rules(max_trades: Option<u64>, duration: Option<f64>) -> Result<StopRules, String> {
    let duration = duration
        .map(|seconds| {
            Duration::try_from_secs_f64(seconds).map_err(|_| {
                format!("--duration must be a non-negative number of seconds (found {seconds})")
            })
        })
        .transpose()?;
    Ok(StopRules {
        max_trades,
        duration,
        shard: feed_ccxt::Shard::whole(),
    })
}

/// The demo's `--rate`: a positive, finite number of trades per second (NaN would reach
/// `Duration::from_secs_f64` and panic; 0 and negative numbers mean nothing).
fn check_rate(rate: f64) -> Result<(), String> {
    if rate.is_finite() && rate > 0.0 {
        Ok(())
    } else {
        Err(format!(
            "--rate must be a positive number of trades per second (found {rate})"
        ))
    }
}

/// Parses the arguments, runs the command, and returns the process exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { config } => check::run(&config),
        Command::Run {
            config,
            max_trades,
            duration,
            shard,
        } => {
            let shard = match shard.as_deref().map(feed_ccxt::Shard::parse).transpose() {
                Ok(shard) => shard.unwrap_or_else(feed_ccxt::Shard::whole),
                Err(message) => return usage_error(&format!("--shard: {message}")),
            };
            match stop_rules(max_trades, duration) {
                Ok(rules) => run::run(&config, StopRules { shard, ..rules }),
                Err(message) => usage_error(&message),
            }
        }
        Command::Replay {
            exchange,
            markets,
            input,
            channels,
            book_depth,
            stream_depth,
        } => {
            let channels: Result<Vec<feed_core::Channel>, _> =
                channels.iter().map(|channel| channel.parse()).collect();
            match (channels, book_depth) {
                (Err(error), _) => usage_error(&format!("--channels: {error}")),
                (_, Some(depth)) if !(1..=crate::config::MAX_BOOK_DEPTH).contains(&depth) => {
                    usage_error(&format!(
                        "--book-depth must be from 1 to {}",
                        crate::config::MAX_BOOK_DEPTH
                    ))
                }
                (Ok(channels), book_depth) => replay::run(&replay::ReplayOptions {
                    exchange: &exchange,
                    markets: &markets,
                    input: input.as_deref(),
                    channels,
                    book_depth,
                    stream_depth,
                }),
            }
        }
        Command::Demo {
            max_trades,
            duration,
            rate,
            proxy,
            metrics,
        } => match stop_rules(max_trades, duration)
            .and_then(|rules| check_rate(rate).map(|()| rules))
        {
            Ok(rules) => {
                logging::init("info");
                run::block_on(crate::demo::run(crate::demo::DemoOptions {
                    rules,
                    rate,
                    proxy,
                    metrics,
                }))
            }
            Err(message) => usage_error(&message),
        },
    }
}

fn usage_error(message: &str) -> i32 {
    say!("error: {message}");
    exit::USAGE
}
