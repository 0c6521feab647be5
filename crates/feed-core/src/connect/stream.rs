//! The byte streams a connection is built from: to the proxy (plain or TLS), then to the
//! exchange (plain or TLS inside the tunnel). Enums, not trait objects, so the hot read
//! path has no dynamic dispatch.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

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
/// whatever hop carries it.
#[derive(Debug)]
pub enum ExchangeStream {
    /// No TLS to the exchange.
    Plain(HopStream),
    /// TLS to the exchange, with the exchange's name for SNI and certificate checks.
    Tls(Box<TlsStream<HopStream>>),
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
delegate_io!(ExchangeStream, Plain, Tls);

impl hyper_util::client::legacy::connect::Connection for ExchangeStream {
    fn connected(&self) -> hyper_util::client::legacy::connect::Connected {
        hyper_util::client::legacy::connect::Connected::new()
    }
}
