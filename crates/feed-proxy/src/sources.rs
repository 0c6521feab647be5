//! The configuration's layers: a YAML file, then `FEED_` environment variables on top.
//!
//! Variables are named `FEED_` plus the key path in upper case with `__` between levels:
//! `FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL` sets
//! `proxy.exchanges.binance.websocket.url`. The environment wins over the file. Every key
//! remembers where it came from ([`Origin`]), so a problem names the file line or the exact
//! variable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Serialized, Yaml};
use figment::value::Value;
use figment::Figment;

use crate::problem::{ConfigProblem, Origin};
use crate::yaml_lines::KeyLines;

/// The prefix of configuration environment variables.
pub const ENV_PREFIX: &str = "FEED_";
/// The separator between key levels in environment variable names.
pub const ENV_SEPARATOR: &str = "__";

/// A loaded (not yet validated) configuration: figment's merged values plus provenance.
#[derive(Debug, Clone)]
pub struct ConfigSources {
    figment: Figment,
    file: Option<PathBuf>,
    file_lines: KeyLines,
    /// Lower-cased dotted key path -> the variable that set it.
    env_keys: BTreeMap<String, String>,
}

/// An environment variable's value, typed as figment reads it (`true`, `30`, `[a, b]`,
/// `{key = value}`, `"quoted"`), except text holding both a backslash and a non-ASCII
/// character, which is kept as plain text: figment 0.10 slices such an escaped string at a
/// character index as if it were a byte index and panics (found by fuzzing,
/// tests/fuzz_config.rs).
fn env_value(value: &str) -> Value {
    if value.contains('\\') && !value.is_ascii() {
        return Value::from(value.to_owned());
    }
    value.parse().unwrap_or_else(|never| match never {})
}

impl ConfigSources {
    /// Reads `path` and this process's `FEED_*` environment variables.
    ///
    /// # Errors
    /// A problem when the file is missing or unreadable, or is not valid YAML.
    pub fn load(path: &Path) -> Result<Self, ConfigProblem> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigProblem {
            key: String::new(),
            message: match error.kind() {
                std::io::ErrorKind::NotFound => "config file not found".to_owned(),
                _ => format!("cannot read config file: {error}"),
            },
            origin: Origin::File {
                path: path.to_owned(),
                line: None,
            },
        })?;
        Self::from_parts(Some(path), &text, std::env::vars())
    }

    /// Only `FEED_*` environment variables, no file.
    #[must_use]
    pub fn from_environment() -> Self {
        Self::from_env_vars(None, std::env::vars())
    }

    /// A file's text (labelled `path` in messages) and the given environment variables;
    /// variables without the `FEED_` prefix are ignored. Tests use this to avoid touching
    /// the process environment.
    ///
    /// # Errors
    /// A problem when the text is not valid YAML.
    pub fn from_parts(
        path: Option<&Path>,
        yaml_text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigProblem> {
        let origin = |line| Origin::File {
            path: path.unwrap_or(Path::new("<config>")).to_owned(),
            line,
        };
        let file_lines = KeyLines::parse(yaml_text).map_err(|error| ConfigProblem {
            key: String::new(),
            message: format!(
                "malformed YAML: {} at column {}",
                error.info(),
                error.marker().col()
            ),
            origin: origin(Some(error.marker().line())),
        })?;
        let mut sources = Self::from_env_vars(path, env);
        sources.file_lines = file_lines;
        if !yaml_text.trim().is_empty() {
            let env_layers = std::mem::take(&mut sources.figment);
            sources.figment = Figment::from(Yaml::string(yaml_text)).merge(env_layers);
            if sources.figment.extract::<figment::value::Dict>().is_err() {
                // The reader's own message would quote the text, which may be a URL.
                return Err(ConfigProblem {
                    key: String::new(),
                    message: "the file must be a YAML mapping of sections (such as `proxy:`), \
                              not a single value or a list"
                        .to_owned(),
                    origin: origin(None),
                });
            }
        }
        Ok(sources)
    }

    fn from_env_vars(path: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut figment = Figment::new();
        let mut env_keys = BTreeMap::new();
        for (name, value) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let key = rest
                .split(ENV_SEPARATOR)
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .join(".");
            if key.is_empty() || key.split('.').any(str::is_empty) {
                continue;
            }
            let parsed = env_value(&value);
            figment = figment.merge(Serialized::default(&key, parsed));
            env_keys.insert(key, name);
        }
        ConfigSources {
            figment,
            file: path.map(Path::to_owned),
            file_lines: KeyLines::default(),
            env_keys,
        }
    }

    /// The merged values.
    #[must_use]
    pub fn figment(&self) -> &Figment {
        &self.figment
    }

    /// The value at a dotted key path, if any layer sets it (`""` is the whole document).
    #[must_use]
    pub fn find(&self, key: &str) -> Option<Value> {
        if key.is_empty() {
            return self.figment.extract::<Value>().ok();
        }
        self.figment.find_value(key).ok()
    }

    /// True when the key was set (or, for a section, only filled) by the environment.
    #[must_use]
    pub fn is_from_environment(&self, key: &str) -> bool {
        self.env_variable_for(key).is_some()
    }

    /// The variable that set `key`; for a section the file does not have, the first
    /// variable inside it.
    fn env_variable_for(&self, key: &str) -> Option<&str> {
        let lower = key.to_ascii_lowercase();
        if let Some(name) = self.env_keys.get(&lower) {
            return Some(name);
        }
        if self.file_lines.contains(key) {
            return None;
        }
        let inside = format!("{lower}.");
        self.env_keys
            .range(inside.clone()..)
            .next()
            .filter(|(child, _)| child.starts_with(&inside))
            .map(|(_, name)| name.as_str())
    }

    /// Where the value at `key` came from: its environment variable, else its file line
    /// (or its nearest ancestor's), else the file.
    #[must_use]
    pub fn origin(&self, key: &str) -> Origin {
        if let Some(name) = self.env_variable_for(key) {
            return Origin::Environment(name.to_owned());
        }
        match &self.file {
            Some(path) => Origin::File {
                path: path.clone(),
                line: self.file_lines.line_of(key),
            },
            None => Origin::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzzing regression (tests/fuzz_config.rs): a file that is one string (a proxy URL
    /// pasted alone) was quoted whole in the error, password included.
    #[test]
    fn a_file_that_is_not_a_mapping_is_not_quoted() {
        let problem = ConfigSources::from_parts(None, "socks5://u:s3cret@h:1", Vec::new())
            .expect_err("not a mapping");
        let text = problem.to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(
            text.contains("the file must be a YAML mapping of sections"),
            "{text}"
        );
    }

    /// Fuzzing regression (tests/fuzz_config.rs): `FEED_X="é\n"` (quotes included)
    /// panicked inside figment's string unescaping.
    #[test]
    fn escaped_non_ascii_environment_values_load_as_text() {
        let env = [("FEED_PROXY__ENABLED".to_owned(), "\"é\\n\"".to_owned())];
        let sources = ConfigSources::from_parts(None, "", env).expect("loads");
        assert_eq!(
            sources
                .find("proxy.enabled")
                .and_then(|value| value.into_string()),
            Some("\"é\\n\"".to_owned())
        );
        let plain = [("FEED_PROXY__ENABLED".to_owned(), "true".to_owned())];
        let sources = ConfigSources::from_parts(None, "", plain).expect("loads");
        assert_eq!(
            sources
                .find("proxy.enabled")
                .and_then(|value| value.to_bool()),
            Some(true)
        );
    }
}
