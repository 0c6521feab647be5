//! The handle of a running proxy daemon: its address, URLs, logs, stop and restart.

use super::*;

/// A running (or stopped) proxy daemon on loopback, owned by the test.
///
/// Dropping it kills and reaps its process(es) and deletes its temporary
/// directory (config, keys, logs); call [`ProxyServer::log`] first if the
/// logs are needed, e.g. in a failure message.
#[derive(Debug)]
pub struct ProxyServer {
    pub(crate) kind: ProxyKind,
    pub(crate) addr: SocketAddr,
    pub(crate) egress: Ipv4Addr,
    pub(crate) credentials: Option<(String, String)>,
    pub(crate) config: Option<PathBuf>,
    pub(crate) logs: Vec<PathBuf>,
    /// In start order; stopped in reverse order.
    pub(crate) daemons: Vec<Daemon>,
    /// Declared last so it is removed after the daemons are gone.
    pub(crate) dir: TempDir,
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

    pub(crate) fn start_all(&mut self) -> Result<(), ProxyError> {
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
    pub(crate) fn wait_ready(&mut self, i: usize, log_offset: u64) -> Result<(), ProxyError> {
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

/// Percent-encodes everything but RFC 3986 unreserved characters, which is
/// always valid in the userinfo part of a URL.
pub(crate) fn percent_encode_userinfo(s: &str) -> String {
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
