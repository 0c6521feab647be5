//! The byte streams a connection is built from: to the proxy (plain or TLS), then to the
//! exchange (plain or TLS inside the tunnel). Enums, not trait objects, so the hot read
//! path has no dynamic dispatch.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::pool::MemberLease;

/// A stream to the first hop: the exchange itself (direct) or the proxy. After a tunnel is
/// set up, the bytes on it are the exchange's.
#[derive(Debug)]
pub enum HopStream {
    /// Plain TCP (direct, SOCKS, `http://` proxies).
    Tcp(TcpStream),
    /// TLS to an `https://` proxy.
    Tls(Box<TlsStream<TcpStream>>),
}

/// A stream to the exchange: plain (`ws://`, `http://`) or TLS (`wss://`, `https://`) over
/// whatever hop carries it; through a pool member it carries the member's lease (the
/// member's load counts it until the stream is dropped).
#[derive(Debug)]
pub struct ExchangeStream {
    io: ExchangeIo,
    lease: Option<MemberLease>,
}

/// The bytes of an [`ExchangeStream`]: plain or TLS to the exchange.
#[derive(Debug)]
pub enum ExchangeIo {
    /// No TLS to the exchange.
    Plain(HopStream),
    /// TLS to the exchange, with the exchange's name for SNI and certificate checks.
    Tls(Box<TlsStream<HopStream>>),
}

impl ExchangeStream {
    /// A stream with no lease (yet).
    #[must_use]
    pub fn new(io: ExchangeIo) -> Self {
        ExchangeStream { io, lease: None }
    }

    /// The bytes underneath.
    #[must_use]
    pub fn io(&self) -> &ExchangeIo {
        &self.io
    }

    /// Carries `lease` from now on (released when the stream is dropped).
    pub fn hold_lease(&mut self, lease: MemberLease) {
        self.lease = Some(lease);
    }

    /// The pool member lease this stream carries, if it went through a pool member.
    #[must_use]
    pub fn lease(&self) -> Option<&MemberLease> {
        self.lease.as_ref()
    }
}

macro_rules! delegate_io {
    ($type:ident, $($variant:ident),+) => {
        impl AsyncRead for $type {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $($type::$variant(inner) => Pin::new(inner).poll_read(cx, buf),)+
                }
            }
        }

        impl AsyncWrite for $type {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $($type::$variant(inner) => Pin::new(inner).poll_write(cx, buf),)+
                }
            }

            fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $($type::$variant(inner) => Pin::new(inner).poll_write_vectored(cx, bufs),)+
                }
            }

            fn is_write_vectored(&self) -> bool {
                match self {
                    $($type::$variant(inner) => inner.is_write_vectored(),)+
                }
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $($type::$variant(inner) => Pin::new(inner).poll_flush(cx),)+
                }
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $($type::$variant(inner) => Pin::new(inner).poll_shutdown(cx),)+
                }
            }
        }
    };
}

delegate_io!(HopStream, Tcp, Tls);
delegate_io!(ExchangeIo, Plain, Tls);

impl AsyncRead for ExchangeStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl AsyncWrite for ExchangeStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl hyper_util::client::legacy::connect::Connection for ExchangeStream {
    fn connected(&self) -> hyper_util::client::legacy::connect::Connected {
        hyper_util::client::legacy::connect::Connected::new()
    }
}
