//! tinyproxy (Debian package tinyproxy, 1.11): an HTTP proxy with CONNECT
//! tunnels, optional Basic authentication and a CONNECT port allow-list.
//!
//! The generated `tinyproxy.conf` (see [`config`]):
//!
//! ```text
//! Port <P>
//! Listen 127.0.0.1              # listening address
//! Bind <egress>                 # source address of outgoing connections
//! Timeout 600                   # idle timeout of a connection, seconds
//! LogFile "<dir>/tinyproxy.log"
//! LogLevel Info
//! MaxClients 100
//! Allow 127.0.0.1               # who may use the proxy
//! Filter "<dir>/filter"         # destinations: only 127.x.x.x and localhost
//! FilterType ere
//! FilterDefaultDeny Yes
//! BasicAuth <user> <password>   # optional: 407 without, 401 with wrong credentials
//! ConnectPort <port>            # optional, repeated: other ports get 403
//! ```
//!
//! It runs as `tinyproxy -d -c <conf>` (`-d` = foreground). No `User` or
//! `Group` line: as root, tinyproxy 1.11 only warns ("You SHOULD set a
//! UserName in the config file. Using current user instead.") and keeps
//! running as root. With `User nobody` it would drop privileges before
//! opening the log file, fail to create it in the private (0700) temp dir,
//! and silently run without a log.
//!
//! Without any `ConnectPort` line CONNECT is allowed to every port; with
//! some, CONNECT to any other port is answered `403 Access violation`. The
//! filter also answers 403 for destinations outside loopback. Plain
//! (non-CONNECT) HTTP proxying works too.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use super::{
    ensure_loopback, find_binary, free_port, launch, temp_dir, write_file, DaemonSpec, Prepared,
    ProxyError, ProxyKind, ProxyServer, Readiness, TINYPROXY_EGRESS,
};

/// What [`start_tinyproxy`] configures. Build with
/// `TinyproxyOptions::new().basic_auth("user", "pass").connect_port(443)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TinyproxyOptions {
    /// Source address of outgoing connections (`Bind`), in 127.0.0.0/8.
    /// Default [`TINYPROXY_EGRESS`] (127.0.0.3).
    pub egress: Ipv4Addr,
    /// `BasicAuth user password`: clients without credentials get `407
    /// Proxy Authentication Required`, but clients with wrong ones get
    /// `401 Unauthorized` (a tinyproxy 1.11 quirk). tinyproxy
    /// only parses names and passwords made of ASCII letters, digits, `-`,
    /// `.` and `_`. Default: none (no authentication).
    pub basic_auth: Option<(String, String)>,
    /// `ConnectPort` lines: CONNECT only to these ports (others get 403).
    /// Default empty: CONNECT to any port.
    pub connect_ports: Vec<u16>,
}

impl Default for TinyproxyOptions {
    fn default() -> Self {
        TinyproxyOptions {
            egress: TINYPROXY_EGRESS,
            basic_auth: None,
            connect_ports: Vec::new(),
        }
    }
}

impl TinyproxyOptions {
    /// The defaults: egress 127.0.0.3, no authentication, all ports.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the egress (`Bind`) address.
    pub fn egress(mut self, egress: Ipv4Addr) -> Self {
        self.egress = egress;
        self
    }

    /// Requires Basic authentication with these credentials.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic_auth = Some((user.into(), password.into()));
        self
    }

    /// Adds a port CONNECT is allowed to (once any is added, all others
    /// are refused).
    pub fn connect_port(mut self, port: u16) -> Self {
        self.connect_ports.push(port);
        self
    }
}

/// Starts `tinyproxy` on a free port of 127.0.0.1 as configured by
/// `options`. [`ProxyServer::url`] includes the Basic credentials, if any;
/// use scheme `http`.
pub fn start_tinyproxy(options: TinyproxyOptions) -> Result<ProxyServer, ProxyError> {
    ensure_loopback("tinyproxy egress (Bind) address", options.egress)?;
    if let Some((user, pass)) = &options.basic_auth {
        for (what, value) in [("username", user), ("password", pass)] {
            let parsable = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
            if !parsable {
                return Err(ProxyError::InvalidCredentials {
                    proxy: ProxyKind::Tinyproxy,
                    reason: format!(
                        "the BasicAuth {what} {value:?} must be non-empty ASCII letters, digits, \
                         '-', '.' or '_' (tinyproxy's config parser accepts nothing else)"
                    ),
                });
            }
        }
    }
    let tinyproxy = find_binary("tinyproxy", "tinyproxy")?;
    launch(|| {
        let dir = temp_dir("tinyproxy")?;
        let port = free_port()?;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let conf = dir.path().join("tinyproxy.conf");
        let filter = dir.path().join("filter");
        let log = dir.path().join("tinyproxy.log");
        let output = dir.path().join("tinyproxy.out");
        write_file(&filter, FILTER)?;
        write_file(&conf, &config(port, &options, &log, &filter))?;
        let args: Vec<OsString> = vec!["-d".into(), "-c".into(), conf.clone().into()];
        Ok(Prepared {
            kind: ProxyKind::Tinyproxy,
            addr,
            egress: options.egress,
            credentials: options.basic_auth.clone(),
            config: Some(conf),
            logs: vec![output.clone(), log],
            daemons: vec![DaemonSpec {
                process: "tinyproxy",
                program: tinyproxy.clone(),
                args,
                output_log: output,
                ready: Readiness::Accepts(addr),
                listen: addr,
                own_process_group: false,
            }],
            dir,
        })
    })
}

/// Destination host names (as given in the request, before resolution)
/// tinyproxy may connect to, as extended regular expressions; everything
/// else is refused because of `FilterDefaultDeny Yes`.
const FILTER: &str = "^127\\.[0-9]+\\.[0-9]+\\.[0-9]+$\n^localhost$\n";

/// The `tinyproxy.conf` text.
fn config(port: u16, options: &TinyproxyOptions, log: &Path, filter: &Path) -> String {
    let mut conf = format!(
        "# tinyproxy.conf generated by feed-testkit: loopback-only HTTP CONNECT proxy\n\
         Port {port}\n\
         Listen 127.0.0.1\n\
         Bind {egress}\n\
         Timeout 600\n\
         LogFile \"{log}\"\n\
         LogLevel Info\n\
         MaxClients 100\n\
         Allow 127.0.0.1\n\
         Filter \"{filter}\"\n\
         FilterType ere\n\
         FilterDefaultDeny Yes\n",
        egress = options.egress,
        log = log.display(),
        filter = filter.display(),
    );
    if let Some((user, pass)) = &options.basic_auth {
        conf.push_str(&format!("BasicAuth {user} {pass}\n"));
    }
    for port in &options.connect_ports {
        conf.push_str(&format!("ConnectPort {port}\n"));
    }
    conf
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{
        assert_gone, assert_tunnel_broken, http_connect, HandshakeError, Target, TestResult,
        WithLog,
    };
    use super::*;

    #[test]
    fn connect_with_credentials_reaches_the_target_from_the_egress_address() -> TestResult {
        let target = Target::new()?;
        let other_port = Target::new()?;
        let proxy = start_tinyproxy(
            TinyproxyOptions::new()
                .basic_auth("alice", "s3cret")
                .connect_port(target.addr().port()),
        )?;
        assert_eq!(
            proxy.url("http"),
            format!("http://alice:s3cret@{}", proxy.addr())
        );
        assert_eq!(proxy.proxy_url(), proxy.url("http"));
        let creds = proxy.credentials();

        let tunnel =
            http_connect(proxy.addr(), &target.addr().to_string(), creds).with_log(&proxy)?;
        target.expect_tunnel(tunnel, TINYPROXY_EGRESS, &proxy)?;
        let authority = format!("localhost:{}", target.addr().port());
        let tunnel = http_connect(proxy.addr(), &authority, creds).with_log(&proxy)?;
        target.expect_tunnel(tunnel, TINYPROXY_EGRESS, &proxy)?;

        // No credentials: 407 Proxy Authentication Required.
        let no_auth = http_connect(proxy.addr(), &target.addr().to_string(), None);
        assert!(
            matches!(no_auth, Err(HandshakeError::Refused(407))),
            "{no_auth:?}"
        );
        let wrong = http_connect(
            proxy.addr(),
            &target.addr().to_string(),
            Some(("alice", "wrong")),
        );
        // tinyproxy 1.11 answers wrong credentials with 401 Unauthorized
        // (and WWW-Authenticate), not 407.
        assert!(
            matches!(wrong, Err(HandshakeError::Refused(401))),
            "{wrong:?}"
        );
        // A port not in ConnectPort: 403.
        let other = http_connect(proxy.addr(), &other_port.addr().to_string(), creds);
        assert!(
            matches!(other, Err(HandshakeError::Refused(403))),
            "{other:?}"
        );
        // A destination outside loopback: 403 from the filter, nothing sent.
        let outside = http_connect(proxy.addr(), "example.invalid:443", creds);
        assert!(
            matches!(outside, Err(HandshakeError::Refused(403))),
            "{outside:?}"
        );
        Ok(())
    }

    #[test]
    fn without_options_any_port_is_allowed_without_auth() -> TestResult {
        let proxy = start_tinyproxy(TinyproxyOptions::default())?;
        assert_eq!(proxy.credentials(), None);
        assert_eq!(proxy.url("http"), format!("http://{}", proxy.addr()));
        let target = Target::new()?;
        let tunnel =
            http_connect(proxy.addr(), &target.addr().to_string(), None).with_log(&proxy)?;
        target.expect_tunnel(tunnel, TINYPROXY_EGRESS, &proxy)?;
        // Only the loopback filter limits destinations.
        let outside = http_connect(proxy.addr(), "example.invalid:443", None);
        assert!(
            matches!(outside, Err(HandshakeError::Refused(403))),
            "{outside:?}"
        );
        Ok(())
    }

    #[test]
    fn credentials_tinyproxy_cannot_parse_are_an_error() {
        let err = start_tinyproxy(TinyproxyOptions::new().basic_auth("alice", "p@ss"))
            .expect_err("'@' is not parsable");
        assert!(
            matches!(err, ProxyError::InvalidCredentials { .. }),
            "{err}"
        );
    }

    #[test]
    fn stop_breaks_tunnels_and_restart_serves_on_the_same_port() -> TestResult {
        let mut proxy = start_tinyproxy(TinyproxyOptions::new())?;
        let addr = proxy.addr();
        let target = Target::new()?;
        let tunnel = http_connect(addr, &target.addr().to_string(), None).with_log(&proxy)?;
        let (tunnel, far_end) = target.expect_tunnel_kept(tunnel, TINYPROXY_EGRESS, &proxy)?;

        let pid = proxy.pids()[0];
        proxy.stop()?;
        assert!(!proxy.is_running());
        assert_gone(pid)?;
        assert_tunnel_broken(tunnel, far_end)?;

        proxy.restart()?;
        assert_eq!(proxy.addr(), addr);
        let tunnel = http_connect(addr, &target.addr().to_string(), None).with_log(&proxy)?;
        target.expect_tunnel(tunnel, TINYPROXY_EGRESS, &proxy)?;
        assert!(
            proxy.log().contains("Bound to 127.0.0.3"),
            "{}",
            proxy.log()
        );
        Ok(())
    }
}
