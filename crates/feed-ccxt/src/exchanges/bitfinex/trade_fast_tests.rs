//! The Bitfinex `te` hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated messages in the documented layout,
//! with a connection state that knows trade, book and ticker channels.

use super::frame::parse_frame;
use super::state::{feed_of, ChannelInfo, State};
use super::trade_fast::push_trade;
use crate::adapter::FrameContext;
use crate::fast_path_check::{check_trade_hot_path, markets, number_or_string, Lcg};
use feed_core::Channel;

/// The trade channels of the subscribed symbols; 17472 carries `tXRPUSD`, which the feed
/// does not list (skipped by both paths); 999 is not known at all.
const TRADE_CHANNELS: &[&str] = &["17470", "17471", "17472", "999"];
const IDS: &[&str] = &["401597395", "0", r#""401597396""#, r#""x-1""#];

/// The markets of the feed: (base, quote, exchange symbol).
const MARKETS: &[(&str, &str, &str)] = &[("BTC", "USD", "tBTCUSD"), ("ETH", "USD", "tETHUSD")];

/// The channels this connection was told about by `subscribed` events.
fn subscribe(state: &State, context: &FrameContext<'_>) {
    let feed = feed_of(context);
    for (chan_id, channel, symbol) in [
        (17_470, Channel::Trades, "tBTCUSD"),
        (17_471, Channel::Trades, "tETHUSD"),
        (17_472, Channel::Trades, "tXRPUSD"),
        (10_092, Channel::L2Book, "tBTCUSD"),
        (2, Channel::Ticker, "tBTCUSD"),
    ] {
        state.subscribed(
            feed,
            chan_id,
            ChannelInfo::new(channel, symbol.into(), "{}".into()),
        );
    }
}

/// A value as sent: a number, now and then a string.
fn value(rng: &mut Lcg, text: &str) -> String {
    if rng.below(6) == 0 {
        format!(r#""{text}""#)
    } else {
        number_or_string(text)
    }
}

/// One `te` message, with or without the appended time; the amount's sign is the side.
fn message(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let chan_id = rng.pick(TRADE_CHANNELS);
    let (sign, amount, price) = (rng.pick(&["", "-"]), rng.pick(decimals), rng.pick(decimals));
    let amount = value(rng, &format!("{sign}{amount}"));
    let price = value(rng, price);
    let time = value(rng, &(1_574_694_478_808 + i).to_string());
    let id = rng.pick(IDS);
    let appended = if rng.below(2) == 0 {
        format!(",{}", 1_574_694_478_809 + i)
    } else {
        String::new()
    };
    format!(r#"[{chan_id},"te",[{id},{time},{amount},{price}]{appended}]"#)
}

/// Hand-made shapes near the layout, the documented frame first.
fn variants() -> Vec<String> {
    let base = r#"[17470,"te",[401597395,1574694478808,0.005,7245.3],1574694478809]"#;
    vec![
        base.to_owned(),
        base.replace("0.005", "-0.005"),
        base.replace("0.005", "-0"),
        base.replace("0.005", "true"),
        base.replace("0.005", r#""0.005""#),
        base.replace("0.005", "5e-3"),
        base.replace("7245.3", "null"),
        base.replace("7245.3]", "7245.3,1]"),
        base.replace("1574694478808", "1574694478808.5"),
        base.replace("1574694478808", r#""x""#),
        base.replace("401597395", "-1"),
        base.replace("401597395", "1.5"),
        base.replace("401597395", r#""00401597395""#),
        base.replace(",1574694478809]", r#","x"]"#),
        base.replace(",1574694478809]", ",1574694478809,1]"),
        base.replace(r#""te""#, r#""tu""#),
        base.replace(r#""te""#, r#""hb""#),
        base.replace("17470", "10092"),
        base.replace("17470", "2"),
        base.replace("17470", "17472"),
        base.replace("17470", "999"),
        base.replace("17470", "-17470"),
        base.replace("17470", "17470.0"),
        base.replace("17470", r#""17470""#),
        base.replace("[17470,", "[ 17470,"),
        base.replace(",0.005", ", 0.005"),
        base.replace("7245.3", r#""72\u00345.3""#),
        r#"[17470,"te"]"#.to_owned(),
        r#"[17470,"te",[]]"#.to_owned(),
        r#"[17470,"te",[1,2,3]]"#.to_owned(),
    ]
}

#[test]
fn the_hot_path_reads_what_serde_reads_or_declines() {
    // One connection state for both paths; its channels are keyed by the feed (the address
    // of the market map the check makes), so they are told inside the fast closure.
    let state = State::default();
    check_trade_hot_path(
        |frame, context, out| {
            subscribe(&state, context);
            push_trade(&state, frame, context, out)
        },
        |frame, context, out| parse_frame(&state, frame, context, out),
        &markets(MARKETS),
        "bitfinex",
        message,
        &variants(),
    );
}
