//! Operating-system helpers: binaries, ports, temporary folders, processes and groups.

use super::*;

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

pub(crate) fn is_executable(path: &Path) -> bool {
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
pub(crate) fn kill_process_group(pgid: u32) -> bool {
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
pub(crate) fn wait_children_gone(pid: u32, timeout: Duration) {
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
pub(crate) fn owns_listener(pid: u32, addr: SocketAddr) -> Option<bool> {
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
pub(crate) fn wait_group_gone(pgid: u32, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while !live_group_members(pgid).is_empty() && Instant::now() < deadline {
        thread::sleep(POLL_INTERVAL);
    }
}

/// Waits until `addr` can be bound again (std sets SO_REUSEADDR, as the
/// daemons do, so TIME_WAIT connections do not count).
pub(crate) fn wait_port_free(addr: SocketAddr) -> Result<(), ProxyError> {
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
