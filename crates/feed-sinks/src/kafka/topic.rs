//! Topic names: a template per sink, `{channel}` and `{exchange}` filled in per event.

use feed_core::sink::data_channel;
use feed_core::{Channel, Event};

/// The default topic template: one topic per channel, every exchange in it.
pub const DEFAULT_TOPIC_TEMPLATE: &str = "feedhandler.{channel}";

/// A checked topic template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTemplate(String);

impl TopicTemplate {
    /// `template` with `{channel}` (the channel's JSON name: `trades`, `l2_book`, ...) and
    /// optionally `{exchange}` (the exchange id in lower case).
    ///
    /// # Errors
    /// A placeholder other than those two, or a character Kafka does not allow in topic
    /// names (letters, digits, `.`, `_`, `-`), in words.
    pub fn new(template: &str) -> Result<Self, String> {
        let filled = template
            .replace("{channel}", "c")
            .replace("{exchange}", "e");
        if filled.is_empty() || filled.len() > 249 {
            return Err("a topic name is 1 to 249 characters".into());
        }
        if let Some(bad) = filled
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(format!(
                "'{bad}' is not allowed in a Kafka topic name (letters, digits, '.', '_', '-'; \
                 placeholders {{channel}} and {{exchange}})"
            ));
        }
        Ok(TopicTemplate(template.to_owned()))
    }

    /// The template as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The topic of `channel`'s data of `exchange` (any case).
    #[must_use]
    pub fn topic(&self, exchange: &str, channel: Channel) -> String {
        self.0
            .replace("{channel}", channel.json_name())
            .replace("{exchange}", &exchange.to_ascii_lowercase())
    }

    /// The topic of an event: its data channel's (a gap goes to the topic of the data it is
    /// about, in that symbol's partition, so a consumer sees it in order); `None` for
    /// lifecycle events.
    #[must_use]
    pub fn topic_of(&self, event: &Event) -> Option<String> {
        data_channel(event).map(|channel| self.topic(event.exchange(), channel))
    }
}

impl Default for TopicTemplate {
    fn default() -> Self {
        TopicTemplate(DEFAULT_TOPIC_TEMPLATE.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_bad_names_refused() {
        let template = TopicTemplate::new("md.{exchange}.{channel}").unwrap();
        assert_eq!(
            template.topic("BINANCE_FUTURES", Channel::L2Book),
            "md.binance_futures.l2_book"
        );
        assert_eq!(
            TopicTemplate::default().topic("OKX", Channel::Trades),
            "feedhandler.trades"
        );
        assert!(TopicTemplate::new("md/{channel}")
            .unwrap_err()
            .contains("'/'"));
        assert!(TopicTemplate::new("md.{symbol}").is_err());
        assert!(TopicTemplate::new("").is_err());
    }
}
