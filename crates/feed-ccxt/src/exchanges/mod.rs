//! The built-in exchanges, one folder each.

pub mod binance;

use std::sync::Arc;

use crate::adapter::ExchangeAdapter;

/// Every built-in adapter.
#[must_use]
pub fn built_in() -> Vec<Arc<dyn ExchangeAdapter>> {
    vec![Arc::new(binance::Binance)]
}
