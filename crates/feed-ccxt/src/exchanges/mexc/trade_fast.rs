//! The hot path of MEXC deals pushes: the protobuf wrapper read in place, its strings
//! borrowed from the frame, instead of prost's owned messages (a `String` per channel,
//! symbol, event type and per deal's price, quantity and id, a `Vec` of deals, a `Vec` of
//! events: none of them allocated here).
//!
//! Any surprise declines (`None`), and [`super::frame`]'s prost path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on generated frames and on mutations of them.

use feed_core::types::millis_to_seconds;
use feed_core::Side;

use super::subscription::parse_topic;
use crate::adapter::FrameContext;
use crate::parse::fast::{trade_event, whole_or_declined};
use crate::parse::trade_id_from_text;
use crate::parsed::ParsedFrame;

/// `PushDataV3ApiWrapper`'s `publicAggreDeals` body.
const DEALS_BODY: u32 = 314;

/// The deals of a wrapper whose body is `publicAggreDeals`, as documented (shown as JSON;
/// protobuf on the wire, field numbers in [`super::proto`]):
///
/// ```json
/// {"channel":"spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT",
///  "publicdeals":{"dealsList":[{"price":"93220.00","quantity":"0.04438243",
///   "tradetype":2,"time":1736409765051}],"eventtype":"spot@public.aggre.deals.v3.api.pb@100ms"},
///  "symbol":"BTCUSDT","sendtime":1736409765052}
/// ```
///
/// Read: the wrapper's `channel` (1), `symbol` (3), `symbolId` (4), `createTime` (5),
/// `sendTime` (6) and the deals body (314), each at most once, in any order; the body's
/// `deals` (1, repeated) and `eventType` (2); each deal's `price` (1), `quantity` (2),
/// `tradeType` (3), `time` (4) and `tradeId` (5), each at most once. The market is
/// `symbol`, or the topic's when `symbol` is empty or absent, as the prost path reads it.
///
/// `None` (and no event pushed) for anything else: another body (depth, book ticker), a
/// field not listed, a field given twice (prost would merge it), a wire type the field
/// does not have, strings that are not UTF-8, a market not subscribed (the prost path then
/// still checks the whole frame decodes), a `tradeType` other than 1 or 2, a price or
/// quantity that is no exact decimal.
pub(super) fn push_deals(
    frame: &[u8],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| {
        let wrapper = Wrapper::read(frame)?;
        let name = match wrapper.symbol {
            Some(symbol) if !symbol.is_empty() => symbol,
            _ => parse_topic(wrapper.channel.unwrap_or_default()).map_or("", |(_, name)| name),
        };
        let symbol = context.markets.symbol(name)?;
        let mut body = Wire(wrapper.deals?);
        let mut event_type = false;
        while let Some((tag, value)) = body.field()? {
            match (tag, value) {
                (1, Value::Bytes(deal)) => {
                    let deal = Deal::read(deal)?;
                    let side = match deal.trade_type {
                        Some(1) => Side::Buy,
                        Some(2) => Side::Sell,
                        _ => return None,
                    };
                    let id = deal.id.filter(|id| !id.is_empty()).map(trade_id_from_text);
                    let time = millis_to_seconds(deal.time.unwrap_or(0));
                    let (amount, price) = (deal.quantity?, deal.price?);
                    out.events
                        .push(trade_event(context, symbol, side, amount, price, id, time)?);
                }
                (2, Value::Bytes(text)) if !event_type => {
                    event_type = true;
                    std::str::from_utf8(text).ok()?;
                }
                _ => return None,
            }
        }
        Some(())
    })
}

/// The wrapper's fields read, as sent.
#[derive(Default)]
struct Wrapper<'a> {
    channel: Option<&'a str>,
    symbol: Option<&'a str>,
    deals: Option<&'a [u8]>,
}

impl<'a> Wrapper<'a> {
    fn read(frame: &'a [u8]) -> Option<Self> {
        let mut wrapper = Wrapper::default();
        let (mut symbol_id, mut create_time, mut send_time) = (false, false, false);
        let mut wire = Wire(frame);
        while let Some((tag, value)) = wire.field()? {
            match (tag, value) {
                (1, Value::Bytes(text)) => once_text(&mut wrapper.channel, text)?,
                (3, Value::Bytes(text)) => once_text(&mut wrapper.symbol, text)?,
                (4, Value::Bytes(text)) => {
                    once(&mut symbol_id)?;
                    std::str::from_utf8(text).ok()?;
                }
                (5, Value::Varint(_)) => once(&mut create_time)?,
                (6, Value::Varint(_)) => once(&mut send_time)?,
                (DEALS_BODY, Value::Bytes(body)) if wrapper.deals.is_none() => {
                    wrapper.deals = Some(body);
                }
                _ => return None,
            }
        }
        Some(wrapper)
    }
}

/// One deal's fields, as sent (absent: proto3's default).
#[derive(Default)]
struct Deal<'a> {
    price: Option<&'a str>,
    quantity: Option<&'a str>,
    trade_type: Option<i32>,
    time: Option<i64>,
    id: Option<&'a str>,
}

impl<'a> Deal<'a> {
    fn read(bytes: &'a [u8]) -> Option<Self> {
        let mut deal = Deal::default();
        let mut wire = Wire(bytes);
        while let Some((tag, value)) = wire.field()? {
            match (tag, value) {
                (1, Value::Bytes(text)) => once_text(&mut deal.price, text)?,
                (2, Value::Bytes(text)) => once_text(&mut deal.quantity, text)?,
                (5, Value::Bytes(text)) => once_text(&mut deal.id, text)?,
                (3, Value::Varint(number)) if deal.trade_type.is_none() => {
                    deal.trade_type = Some(i32::try_from(number).ok()?);
                }
                (4, Value::Varint(number)) if deal.time.is_none() => {
                    deal.time = Some(i64::try_from(number).ok()?);
                }
                _ => return None,
            }
        }
        // A deal without a price or quantity is an empty string to prost, no decimal.
        Some(deal)
    }
}

/// Marks a field seen; `None` the second time.
fn once(seen: &mut bool) -> Option<()> {
    if *seen {
        return None;
    }
    *seen = true;
    Some(())
}

/// Fills an empty slot with a UTF-8 string; `None` the second time or for other bytes.
fn once_text<'a>(slot: &mut Option<&'a str>, bytes: &'a [u8]) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(std::str::from_utf8(bytes).ok()?);
    Some(())
}

/// A field's value: the two wire types these messages use.
enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 2: strings and messages.
    Bytes(&'a [u8]),
}

/// The fields of a protobuf message, read in place.
struct Wire<'a>(&'a [u8]);

impl<'a> Wire<'a> {
    /// The next field's number and value: `Some(None)` at the end of the message, `None`
    /// for bytes that are no field of wire type 0 or 2.
    fn field(&mut self) -> Option<Option<(u32, Value<'a>)>> {
        if self.0.is_empty() {
            return Some(None);
        }
        let key = self.varint()?;
        let tag = u32::try_from(key >> 3).ok().filter(|tag| *tag > 0)?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            2 => {
                let length = usize::try_from(self.varint()?).ok()?;
                let bytes = self.0.get(..length)?;
                self.0 = &self.0[length..];
                Value::Bytes(bytes)
            }
            _ => return None,
        };
        Some(Some((tag, value)))
    }

    /// A base-128 varint of at most ten bytes, as prost decodes one.
    fn varint(&mut self) -> Option<u64> {
        let mut value = 0_u64;
        for (index, &byte) in self.0.iter().enumerate().take(10) {
            if index == 9 && byte > 1 {
                return None; // more than 64 bits
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte < 0x80 {
                self.0 = &self.0[index + 1..];
                return Some(value);
            }
        }
        None
    }
}
