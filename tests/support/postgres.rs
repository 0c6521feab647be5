//! A private PostgreSQL server from Debian's packages (initdb in a temporary folder, run as
//! the `postgres` user when the tests run as root), and psql to read back.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::kafka::free_port;

const PACKAGE: &str = "the Debian package postgresql (scripts/test installs it)";

/// A running server; stopped and removed on drop.
pub struct Postgres {
    child: Child,
    _dir: tempfile::TempDir,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

/// The newest `/usr/lib/postgresql/<version>/bin`.
fn server_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap_or_else(|_| panic!("PostgreSQL's server is not installed: {PACKAGE}"))
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions
        .pop()
        .unwrap_or_else(|| panic!("no initdb under /usr/lib/postgresql: {PACKAGE}"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"))
}

/// `program args` as the `postgres` user when root (the server refuses to run as root).
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

impl Postgres {
    /// initdb (trust authentication, user `postgres`) and start on a free port.
    pub fn start() -> Postgres {
        let bin = server_bin();
        let dir = tempfile::tempdir().expect("a temporary folder");
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown the data folder to postgres");
        }
        let data = dir.path().join("data");
        let initdb = as_server_user(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run initdb");
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        let port = free_port();
        let child = as_server_user(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args([
                "-p",
                &port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
            ])
            .arg("-k")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres");
        let server = Postgres {
            child,
            _dir: dir,
            port,
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err()
            || !server.ready()
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "postgres did not start on {address} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn ready(&self) -> bool {
        Command::new("psql")
            .args(self.psql_args())
            .args(["-c", "select 1"])
            .output()
            .is_ok_and(|output| output.status.success())
    }

    fn psql_args(&self) -> Vec<String> {
        vec![
            "-h".into(),
            "127.0.0.1".into(),
            "-p".into(),
            self.port.to_string(),
            "-U".into(),
            "postgres".into(),
            "-d".into(),
            "postgres".into(),
            "-X".into(),
            "-A".into(),
            "-t".into(),
            "-F".into(),
            "|".into(),
        ]
    }

    /// The connection string of the `postgres` database.
    pub fn url(&self) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs `sql` with psql (the independent reader); its rows, `|` between columns.
    pub fn query(&self, sql: &str) -> Vec<String> {
        let output = Command::new("psql")
            .args(self.psql_args())
            .args(["-v", "ON_ERROR_STOP=1", "-c", sql])
            .output()
            .unwrap_or_else(|_| {
                panic!("psql is not installed: the Debian package postgresql-client")
            });
        assert!(
            output.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT: the server's fast shutdown.
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
