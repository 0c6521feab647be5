//! A problem found in the configuration, and where its value came from.

use std::fmt;
use std::path::PathBuf;

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The YAML file, at a line when the parser knows it.
    File {
        /// The file as the user named it.
        path: PathBuf,
        /// 1-based line of the key.
        line: Option<usize>,
    },
    /// An environment variable, by its exact name.
    Environment(String),
    /// Neither: a value built in code or a key that is absent everywhere.
    Unknown,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line: Some(line),
            } => write!(f, "{} line {line}", path.display()),
            Origin::File { path, line: None } => write!(f, "{}", path.display()),
            Origin::Environment(name) => write!(f, "environment variable {name}"),
            Origin::Unknown => f.write_str("configuration"),
        }
    }
}

/// One problem: the key path (`proxy.exchanges.binance.http.url`), what is wrong, and
/// where the value came from. Messages never contain a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted key path, as written in the file (or lower-cased, from the environment).
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// Where the value came from.
    pub origin: Origin,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{} (from {})", self.message, self.origin)
        } else {
            write!(f, "{}: {} (from {})", self.key, self.message, self.origin)
        }
    }
}

impl std::error::Error for ConfigProblem {}

/// Every problem found while loading a configuration, in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblems(pub Vec<ConfigProblem>);

impl fmt::Display for ConfigProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigProblems {}

/// The candidates closest to `input` by edit distance (case-insensitive), best first: for
/// "did you mean" hints on typos such as `webscoket`.
#[must_use]
pub fn closest_matches<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    at_most: usize,
) -> Vec<&'a str> {
    let input = input.to_ascii_lowercase();
    let limit = (input.len() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|candidate| {
            (
                edit_distance(&input, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(at_most).map(|(_, c)| c).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_intended_key_for_a_typo() {
        let keys = ["http", "websocket"];
        assert_eq!(closest_matches("webscoket", keys, 1), vec!["websocket"]);
        assert!(closest_matches("zzzzzzzz", keys, 1).is_empty());
    }

    #[test]
    fn problem_display_names_key_message_and_origin() {
        let problem = ConfigProblem {
            key: "proxy.enabled".into(),
            message: "expected a boolean".into(),
            origin: Origin::Environment("FEED_PROXY__ENABLED".into()),
        };
        assert_eq!(
            problem.to_string(),
            "proxy.enabled: expected a boolean (from environment variable FEED_PROXY__ENABLED)"
        );
    }
}
