//! The `feedhandler` command line.

pub mod check;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Normalized crypto market data; every connection through its own proxy.
#[derive(Debug, Parser)]
#[command(name = "feedhandler", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a config file and print the route (proxy or direct) of every connection.
    Check {
        /// The YAML config file; FEED_* environment variables apply on top.
        config: PathBuf,
    },
}

/// Parses the arguments, runs the command, and returns the process exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { config } => check::run(&config),
    }
}
