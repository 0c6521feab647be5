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

mod dante;
mod microsocks;
mod ssh;
mod tinyproxy;

#[cfg(test)]
mod testutil;

pub use dante::start_dante;
pub use microsocks::start_microsocks;
pub use ssh::start_ssh_socks;
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

/// Why a proxy could not be started, stopped or restarted.
#[derive(Debug)]
pub enum ProxyError {
    /// The daemon's executable is not installed.
    BinaryNotFound {
        /// Executable name, e.g. `danted`.
        binary: &'static str,
        /// Debian package providing it, e.g. `dante-server`.
        package: &'static str,
    },
    /// A non-loopback address was passed where only `127.0.0.0/8` is allowed.
    NotLoopback {
        /// What the address was meant for.
        what: &'static str,
        /// The rejected address.
        addr: IpAddr,
    },
    /// A username or password the daemon cannot accept.
    InvalidCredentials {
        /// Which daemon.
        proxy: ProxyKind,
        /// What is wrong with it.
        reason: String,
    },
    /// A file-system or process operation failed.
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A helper command (e.g. `ssh-keygen`) failed.
    CommandFailed {
        /// The command line, for the message.
        command: String,
        /// Its exit status.
        status: ExitStatus,
        /// Its combined stdout and stderr.
        output: String,
    },
    /// The daemon exited before it accepted connections.
    Exited {
        /// Which process (`danted`, `sshd`, `ssh`, ...).
        process: &'static str,
        /// Its exit status.
        status: ExitStatus,
        /// The tail of the proxy's logs.
        log: String,
    },
    /// The daemon kept running but never became ready within [`READY_TIMEOUT`].
    NotReady {
        /// Which process.
        process: &'static str,
        /// What was awaited (a port accepting TCP, or a log line).
        waiting_for: String,
        /// The tail of the proxy's logs.
        log: String,
    },
    /// After [`ProxyServer::stop`] killed the daemons, their port stayed busy.
    PortStillInUse {
        /// The port that could not be bound again.
        addr: SocketAddr,
    },
}

impl ProxyError {
    fn io(context: impl Into<String>, source: io::Error) -> Self {
        ProxyError::Io {
            context: context.into(),
            source,
        }
    }

    /// True when the daemon failed because its port was taken, which can
    /// happen when another process grabs the port between the free-port
    /// probe and the daemon's own `bind`.
    fn is_address_in_use(&self) -> bool {
        match self {
            ProxyError::Exited { log, .. } | ProxyError::NotReady { log, .. } => {
                // tinyproxy does not print the errno, only this.
                log.contains("Address already in use")
                    || log.contains("Could not create listening sockets")
            }
            _ => false,
        }
    }
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyError::BinaryNotFound { binary, package } => write!(
                f,
                "{binary} not found: install the Debian package {package} (apt-get install {package})"
            ),
            ProxyError::NotLoopback { what, addr } => write!(
                f,
                "{what} must be a loopback address (127.0.0.0/8), got {addr}"
            ),
            ProxyError::InvalidCredentials { proxy, reason } => {
                write!(f, "invalid credentials for {proxy}: {reason}")
            }
            ProxyError::Io { context, source } => write!(f, "{context}: {source}"),
            ProxyError::CommandFailed {
                command,
                status,
                output,
            } => write!(f, "`{command}` failed ({status}):\n{output}"),
            ProxyError::Exited {
                process,
                status,
                log,
            } => write!(
                f,
                "{process} exited ({status}) before accepting connections; its log:\n{log}"
            ),
            ProxyError::NotReady {
                process,
                waiting_for,
                log,
            } => write!(
                f,
                "{process} did not become ready within {}s (waited for {waiting_for}); its log:\n{log}",
                READY_TIMEOUT.as_secs()
            ),
            ProxyError::PortStillInUse { addr } => write!(
                f,
                "{addr} was still in use {}s after the proxy was killed",
                STOP_TIMEOUT.as_secs()
            ),
        }
    }
}

impl std::error::Error for ProxyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProxyError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A running (or stopped) proxy daemon on loopback, owned by the test.
///
/// Dropping it kills and reaps its process(es) and deletes its temporary
/// directory (config, keys, logs); call [`ProxyServer::log`] first if the
/// logs are needed, e.g. in a failure message.
#[derive(Debug)]
pub struct ProxyServer {
    kind: ProxyKind,
    addr: SocketAddr,
    egress: Ipv4Addr,
    credentials: Option<(String, String)>,
    config: Option<PathBuf>,
    logs: Vec<PathBuf>,
    /// In start order; stopped in reverse order.
    daemons: Vec<Daemon>,
    /// Declared last so it is removed after the daemons are gone.
    dir: TempDir,
}

impl ProxyServer {
    /// Which daemon this is.
    pub fn kind(&self) -> ProxyKind {
        self.kind
    }

    /// The address clients connect to (`127.0.0.1:port`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port of [`ProxyServer::addr`].
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The source address the proxy's outgoing connections come from: what
    /// a target server sees as its peer.
    pub fn egress(&self) -> Ipv4Addr {
        self.egress
    }

    /// The username and password the proxy requires, if any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(user, pass)| (user.as_str(), pass.as_str()))
    }

    /// Proxy URL with the given scheme, including the credentials if the
    /// proxy requires some: `socks5://127.0.0.1:1080`,
    /// `http://user:pass@127.0.0.1:8888`. The scheme is not checked against
    /// what the daemon speaks, so tests can also build wrong URLs on purpose.
    pub fn url(&self, scheme: &str) -> String {
        match &self.credentials {
            Some((user, pass)) => format!(
                "{scheme}://{}:{}@{}",
                percent_encode_userinfo(user),
                percent_encode_userinfo(pass),
                self.addr
            ),
            None => self.url_without_credentials(scheme),
        }
    }

    /// Proxy URL without credentials even if the proxy requires some (to
    /// test that it rejects unauthenticated clients).
    pub fn url_without_credentials(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    /// [`ProxyServer::url`] with the kind's natural scheme
    /// ([`ProxyKind::default_scheme`]).
    pub fn proxy_url(&self) -> String {
        self.url(self.kind.default_scheme())
    }

    /// The temporary directory holding config, keys and logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The main configuration file (`None` for microsocks, which is
    /// configured by command-line arguments only).
    pub fn config_path(&self) -> Option<&Path> {
        self.config.as_deref()
    }

    /// Process ids of the running daemon processes (the direct children:
    /// dante's mother process, sshd's listener and the ssh client, ...).
    pub fn pids(&self) -> Vec<u32> {
        self.daemons
            .iter()
            .filter_map(|d| d.child.as_ref().map(Child::id))
            .collect()
    }

    /// True if every daemon process of this proxy is alive.
    pub fn is_running(&mut self) -> bool {
        !self.daemons.is_empty()
            && self.daemons.iter_mut().all(|d| match d.child.as_mut() {
                Some(child) => matches!(child.try_wait(), Ok(None)),
                None => false,
            })
    }

    /// All the proxy's log files concatenated, each under a `==> name <==`
    /// header. Logs survive [`ProxyServer::stop`] and `restart` (they are
    /// appended to), so they cover the proxy's whole life.
    pub fn log(&self) -> String {
        read_logs(&self.logs)
    }

    /// Kills the daemon process(es) with SIGKILL, so established
    /// connections through the proxy break at once (as in a crash), reaps
    /// them and waits until the listening port(s) can be bound again.
    /// Stopping a stopped proxy does nothing.
    pub fn stop(&mut self) -> Result<(), ProxyError> {
        let mut first_error = None;
        let mut killed = Vec::new();
        for daemon in self.daemons.iter_mut().rev() {
            if daemon.child.is_some() {
                killed.push(daemon.spec.listen);
            }
            if let Err(e) = daemon.kill() {
                first_error.get_or_insert(e);
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        for addr in killed {
            wait_port_free(addr)?;
        }
        Ok(())
    }

    /// Stops the proxy if it is running and starts it again with the same
    /// configuration on the same port(s), waiting until it is ready. On
    /// failure the proxy is left stopped and the error carries its log.
    pub fn restart(&mut self) -> Result<(), ProxyError> {
        self.stop()?;
        self.start_all()
    }

    fn start_all(&mut self) -> Result<(), ProxyError> {
        for i in 0..self.daemons.len() {
            let started = self.daemons[i].start();
            let ready = match started {
                Ok(offset) => self.wait_ready(i, offset),
                Err(e) => Err(e),
            };
            if let Err(e) = ready {
                for daemon in self.daemons.iter_mut().rev() {
                    // The startup error matters more than a cleanup error.
                    let _ = daemon.kill();
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// Polls daemon `i` until it is ready, it exits, or [`READY_TIMEOUT`].
    fn wait_ready(&mut self, i: usize, log_offset: u64) -> Result<(), ProxyError> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let daemon = &mut self.daemons[i];
            let process = daemon.spec.process;
            if let Some(status) = daemon.try_wait()? {
                // Reaps it and, for a process group, kills any workers left.
                let _ = daemon.kill();
                return Err(ProxyError::Exited {
                    process,
                    status,
                    log: log_excerpt(&self.logs),
                });
            }
            let ready = match &daemon.spec.ready {
                Readiness::Accepts(addr) => {
                    // Also make sure the listener is the daemon's, not a
                    // process that took the port after the free-port probe.
                    let pid = daemon.child.as_ref().map(Child::id);
                    TcpStream::connect_timeout(addr, Duration::from_millis(250)).is_ok()
                        && pid.and_then(|pid| owns_listener(pid, *addr)) != Some(false)
                }
                Readiness::LogContains(needle) => {
                    read_from(&daemon.spec.output_log, log_offset).contains(needle.as_str())
                }
            };
            // It may have exited during the checks.
            if ready && daemon.try_wait()?.is_none() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let waiting_for = daemon.spec.ready.to_string();
                let log = log_excerpt(&self.logs);
                // Kill it here so the log is complete before the caller's cleanup.
                let _ = daemon.kill();
                return Err(ProxyError::NotReady {
                    process,
                    waiting_for,
                    log,
                });
            }
            thread::sleep(POLL_INTERVAL);
        }
    }
}

impl Drop for ProxyServer {
    fn drop(&mut self) {
        for daemon in self.daemons.iter_mut().rev() {
            // Nothing useful can be done with an error while dropping.
            let _ = daemon.kill();
        }
    }
}

/// When a daemon counts as started.
#[derive(Debug, Clone)]
pub(crate) enum Readiness {
    /// The address accepts a TCP connection.
    Accepts(SocketAddr),
    /// The daemon's output (since this start) contains the text. Used for
    /// sshd, so that no probe connection counts against it as a client
    /// that never authenticated.
    LogContains(String),
}

impl fmt::Display for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Readiness::Accepts(addr) => write!(f, "{addr} to accept TCP connections"),
            Readiness::LogContains(needle) => write!(f, "the log line {needle:?}"),
        }
    }
}

/// How to run one daemon process.
#[derive(Debug, Clone)]
pub(crate) struct DaemonSpec {
    /// Name for messages (`danted`, `sshd`, `ssh`, ...).
    pub(crate) process: &'static str,
    /// Absolute path of the executable.
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<OsString>,
    /// File receiving the process's stdout and stderr (appended to).
    pub(crate) output_log: PathBuf,
    pub(crate) ready: Readiness,
    /// The address the process listens on; must be bindable after a stop.
    pub(crate) listen: SocketAddr,
    /// Run in a process group of its own and kill the whole group, for
    /// daemons that fork workers which outlive their parent (dante).
    pub(crate) own_process_group: bool,
}

#[derive(Debug)]
struct Daemon {
    spec: DaemonSpec,
    child: Option<Child>,
}

impl Daemon {
    /// Spawns the process; returns the length its output log had before,
    /// so readiness checks look only at this run's output.
    fn start(&mut self) -> Result<u64, ProxyError> {
        let spec = &self.spec;
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&spec.output_log)
            .map_err(|e| ProxyError::io(format!("open {}", spec.output_log.display()), e))?;
        let offset = log
            .metadata()
            .map_err(|e| ProxyError::io(format!("stat {}", spec.output_log.display()), e))?
            .len();
        let log_err = log
            .try_clone()
            .map_err(|e| ProxyError::io(format!("dup {}", spec.output_log.display()), e))?;
        let mut command = Command::new(&spec.program);
        command
            .args(&spec.args)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        if spec.own_process_group {
            command.process_group(0);
        }
        let child = command
            .spawn()
            .map_err(|e| ProxyError::io(format!("spawn {}", spec.program.display()), e))?;
        self.child = Some(child);
        Ok(offset)
    }

    fn try_wait(&mut self) -> Result<Option<ExitStatus>, ProxyError> {
        match self.child.as_mut() {
            Some(child) => child
                .try_wait()
                .map_err(|e| ProxyError::io(format!("check on {}", self.spec.process), e)),
            None => Ok(None),
        }
    }

    /// SIGKILLs the process (its whole group if it has one) and reaps it.
    fn kill(&mut self) -> Result<(), ProxyError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let pid = child.id();
        let process = self.spec.process;
        let exited = matches!(child.try_wait(), Ok(Some(_)));
        if self.spec.own_process_group {
            // The group id is the leader's pid, which cannot be reused while
            // the leader is unreaped or any group member is alive; the
            // group is killed even if the leader is gone, since its workers
            // may not be.
            if !kill_process_group(pid) && !exited {
                let _ = child.kill();
            }
            // SIGKILL is delivered asynchronously: wait until every worker
            // is really dead (and its sockets closed). The dead workers are
            // then reparented to and reaped by init, which this process
            // cannot do without `unsafe` (prctl child-subreaper).
            wait_group_gone(pid, STOP_TIMEOUT);
        } else if !exited {
            // Let the daemon reap children that are already on their way out
            // (sshd's per-connection processes end once the client is gone),
            // instead of orphaning them.
            wait_children_gone(pid, CHILD_DRAIN_TIMEOUT);
            if let Err(e) = child.kill() {
                // InvalidInput means it has already exited: wait() reaps it.
                if e.kind() != io::ErrorKind::InvalidInput {
                    return Err(ProxyError::io(format!("kill {process} (pid {pid})"), e));
                }
            }
        }
        child
            .wait()
            .map_err(|e| ProxyError::io(format!("reap {process} (pid {pid})"), e))?;
        Ok(())
    }
}

/// Everything a launcher prepared; [`launch`] turns it into a running proxy.
pub(crate) struct Prepared {
    pub(crate) kind: ProxyKind,
    pub(crate) addr: SocketAddr,
    pub(crate) egress: Ipv4Addr,
    pub(crate) credentials: Option<(String, String)>,
    pub(crate) config: Option<PathBuf>,
    /// Log files shown by [`ProxyServer::log`], in this order.
    pub(crate) logs: Vec<PathBuf>,
    /// Started in this order, stopped in reverse.
    pub(crate) daemons: Vec<DaemonSpec>,
    pub(crate) dir: TempDir,
}

/// Runs `prepare` (which picks fresh ports and writes a fresh temp dir) and
/// starts the daemons, retrying a few times if a daemon lost its port to
/// another process in the race between the probe and its own `bind`.
pub(crate) fn launch(
    mut prepare: impl FnMut() -> Result<Prepared, ProxyError>,
) -> Result<ProxyServer, ProxyError> {
    let mut attempt = 1;
    loop {
        let prepared = prepare()?;
        let mut server = ProxyServer {
            kind: prepared.kind,
            addr: prepared.addr,
            egress: prepared.egress,
            credentials: prepared.credentials,
            config: prepared.config,
            logs: prepared.logs,
            daemons: prepared
                .daemons
                .into_iter()
                .map(|spec| Daemon { spec, child: None })
                .collect(),
            dir: prepared.dir,
        };
        match server.start_all() {
            Ok(()) => return Ok(server),
            Err(e) if e.is_address_in_use() && attempt < START_ATTEMPTS => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Finds an executable in `PATH` or the usual system directories (sbin
/// directories are often missing from `PATH`), as an absolute path.
pub(crate) fn find_binary(
    binary: &'static str,
    package: &'static str,
) -> Result<PathBuf, ProxyError> {
    let from_env = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let system = [
        "/usr/local/sbin",
        "/usr/local/bin",
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
    ]
    .map(PathBuf::from);
    from_env
        .into_iter()
        .chain(system)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(binary))
        .find(|candidate| is_executable(candidate))
        .ok_or(ProxyError::BinaryNotFound { binary, package })
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Rejects anything outside `127.0.0.0/8`.
pub(crate) fn ensure_loopback(what: &'static str, addr: Ipv4Addr) -> Result<(), ProxyError> {
    if addr.is_loopback() {
        Ok(())
    } else {
        Err(ProxyError::NotLoopback {
            what,
            addr: IpAddr::V4(addr),
        })
    }
}

/// A port on 127.0.0.1 that was free a moment ago: bind port 0, read the
/// port the kernel chose, release it. [`launch`] retries if a daemon then
/// finds it taken.
pub(crate) fn free_port() -> Result<u16, ProxyError> {
    Ok(free_ports::<1>()?[0])
}

/// `N` distinct free ports (all probes are held open together).
pub(crate) fn free_ports<const N: usize>() -> Result<[u16; N], ProxyError> {
    let mut listeners = Vec::with_capacity(N);
    let mut ports = [0u16; N];
    for port in ports.iter_mut() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|e| ProxyError::io("bind 127.0.0.1:0 to find a free port", e))?;
        *port = listener
            .local_addr()
            .map_err(|e| ProxyError::io("read the address of a probe listener", e))?
            .port();
        listeners.push(listener);
    }
    Ok(ports)
}

/// A fresh temporary directory named after the proxy kind.
pub(crate) fn temp_dir(kind: &str) -> Result<TempDir, ProxyError> {
    tempfile::Builder::new()
        .prefix(&format!("feed-testkit-{kind}-"))
        .tempdir()
        .map_err(|e| ProxyError::io("create a temporary directory", e))
}

pub(crate) fn write_file(path: &Path, contents: &str) -> Result<(), ProxyError> {
    fs::write(path, contents).map_err(|e| ProxyError::io(format!("write {}", path.display()), e))
}

/// The effective uid of this process (from `/proc/self/status`, avoiding
/// `unsafe` libc calls), or `None` if it cannot be read.
pub(crate) fn effective_uid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// Sends SIGKILL to process group `pgid` with the `kill` utility (std has
/// no safe API for signalling a group). Returns false if that failed, e.g.
/// because the group is already empty.
fn kill_process_group(pgid: u32) -> bool {
    let target = format!("-{pgid}");
    let mut command = match find_binary("kill", "procps") {
        Ok(kill) => {
            let mut c = Command::new(kill);
            c.args(["-KILL", "--", &target]);
            c
        }
        // POSIX shells have `kill` built in.
        Err(_) => {
            let mut c = Command::new("/bin/sh");
            c.args(["-c", &format!("kill -KILL -- {target}")]);
            c
        }
    };
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Waits (bounded) until process `pid` has no children left. Best effort:
/// returns at once if the kernel does not expose the children list.
fn wait_children_gone(pid: u32, timeout: Duration) {
    let path = format!("/proc/{pid}/task/{pid}/children");
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        match fs::read_to_string(&path) {
            Ok(children) if !children.trim().is_empty() => thread::sleep(POLL_INTERVAL),
            _ => return,
        }
    }
}

/// Whether process `pid` holds the socket listening on `addr`'s port,
/// judged from `/proc/net/tcp` and `/proc/<pid>/fd`; `None` if that cannot
/// be told (e.g. no permission to read the process's fds).
fn owns_listener(pid: u32, addr: SocketAddr) -> Option<bool> {
    let table = fs::read_to_string("/proc/net/tcp").ok()?;
    let port = format!("{:04X}", addr.port());
    // Columns: sl local_address rem_address st ... inode; st 0A = LISTEN.
    let listeners: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (_, local_port) = fields.get(1)?.split_once(':')?;
            let listening = local_port == port && *fields.get(3)? == "0A";
            listening.then(|| format!("socket:[{}]", fields.get(9).unwrap_or(&"")))
        })
        .collect();
    if listeners.is_empty() {
        return Some(false);
    }
    // An unreadable fd directory (no permission) means "cannot tell"; an
    // empty one (the process has exited) means "not ours".
    let fds = fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let owned = fds.flatten().any(|fd| {
        fs::read_link(fd.path())
            .map(|target| listeners.iter().any(|l| target.as_os_str() == l.as_str()))
            .unwrap_or(false)
    });
    Some(owned)
}

/// Pids of the live (not zombie) processes in process group `pgid`, from
/// `/proc/<pid>/stat`.
pub(crate) fn live_group_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // "pid (comm) state ppid pgrp ...": comm may contain anything,
            // so split after its last ')'.
            let Some((_, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let mut fields = rest.split_whitespace();
            let state = fields.next();
            let pgrp = fields.nth(1).and_then(|f| f.parse::<u32>().ok());
            pgrp == Some(pgid) && state != Some("Z") && state != Some("X")
        })
        .collect()
}

/// Waits (bounded) until process group `pgid` has no live member.
fn wait_group_gone(pgid: u32, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while !live_group_members(pgid).is_empty() && Instant::now() < deadline {
        thread::sleep(POLL_INTERVAL);
    }
}

/// Waits until `addr` can be bound again (std sets SO_REUSEADDR, as the
/// daemons do, so TIME_WAIT connections do not count).
fn wait_port_free(addr: SocketAddr) -> Result<(), ProxyError> {
    let deadline = Instant::now() + STOP_TIMEOUT;
    loop {
        if TcpListener::bind(addr).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(ProxyError::PortStillInUse { addr });
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// The contents of `path` from byte `offset` on (lossy UTF-8); empty if
/// unreadable.
fn read_from(path: &Path, offset: u64) -> String {
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(offset))?;
        f.read_to_end(&mut bytes)
    });
    match read {
        Ok(_) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

fn read_logs(logs: &[PathBuf]) -> String {
    let mut out = String::new();
    for path in logs {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        out.push_str(&format!("==> {name} <==\n"));
        match fs::read(path) {
            Ok(bytes) => out.push_str(&String::from_utf8_lossy(&bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => out.push_str("(no log written)"),
            Err(e) => out.push_str(&format!("(cannot read {}: {e})", path.display())),
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The last [`LOG_EXCERPT_BYTES`] of the logs, for error messages.
fn log_excerpt(logs: &[PathBuf]) -> String {
    let full = read_logs(logs);
    if full.len() <= LOG_EXCERPT_BYTES {
        return full;
    }
    let mut start = full.len() - LOG_EXCERPT_BYTES;
    while !full.is_char_boundary(start) {
        start += 1;
    }
    format!("[... earlier log lines cut ...]\n{}", &full[start..])
}

/// Percent-encodes everything but RFC 3986 unreserved characters, which is
/// always valid in the userinfo part of a URL.
fn percent_encode_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
