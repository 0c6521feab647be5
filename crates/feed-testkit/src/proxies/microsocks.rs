//! microsocks (Debian package microsocks): a tiny SOCKS5-only server with
//! username/password authentication (RFC 1929).
//!
//! It has no config file; the command line is
//!
//! ```text
//! microsocks -i 127.0.0.1 -p <P> -u <user> -P <password> -b <egress>
//! ```
//!
//! `-i`/`-p` are the listening address, `-u`/`-P` make username/password the
//! only accepted method (clients offering only "no authentication" get
//! 0xFF, a wrong password gets status 1), and `-b` binds outgoing
//! connections to the egress address. It stays in the foreground, is a
//! single multi-threaded process, and logs one line per connection to
//! stderr, which goes to `microsocks.log`. It cannot restrict destinations:
//! only point it at loopback targets. It does not speak SOCKS4.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};

use super::{
    ensure_loopback, find_binary, free_port, launch, temp_dir, DaemonSpec, Prepared, ProxyError,
    ProxyKind, ProxyServer, Readiness,
};

/// Starts `microsocks` on a free port of 127.0.0.1, requiring `user` and
/// `password` and connecting out from `egress` (use e.g.
/// [`super::MICROSOCKS_EGRESS`], 127.0.0.4). [`ProxyServer::url`] includes
/// the credentials.
///
/// `user` and `password` must each be 1 to 255 bytes (the RFC 1929 limit)
/// without NUL. They are visible in the process list, which is fine for
/// throwaway test credentials.
pub fn start_microsocks(
    user: &str,
    password: &str,
    egress: Ipv4Addr,
) -> Result<ProxyServer, ProxyError> {
    ensure_loopback("microsocks egress (-b) address", egress)?;
    for (what, value) in [("username", user), ("password", password)] {
        if value.is_empty() || value.len() > 255 || value.contains('\0') {
            return Err(ProxyError::InvalidCredentials {
                proxy: ProxyKind::Microsocks,
                reason: format!("the {what} must be 1 to 255 bytes without NUL"),
            });
        }
    }
    let microsocks = find_binary("microsocks", "microsocks")?;
    launch(|| {
        let dir = temp_dir("microsocks")?;
        let port = free_port()?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let log = dir.path().join("microsocks.log");
        let args: Vec<OsString> = vec![
            "-i".into(),
            "127.0.0.1".into(),
            "-p".into(),
            port.to_string().into(),
            "-u".into(),
            user.into(),
            "-P".into(),
            password.into(),
            "-b".into(),
            egress.to_string().into(),
        ];
        Ok(Prepared {
            kind: ProxyKind::Microsocks,
            addr,
            egress,
            credentials: Some((user.to_owned(), password.to_owned())),
            config: None,
            logs: vec![log.clone()],
            daemons: vec![DaemonSpec {
                process: "microsocks",
                program: microsocks.clone(),
                args,
                output_log: log,
                ready: Readiness::Accepts(addr),
                listen: addr,
                own_process_group: false,
            }],
            dir,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_gone, assert_tunnel_broken, socks5_connect, HandshakeError, Socks5Auth,
        Socks5Target, Target, TestResult, WithLog,
    };
    use super::super::MICROSOCKS_EGRESS;
    use super::*;

    #[test]
    fn authenticated_socks5_reaches_the_target_from_the_egress_address() -> TestResult {
        let proxy = start_microsocks("alice", "s3cret", MICROSOCKS_EGRESS)?;
        assert_eq!(
            proxy.url("socks5h"),
            format!("socks5h://alice:s3cret@{}", proxy.addr())
        );
        assert_eq!(proxy.credentials(), Some(("alice", "s3cret")));
        let target = Target::new()?;

        let tunnel = socks5_connect(
            proxy.addr(),
            Socks5Auth::UserPass("alice", "s3cret"),
            Socks5Target::Addr(target.addr()),
        )
        .with_log(&proxy)?;
        target.expect_tunnel(tunnel, MICROSOCKS_EGRESS, &proxy)?;

        let tunnel = socks5_connect(
            proxy.addr(),
            Socks5Auth::UserPass("alice", "s3cret"),
            Socks5Target::Domain("localhost", target.addr().port()),
        )
        .with_log(&proxy)?;
        target.expect_tunnel(tunnel, MICROSOCKS_EGRESS, &proxy)?;
        Ok(())
    }

    #[test]
    fn wrong_or_missing_credentials_are_rejected() -> TestResult {
        let proxy = start_microsocks("alice", "s3cret", MICROSOCKS_EGRESS)?;
        let target = Socks5Target::Addr(proxy.addr()); // never reached
        let wrong = socks5_connect(proxy.addr(), Socks5Auth::UserPass("alice", "wrong"), target);
        assert!(
            matches!(wrong, Err(HandshakeError::AuthRejected(s)) if s != 0),
            "{wrong:?}"
        );
        let none = socks5_connect(proxy.addr(), Socks5Auth::None, target);
        assert!(
            matches!(none, Err(HandshakeError::NoAcceptableMethod)),
            "{none:?}"
        );
        Ok(())
    }

    #[test]
    fn invalid_credentials_are_an_error() {
        let err = start_microsocks("", "x", MICROSOCKS_EGRESS).expect_err("empty user");
        assert!(
            matches!(err, ProxyError::InvalidCredentials { .. }),
            "{err}"
        );
    }

    #[test]
    fn stop_breaks_tunnels_and_restart_serves_on_the_same_port() -> TestResult {
        let mut proxy = start_microsocks("bob", "hunter2", MICROSOCKS_EGRESS)?;
        let addr = proxy.addr();
        let target = Target::new()?;
        let auth = Socks5Auth::UserPass("bob", "hunter2");
        let tunnel =
            socks5_connect(addr, auth, Socks5Target::Addr(target.addr())).with_log(&proxy)?;
        let (tunnel, far_end) = target.expect_tunnel_kept(tunnel, MICROSOCKS_EGRESS, &proxy)?;

        let pid = proxy.pids()[0];
        proxy.stop()?;
        assert!(!proxy.is_running());
        assert_gone(pid)?;
        assert_tunnel_broken(tunnel, far_end)?;

        proxy.restart()?;
        assert_eq!(proxy.addr(), addr);
        let tunnel =
            socks5_connect(addr, auth, Socks5Target::Addr(target.addr())).with_log(&proxy)?;
        target.expect_tunnel(tunnel, MICROSOCKS_EGRESS, &proxy)?;
        assert!(proxy.log().contains("microsocks.log"));
        Ok(())
    }
}
