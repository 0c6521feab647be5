#!/usr/bin/env python3
"""feedhandler replay and cryptofeed 2.4.1 side by side, on the same frames, in one run.

    benches/compare/run.sh [--trades N] [--books N] [--repeat K]

For every exchange both implement and every channel (trades, l2_book), the same frames
(written by make_frames.py) go through:

* ``feedhandler replay`` as a whole process: read the file, parse every frame, keep the
  books (sequence checks, snapshot joins, checksums), write JSON lines to /dev/null;
* cryptofeed 2.4.1's own ``message_handler`` (cryptofeed_replay.py): the handler loop
  alone, with callbacks that only count, so start-up, file reading and output are not
  charged to cryptofeed. Its books are checksum-validated only where it validates by
  default (never): feedhandler always checks what the exchange allows;
* and the same loop writing every record as a JSON line to /dev/null the way cryptofeed's
  backends serialise them (``--emit``): the work ``feedhandler replay`` does too, so that
  ratio compares like with like (start-up and file reading still charged to feedhandler
  alone).

Both are timed best of ``--repeat`` runs. The ratio is cryptofeed's seconds over
feedhandler's for the same frames (frames/s, since each side emits its own records:
cryptofeed a book per update, feedhandler a book when its top ``book_depth`` changed).
Kraken frames are v2 for feedhandler and the same books as v1 frames for cryptofeed (which
speaks v1). Prints a Markdown table.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# exchange: (our book input, cryptofeed book input, the recording's stream depth for
# fixed-depth streams, our trades input). Books are delivered 10 levels a side.
INPUTS = {
    "binance": ("binance_book_replay.txt", "binance_book.txt", None, "binance_trades.txt"),
    "okx": ("okx_book.txt", "okx_book.txt", None, "okx_trades.txt"),
    "bybit": ("bybit_book.txt", "bybit_book.txt", 200, "bybit_trades.txt"),
    "coinbase": ("coinbase_book.txt", "coinbase_book.txt", None, "coinbase_trades.txt"),
    "kraken": ("kraken_book_v2.txt", "kraken_book.txt", 1000, "kraken_trades_v2.txt"),
}
CRYPTOFEED_TRADES = {"kraken": "kraken_trades.txt"}


def binance_replay_input(frames_dir):
    """Binance books need the REST depth snapshots: as REST lines before the frames."""
    snapshots = json.load(open(os.path.join(frames_dir, "binance_snapshots.json")))
    with open(os.path.join(frames_dir, "binance_book_replay.txt"), "w") as out:
        for symbol, body in snapshots.items():
            body = json.dumps(body, separators=(",", ":"))
            out.write(f"REST https://api.binance.com/api/v3/depth?symbol={symbol}&limit=1000 {body}\n")
        with open(os.path.join(frames_dir, "binance_book.txt")) as frames:
            for line in frames:
                out.write(line)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip() and not line.startswith(b"REST "))


def time_feedhandler(binary, exchange, markets, frames, channel, depth, repeat):
    args = [binary, "replay", "--exchange", exchange, "--markets", markets, "--input", frames,
            "--channels", "TRADES" if channel == "trades" else "L2_BOOK", "--book-depth", "10"]
    if depth:
        args += ["--stream-depth", str(depth)]
    best, summary = None, ""
    for _ in range(repeat):
        start = time.perf_counter()
        run = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        # A book that broke (a gap) would make every frame after it nearly free: such a
        # run measures nothing and stops the comparison.
        if run.returncode != 0 or " 0 malformed" not in run.stderr or ", 0 gaps" not in run.stderr:
            sys.exit(f"feedhandler replay failed on {frames}: {run.stderr}")
        summary = run.stderr.strip().splitlines()[0]
        best = elapsed if best is None else min(best, elapsed)
    return best, summary


def time_cryptofeed(python, exchange, markets, frames, channel, snapshots, repeat, emit=False):
    args = [python, os.path.join(HERE, "cryptofeed_replay.py"), "--exchange", exchange,
            "--channel", channel, "--markets", markets, "--frames", frames, "--repeat", str(repeat)]
    if snapshots:
        args += ["--snapshots", snapshots]
    if emit:
        args += ["--emit", os.devnull]
    run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"cryptofeed_replay failed on {frames}: {run.stderr}")
    result = json.loads(run.stdout.strip().splitlines()[-1])
    return result["seconds"], result["records"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames-dir", required=True)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/feedhandler"))
    parser.add_argument("--python", required=True, help="the venv's python with cryptofeed 2.4.1")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exchanges", default=",".join(INPUTS))
    args = parser.parse_args()
    binance_replay_input(args.frames_dir)
    path = lambda name: os.path.join(args.frames_dir, name)
    print("| exchange | channel | frames | feedhandler replay (whole process, JSON lines) "
          "| cryptofeed 2.4.1 (handler loop, counting) | ratio "
          "| cryptofeed 2.4.1 (handler loop, JSON lines) | ratio, like for like |")
    print("|---|---|---|---|---|---|---|---|")
    for exchange in args.exchanges.split(","):
        ours_book, theirs_book, depth, ours_trades = INPUTS[exchange]
        markets = path(f"{exchange}_markets.json")
        for channel in ["trades", "l2_book"]:
            if channel == "trades":
                ours, theirs = path(ours_trades), path(CRYPTOFEED_TRADES.get(exchange, ours_trades))
            else:
                ours, theirs = path(ours_book), path(theirs_book)
            frames = count_lines(theirs)
            our_seconds, _ = time_feedhandler(args.binary, exchange, markets, ours, channel, depth, args.repeat)
            snapshots = path("binance_snapshots.json") if exchange == "binance" and channel == "l2_book" else None
            their_seconds, _ = time_cryptofeed(args.python, exchange, markets, theirs, channel, snapshots, args.repeat)
            written_seconds, _ = time_cryptofeed(args.python, exchange, markets, theirs, channel, snapshots,
                                                 args.repeat, emit=True)
            print(f"| {exchange} | {channel} | {frames:,} | {our_seconds:.3f} s ({frames / our_seconds / 1e6:.2f} M/s) "
                  f"| {their_seconds:.3f} s ({frames / their_seconds / 1e3:.0f} k/s) | **{their_seconds / our_seconds:.1f}x** "
                  f"| {written_seconds:.3f} s ({frames / written_seconds / 1e3:.0f} k/s) "
                  f"| **{written_seconds / our_seconds:.1f}x** |",
                  flush=True)


if __name__ == "__main__":
    main()
