//! TCP connections with TCP_NODELAY, racing the resolved addresses as Happy Eyeballs
//! (RFC 8305) does: IPv6 and IPv4 addresses interleaved, a new attempt started every
//! [`ATTEMPT_DELAY`] (or as soon as one fails), each attempt bounded by
//! [`PER_ADDRESS_TIMEOUT`], the first to connect wins. An address that swallows the
//! connection attempt no longer holds up the others.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::net::TcpStream;

use super::error::ConnectStage;

/// RFC 8305's recommended delay before racing the next address.
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// The longest one address may take to accept.
pub const PER_ADDRESS_TIMEOUT: Duration = Duration::from_secs(5);

/// Resolves `host` here (an IP address is taken as is).
///
/// # Errors
/// [`ConnectStage::Resolve`] when the name does not resolve.
pub async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ConnectStage> {
    let resolve_error = |detail: String| ConnectStage::Resolve {
        host: host.to_owned(),
        detail,
    };
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|error| resolve_error(error.to_string()))?
        .collect();
    if addresses.is_empty() {
        return Err(resolve_error("no addresses".into()));
    }
    Ok(interleave(&addresses))
}

/// The addresses in RFC 8305 order: families alternating, starting with the family of the
/// first address the resolver gave, each family's order kept; duplicates dropped.
#[must_use]
pub fn interleave(addresses: &[SocketAddr]) -> Vec<SocketAddr> {
    let mut unique: Vec<SocketAddr> = Vec::with_capacity(addresses.len());
    for address in addresses {
        if !unique.contains(address) {
            unique.push(*address);
        }
    }
    let first_is_v6 = unique.first().is_some_and(SocketAddr::is_ipv6);
    let (mut first, mut second): (Vec<_>, Vec<_>) = unique
        .into_iter()
        .partition(|address| address.is_ipv6() == first_is_v6);
    let mut ordered = Vec::with_capacity(first.len() + second.len());
    first.reverse();
    second.reverse();
    while let Some(address) = first.pop() {
        ordered.push(address);
        if let Some(other) = second.pop() {
            ordered.push(other);
        }
    }
    ordered.extend(second.into_iter().rev());
    ordered
}

async fn attempt(address: SocketAddr, limit: Duration) -> Result<TcpStream, String> {
    match tokio::time::timeout(limit, TcpStream::connect(address)).await {
        Ok(Ok(stream)) => {
            stream
                .set_nodelay(true)
                .map_err(|error| format!("setting TCP_NODELAY: {error}"))?;
            Ok(stream)
        }
        Ok(Err(error)) => Err(format!("{address}: {error}")),
        Err(_) => Err(format!(
            "{address}: no answer within {}s",
            limit.as_secs_f64()
        )),
    }
}

/// Connects to the first of `addresses` (in the given order) to accept, racing them as the
/// module docs say, with TCP_NODELAY set.
///
/// # Errors
/// Every attempt's error, as text, when none connected.
pub async fn connect_any(addresses: &[SocketAddr]) -> Result<TcpStream, String> {
    race(addresses, ATTEMPT_DELAY, PER_ADDRESS_TIMEOUT).await
}

/// [`connect_any`] with explicit timings.
///
/// # Errors
/// As [`connect_any`].
pub async fn race(
    addresses: &[SocketAddr],
    delay: Duration,
    per_address: Duration,
) -> Result<TcpStream, String> {
    let mut pending = addresses.iter().copied();
    let mut running = FuturesUnordered::new();
    let mut errors: Vec<String> = Vec::new();
    match pending.next() {
        Some(address) => running.push(attempt(address, per_address)),
        None => return Err("no addresses".into()),
    }
    loop {
        let next_start = tokio::time::sleep(delay);
        tokio::pin!(next_start);
        tokio::select! {
            outcome = running.next() => match outcome {
                Some(Ok(stream)) => return Ok(stream),
                Some(Err(error)) => {
                    errors.push(error);
                    // A failure starts the next attempt at once.
                    if let Some(address) = pending.next() {
                        running.push(attempt(address, per_address));
                    } else if running.is_empty() {
                        return Err(errors.join("; "));
                    }
                }
                None => return Err(errors.join("; ")),
            },
            () = &mut next_start, if pending.len() > 0 => {
                if let Some(address) = pending.next() {
                    running.push(attempt(address, per_address));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::{TcpListener, TcpSocket};

    #[test]
    fn families_alternate_starting_with_the_first() {
        let addresses: Vec<SocketAddr> = [
            "[::1]:1",
            "[::2]:1",
            "[::3]:1",
            "127.0.0.1:1",
            "127.0.0.2:1",
            "[::1]:1",
        ]
        .iter()
        .map(|text| text.parse().unwrap())
        .collect();
        let ordered: Vec<String> = interleave(&addresses)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            ordered,
            [
                "[::1]:1",
                "127.0.0.1:1",
                "[::2]:1",
                "127.0.0.2:1",
                "[::3]:1"
            ]
        );
        let v4_first: Vec<SocketAddr> =
            vec!["127.0.0.1:1".parse().unwrap(), "[::1]:1".parse().unwrap()];
        assert_eq!(interleave(&v4_first), v4_first);
    }

    /// A loopback address whose accept queue is full: connection attempts hang.
    async fn blackhole() -> (TcpListener, Vec<TcpStream>, SocketAddr) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(0).unwrap();
        let address = listener.local_addr().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..4 {
            if let Ok(Ok(stream)) =
                tokio::time::timeout(Duration::from_millis(100), TcpStream::connect(address)).await
            {
                fillers.push(stream);
            }
        }
        (listener, fillers, address)
    }

    #[tokio::test]
    async fn an_address_that_swallows_the_attempt_does_not_hold_up_the_next() {
        let (_hole, _fillers, swallowing) = blackhole().await;
        let good = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let good_address = good.local_addr().unwrap();
        let started = std::time::Instant::now();
        let stream = race(
            &[swallowing, good_address],
            Duration::from_millis(100),
            Duration::from_secs(30),
        )
        .await
        .expect("the second address connects");
        assert_eq!(stream.peer_addr().unwrap(), good_address);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "raced, not waited out"
        );
    }

    #[tokio::test]
    async fn every_failure_is_named_and_each_attempt_is_bounded() {
        let (_hole, _fillers, swallowing) = blackhole().await;
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let error = race(
            &[closed, swallowing],
            Duration::from_millis(50),
            Duration::from_millis(300),
        )
        .await
        .unwrap_err();
        assert!(error.contains(&format!("{closed}: ")), "{error}");
        assert!(
            error.contains(&format!("{swallowing}: no answer within 0.3s")),
            "{error}"
        );
    }
}
