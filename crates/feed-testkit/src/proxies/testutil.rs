//! Helpers for the launcher tests: a loopback target server and hand-written
//! SOCKS4/4a, SOCKS5 and HTTP CONNECT client handshakes over std::net.

use std::error::Error;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use super::{live_group_members, ProxyServer};

pub(crate) type TestResult = Result<(), Box<dyn Error>>;

const IO_TIMEOUT: Duration = Duration::from_secs(5);

fn fail(msg: impl Into<String>) -> Box<dyn Error> {
    msg.into().into()
}

fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// A plain TCP server on 127.0.0.1 standing in for an exchange.
pub(crate) struct Target {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Target {
    pub(crate) fn new() -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        Ok(Target { listener, addr })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Accepts the next connection (waiting at most [`IO_TIMEOUT`]).
    pub(crate) fn accept(&self) -> Result<(TcpStream, SocketAddr), Box<dyn Error>> {
        let deadline = Instant::now() + IO_TIMEOUT;
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    stream.set_nonblocking(false)?;
                    stream.set_read_timeout(Some(IO_TIMEOUT))?;
                    stream.set_write_timeout(Some(IO_TIMEOUT))?;
                    return Ok((stream, peer));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(fail("the target saw no connection"));
                    }
                    thread::sleep(Duration::from_millis(10));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Accepts the proxied connection, checks that it comes from `egress`,
    /// and sends a few bytes each way through the tunnel.
    pub(crate) fn expect_tunnel(
        &self,
        tunnel: TcpStream,
        egress: Ipv4Addr,
        proxy: &ProxyServer,
    ) -> TestResult {
        self.expect_tunnel_kept(tunnel, egress, proxy).map(drop)
    }

    /// [`Target::expect_tunnel`], returning both ends still open.
    pub(crate) fn expect_tunnel_kept(
        &self,
        mut tunnel: TcpStream,
        egress: Ipv4Addr,
        proxy: &ProxyServer,
    ) -> Result<(TcpStream, TcpStream), Box<dyn Error>> {
        let (mut far_end, peer) = self.accept()?;
        if peer.ip() != IpAddr::V4(egress) {
            return Err(fail(format!(
                "target saw peer {peer}, expected egress {egress}; proxy log:\n{}",
                proxy.log()
            )));
        }
        tunnel.write_all(b"ping")?;
        let mut buf = [0u8; 4];
        far_end.read_exact(&mut buf)?;
        assert_eq!(&buf, b"ping");
        far_end.write_all(b"pong")?;
        tunnel.read_exact(&mut buf)?;
        assert_eq!(&buf, b"pong");
        Ok((tunnel, far_end))
    }
}

/// Both ends of a tunnel see it closed (EOF or reset), not a timeout.
pub(crate) fn assert_tunnel_broken(mut tunnel: TcpStream, mut far_end: TcpStream) -> TestResult {
    for (name, stream) in [("client", &mut tunnel), ("target", &mut far_end)] {
        let mut buf = [0u8; 16];
        match stream.read(&mut buf) {
            Ok(0) => {}
            Ok(n) => return Err(fail(format!("{name} end read {n} bytes after stop"))),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(fail(format!("{name} end still open after stop")))
            }
            Err(_) => {} // reset: broken, as expected
        }
    }
    Ok(())
}

/// No live process is left in process group `pgid` (a daemon started in
/// its own group).
pub(crate) fn assert_no_leftovers(pgid: u32) -> TestResult {
    let left = live_group_members(pgid);
    if left.is_empty() {
        Ok(())
    } else {
        Err(fail(format!("processes left in group {pgid}: {left:?}")))
    }
}

/// The process `pid` no longer exists (or is a zombie awaiting init).
pub(crate) fn assert_gone(pid: u32) -> TestResult {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => Ok(()),
        Ok(stat) => {
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next());
            if state == Some("Z") {
                Ok(())
            } else {
                Err(fail(format!("process {pid} still alive: {stat}")))
            }
        }
    }
}

/// Attaches the proxy's log to a handshake error, for failure messages.
pub(crate) trait WithLog<T> {
    fn with_log(self, proxy: &ProxyServer) -> Result<T, Box<dyn Error>>;
}

impl<T> WithLog<T> for Result<T, HandshakeError> {
    fn with_log(self, proxy: &ProxyServer) -> Result<T, Box<dyn Error>> {
        self.map_err(|e| fail(format!("{e}; proxy log:\n{}", proxy.log())))
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Socks5Auth<'a> {
    None,
    UserPass(&'a str, &'a str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Socks5Target<'a> {
    Addr(SocketAddr),
    Domain(&'a str, u16),
}

/// How a SOCKS or CONNECT handshake failed.
#[derive(Debug)]
pub(crate) enum HandshakeError {
    /// SOCKS5 server accepted none of the offered methods (0xFF).
    NoAcceptableMethod,
    /// SOCKS5 username/password sub-negotiation failed with this status.
    AuthRejected(u8),
    /// The server refused the CONNECT with this reply code.
    Refused(u16),
    Protocol(String),
    Io(io::Error),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::NoAcceptableMethod => f.write_str("no acceptable SOCKS5 method"),
            HandshakeError::AuthRejected(s) => write!(f, "authentication rejected (status {s})"),
            HandshakeError::Refused(code) => write!(f, "connect refused (reply {code})"),
            HandshakeError::Protocol(m) => write!(f, "protocol error: {m}"),
            HandshakeError::Io(e) => write!(f, "i/o error: {e}"),
        }
    }
}

impl Error for HandshakeError {}

impl From<io::Error> for HandshakeError {
    fn from(e: io::Error) -> Self {
        HandshakeError::Io(e)
    }
}

/// SOCKS5 (RFC 1928/1929) CONNECT through `proxy`.
pub(crate) fn socks5_connect(
    proxy: SocketAddr,
    auth: Socks5Auth<'_>,
    target: Socks5Target<'_>,
) -> Result<TcpStream, HandshakeError> {
    let mut s = connect(proxy)?;
    let method = match auth {
        Socks5Auth::None => 0x00,
        Socks5Auth::UserPass(..) => 0x02,
    };
    s.write_all(&[5, 1, method])?;
    let mut reply = [0u8; 2];
    s.read_exact(&mut reply)?;
    if reply[0] != 5 {
        return Err(HandshakeError::Protocol(format!("method reply {reply:?}")));
    }
    if reply[1] == 0xFF {
        return Err(HandshakeError::NoAcceptableMethod);
    }
    if reply[1] != method {
        return Err(HandshakeError::Protocol(format!(
            "unexpected method {}",
            reply[1]
        )));
    }
    if let Socks5Auth::UserPass(user, pass) = auth {
        let mut msg = vec![1, u8::try_from(user.len()).unwrap_or(u8::MAX)];
        msg.extend_from_slice(user.as_bytes());
        msg.push(u8::try_from(pass.len()).unwrap_or(u8::MAX));
        msg.extend_from_slice(pass.as_bytes());
        s.write_all(&msg)?;
        s.read_exact(&mut reply)?;
        if reply[1] != 0 {
            return Err(HandshakeError::AuthRejected(reply[1]));
        }
    }
    let mut req = vec![5, 1, 0];
    match target {
        Socks5Target::Addr(SocketAddr::V4(a)) => {
            req.push(1);
            req.extend_from_slice(&a.ip().octets());
            req.extend_from_slice(&a.port().to_be_bytes());
        }
        Socks5Target::Addr(SocketAddr::V6(a)) => {
            req.push(4);
            req.extend_from_slice(&a.ip().octets());
            req.extend_from_slice(&a.port().to_be_bytes());
        }
        Socks5Target::Domain(host, port) => {
            req.push(3);
            req.push(u8::try_from(host.len()).unwrap_or(u8::MAX));
            req.extend_from_slice(host.as_bytes());
            req.extend_from_slice(&port.to_be_bytes());
        }
    }
    s.write_all(&req)?;
    let mut head = [0u8; 4];
    s.read_exact(&mut head)?;
    if head[0] != 5 {
        return Err(HandshakeError::Protocol(format!("connect reply {head:?}")));
    }
    if head[1] != 0 {
        return Err(HandshakeError::Refused(u16::from(head[1])));
    }
    let rest = match head[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut len = [0u8; 1];
            s.read_exact(&mut len)?;
            usize::from(len[0]) + 2
        }
        t => return Err(HandshakeError::Protocol(format!("address type {t}"))),
    };
    let mut bound = vec![0u8; rest];
    s.read_exact(&mut bound)?;
    Ok(s)
}

/// SOCKS4 CONNECT to `target`, or SOCKS4a to `hostname`:`target.port()`
/// when a hostname is given (the proxy resolves it).
pub(crate) fn socks4_connect(
    proxy: SocketAddr,
    target: SocketAddr,
    hostname: Option<&str>,
) -> Result<TcpStream, HandshakeError> {
    let SocketAddr::V4(v4) = target else {
        return Err(HandshakeError::Protocol("SOCKS4 needs IPv4".into()));
    };
    let mut s = connect(proxy)?;
    let mut req = vec![4, 1];
    req.extend_from_slice(&v4.port().to_be_bytes());
    match hostname {
        Some(_) => req.extend_from_slice(&[0, 0, 0, 1]),
        None => req.extend_from_slice(&v4.ip().octets()),
    }
    req.extend_from_slice(b"feed-testkit\0");
    if let Some(host) = hostname {
        req.extend_from_slice(host.as_bytes());
        req.push(0);
    }
    s.write_all(&req)?;
    let mut reply = [0u8; 8];
    s.read_exact(&mut reply)?;
    if reply[0] != 0 {
        return Err(HandshakeError::Protocol(format!("reply {reply:?}")));
    }
    if reply[1] != 0x5A {
        return Err(HandshakeError::Refused(u16::from(reply[1])));
    }
    Ok(s)
}

/// HTTP `CONNECT authority` through `proxy`, with Basic credentials if
/// given. Returns the tunnel on 200, `Refused(status)` otherwise.
pub(crate) fn http_connect(
    proxy: SocketAddr,
    authority: &str,
    credentials: Option<(&str, &str)>,
) -> Result<TcpStream, HandshakeError> {
    let mut s = connect(proxy)?;
    let mut req = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some((user, pass)) = credentials {
        let token = base64(format!("{user}:{pass}").as_bytes());
        req.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    // Read byte by byte up to the blank line, so no tunnel data is consumed.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte)? == 0 {
            return Err(HandshakeError::Protocol(format!(
                "connection closed in response head: {:?}",
                String::from_utf8_lossy(&head)
            )));
        }
        head.push(byte[0]);
        if head.len() > 64 * 1024 {
            return Err(HandshakeError::Protocol("response head too long".into()));
        }
    }
    let head = String::from_utf8_lossy(&head);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| HandshakeError::Protocol(format!("bad status line in {head:?}")))?;
    if status == 200 {
        Ok(s)
    } else {
        Err(HandshakeError::Refused(status))
    }
}

fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_rfc4648_vectors() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foob"), "Zm9vYg==");
    assert_eq!(base64(b"alice:s3cret"), "YWxpY2U6czNjcmV0");
}
