//! An SSH dynamic forward (`ssh -D`) to a private `sshd` (Debian packages
//! openssh-client and openssh-server): the SOCKS4/4a/5 proxy that
//! "SSH tunnel" deployments use.
//!
//! Into the temp dir go an ed25519 host key and client key (`ssh-keygen -q
//! -t ed25519 -N ""`), `authorized_keys` (the client's public key) and this
//! `sshd_config` (see [`sshd_config`]):
//!
//! ```text
//! ListenAddress 127.0.0.1:<P>
//! HostKey <dir>/ssh_host_ed25519_key
//! PidFile <dir>/sshd.pid                   # not /run/sshd.pid
//! AuthorizedKeysFile <dir>/authorized_keys
//! AllowUsers root
//! PermitRootLogin prohibit-password        # key only
//! PasswordAuthentication no / KbdInteractiveAuthentication no
//! UsePAM no                                # no PAM session for root
//! StrictModes no                           # keys live in /tmp
//! AllowTcpForwarding local                 # what -D needs
//! PermitOpen 127.0.0.1:* localhost:*       # loopback destinations only
//! LogLevel VERBOSE
//! ```
//!
//! `sshd -D -e -f <config>` runs in the foreground logging to stderr
//! (`sshd.log`). sshd insists on an absolute program path (it re-executes
//! itself) and on the privilege separation directory `/run/sshd`, which
//! is created if missing (Debian's init scripts normally do that). It
//! counts as ready when it logs `Server listening on 127.0.0.1 port <P>.`,
//! rather than after a probe connection, since newer OpenSSH releases
//! penalise sources whose connections end before authentication.
//!
//! Then the client:
//!
//! ```text
//! ssh -F /dev/null -N -D 127.0.0.1:<P2> -i <dir>/id_ed25519 -p <P>
//!     -o IdentitiesOnly=yes -o StrictHostKeyChecking=no
//!     -o UserKnownHostsFile=/dev/null -o BatchMode=yes
//!     -o ExitOnForwardFailure=yes -o ConnectTimeout=5 -o LogLevel=ERROR
//!     root@127.0.0.1
//! ```
//!
//! (`-F /dev/null` ignores the user's `~/.ssh/config`; its output goes to
//! `ssh.log`.) The proxy address is `127.0.0.1:<P2>`, which only listens
//! once the login succeeded. sshd opens the forwarded connections, from
//! 127.0.0.1 ([`super::SSH_EGRESS`]). Targets must be given as
//! `127.0.0.1` or `localhost`: sshd's `PermitOpen` matches the requested
//! host literally, so other loopback addresses are refused too (the SOCKS
//! client sees the connection closed).
//!
//! [`ProxyServer::stop`] kills the ssh client first (breaking every
//! tunnel), lets sshd reap its per-connection process, then kills sshd.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use super::{
    effective_uid, find_binary, free_ports, launch, temp_dir, write_file, DaemonSpec, Prepared,
    ProxyError, ProxyKind, ProxyServer, Readiness, SSH_EGRESS,
};

/// sshd's privilege separation directory (compiled in on Debian).
const PRIVSEP_DIR: &str = "/run/sshd";

/// Starts a private `sshd` on a free port of 127.0.0.1 and an `ssh -N -D`
/// client logged into it with a generated key; the returned proxy is the
/// client's SOCKS listener (SOCKS4, SOCKS4a and SOCKS5, no
/// authentication). Logs in as root when running as root, otherwise as the
/// current user.
pub fn start_ssh_socks() -> Result<ProxyServer, ProxyError> {
    let sshd = find_binary("sshd", "openssh-server")?;
    let ssh = find_binary("ssh", "openssh-client")?;
    let keygen = find_binary("ssh-keygen", "openssh-client")?;
    ensure_privsep_dir()?;
    let user = login_user()?;
    launch(|| {
        let dir = temp_dir("ssh")?;
        let [sshd_port, socks_port] = free_ports::<2>()?;
        let sshd_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, sshd_port));
        let socks_addr = SocketAddr::from((Ipv4Addr::LOCALHOST, socks_port));
        let path = |name: &str| dir.path().join(name);
        let (host_key, client_key) = (path("ssh_host_ed25519_key"), path("id_ed25519"));
        let (authorized_keys, conf) = (path("authorized_keys"), path("sshd_config"));
        let (sshd_log, ssh_log) = (path("sshd.log"), path("ssh.log"));

        generate_key(&keygen, &host_key, "feed-testkit host key")?;
        generate_key(&keygen, &client_key, "feed-testkit client key")?;
        let public = path("id_ed25519.pub");
        fs::copy(&public, &authorized_keys).map_err(|e| {
            ProxyError::io(
                format!("copy {} to {}", public.display(), authorized_keys.display()),
                e,
            )
        })?;
        write_file(
            &conf,
            &sshd_config(sshd_port, dir.path(), &host_key, &authorized_keys, &user),
        )?;

        let sshd_args: Vec<OsString> =
            vec!["-D".into(), "-e".into(), "-f".into(), conf.clone().into()];
        let mut ssh_args: Vec<OsString> = vec![
            "-F".into(),
            "/dev/null".into(),
            "-N".into(),
            "-D".into(),
            socks_addr.to_string().into(),
            "-i".into(),
            client_key.into(),
            "-p".into(),
            sshd_port.to_string().into(),
        ];
        for option in [
            "IdentitiesOnly=yes",
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "BatchMode=yes",
            "ExitOnForwardFailure=yes",
            "ConnectTimeout=5",
            "LogLevel=ERROR",
        ] {
            ssh_args.push("-o".into());
            ssh_args.push(option.into());
        }
        ssh_args.push(format!("{user}@127.0.0.1").into());

        Ok(Prepared {
            kind: ProxyKind::SshSocks,
            addr: socks_addr,
            egress: SSH_EGRESS,
            credentials: None,
            config: Some(conf),
            logs: vec![sshd_log.clone(), ssh_log.clone()],
            daemons: vec![
                DaemonSpec {
                    process: "sshd",
                    program: sshd.clone(),
                    args: sshd_args,
                    output_log: sshd_log,
                    ready: Readiness::LogContains(format!(
                        "Server listening on 127.0.0.1 port {sshd_port}."
                    )),
                    listen: sshd_addr,
                    own_process_group: false,
                },
                DaemonSpec {
                    process: "ssh",
                    program: ssh.clone(),
                    args: ssh_args,
                    output_log: ssh_log,
                    ready: Readiness::Accepts(socks_addr),
                    listen: socks_addr,
                    own_process_group: false,
                },
            ],
            dir,
        })
    })
}

/// The `sshd_config` text: key-only login for `user`, local forwarding to
/// loopback only, everything else off.
fn sshd_config(
    port: u16,
    dir: &Path,
    host_key: &Path,
    authorized_keys: &Path,
    user: &str,
) -> String {
    format!(
        "# sshd_config generated by feed-testkit: key-only login on loopback, for ssh -D\n\
         ListenAddress 127.0.0.1:{port}\n\
         HostKey {host_key}\n\
         PidFile {pid_file}\n\
         AuthorizedKeysFile {authorized_keys}\n\
         AllowUsers {user}\n\
         PermitRootLogin prohibit-password\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         UsePAM no\n\
         StrictModes no\n\
         AllowTcpForwarding local\n\
         PermitOpen 127.0.0.1:* localhost:*\n\
         AllowAgentForwarding no\n\
         AllowStreamLocalForwarding no\n\
         X11Forwarding no\n\
         PermitTTY no\n\
         PermitUserRC no\n\
         PrintMotd no\n\
         MaxStartups 100\n\
         LogLevel VERBOSE\n",
        host_key = host_key.display(),
        pid_file = dir.join("sshd.pid").display(),
        authorized_keys = authorized_keys.display(),
    )
}

/// `ssh-keygen -q -t ed25519 -N "" -C <comment> -f <path>`.
fn generate_key(keygen: &Path, path: &Path, comment: &str) -> Result<(), ProxyError> {
    let mut command = Command::new(keygen);
    command
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path);
    let output = command
        .output()
        .map_err(|e| ProxyError::io(format!("run {}", keygen.display()), e))?;
    if output.status.success() {
        Ok(())
    } else {
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        Err(ProxyError::CommandFailed {
            command: format!("{command:?}"),
            status: output.status,
            output: text,
        })
    }
}

/// Creates `/run/sshd` (mode 0755) if it does not exist: sshd refuses to
/// start without it ("Missing privilege separation directory").
fn ensure_privsep_dir() -> Result<(), ProxyError> {
    let dir = Path::new(PRIVSEP_DIR);
    if dir.is_dir() {
        return Ok(());
    }
    let context = || {
        format!(
            "create {PRIVSEP_DIR}, the privilege separation directory sshd requires (needs root)"
        )
    };
    fs::create_dir_all(dir).map_err(|e| ProxyError::io(context(), e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
        .map_err(|e| ProxyError::io(context(), e))
}

/// `root` when running as root, else the current user's name.
fn login_user() -> Result<String, ProxyError> {
    let uid = effective_uid();
    if uid == Some(0) {
        return Ok("root".to_owned());
    }
    let from_passwd = uid.and_then(|uid| {
        let passwd = fs::read_to_string("/etc/passwd").ok()?;
        passwd.lines().find_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let line_uid = fields.nth(1)?.parse::<u32>().ok()?;
            (line_uid == uid).then(|| name.to_owned())
        })
    });
    from_passwd
        .or_else(|| std::env::var("USER").ok())
        .ok_or_else(|| {
            ProxyError::io(
                "find the current user's name for the ssh login",
                io::Error::new(
                    io::ErrorKind::NotFound,
                    "not in /etc/passwd and $USER unset",
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_gone, assert_tunnel_broken, socks4_connect, socks5_connect, Socks5Auth,
        Socks5Target, Target, TestResult, WithLog,
    };
    use super::*;

    #[test]
    fn socks4a_socks4_and_socks5_reach_the_target() -> TestResult {
        let proxy = start_ssh_socks()?;
        assert_eq!(proxy.egress(), Ipv4Addr::LOCALHOST);
        assert_eq!(proxy.proxy_url(), format!("socks5://{}", proxy.addr()));
        let target = Target::new()?;
        let port = target.addr().port();

        let tunnel =
            socks4_connect(proxy.addr(), target.addr(), Some("localhost")).with_log(&proxy)?;
        target.expect_tunnel(tunnel, SSH_EGRESS, &proxy)?;
        let tunnel = socks4_connect(proxy.addr(), target.addr(), None).with_log(&proxy)?;
        target.expect_tunnel(tunnel, SSH_EGRESS, &proxy)?;
        let tunnel = socks5_connect(
            proxy.addr(),
            Socks5Auth::None,
            Socks5Target::Addr(target.addr()),
        )
        .with_log(&proxy)?;
        target.expect_tunnel(tunnel, SSH_EGRESS, &proxy)?;
        let tunnel = socks5_connect(
            proxy.addr(),
            Socks5Auth::None,
            Socks5Target::Domain("localhost", port),
        )
        .with_log(&proxy)?;
        target.expect_tunnel(tunnel, SSH_EGRESS, &proxy)?;

        // PermitOpen: only 127.0.0.1 and localhost.
        let elsewhere = SocketAddr::from((Ipv4Addr::new(127, 0, 0, 2), port));
        let refused = socks5_connect(
            proxy.addr(),
            Socks5Auth::None,
            Socks5Target::Addr(elsewhere),
        );
        assert!(refused.is_err(), "PermitOpen should refuse {elsewhere}");
        Ok(())
    }

    #[test]
    fn stop_breaks_tunnels_and_restart_serves_on_the_same_port() -> TestResult {
        let mut proxy = start_ssh_socks()?;
        let addr = proxy.addr();
        let target = Target::new()?;
        let tunnel = socks5_connect(addr, Socks5Auth::None, Socks5Target::Addr(target.addr()))
            .with_log(&proxy)?;
        let (tunnel, far_end) = target.expect_tunnel_kept(tunnel, SSH_EGRESS, &proxy)?;

        let pids = proxy.pids();
        assert_eq!(pids.len(), 2);
        proxy.stop()?;
        assert!(!proxy.is_running());
        for pid in pids {
            assert_gone(pid)?;
        }
        assert_tunnel_broken(tunnel, far_end)?;

        proxy.restart()?;
        assert_eq!(proxy.addr(), addr);
        let tunnel = socks4_connect(addr, target.addr(), Some("localhost")).with_log(&proxy)?;
        target.expect_tunnel(tunnel, SSH_EGRESS, &proxy)?;

        let pids = proxy.pids();
        drop(proxy);
        for pid in pids {
            assert_gone(pid)?;
        }
        Ok(())
    }
}
