//! Why a proxy could not be started, stopped or restarted.

use super::*;

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
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        ProxyError::Io {
            context: context.into(),
            source,
        }
    }

    /// True when the daemon failed because its port was taken, which can
    /// happen when another process grabs the port between the free-port
    /// probe and the daemon's own `bind`.
    pub(crate) fn is_address_in_use(&self) -> bool {
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
