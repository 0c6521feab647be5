//! Spawning a daemon from its spec and waiting until it is ready.

use super::*;

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
pub(crate) struct Daemon {
    pub(crate) spec: DaemonSpec,
    pub(crate) child: Option<Child>,
}

impl Daemon {
    /// Spawns the process; returns the length its output log had before,
    /// so readiness checks look only at this run's output.
    pub(crate) fn start(&mut self) -> Result<u64, ProxyError> {
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

    pub(crate) fn try_wait(&mut self) -> Result<Option<ExitStatus>, ProxyError> {
        match self.child.as_mut() {
            Some(child) => child
                .try_wait()
                .map_err(|e| ProxyError::io(format!("check on {}", self.spec.process), e)),
            None => Ok(None),
        }
    }

    /// SIGKILLs the process (its whole group if it has one) and reaps it.
    pub(crate) fn kill(&mut self) -> Result<(), ProxyError> {
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
