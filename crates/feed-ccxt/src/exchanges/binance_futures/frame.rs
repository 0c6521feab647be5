//! USDⓈ-M frames: spot's recognition of every shape (`super::super::binance::frame`: the
//! combined-stream wrapper, arrays, answers, errors, `serverShutdown`), with USD-M's events:
//!
//! - `aggTrade` and `depthUpdate`: spot's parsers (`depthUpdate` with `T` and `pu`);
//! - `bookTicker` ([`super::ticker`]), `markPriceUpdate` ([`super::funding`]), `forceOrder`
//!   ([`super::liquidation`]), `kline` ([`super::candle`]);
//! - every other documented event (`24hrTicker`, `24hrMiniTicker`, `continuous_kline`,
//!   `compositeIndex`, `contractInfo`, `assetIndexUpdate`, ...): recognised, not delivered.

use feed_core::runtime::FrameError;

use super::{candle, funding, liquidation, ticker};
use crate::adapter::FrameContext;
use crate::exchanges::binance::{book, frame, trade};
use crate::parsed::ParsedFrame;

pub(super) fn parse_frame(
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    // As on spot: a `depthUpdate` in the documented layout (with `T`, `pu` and COIN-M's
    // `ps`) goes to the depth cursor before the envelope's serde pass, which would read the
    // whole frame only to find `e`; anything the cursor declines takes the envelope.
    if let Some(outcome) = book::fast_depth_update(text, context, &mut out.books) {
        return outcome;
    }
    frame::parse_frame_with(text, context, out, event)
}

/// The events this adapter delivers.
fn event(
    kind: &str,
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<Result<(), FrameError>> {
    Some(match kind {
        "aggTrade" => trade::push_agg_trade_frame(text, context, out),
        "depthUpdate" => book::push_depth_update(text, context, &mut out.books),
        "bookTicker" => ticker::push_book_ticker(text, context, out),
        "markPriceUpdate" => funding::push_mark_price(text, context, out),
        "forceOrder" => liquidation::push_force_order(text, context, out),
        "kline" => candle::push_kline(text, context, out),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use feed_core::{Event, Symbol};

    use super::*;
    use crate::markets::Market;
    use crate::testing::{kinds, parse_frame_with};

    fn parse(text: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::for_symbol(Symbol::perpetual("BTC", "USDT"), "BTCUSDT"),
            Market::for_symbol(Symbol::perpetual("BNB", "USDT"), "BNBUSDT"),
        ];
        parse_frame_with(
            parse_frame,
            &markets,
            "BINANCE_FUTURES",
            "1700000000.5",
            text,
        )
    }

    /// A documented USD-M `depthUpdate` read by the cursor before the envelope gives what
    /// the envelope's route gives (the same frame with spaces, which only serde reads).
    #[test]
    fn a_documented_depth_update_skips_the_envelope_with_the_same_result() {
        let raw = r#"{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["0.0024","10"],["0.0023","0"]],"a":[["0.0026","100"]]}"#;
        let spaced = raw.replace(',', ", ");
        let (fast, slow) = (parse(raw).unwrap(), parse(&spaced).unwrap());
        assert_eq!(fast.books.messages.len(), 1);
        assert_eq!(fast.books.messages[0].prev_id, Some(149));
        assert_eq!(fast.books.messages, slow.books.messages);
        assert_eq!(fast.books.levels, slow.books.levels);
        assert!(fast.events.is_empty() && fast.acks.is_empty());
        let bad = raw.replace("\"10\"", "\"1x\"");
        assert!(matches!(parse(&bad), Err(FrameError::Malformed(_))));
        let other_market = raw.replace("BTCUSDT", "ETHUSDT");
        assert!(parse(&other_market).unwrap().books.is_empty());
    }

    /// A recording of every documented stream: each shape is recognised (none is
    /// malformed), and only the delivered kinds produce anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let cases: [(&str, &[&str]); 12] = [
            (
                r#"{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true}"#,
                &["trades"],
            ),
            (
                r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[],"a":[]}}"#,
                &["l2_book"],
            ),
            (
                r#"{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#,
                &["ticker"],
            ),
            (
                r#"[{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11185.87786614","i":"11784.62659091","P":"11784.25641265","r":"0.00030000","T":1562306400000},{"e":"markPriceUpdate","E":1562305380000,"s":"ETHUSDT","p":"1","i":"1","P":"1","r":"0.0001","T":1562306400000}]"#,
                &["funding"],
            ),
            (
                r#"{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}"#,
                &["liquidations"],
            ),
            (
                r#"{"e":"kline","E":1638747660000,"s":"BTCUSDT","k":{"t":1638747660000,"T":1638747719999,"s":"BTCUSDT","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}}"#,
                &["candles"],
            ),
            (
                r#"{"e":"24hrTicker","E":123456789,"s":"BTCUSDT","p":"0.0015","P":"250.00","w":"0.0018","c":"0.0025","Q":"10","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18","O":0,"C":86400000,"F":0,"L":18150,"n":18151}"#,
                &[],
            ),
            (
                r#"{"e":"continuous_kline","E":1607443058651,"ps":"BTCUSDT","ct":"PERPETUAL","k":{"t":1607443020000,"T":1607443079999,"i":"1m","f":116467658886,"L":116468012423,"o":"18787.00","c":"18804.04","h":"18804.04","l":"18786.54","v":"197.664","n":543,"x":false,"q":"3715253.19494","V":"184.769","Q":"3472925.84746","B":"0"}}"#,
                &[],
            ),
            (r#"{"result":null,"id":1}"#, &[]),
            (r#"{"result":["btcusdt@aggTrade"],"id":3}"#, &[]),
            (
                r#"{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}"#,
                &[],
            ),
            (
                r#"{"e":"forceOrder","E":1568014460893,"o":{"s":"ETHUSDT","S":"BUY","o":"LIMIT","f":"IOC","q":"1","p":"1","ap":"1","X":"FILLED","l":"1","z":"1","T":1568014460893}}"#,
                &[],
            ),
        ];
        for (text, expected) in cases {
            let parsed = parse(text).unwrap_or_else(|error| panic!("{error}: {text}"));
            assert_eq!(kinds(&parsed), expected.to_vec(), "{text}");
        }
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
    }

    /// Answers and errors are spot's (tested there); USD-M documents these error texts.
    #[test]
    fn documented_errors_are_exchange_errors() {
        assert_eq!(
            parse(
                r#"{"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}"#
            )
            .unwrap_err(),
            FrameError::Exchange(
                "code 2: Invalid request: request ID must be an unsigned integer".into()
            )
        );
        assert_eq!(
            parse(r#"{"code": 0, "msg": "Unknown property"}"#).unwrap_err(),
            FrameError::Exchange("code 0: Unknown property".into())
        );
        let events = parse(r#"{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"p":"1","q":"1","f":1,"l":1,"T":1,"m":false}"#)
            .unwrap()
            .events;
        assert!(
            matches!(&events[..], [Event::Trade(trade)] if &*trade.exchange == "BINANCE_FUTURES")
        );
    }
}
