//! Real proxy servers, started from their Debian packages on loopback, for
//! integration tests.
//!
//! Every launcher writes its configuration into a fresh temporary directory,
//! picks a free port on `127.0.0.1`, starts the daemon in the foreground with
//! its output sent to a log file in that directory, and waits (up to
//! [`READY_TIMEOUT`]) until the daemon accepts connections on it (and,
//! judged from `/proc`, the listening socket is the daemon's own rather than
//! that of a process which took the port in between), failing with the
//! daemon's log if it exits first or never gets there. If the daemon lost
//! the port race, the launcher retries with a fresh port. The returned
//! [`ProxyServer`] owns the daemon process(es): dropping it kills and reaps
//! them and removes the temporary directory. [`ProxyServer::stop`] and
//! [`ProxyServer::restart`] let fault-injection tests kill a proxy
//! mid-stream and bring it back on the same port with the same config.
//!
//! | launcher | daemon (Debian package) | speaks | egress seen by the target |
//! |---|---|---|---|
//! | [`start_dante`] | `danted` (dante-server) | SOCKS4, SOCKS5 (no SOCKS4a), no auth | the `egress` argument, e.g. [`DANTE_EGRESS`] |
//! | [`start_microsocks`] | `microsocks` (microsocks) | SOCKS5 with username/password | the `egress` argument, e.g. [`MICROSOCKS_EGRESS`] |
//! | [`start_tinyproxy`] | `tinyproxy` (tinyproxy) | HTTP CONNECT (and plain HTTP), optional Basic auth | [`TinyproxyOptions::egress`], default [`TINYPROXY_EGRESS`] |
//! | [`start_ssh_socks`] | `sshd` + `ssh -D` (openssh-server, openssh-client) | SOCKS4, SOCKS4a, SOCKS5, no auth | [`SSH_EGRESS`] |
//!
//! Only loopback addresses are ever used: every daemon listens on
//! `127.0.0.1`, every egress address must be in `127.0.0.0/8` (Linux answers
//! for the whole block on `lo`, so `127.0.0.2` etc. need no setup), and the
//! daemons that can restrict destinations are configured to allow loopback
//! targets only.
//!
//! Process hygiene: [`ProxyServer::stop`] and `Drop` SIGKILL the daemons
//! and reap them. Dante forks workers that outlive their parent, so it runs
//! in a process group of its own which is killed as a whole (through the
//! `kill` utility, since std has no safe group signal); its dead workers are
//! reaped by init. sshd is left a moment to reap its per-connection process
//! after the client is gone. A test process killed by a signal cannot run
//! `Drop`; its daemons then outlive it (Ctrl-C in a terminal still reaches
//! all of them except dante, which has a process group of its own).
//!
//! The launchers are synchronous (they block for at most a few hundred
//! milliseconds in the normal case); from an async test either call them
//! directly or through `tokio::task::spawn_blocking`.

mod daemon;
mod dante;
mod error;
mod logs;
mod microsocks;
mod server;
mod ssh;
mod system;
mod tinyproxy;

#[cfg(test)]
mod testutil;

use daemon::*;
pub use dante::start_dante;
pub use error::ProxyError;
use logs::*;
pub use microsocks::start_microsocks;
pub use server::ProxyServer;
pub use ssh::start_ssh_socks;
use system::*;
pub use tinyproxy::{start_tinyproxy, TinyproxyOptions};

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Egress (outgoing source) address conventionally given to [`start_dante`].
pub const DANTE_EGRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
/// Default egress address of [`start_tinyproxy`] ([`TinyproxyOptions::default`]).
pub const TINYPROXY_EGRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 3);
/// Egress address conventionally given to [`start_microsocks`].
pub const MICROSOCKS_EGRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 4);
/// Egress address of [`start_ssh_socks`]: sshd cannot choose the source
/// address of forwarded connections, so the kernel picks `127.0.0.1`.
pub const SSH_EGRESS: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// How long a launcher (or [`ProxyServer::restart`]) waits for a daemon to
/// accept connections before giving up.
pub const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`ProxyServer::stop`] waits for the listening ports to be free
/// again after killing the daemons.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// How long to let a killed-last process (sshd) reap its own children
/// before it is killed itself.
const CHILD_DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Poll interval while waiting for readiness or for a port to be released.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// A launcher retries with fresh ports this many times when the daemon
/// reports that its (just probed free) port was taken in the meantime.
const START_ATTEMPTS: u32 = 3;

/// At most this much of the logs is copied into an error message.
const LOG_EXCERPT_BYTES: usize = 16 * 1024;

/// Which daemon a [`ProxyServer`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyKind {
    /// `danted` from dante-server: SOCKS4 and SOCKS5 without authentication.
    Dante,
    /// `microsocks`: SOCKS5 with username/password authentication.
    Microsocks,
    /// `tinyproxy`: HTTP proxy with CONNECT, optional Basic auth.
    Tinyproxy,
    /// `sshd` plus `ssh -D`: the dynamic forward of an SSH client
    /// (SOCKS4/4a/5 without authentication).
    SshSocks,
}

impl ProxyKind {
    /// Short human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            ProxyKind::Dante => "dante",
            ProxyKind::Microsocks => "microsocks",
            ProxyKind::Tinyproxy => "tinyproxy",
            ProxyKind::SshSocks => "ssh -D",
        }
    }

    /// The URL scheme [`ProxyServer::proxy_url`] uses for this kind.
    pub fn default_scheme(self) -> &'static str {
        match self {
            ProxyKind::Tinyproxy => "http",
            ProxyKind::Dante | ProxyKind::Microsocks | ProxyKind::SshSocks => "socks5",
        }
    }
}

impl fmt::Display for ProxyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::server::percent_encode_userinfo;
    use super::*;

    #[test]
    fn missing_binary_names_the_package() {
        let err = find_binary("feed-testkit-no-such-daemon", "no-such-package")
            .expect_err("binary should not exist");
        assert_eq!(
            err.to_string(),
            "feed-testkit-no-such-daemon not found: install the Debian package \
             no-such-package (apt-get install no-such-package)"
        );
    }

    #[test]
    fn non_loopback_egress_is_rejected_before_anything_starts() {
        let outside = Ipv4Addr::new(192, 0, 2, 1);
        let err = start_dante(outside).expect_err("must refuse");
        assert!(matches!(err, ProxyError::NotLoopback { .. }), "{err}");
        let err = start_microsocks("u", "p", outside).expect_err("must refuse");
        assert!(matches!(err, ProxyError::NotLoopback { .. }), "{err}");
        let err =
            start_tinyproxy(TinyproxyOptions::new().egress(outside)).expect_err("must refuse");
        assert!(matches!(err, ProxyError::NotLoopback { .. }), "{err}");
    }

    #[test]
    fn userinfo_is_percent_encoded() {
        assert_eq!(percent_encode_userinfo("a-b.c_d~9"), "a-b.c_d~9");
        assert_eq!(
            percent_encode_userinfo("p@ss:w/rd é"),
            "p%40ss%3Aw%2Frd%20%C3%A9"
        );
    }

    /// A [`Prepared`] whose only daemon is `/bin/sh -c script`.
    fn shell_daemon(script: &str) -> Result<Prepared, ProxyError> {
        let dir = temp_dir("shell")?;
        let port = free_port()?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let log = dir.path().join("sh.log");
        Ok(Prepared {
            kind: ProxyKind::Dante,
            addr,
            egress: Ipv4Addr::LOCALHOST,
            credentials: None,
            config: None,
            logs: vec![log.clone()],
            daemons: vec![DaemonSpec {
                process: "sh",
                program: PathBuf::from("/bin/sh"),
                args: vec!["-c".into(), script.into()],
                output_log: log,
                ready: Readiness::Accepts(addr),
                listen: addr,
                own_process_group: false,
            }],
            dir,
        })
    }

    #[test]
    fn a_daemon_that_exits_reports_its_status_and_log() {
        let err = launch(|| shell_daemon("echo 'config error on line 3' >&2; exit 3"))
            .expect_err("sh exits");
        let message = err.to_string();
        assert!(matches!(err, ProxyError::Exited { .. }), "{message}");
        assert!(
            message.starts_with("sh exited (exit status: 3)"),
            "{message}"
        );
        assert!(message.contains("config error on line 3"), "{message}");
    }

    #[test]
    fn a_lost_port_race_is_retried_with_fresh_ports() {
        let mut attempts = 0;
        let err = launch(|| {
            attempts += 1;
            shell_daemon("echo 'bind: Address already in use'; exit 1")
        })
        .expect_err("always fails");
        assert!(err.is_address_in_use(), "{err}");
        assert_eq!(attempts, START_ATTEMPTS);
    }

    #[test]
    fn a_failed_restart_reports_the_log_and_leaves_the_proxy_stopped(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut proxy = start_microsocks("user", "pass", MICROSOCKS_EGRESS)?;
        proxy.stop()?;
        let squatter = TcpListener::bind(proxy.addr())?;
        let err = proxy.restart().expect_err("port is taken");
        assert!(matches!(err, ProxyError::Exited { .. }), "{err}");
        assert!(err.to_string().contains("Address already in use"), "{err}");
        assert!(!proxy.is_running());
        drop(squatter);
        proxy.restart()?;
        assert!(proxy.is_running());
        Ok(())
    }

    #[test]
    fn free_ports_are_distinct_loopback_ports() -> Result<(), ProxyError> {
        let [a, b] = free_ports::<2>()?;
        assert_ne!(a, b);
        assert_ne!(a, 0);
        Ok(())
    }
}
