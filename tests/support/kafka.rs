//! A real Kafka-protocol broker (tansu) on a loopback port, and an independent reader
//! (confluent-kafka, Python) for what feedhandler published.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to get the broker when it is missing (scripts/test does this).
const TANSU_INSTALL: &str = "cargo install tansu --locked --features dynostore";

/// A running tansu broker with in-memory storage; killed on drop.
pub struct Broker {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

fn tansu_binary() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tansu"))
            .find(|candidate| candidate.is_file())
    });
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin/tansu"))
        .filter(|candidate| candidate.is_file());
    on_path.or(in_cargo_home).unwrap_or_else(|| {
        panic!("the Kafka-protocol broker tansu is not installed: run scripts/test, or `{TANSU_INSTALL}`")
    })
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

impl Broker {
    /// Starts tansu on a free port and waits until it accepts connections.
    pub fn start() -> Broker {
        let port = free_port();
        let url = format!("tcp://127.0.0.1:{port}");
        let child = Command::new(tansu_binary())
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
                "--storage-engine",
                "memory://tansu/",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tansu");
        let broker = Broker { child, port };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "tansu did not listen on {address} within 15 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        broker
    }

    /// `127.0.0.1:PORT`.
    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal} tansu");
    }

    /// Freezes the broker (SIGSTOP): its socket stays open, nothing is answered.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets it go on (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python with the readers' packages: `FEEDHANDLER_PYTHON` (scripts/test sets it),
/// else `python3`.
pub fn python() -> String {
    std::env::var("FEEDHANDLER_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// One record read back.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Record {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: String,
    pub value: String,
    pub headers: std::collections::BTreeMap<String, String>,
}

/// Reads every record of `topics` from the start with confluent-kafka (librdkafka's
/// Python client: another implementation than the producer's bindings), until `expected`
/// records arrived or nothing came for a few seconds.
pub fn read_back(bootstrap: &str, topics: &[&str], expected: usize) -> Vec<Record> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/kafka_read.py");
    let output = Command::new(python())
        .arg(script)
        .arg(bootstrap)
        .arg(expected.to_string())
        .args(topics)
        .stdin(Stdio::null())
        .output()
        .expect("run python3");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the reader failed (python3 with the PyPI package confluent-kafka is needed: scripts/test installs it): {stderr}"
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("the reader's output is not JSON: {error}; stderr: {stderr}")
    })
}
