//! The `feedhandler` binary: see `feedhandler --help`.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(feedhandler::cli::main());
}
