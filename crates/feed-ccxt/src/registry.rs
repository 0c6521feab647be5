//! The adapter registry: the built-in exchanges plus any a user registers.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};

use crate::adapter::ExchangeAdapter;
use crate::error::AdapterError;
use crate::exchanges;

type Registry = RwLock<BTreeMap<String, Arc<dyn ExchangeAdapter>>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let built_in = exchanges::built_in()
            .into_iter()
            .map(|adapter| (adapter.id().to_owned(), adapter))
            .collect();
        RwLock::new(built_in)
    })
}

/// Registers an adapter (replacing any with the same id); `CcxtFeed::new` and configs can
/// then name it.
pub fn register_adapter(adapter: Arc<dyn ExchangeAdapter>) {
    registry()
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(adapter.id().to_ascii_lowercase(), adapter);
}

/// The adapter registered under `id` (case-insensitive).
///
/// # Errors
/// [`AdapterError::UnknownExchange`] listing every supported id.
pub fn adapter(id: &str) -> Result<Arc<dyn ExchangeAdapter>, AdapterError> {
    let registry = registry()
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    registry
        .get(&id.to_ascii_lowercase())
        .cloned()
        .ok_or_else(|| AdapterError::UnknownExchange {
            id: id.to_owned(),
            supported: registry.keys().cloned().collect::<Vec<_>>().join(", "),
        })
}

/// Every registered id, sorted.
#[must_use]
pub fn supported_exchanges() -> Vec<String> {
    registry()
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .keys()
        .cloned()
        .collect()
}
