//! The binary's exit codes.

/// Success.
pub const OK: i32 = 0;
/// A run failed: a feed could not start, or frames failed to parse in a replay.
pub const FAILURE: i32 = 1;
/// Unusable input: invalid configuration, missing files, bad arguments.
pub const USAGE: i32 = 2;
