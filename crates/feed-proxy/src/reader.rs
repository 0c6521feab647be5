//! Reads typed values out of [`ConfigSources`], collecting every problem instead of
//! stopping at the first.

use figment::error::{Actual, Kind};
use figment::value::Value;
use serde::de::DeserializeOwned;

use crate::problem::{closest_matches, ConfigProblem, ConfigProblems};
use crate::sources::ConfigSources;

/// Joins a parent key path and a child key.
#[must_use]
pub fn join_key(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_owned()
    } else {
        format!("{parent}.{child}")
    }
}

/// A key path as problems show it. A key holding `:`, `@` or `/` is a URL written where a
/// key belongs (`websocket: {socks5://user:pass@host:1080}`), so it may hold a password: it
/// is shown as `<a URL-like key>`, with the path up to it.
#[must_use]
pub fn shown_key(key: &str) -> String {
    match key.find([':', '@', '/']) {
        None => key.to_owned(),
        Some(at) => {
            let start = key[..at].rfind('.').map_or(0, |dot| dot + 1);
            format!("{}<a URL-like key>", &key[..start])
        }
    }
}

/// A validating reader over loaded configuration layers.
///
/// Each accessor returns `None` when the key is absent or wrong, and records what was
/// wrong; [`ConfigReader::finish`] hands over every problem at once.
#[derive(Debug)]
pub struct ConfigReader<'a> {
    sources: &'a ConfigSources,
    problems: Vec<ConfigProblem>,
}

impl<'a> ConfigReader<'a> {
    /// A reader with no problems yet.
    #[must_use]
    pub fn new(sources: &'a ConfigSources) -> Self {
        ConfigReader {
            sources,
            problems: Vec::new(),
        }
    }

    /// The layers being read.
    #[must_use]
    pub fn sources(&self) -> &'a ConfigSources {
        self.sources
    }

    /// Records a problem at `key`, with the key's origin (the key shown as [`shown_key`]).
    pub fn problem(&mut self, key: &str, message: impl Into<String>) {
        self.problems.push(ConfigProblem {
            key: shown_key(key),
            message: message.into(),
            origin: self.sources.origin(key),
        });
    }

    /// True when any layer sets `key`.
    #[must_use]
    pub fn contains(&self, key: &str) -> bool {
        self.sources.find(key).is_some()
    }

    /// The keys of the mapping at `key` (empty when absent; a problem when not a mapping).
    /// Keys the file defines come before keys only the environment adds, so environment
    /// values win when both name the same exchange in different case.
    pub fn keys(&mut self, key: &str) -> Vec<String> {
        let Some(value) = self.sources.find(key) else {
            return Vec::new();
        };
        let Some(dict) = value.as_dict() else {
            self.problem(
                key,
                format!("expected a mapping, found {}", describe_value(&value)),
            );
            return Vec::new();
        };
        let (mut from_file, from_env): (Vec<String>, Vec<String>) = dict
            .keys()
            .cloned()
            .partition(|child| !self.sources.is_from_environment(&join_key(key, child)));
        from_file.extend(from_env);
        from_file
    }

    /// The mapping at `key`, checked to hold only `allowed` keys; each unknown key is a
    /// problem (with a "did you mean" hint). `None` when absent or not a mapping.
    pub fn section(&mut self, key: &str, allowed: &[&str]) -> Option<Vec<String>> {
        if !self.contains(key) {
            return None;
        }
        let value = self.sources.find(key)?;
        if value.as_dict().is_none() {
            self.problem(
                key,
                format!("expected a mapping, found {}", describe_value(&value)),
            );
            return None;
        }
        let keys = self.keys(key);
        for child in &keys {
            if !allowed.contains(&child.as_str()) {
                let hint = match closest_matches(child, allowed.iter().copied(), 1).first() {
                    Some(near) => format!(" (did you mean '{near}'?)"),
                    None => String::new(),
                };
                self.problem(
                    &join_key(key, child),
                    format!(
                        "unknown key '{}'{hint}; allowed here: {}",
                        shown_key(child),
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(keys)
    }

    /// The value at `key` as `T`; `None` when absent or of the wrong type (a problem).
    pub fn value<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        if !self.contains(key) {
            return None;
        }
        match self.sources.figment().extract_inner::<T>(key) {
            Ok(value) => Some(value),
            Err(error) => {
                let message = describe_kind(&error.kind);
                self.problem(key, message);
                None
            }
        }
    }

    /// A required value: absent is a problem too.
    pub fn required<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        if !self.contains(key) {
            self.problem(key, "this key is required");
            return None;
        }
        self.value(key)
    }

    /// Every problem recorded, or `Ok(())`.
    ///
    /// # Errors
    /// [`ConfigProblems`] when any problem was recorded.
    pub fn finish(self) -> Result<(), ConfigProblems> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigProblems(self.problems))
        }
    }

    /// The problems recorded so far.
    #[must_use]
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

/// A figment error kind in words that never echo a string value (it may be a password).
fn describe_kind(kind: &Kind) -> String {
    match kind {
        Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
            format!("expected {expected}, found {}", describe_actual(actual))
        }
        Kind::UnknownField(field, allowed) => {
            format!(
                "unknown key '{}'; allowed here: {}",
                shown_key(field),
                allowed.join(", ")
            )
        }
        Kind::MissingField(field) => format!("missing key '{field}'"),
        Kind::UnknownVariant(_, allowed) => format!("expected one of {}", allowed.join(", ")),
        Kind::Unsupported(actual) | Kind::UnsupportedKey(actual, _) => {
            format!("{} is not supported here", describe_actual(actual))
        }
        // Free text from a deserializer or the YAML reader may quote the value.
        Kind::Message(_) => "the value cannot be read here".to_owned(),
        other @ (Kind::InvalidLength(..)
        | Kind::DuplicateField(_)
        | Kind::ISizeOutOfRange(_)
        | Kind::USizeOutOfRange(_)) => other.to_string(),
    }
}

fn describe_actual(actual: &Actual) -> String {
    match actual {
        Actual::Bool(value) => format!("the boolean {value}"),
        Actual::Unsigned(value) => format!("the number {value}"),
        Actual::Signed(value) => format!("the number {value}"),
        Actual::Float(value) => format!("the number {value}"),
        Actual::Str(_) | Actual::Char(_) => "a string".to_owned(),
        Actual::Seq => "a list".to_owned(),
        Actual::Map => "a mapping".to_owned(),
        Actual::Unit | Actual::Option => "an empty value".to_owned(),
        other => other.to_string(),
    }
}

fn describe_value(value: &Value) -> &'static str {
    match value {
        Value::String(..) | Value::Char(..) => "a string",
        Value::Bool(..) => "a boolean",
        Value::Num(..) => "a number",
        Value::Empty(..) => "an empty value",
        Value::Dict(..) => "a mapping",
        Value::Array(..) => "a list",
    }
}

#[cfg(test)]
mod tests {
    use super::shown_key;

    /// Fuzzing regression (tests/fuzz_config.rs): `websocket: {socks5://u:pw@h:1}` made the
    /// URL a key, and the unknown-key problem showed it, password included.
    #[test]
    fn url_like_keys_are_not_shown() {
        assert_eq!(
            shown_key("proxy.default.webscoket"),
            "proxy.default.webscoket"
        );
        assert_eq!(
            shown_key("proxy.default.websocket.socks5://u:pw@10.0.0.1:1080"),
            "proxy.default.websocket.<a URL-like key>"
        );
        assert_eq!(shown_key("u:pw@host"), "<a URL-like key>");
    }
}
