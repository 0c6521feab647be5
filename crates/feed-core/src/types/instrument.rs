//! What a normalized symbol names: a spot pair, a perpetual swap, a dated future or an
//! option, with its expiry and strike.
//!
//! | kind | normalized | also accepted (cryptofeed's coded dates) |
//! |---|---|---|
//! | spot | `BTC-USDT` | |
//! | perpetual | `BTC-USDT-PERP` (linear: settled in USDT), `BTC-USD-PERP` (inverse) | |
//! | future | `BTC-USD-26DEC26` | `BTC-USD-26Z26` |
//! | option | `BTC-USD-26DEC26-100000-C`, `-P` | `BTC-USD-100000-26Z26-call`, `-put` |
//!
//! Dates are day-month-year as Deribit and OKX print them, the day without a leading zero
//! (`5DEC26`; `05DEC26` is read as the same); cryptofeed writes year, month letter (F G H J
//! K M N Q U V X Z for January to December) and day (`26Z26` is 26 December 2026). Strikes
//! are decimals without trailing zeros (`0.5`, `100000`). Every accepted spelling normalizes
//! to the one form, so configs may use either and name the same instrument.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// The kinds of instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstrumentKind {
    /// A spot pair.
    Spot,
    /// A perpetual swap.
    Perpetual,
    /// A future with an expiry.
    Future,
    /// An option with an expiry and a strike.
    Option,
}

impl InstrumentKind {
    /// `spot`, `perpetual`, `future`, `option`: as configs name them.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::Spot => "spot",
            InstrumentKind::Perpetual => "perpetual",
            InstrumentKind::Future => "future",
            InstrumentKind::Option => "option",
        }
    }
}

impl FromStr for InstrumentKind {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "spot" => Ok(InstrumentKind::Spot),
            "perpetual" | "perp" | "swap" => Ok(InstrumentKind::Perpetual),
            "future" | "futures" => Ok(InstrumentKind::Future),
            "option" | "options" => Ok(InstrumentKind::Option),
            _ => Err(format!(
                "unknown instrument kind '{text}' (known: spot, perpetual, future, option)"
            )),
        }
    }
}

impl fmt::Display for InstrumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Call or put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OptionKind {
    /// The right to buy.
    Call,
    /// The right to sell.
    Put,
}

impl OptionKind {
    /// `C` or `P`, as the normalized symbol ends.
    #[must_use]
    pub fn letter(self) -> char {
        match self {
            OptionKind::Call => 'C',
            OptionKind::Put => 'P',
        }
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
/// cryptofeed's month letters (futures month codes).
const MONTH_CODES: [char; 12] = ['F', 'G', 'H', 'J', 'K', 'M', 'N', 'Q', 'U', 'V', 'X', 'Z'];

/// An expiry date (UTC calendar day), 2000–2099.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Expiry {
    /// Full year (2026).
    pub year: u16,
    /// 1–12.
    pub month: u8,
    /// 1–31, valid for the month.
    pub day: u8,
}

impl Expiry {
    /// A valid date, or `None`.
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((2000..=2099).contains(&year) && (1..=days).contains(&day)).then_some(Expiry {
            year,
            month,
            day,
        })
    }

    /// `26DEC26` or `05DEC26` (day, month name, two-digit year).
    fn parse_venue(text: &str) -> Option<Self> {
        let digits = text.chars().take_while(char::is_ascii_digit).count();
        if !(1..=2).contains(&digits) || text.len() != digits + 5 {
            return None;
        }
        let day: u8 = text[..digits].parse().ok()?;
        let month = MONTHS
            .iter()
            .position(|name| text[digits..digits + 3].eq_ignore_ascii_case(name))?;
        let year: u16 = text[digits + 3..].parse().ok()?;
        Expiry::new(2000 + year, month as u8 + 1, day)
    }

    /// cryptofeed's `26Z26` / `26H6` (two-digit year, month letter, day).
    fn parse_coded(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if !(4..=5).contains(&bytes.len()) || !bytes[..2].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let year: u16 = text[..2].parse().ok()?;
        let letter = char::from(bytes[2]).to_ascii_uppercase();
        let month = MONTH_CODES.iter().position(|code| *code == letter)?;
        let day: u8 = text[3..].parse().ok()?;
        if text[3..].starts_with('0') && text.len() == 5 {
            return None; // cryptofeed never pads the day
        }
        Expiry::new(2000 + year, month as u8 + 1, day)
    }

    /// Either spelling.
    fn parse(text: &str) -> Option<Self> {
        Expiry::parse_venue(text).or_else(|| Expiry::parse_coded(text))
    }

    /// cryptofeed's spelling, `26Z26`.
    #[must_use]
    pub fn cryptofeed(self) -> String {
        format!(
            "{:02}{}{}",
            self.year % 100,
            MONTH_CODES[usize::from(self.month - 1)],
            self.day
        )
    }
}

impl fmt::Display for Expiry {
    /// `26DEC26`, `5MAR27`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{:02}",
            self.day,
            MONTHS[usize::from(self.month - 1)],
            self.year % 100
        )
    }
}

/// A parsed normalized symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstrumentName {
    /// What it is.
    pub kind: InstrumentKind,
    /// Base asset, upper case.
    pub base: String,
    /// Quote asset, upper case.
    pub quote: String,
    /// Futures and options.
    pub expiry: Option<Expiry>,
    /// Options.
    pub strike: Option<Decimal>,
    /// Options.
    pub option: Option<OptionKind>,
}

fn asset(part: &str) -> Option<String> {
    (!part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| part.to_ascii_uppercase())
}

fn strike(part: &str) -> Option<Decimal> {
    let value: Decimal = part.parse().ok()?;
    (value > Decimal::ZERO && part.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        .then(|| value.normalize())
}

impl InstrumentName {
    /// Reads any accepted spelling (see the module docs); `None` when it is none of them.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('-').collect();
        let (base, quote) = (asset(parts.first()?)?, asset(parts.get(1)?)?);
        let name = |kind, expiry, strike, option| InstrumentName {
            kind,
            base: base.clone(),
            quote: quote.clone(),
            expiry,
            strike,
            option,
        };
        match parts.as_slice() {
            [_, _] => Some(name(InstrumentKind::Spot, None, None, None)),
            [_, _, perp] if perp.eq_ignore_ascii_case("PERP") => {
                Some(name(InstrumentKind::Perpetual, None, None, None))
            }
            [_, _, date] => Some(name(
                InstrumentKind::Future,
                Some(Expiry::parse(date)?),
                None,
                None,
            )),
            // Ours: BASE-QUOTE-DATE-STRIKE-C|P.
            [_, _, date, price, letter] if Expiry::parse_venue(date).is_some() => {
                let option = match letter.to_ascii_uppercase().as_str() {
                    "C" => OptionKind::Call,
                    "P" => OptionKind::Put,
                    _ => return None,
                };
                Some(name(
                    InstrumentKind::Option,
                    Expiry::parse_venue(date),
                    Some(strike(price)?),
                    Some(option),
                ))
            }
            // cryptofeed's: BASE-QUOTE-STRIKE-DATE-call|put.
            [_, _, price, date, word] => {
                let option = match word.to_ascii_lowercase().as_str() {
                    "call" => OptionKind::Call,
                    "put" => OptionKind::Put,
                    _ => return None,
                };
                Some(name(
                    InstrumentKind::Option,
                    Some(Expiry::parse_coded(date)?),
                    Some(strike(price)?),
                    Some(option),
                ))
            }
            _ => None,
        }
    }

    /// The normalized spelling.
    #[must_use]
    pub fn normalized(&self) -> String {
        let pair = format!("{}-{}", self.base, self.quote);
        match (self.kind, self.expiry, self.strike, self.option) {
            (InstrumentKind::Perpetual, ..) => format!("{pair}-PERP"),
            (InstrumentKind::Future, Some(expiry), ..) => format!("{pair}-{expiry}"),
            (InstrumentKind::Option, Some(expiry), Some(strike), Some(option)) => {
                format!("{pair}-{expiry}-{strike}-{}", option.letter())
            }
            _ => pair,
        }
    }

    /// cryptofeed's spelling of the same instrument (`BTC-USD-26Z26`,
    /// `BTC-USD-100000-26Z26-call`).
    #[must_use]
    pub fn cryptofeed(&self) -> String {
        let pair = format!("{}-{}", self.base, self.quote);
        match (self.kind, self.expiry, self.strike, self.option) {
            (InstrumentKind::Perpetual, ..) => format!("{pair}-PERP"),
            (InstrumentKind::Future, Some(expiry), ..) => format!("{pair}-{}", expiry.cryptofeed()),
            (InstrumentKind::Option, Some(expiry), Some(strike), Some(option)) => format!(
                "{pair}-{strike}-{}-{}",
                expiry.cryptofeed(),
                match option {
                    OptionKind::Call => "call",
                    OptionKind::Put => "put",
                }
            ),
            _ => pair,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalized(text: &str) -> Option<String> {
        InstrumentName::parse(text).map(|name| name.normalized())
    }

    #[test]
    fn every_kind_round_trips_through_both_spellings() {
        for (ours, cryptofeed, kind) in [
            ("BTC-USDT", "BTC-USDT", InstrumentKind::Spot),
            ("BTC-USDT-PERP", "BTC-USDT-PERP", InstrumentKind::Perpetual),
            ("BTC-USD-26DEC26", "BTC-USD-26Z26", InstrumentKind::Future),
            ("ETH-USD-5MAR27", "ETH-USD-27H5", InstrumentKind::Future),
            (
                "BTC-USD-26DEC26-100000-C",
                "BTC-USD-100000-26Z26-call",
                InstrumentKind::Option,
            ),
            (
                "XRP-USDC-31JAN28-0.5-P",
                "XRP-USDC-0.5-28F31-put",
                InstrumentKind::Option,
            ),
        ] {
            let name = InstrumentName::parse(ours).unwrap_or_else(|| panic!("{ours}"));
            assert_eq!(name.kind, kind, "{ours}");
            assert_eq!(name.normalized(), ours);
            assert_eq!(name.cryptofeed(), cryptofeed, "{ours}");
            assert_eq!(
                normalized(cryptofeed).as_deref(),
                Some(ours),
                "{cryptofeed}"
            );
        }
    }

    #[test]
    fn spellings_normalize_to_one_form() {
        assert_eq!(
            normalized("btc-usd-05dec26").as_deref(),
            Some("BTC-USD-5DEC26")
        );
        assert_eq!(
            normalized("btc-usdt-perp").as_deref(),
            Some("BTC-USDT-PERP")
        );
        assert_eq!(
            normalized("BTC-USD-26DEC26-100000.00-c").as_deref(),
            Some("BTC-USD-26DEC26-100000-C")
        );
        let option = InstrumentName::parse("BTC-USD-26DEC26-95000-P").unwrap();
        assert_eq!(option.expiry, Expiry::new(2026, 12, 26));
        assert_eq!(option.strike, Some(Decimal::from(95_000)));
        assert_eq!(option.option, Some(OptionKind::Put));
    }

    #[test]
    fn other_shapes_are_refused() {
        for bad in [
            "BTCUSDT",
            "BTC-",
            "BTC-USD-31FEB26",
            "BTC-USD-26XYZ26",
            "BTC-USD-26Z0",
            "BTC-USD-26Z05",
            "BTC-USD-26DEC26-0-C",
            "BTC-USD-26DEC26--1-C",
            "BTC-USD-26DEC26-100-X",
            "BTC-USD-100-26Z26-maybe",
            "BTC-USD-26DEC26-1e5-C",
            "BTC/USD-PERP",
            "BTC-USD-PERP-X",
            "",
        ] {
            assert_eq!(normalized(bad), None, "{bad}");
        }
        assert!(Expiry::new(2028, 2, 29).is_some() && Expiry::new(2100, 1, 1).is_none());
    }
}
