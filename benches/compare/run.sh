#!/usr/bin/env bash
# feedhandler replay and cryptofeed 2.4.1 on the same frames, side by side, in one run:
# installs cryptofeed in its venv (setup.sh), builds feedhandler (release), writes the
# frames (make_frames.py) and prints the table (compare.py).
#
#   benches/compare/run.sh [--trades N] [--books N] [--repeat K] [--exchanges a,b]
set -euo pipefail
cd "$(dirname "$0")/../.."
TRADES=1000000 BOOKS=200000 REPEAT=3 EXCHANGES=binance,okx,bybit,coinbase,kraken
while [ $# -gt 0 ]; do
  case "$1" in
    --trades) TRADES="$2"; shift 2 ;;
    --books) BOOKS="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --exchanges) EXCHANGES="$2"; shift 2 ;;
    *) echo "usage: $0 [--trades N] [--books N] [--repeat K] [--exchanges a,b]" >&2; exit 2 ;;
  esac
done
VENV="${CRYPTOFEED_VENV:-$HOME/.cache/feedhandler/cryptofeed-venv}"
benches/compare/setup.sh >&2
cargo build --release --quiet
FRAMES="${FRAMES_DIR:-$(mktemp -d)}"
python3 benches/compare/make_frames.py "$FRAMES" --trades "$TRADES" --books "$BOOKS" >&2
python3 benches/compare/compare.py --frames-dir "$FRAMES" --python "$VENV/bin/python" \
  --repeat "$REPEAT" --exchanges "$EXCHANGES"
