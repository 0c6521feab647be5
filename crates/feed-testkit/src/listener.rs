//! A loopback TCP listener (optionally TLS) that records who connected and hands each
//! connection to a handler.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use rustls::ServerConfig;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// Any bidirectional stream a test server handles (plain TCP or TLS).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A boxed server-side stream.
pub type BoxedIo = Box<dyn Io>;

/// A boxed future returned by connection handlers.
pub type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A running loopback server: its address and the peers it has seen. Stops on drop.
pub struct LoopbackServer {
    address: SocketAddr,
    peers: Arc<Mutex<Vec<SocketAddr>>>,
    task: JoinHandle<()>,
}

impl LoopbackServer {
    /// Listens on `bind:0` (a loopback address), optionally speaking TLS, and runs `handler`
    /// for every connection (after the TLS handshake, when TLS is on).
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn start<H>(
        bind: IpAddr,
        tls: Option<Arc<ServerConfig>>,
        handler: H,
    ) -> std::io::Result<Self>
    where
        H: Fn(BoxedIo, SocketAddr) -> BoxFuture + Send + Sync + 'static,
    {
        assert!(
            bind.is_loopback(),
            "test servers bind loopback addresses only"
        );
        let listener = TcpListener::bind(SocketAddr::new(bind, 0)).await?;
        let address = listener.local_addr()?;
        let peers = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&peers);
        let handler = Arc::new(handler);
        let acceptor = tls.map(TlsAcceptor::from);
        let task = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                if let Ok(mut peers) = seen.lock() {
                    peers.push(peer);
                }
                let handler = Arc::clone(&handler);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let io: BoxedIo = match acceptor {
                        Some(acceptor) => match acceptor.accept(stream).await {
                            Ok(tls) => Box::new(tls),
                            Err(_) => return,
                        },
                        None => Box::new(stream),
                    };
                    handler(io, peer).await;
                });
            }
        });
        Ok(LoopbackServer {
            address,
            peers,
            task,
        })
    }

    /// The listening address.
    #[must_use]
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Every peer that connected, in order.
    #[must_use]
    pub fn peers(&self) -> Vec<SocketAddr> {
        self.peers
            .lock()
            .map(|peers| peers.clone())
            .unwrap_or_default()
    }

    /// The distinct IP addresses that connected.
    #[must_use]
    pub fn peer_ips(&self) -> Vec<IpAddr> {
        let mut ips: Vec<IpAddr> = self.peers().iter().map(SocketAddr::ip).collect();
        ips.sort();
        ips.dedup();
        ips
    }

    /// How many connections were accepted.
    #[must_use]
    pub fn connection_count(&self) -> usize {
        self.peers
            .lock()
            .map(|peers| peers.len())
            .unwrap_or_default()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
