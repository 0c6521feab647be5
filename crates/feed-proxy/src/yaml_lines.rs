//! The line of every key in a YAML document, so problems can point at it.
//!
//! figment's YAML provider keeps values but not positions; this walks the same text with
//! yaml-rust2's event parser, which reports a position for every event.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, ScanError};

/// Dotted key path (`proxy.default.http.url`; list items by index) -> 1-based line.
#[derive(Debug, Clone, Default)]
pub struct KeyLines(HashMap<String, usize>);

impl KeyLines {
    /// Maps every key of a YAML document to its line.
    ///
    /// # Errors
    /// The parser's error (with its line and column) when the text is not valid YAML.
    pub fn parse(text: &str) -> Result<Self, ScanError> {
        let mut walker = Walker::default();
        Parser::new_from_str(text).load(&mut walker, false)?;
        Ok(KeyLines(walker.lines))
    }

    /// True when the document has exactly this key path.
    #[must_use]
    pub fn contains(&self, path: &str) -> bool {
        self.0.contains_key(path)
    }

    /// The line of `path`, or of its nearest ancestor that has one.
    #[must_use]
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(line) = self.0.get(path) {
                return Some(*line);
            }
            path = &path[..path.rfind('.')?];
        }
    }
}

enum Frame {
    /// In a mapping: the key being read, or the key whose value is being read.
    Mapping { key: Option<String> },
    /// In a sequence: the index of the next item.
    Sequence { next: usize },
}

#[derive(Default)]
struct Walker {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
}

impl Walker {
    fn path_with(&self, last: &str) -> String {
        let mut parts: Vec<String> = self
            .stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Mapping { key } => key.clone(),
                Frame::Sequence { next } => Some(next.to_string()),
            })
            .collect();
        parts.pop();
        parts.push(last.to_owned());
        parts.join(".")
    }

    /// A value (scalar or collection) ended: the enclosing mapping expects a key next.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Mapping { key }) => *key = None,
            Some(Frame::Sequence { next }) => *next += 1,
            None => {}
        }
    }

    fn current_segment(&self) -> Option<String> {
        match self.stack.last() {
            Some(Frame::Mapping { key }) => key.clone(),
            Some(Frame::Sequence { next }) => Some(next.to_string()),
            None => None,
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                if let Some(Frame::Mapping { key: key @ None }) = self.stack.last_mut() {
                    *key = Some(text.clone());
                    let path = self.path_with(&text);
                    self.lines.entry(path).or_insert(mark.line());
                } else {
                    if let (Some(segment), Some(Frame::Sequence { .. })) =
                        (self.current_segment(), self.stack.last())
                    {
                        let path = self.path_with(&segment);
                        self.lines.entry(path).or_insert(mark.line());
                    }
                    self.value_done();
                }
            }
            Event::MappingStart(..) => self.stack.push(Frame::Mapping { key: None }),
            Event::SequenceStart(..) => self.stack.push(Frame::Sequence { next: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            Event::Alias(_) => self.value_done(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyLines;

    const TEXT: &str = "\
proxy:
  enabled: true
  default:
    http: { url: \"socks5://proxy:1080\", timeout_seconds: 30 }
    websocket:
      url: socks5://proxy:1081
exchanges:
  backpack:
    symbols: [\"BTC-USDT\", \"ETH-USDT\"]
    channels:
      - TRADES
";

    #[test]
    fn finds_block_and_flow_keys() {
        let lines = KeyLines::parse(TEXT).unwrap();
        assert_eq!(lines.line_of("proxy"), Some(1));
        assert_eq!(lines.line_of("proxy.enabled"), Some(2));
        assert_eq!(lines.line_of("proxy.default.http"), Some(4));
        assert_eq!(lines.line_of("proxy.default.http.timeout_seconds"), Some(4));
        assert_eq!(lines.line_of("proxy.default.websocket.url"), Some(6));
        assert_eq!(lines.line_of("exchanges.backpack.channels.0"), Some(11));
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let lines = KeyLines::parse(TEXT).unwrap();
        assert_eq!(
            lines.line_of("proxy.default.websocket.timeout_seconds"),
            Some(5)
        );
        assert_eq!(lines.line_of("nothing.here"), None);
    }

    #[test]
    fn malformed_yaml_reports_a_position() {
        let error = KeyLines::parse("proxy:\n  enabled: [true\n").unwrap_err();
        assert!(error.marker().line() >= 2, "{error}");
    }
}
