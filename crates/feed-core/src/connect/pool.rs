//! Choosing a member of a proxy pool for each connection, and each member's health.
//!
//! Process-wide state per (exchange, member): the member's load (open WebSockets plus
//! in-flight HTTP requests through it, each held as a [`MemberLease`] and released on
//! drop) and whether it is out.
//!
//! - **Choice**: the least loaded available member; ties go round-robin (per exchange and
//!   connection kind), so equal members share the connections evenly.
//! - **Out**: a member whose connection fails at the proxy stage (no TCP connection to the
//!   proxy or TLS to it, authentication rejected, the proxy broke its protocol, or the
//!   time for connecting to and negotiating with the proxy ran out) is taken out for a
//!   backoff of 1 s, doubling with each further failure up to 60 s. A failure behind a
//!   healthy proxy (the proxy refused the tunnel to the exchange, TLS with or the handshake
//!   of the exchange) is not the member's fault: the member stays in.
//! - **Probe**: when a member's backoff has run out, the next real connection is its probe
//!   (one at a time). If the probe gets through the proxy stage the member is back in;
//!   if not, it goes out again with a doubled backoff, and the connection tries another
//!   member.
//! - **All out**: the connection fails with [`ConnectStage::AllMembersOut`] naming the
//!   pool; there is never a direct connection.
//! - A pool of one is never skipped: with nothing to move to, every connection tries the
//!   one proxy (and fails with that proxy's own error, as before pools), while its health
//!   is still tracked for logs and metrics.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use feed_proxy::{ConnectionKind, ProxyConfig, ProxyPool};
use tokio::time::Instant;

use super::error::ConnectStage;

/// The first backoff of a member taken out.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest backoff of a member taken out.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

type MemberKey = (Arc<str>, ProxyConfig);

#[derive(Debug)]
struct MemberState {
    load: usize,
    used: u64,
    failures: u64,
    /// When out: until when.
    out_until: Option<Instant>,
    /// The backoff of the last time out (doubled on the next failure).
    backoff: Duration,
    probing: bool,
    kinds: BTreeSet<ConnectionKind>,
}

impl MemberState {
    fn new() -> Self {
        MemberState {
            load: 0,
            used: 0,
            failures: 0,
            out_until: None,
            backoff: Duration::ZERO,
            probing: false,
            kinds: BTreeSet::new(),
        }
    }
}

#[derive(Debug, Default)]
struct Registry {
    members: HashMap<MemberKey, MemberState>,
    /// Round-robin position per (exchange, kind).
    cursors: HashMap<(Arc<str>, ConnectionKind), usize>,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Exchange ids as the state keys them (the settings match them case-insensitively).
fn exchange_key(exchange: &str) -> Arc<str> {
    exchange.to_ascii_lowercase().into()
}

/// A member's share of a connection: counts toward the member's load until dropped.
///
/// Carried by the WebSocket it opened (inside its stream) or held across an HTTP request.
#[derive(Debug)]
pub struct MemberLease {
    exchange: Arc<str>,
    member: ProxyConfig,
    probe: bool,
}

impl MemberLease {
    /// The member this lease is on.
    #[must_use]
    pub fn member(&self) -> &ProxyConfig {
        &self.member
    }

    /// Whether this connection is the member's probe after a time out.
    #[must_use]
    pub fn is_probe(&self) -> bool {
        self.probe
    }

    /// The connection got through the proxy stage: the member is in (back in, if it was
    /// out).
    pub fn proxy_stage_passed(&mut self) {
        let mut registry = registry();
        if let Some(state) = registry
            .members
            .get_mut(&(Arc::clone(&self.exchange), self.member.clone()))
        {
            let was_out = state.out_until.is_some();
            state.out_until = None;
            state.backoff = Duration::ZERO;
            state.probing = false;
            if was_out {
                tracing::info!(
                    exchange = %self.exchange,
                    member = %self.member.url(),
                    "proxy pool member back in"
                );
            }
        }
        self.probe = false;
    }

    /// The connection failed at `stage`: when it is the member's fault
    /// ([`is_member_failure`]) the member goes out with a doubled backoff. Returns whether
    /// it went out.
    pub fn failed(&mut self, stage: &ConnectStage) -> bool {
        if !is_member_failure(stage) {
            self.proxy_stage_passed();
            return false;
        }
        let now = Instant::now();
        let mut registry = registry();
        let Some(state) = registry
            .members
            .get_mut(&(Arc::clone(&self.exchange), self.member.clone()))
        else {
            return false;
        };
        state.failures += 1;
        state.probing = false;
        state.backoff = next_backoff(state.backoff);
        state.out_until = Some(now + state.backoff);
        tracing::warn!(
            exchange = %self.exchange,
            member = %self.member.url(),
            stage = stage.name(),
            error = %stage,
            retry_in_seconds = state.backoff.as_secs(),
            "proxy pool member out"
        );
        self.probe = false;
        true
    }
}

impl Drop for MemberLease {
    fn drop(&mut self) {
        let mut registry = registry();
        if let Some(state) = registry
            .members
            .get_mut(&(Arc::clone(&self.exchange), self.member.clone()))
        {
            state.load = state.load.saturating_sub(1);
            if self.probe {
                // A probe that ended without a verdict (cancelled): let the next one try.
                state.probing = false;
            }
        }
    }
}

/// 1 s, then doubling, at most [`MAX_BACKOFF`].
fn next_backoff(previous: Duration) -> Duration {
    if previous.is_zero() {
        FIRST_BACKOFF
    } else {
        (previous * 2).min(MAX_BACKOFF)
    }
}

/// Whether a failure at `stage` is the pool member's fault (see the module docs).
#[must_use]
pub fn is_member_failure(stage: &ConnectStage) -> bool {
    match stage {
        ConnectStage::ProxyConnect(_)
        | ConnectStage::ProxyTls(_)
        | ConnectStage::ProxyAuthentication(_)
        | ConnectStage::ProxyProtocol(_) => true,
        ConnectStage::Timeout { during, .. } => during.contains("proxy"),
        _ => false,
    }
}

/// Every member is out: when the first comes up for a probe again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllOut {
    /// Time until the first member's backoff ends.
    pub next_probe_in: Duration,
}

/// Picks a member of `pool` for a new connection of `exchange`'s `kind`, skipping
/// `tried` (members that already failed this connection): the least loaded available
/// member, ties round-robin. The lease counts toward the member's load until dropped.
///
/// # Errors
/// [`AllOut`] when every member of a pool of two or more is out (or tried).
pub fn choose(
    exchange: &str,
    kind: ConnectionKind,
    pool: &ProxyPool,
    tried: &[ProxyConfig],
) -> Result<MemberLease, AllOut> {
    choose_with(exchange, kind, pool, tried, |_| Duration::ZERO)
}

/// As [`choose`], breaking ties in load by `wait` (the time until the member's pacing
/// budget is free; sooner first) before round-robin.
///
/// # Errors
/// As [`choose`].
pub fn choose_with(
    exchange: &str,
    kind: ConnectionKind,
    pool: &ProxyPool,
    tried: &[ProxyConfig],
    wait: impl Fn(&ProxyConfig) -> Duration,
) -> Result<MemberLease, AllOut> {
    let exchange = exchange_key(exchange);
    let now = Instant::now();
    let single = pool.len() == 1;
    let mut registry = registry();
    let start = *registry
        .cursors
        .get(&(Arc::clone(&exchange), kind))
        .unwrap_or(&0);
    let mut best: Option<(usize, usize, Duration, usize, bool)> = None; // index, load, wait, order, probe
    let mut next_probe_in: Option<Duration> = None;
    for (index, member) in pool.members().iter().enumerate() {
        let state = registry
            .members
            .entry((Arc::clone(&exchange), member.clone()))
            .or_insert_with(MemberState::new);
        state.kinds.insert(kind);
        if tried.contains(member) {
            if let Some(until) = state.out_until {
                let left = until.saturating_duration_since(now);
                next_probe_in = Some(next_probe_in.map_or(left, |soonest| soonest.min(left)));
            }
            continue;
        }
        let probe = match state.out_until {
            None => false,
            Some(_) if single => false,
            Some(until) if until <= now && !state.probing => true,
            Some(until) => {
                let left = until.saturating_duration_since(now);
                next_probe_in = Some(next_probe_in.map_or(left, |soonest| soonest.min(left)));
                continue;
            }
        };
        let order = (index + pool.len() - start % pool.len()) % pool.len();
        let candidate = (index, state.load, wait(member), order, probe);
        let better = best.is_none_or(|(_, load, wait, order, _)| {
            (candidate.1, candidate.2, candidate.3) < (load, wait, order)
        });
        if better {
            best = Some(candidate);
        }
    }
    let Some((index, _, _, _, probe)) = best else {
        return Err(AllOut {
            next_probe_in: next_probe_in.unwrap_or(Duration::ZERO),
        });
    };
    registry
        .cursors
        .insert((Arc::clone(&exchange), kind), index + 1);
    let member = pool.members()[index].clone();
    let state = registry
        .members
        .get_mut(&(Arc::clone(&exchange), member.clone()))
        .expect("registered above");
    state.load += 1;
    state.used += 1;
    if probe {
        state.probing = true;
        tracing::info!(exchange = %exchange, member = %member.url(), "probing proxy pool member");
    }
    Ok(MemberLease {
        exchange,
        member,
        probe,
    })
}

/// One pool member's state, as `check`, metrics and summaries show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberStatus {
    /// The exchange id (lower case).
    pub exchange: String,
    /// The kinds of connection the member served or was chosen for.
    pub kinds: Vec<ConnectionKind>,
    /// The member's URL, redacted.
    pub member: String,
    /// False while out (after a proxy-stage failure, until a probe gets through).
    pub up: bool,
    /// Open WebSockets plus in-flight requests through it now.
    pub load: usize,
    /// Connections and requests it was chosen for, in all.
    pub used: u64,
    /// Proxy-stage failures, in all.
    pub failures: u64,
}

/// The state of every pool member used so far, sorted by exchange and member.
#[must_use]
pub fn member_statuses() -> Vec<MemberStatus> {
    let registry = registry();
    let mut statuses: Vec<MemberStatus> = registry
        .members
        .iter()
        .map(|((exchange, member), state)| MemberStatus {
            exchange: exchange.to_string(),
            kinds: state.kinds.iter().copied().collect(),
            member: member.url().to_string(),
            up: state.out_until.is_none(),
            load: state.load,
            used: state.used,
            failures: state.failures,
        })
        .collect();
    statuses.sort_by(|a, b| (&a.exchange, &a.member).cmp(&(&b.exchange, &b.member)));
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(url: &str) -> ProxyConfig {
        ProxyConfig::new(url).unwrap()
    }

    fn pool(urls: &[&str]) -> ProxyPool {
        ProxyPool::new(urls.iter().map(|url| proxy(url)).collect()).unwrap()
    }

    fn refused() -> ConnectStage {
        ConnectStage::ProxyConnect("connection refused".into())
    }

    #[test]
    fn least_loaded_first_ties_round_robin() {
        let pool = pool(&["socks5://a:1", "socks5://b:2", "socks5://c:3"]);
        let ws = ConnectionKind::Websocket;
        let leases: Vec<MemberLease> = (0..6)
            .map(|_| choose("t-rr", ws, &pool, &[]).unwrap())
            .collect();
        let names: Vec<String> = leases
            .iter()
            .map(|lease| lease.member().url().to_string())
            .collect();
        assert_eq!(
            names,
            ["socks5://a:1", "socks5://b:2", "socks5://c:3"].repeat(2)
        );
        // b's two connections close: b is the least loaded now, twice over.
        let (b, _others): (Vec<MemberLease>, Vec<MemberLease>) = leases
            .into_iter()
            .partition(|lease| lease.member() == &proxy("socks5://b:2"));
        drop(b);
        let mut kept = Vec::new();
        for _ in 0..2 {
            let next = choose("t-rr", ws, &pool, &[]).unwrap();
            assert_eq!(next.member().url().to_string(), "socks5://b:2");
            kept.push(next);
        }
    }

    #[test]
    fn the_load_is_released_on_drop() {
        let pool = pool(&["socks5://a:1", "socks5://b:2"]);
        let lease = choose("t-drop", ConnectionKind::Http, &pool, &[]).unwrap();
        let load = |member: &str| {
            member_statuses()
                .into_iter()
                .find(|s| s.exchange == "t-drop" && s.member == member)
                .map(|s| s.load)
        };
        assert_eq!(load("socks5://a:1"), Some(1));
        drop(lease);
        assert_eq!(load("socks5://a:1"), Some(0));
    }

    #[tokio::test]
    async fn a_failed_member_goes_out_and_all_out_is_an_error() {
        let pool = pool(&["socks5://a:1", "socks5://b:2"]);
        let ws = ConnectionKind::Websocket;
        let mut first = choose("t-out", ws, &pool, &[]).unwrap();
        assert!(first.failed(&refused()));
        // a is out: every new connection goes to b.
        for _ in 0..3 {
            let lease = choose("t-out", ws, &pool, &[]).unwrap();
            assert_eq!(lease.member().url().to_string(), "socks5://b:2");
        }
        let mut second = choose("t-out", ws, &pool, &[]).unwrap();
        assert!(second.failed(&ConnectStage::Timeout {
            during: "connecting to and negotiating with the proxy",
            after: Duration::from_secs(1),
        }));
        let all_out = choose("t-out", ws, &pool, &[]).unwrap_err();
        assert!(all_out.next_probe_in <= FIRST_BACKOFF, "{all_out:?}");
        let statuses: Vec<bool> = member_statuses()
            .into_iter()
            .filter(|s| s.exchange == "t-out")
            .map(|s| s.up)
            .collect();
        assert_eq!(statuses, [false, false]);
    }

    #[tokio::test]
    async fn a_failure_behind_a_healthy_proxy_keeps_the_member_in() {
        let pool = pool(&["socks5://a:1", "socks5://b:2"]);
        let mut lease = choose("t-behind", ConnectionKind::Http, &pool, &[]).unwrap();
        for stage in [
            ConnectStage::TunnelRefused("host unreachable".into()),
            ConnectStage::Tls("bad certificate".into()),
            ConnectStage::WebSocketHandshake("HTTP 404".into()),
        ] {
            assert!(!lease.failed(&stage), "{stage}");
        }
        assert!(member_statuses()
            .iter()
            .filter(|s| s.exchange == "t-behind")
            .all(|s| s.up));
    }

    #[tokio::test(start_paused = true)]
    async fn an_out_member_is_probed_after_its_backoff_and_backs_off_longer_on_failure() {
        let pool = pool(&["socks5://a:1", "socks5://b:2"]);
        let ws = ConnectionKind::Websocket;
        let _b = choose("t-probe", ws, &pool, &["socks5://a:1"].map(proxy)).unwrap();
        let mut a = choose("t-probe", ws, &pool, &[]).unwrap();
        assert_eq!(a.member(), &proxy("socks5://a:1"));
        a.failed(&refused());
        drop(a);
        tokio::time::advance(Duration::from_millis(999)).await;
        assert_eq!(
            choose("t-probe", ws, &pool, &[]).unwrap().member(),
            &proxy("socks5://b:2")
        );
        tokio::time::advance(Duration::from_millis(1)).await;
        let mut probe = choose("t-probe", ws, &pool, &[]).unwrap();
        assert_eq!(probe.member(), &proxy("socks5://a:1"));
        assert!(probe.is_probe());
        // One probe at a time: meanwhile b takes the connections.
        assert_eq!(
            choose("t-probe", ws, &pool, &[]).unwrap().member(),
            &proxy("socks5://b:2")
        );
        probe.failed(&refused());
        drop(probe);
        // Out again, for 2 s now.
        tokio::time::advance(Duration::from_millis(1999)).await;
        assert_eq!(
            choose("t-probe", ws, &pool, &[]).unwrap().member(),
            &proxy("socks5://b:2")
        );
        tokio::time::advance(Duration::from_millis(1)).await;
        let mut probe = choose("t-probe", ws, &pool, &[]).unwrap();
        assert!(probe.is_probe());
        probe.proxy_stage_passed();
        drop(probe);
        let status = member_statuses()
            .into_iter()
            .find(|s| s.exchange == "t-probe" && s.member == "socks5://a:1")
            .unwrap();
        assert!(status.up);
        assert_eq!(status.failures, 2);
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let mut backoff = Duration::ZERO;
        let mut seen = Vec::new();
        for _ in 0..8 {
            backoff = next_backoff(backoff);
            seen.push(backoff.as_secs());
        }
        assert_eq!(seen, [1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[tokio::test]
    async fn a_pool_of_one_is_always_tried() {
        let pool = pool(&["socks5://only:1"]);
        let mut lease = choose("t-one", ConnectionKind::Http, &pool, &[]).unwrap();
        assert!(lease.failed(&refused()));
        drop(lease);
        assert!(choose("t-one", ConnectionKind::Http, &pool, &[]).is_ok());
    }

    #[test]
    fn pacing_breaks_ties_in_load_before_round_robin() {
        let pool = pool(&["socks5://a:1", "socks5://b:2"]);
        let lease = choose_with("t-wait", ConnectionKind::Websocket, &pool, &[], |member| {
            if member == &proxy("socks5://a:1") {
                Duration::from_secs(5)
            } else {
                Duration::ZERO
            }
        })
        .unwrap();
        assert_eq!(lease.member(), &proxy("socks5://b:2"));
    }
}
