#!/usr/bin/env python3
"""Replay recorded WebSocket frames through cryptofeed 2.4.1, offline, and time it.

This is the Python half of the comparison with ``feedhandler replay``: the same frames go
through cryptofeed's own per-exchange ``message_handler`` coroutine (JSON decoding, symbol
mapping, ``Decimal`` conversion, ``Trade`` / ``OrderBook`` normalisation, book maintenance),
and cheap callbacks count the normalised records that come out.

Usage (inside the venv made by ``setup.sh``)::

    python cryptofeed_replay.py --exchange binance --channel trades \\
        --markets binance_markets.json --frames binance_frames.txt
    python cryptofeed_replay.py --exchange binance --channel l2_book \\
        --markets binance_markets.json --frames depth.txt --snapshots snapshots.json

It prints one JSON line on stdout::

    {"exchange": "binance", "channel": "trades", "frames": N, "records": M,
     "seconds": S, "records_per_second": R, ...}

``seconds`` covers only the loop that hands the frames to the feed's message handler (plus
the cheap counting callbacks, and for Binance L2_BOOK the REST depth snapshots that
cryptofeed parses when a book starts). Reading the files, building the feed, loading the
market list and any frame rewriting (below) happen before the clock starts.

By default the callbacks only count, so the figure is cryptofeed's own parsing and
normalisation. ``--emit FILE`` instead writes every record as a JSON line, serialised the
way cryptofeed's backends do (the work ``feedhandler replay`` does when it writes trades);
``--show N`` prints the first N records to check the parsing. ``make_frames.py`` next to
this file writes synthetic frame files for every exchange and channel.

How the feed is driven offline
------------------------------
* Market list. ``Exchange.__init__`` calls ``symbol_mapping()``, which reads every URL of
  the exchange's ``rest_endpoints`` with ``cls.http_sync.read(url, json=True)`` and caches
  the parsed result in the process-wide ``cryptofeed.symbols.Symbols``. This script empties
  that cache and replaces ``http_sync`` on the feed class with ``RecordedMarkets``, which
  answers from ``--markets`` files instead of the network: the first URL gets the first
  file, the second URL the second file, and so on; URLs beyond the given files get an empty
  list of that exchange's shape (cryptofeed asks OKX for 5 URLs and Bybit for 2). The body
  is decoded exactly as ``HTTPSync.process_response`` does (yapic.json, ``parse_float=Decimal``).
* Minimal market lists. Fields that cryptofeed's ``_parse_symbol_data`` indexes but only
  keeps as ``tick_size`` info (Binance ``filters``, OKX ``tickSz``, Bybit ``priceFilter``,
  Coinbase ``quote_increment``) are filled with a placeholder when a market lacks them, so
  the minimal market lists used by the Rust benchmarks load too. The number of markets so
  completed is reported as ``markets_completed``; it is 0 for real exchange bodies.
* REST snapshots. ``feed.http_conn`` (an aiohttp ``HTTPAsyncConn``) is replaced by
  ``RecordedSnapshots``: Binance's ``_snapshot`` asks it for
  ``/api/v3/depth?symbol=SYM&limit=1000`` and gets the body for ``SYM`` from ``--snapshots``.
  For every other exchange any REST read raises.
* The connection. Handlers get a ``ReplayConnection`` carrying what they read from ``conn``:
  ``uuid``/``id`` (log messages), ``address`` (Bybit takes the market, ``linear`` or
  ``spot``, from its last path segment) and ``subscription``.
* The receipt timestamp is ``time.time()`` per frame, as cryptofeed's ``ConnectionHandler``
  passes ``conn.last_message = time.time()``.
* Sockets are disabled for the whole process, so nothing can reach the network by accident.

Frame rewriting (before the clock starts; ``--verbatim`` turns it off)
----------------------------------------------------------------------
* binance: cryptofeed connects to the *combined* stream endpoint
  (``/stream?streams=btcusdt@aggTrade/...``) and its handler starts with
  ``msg['stream'].split('@', 1)``, so it only understands
  ``{"stream":"btcusdt@aggTrade","data":{...}}``. Raw frames (what a ``/ws`` connection and
  ``feedhandler`` receive) are wrapped as cryptofeed would have received them:
  ``aggTrade`` -> ``<symbol>@aggTrade``, ``depthUpdate`` -> ``<symbol>@depth@100ms``.
* kraken: cryptofeed 2.4.1 speaks WebSocket v1 (``wss://ws.kraken.com``, arrays), while
  ``feedhandler`` speaks v2. v2 ``trade`` updates are translated to the v1 array that
  Kraken would have sent for the same trades (``XBT/USD`` names, seconds.micros time,
  ``b``/``s``, ``l``/``m``); every other v2 object (heartbeat, status, acks, the trade
  snapshot that v1 does not have) becomes the v1 ``{"event":"heartbeat"}``, which
  cryptofeed ignores. Book frames are not translated: give v1 book frames.

The counts of rewritten frames are reported (``frames_rewritten``).
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import datetime as _dt
import json
import logging
import platform
import re
import socket
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlparse

CRYPTOFEED_VERSION = "2.4.1"


# --------------------------------------------------------------------------------------------
# No network
# --------------------------------------------------------------------------------------------

class NetworkDisabled(RuntimeError):
    """Raised when anything in the process tries to open a network connection."""


def disable_network() -> None:
    """Make every socket connect / DNS lookup fail loudly: this harness is offline."""

    def refuse(*_args, **_kwargs):
        raise NetworkDisabled("cryptofeed_replay is offline: a network connection was attempted")

    socket.socket.connect = refuse          # type: ignore[assignment]
    socket.socket.connect_ex = refuse       # type: ignore[assignment]
    socket.create_connection = refuse       # type: ignore[assignment]
    socket.getaddrinfo = refuse             # type: ignore[assignment]


# --------------------------------------------------------------------------------------------
# Recorded REST responses
# --------------------------------------------------------------------------------------------

class RecordedMarkets:
    """Stands in for ``cryptofeed.connection.HTTPSync`` while the market list loads.

    ``bodies`` are the raw REST bodies, served in the order cryptofeed requests its symbol
    endpoints; requests past the last body get ``empty_body``.
    """

    def __init__(self, bodies: List[str], empty_body: Optional[str],
                 complete: Callable[[Any], int]):
        self.bodies = bodies
        self.empty_body = empty_body
        self.complete = complete
        self.requested: List[str] = []
        self.completed = 0

    def read(self, address, params=None, headers=None, json=False, text=True, uuid=None):
        from yapic import json as yapic_json

        index = len(self.requested)
        self.requested.append(address)
        if index < len(self.bodies):
            body = self.bodies[index]
        elif self.empty_body is not None:
            body = self.empty_body
        else:
            raise NetworkDisabled(f"no --markets body for {address} (request #{index + 1})")
        if not json:
            return body
        # what HTTPSync.process_response does with json=True
        data = yapic_json.loads(body, parse_float=Decimal)
        self.completed += self.complete(data)
        return data

    def write(self, *args, **kwargs):
        raise NetworkDisabled("cryptofeed tried to POST while loading markets")


class RecordedSnapshots:
    """Stands in for the feed's ``HTTPAsyncConn`` (``feed.http_conn``).

    ``by_symbol`` maps an exchange symbol (``BTCUSDT``) to the list of REST depth bodies to
    serve, in order, to successive snapshot requests for it; the last one is repeated.
    """

    def __init__(self, by_symbol: Optional[Dict[str, List[str]]]):
        self.by_symbol = by_symbol
        self.served: Dict[str, int] = {}
        self.requests = 0

    async def read(self, address, header=None, params=None, return_headers=False,
                   retry_count=0, retry_delay=60):
        if self.by_symbol is None:
            raise NetworkDisabled(f"cryptofeed made a REST request ({address}) and no --snapshots was given")
        query = parse_qs(urlparse(address).query)
        symbol = query.get("symbol", [None])[0]
        bodies = self.by_symbol.get(symbol) or self.by_symbol.get("*")
        if not bodies:
            raise NetworkDisabled(f"no recorded snapshot for symbol {symbol!r} ({address})")
        n = self.served.get(symbol, 0)
        self.served[symbol] = n + 1
        self.requests += 1
        body = bodies[min(n, len(bodies) - 1)]
        return (body, {}) if return_headers else body

    async def write(self, *args, **kwargs):
        raise NetworkDisabled("cryptofeed tried to POST during replay")

    async def close(self):
        pass


def load_snapshots(path: str) -> Dict[str, List[str]]:
    """``--snapshots``: ``{"BTCUSDT": body | [body, ...], ...}`` or one bare depth body
    (``{"lastUpdateId": ...}``) used for every symbol."""
    with open(path, encoding="utf-8") as fp:
        data = json.load(fp)
    if isinstance(data, dict) and "lastUpdateId" in data:
        return {"*": [json.dumps(data)]}
    out = {}
    for symbol, bodies in data.items():
        if not isinstance(bodies, list):
            bodies = [bodies]
        out[symbol] = [b if isinstance(b, str) else json.dumps(b) for b in bodies]
    return out


class ReplayConnection:
    """What cryptofeed's handlers read from their ``conn`` argument (an ``AsyncConnection``)."""

    def __init__(self, conn_id: str, address: str, subscription: dict):
        self.id = conn_id
        self.address = address
        self.subscription = subscription
        self.received = 0
        self.sent = 0
        self.last_message = None
        self.raw_data_callback = None

    @property
    def uuid(self) -> str:
        return self.id

    async def write(self, msg):
        pass


# --------------------------------------------------------------------------------------------
# Per-exchange knowledge
# --------------------------------------------------------------------------------------------

def _fill(obj: dict, key: str, value) -> int:
    if key in obj:
        return 0
    obj[key] = value
    return 1


def complete_binance(data) -> int:
    n = 0
    for s in data.get("symbols", []):
        n += _fill(s, "filters", [{"filterType": "PRICE_FILTER", "tickSize": "0.01"}])
    return n


def complete_okx(data) -> int:
    return sum(_fill(e, "tickSz", "0.01") for e in data.get("data", []))


def complete_bybit(data) -> int:
    result = data.get("result")
    if not isinstance(result, dict):
        return 0
    return sum(_fill(s, "priceFilter", {"tickSize": "0.01"}) for s in result.get("list", []))


def complete_coinbase(data) -> int:
    return sum(_fill(p, "quote_increment", "0.01") for p in data.get("products", []))


def complete_nothing(data) -> int:
    return 0


@dataclass
class RewriteContext:
    """What frame rewriting may need: the decoded market-list bodies."""
    markets: List[Any]
    rewritten: int = 0


def _loads_text_numbers(line: str):
    # keep numbers as their source text, so rewriting never changes a price
    return json.loads(line, parse_float=str, parse_int=str)


_BINANCE_STREAMS = {"aggTrade": "aggTrade", "depthUpdate": "depth@100ms", "kline": "kline_1m",
                    "markPriceUpdate": "markPrice"}
_BINANCE_EVENT = re.compile(r'^\{"e":"(\w+)","E":\d+,"s":"([A-Z0-9]+)"')


def rewrite_binance(lines: List[str], ctx: RewriteContext) -> List[str]:
    out = []
    for line in lines:
        if line.startswith('{"stream"'):
            out.append(line)
            continue
        # the documented key order first (cheap), a full decode otherwise
        m = _BINANCE_EVENT.match(line)
        if m:
            event, symbol = m.group(1), m.group(2)
        else:
            try:
                msg = json.loads(line)
            except ValueError:
                out.append(line)
                continue
            if not isinstance(msg, dict) or "stream" in msg or "s" not in msg:
                out.append(line)
                continue
            event, symbol = msg.get("e"), msg["s"]
            if event is None and "A" in msg and "u" in msg:
                event = "bookTicker"
        stream = "bookTicker" if event == "bookTicker" else _BINANCE_STREAMS.get(event)
        if stream is None:
            out.append(line)
            continue
        out.append('{"stream":"%s@%s","data":%s}' % (symbol.lower(), stream, line))
        ctx.rewritten += 1
    return out


def _kraken_v2_to_wsname(markets: List[Any]) -> Dict[str, str]:
    """v2 symbol (``BTC/USD``) -> v1/REST ``wsname`` (``XBT/USD``): v2 renames the assets
    XBT -> BTC and XDG -> DOGE, nothing else."""
    alias = {"XBT": "BTC", "XDG": "DOGE"}
    out = {}
    for body in markets:
        for pair in body.get("result", {}).values():
            wsname = pair.get("wsname")
            if not wsname or "/" not in wsname:
                continue
            base, quote = wsname.split("/", 1)
            out[f"{alias.get(base, base)}/{alias.get(quote, quote)}"] = wsname
    return out


def _rfc3339_to_epoch_text(ts: str) -> str:
    """``2023-09-25T07:49:37.708706Z`` -> ``1695628177.708706`` (exact, no float)."""
    main, _, frac = ts.rstrip("Z").partition(".")
    frac = "".join(ch for ch in frac if ch.isdigit())
    seconds = calendar.timegm(_dt.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").timetuple())
    return f"{seconds}.{(frac + '000000')[:6]}"


def rewrite_kraken(lines: List[str], ctx: RewriteContext) -> List[str]:
    v2_to_wsname = _kraken_v2_to_wsname(ctx.markets)
    out = []
    for line in lines:
        if line.startswith("["):
            out.append(line)
            continue
        try:
            msg = _loads_text_numbers(line)
        except ValueError:
            out.append(line)
            continue
        if not isinstance(msg, dict) or "event" in msg or "channel" not in msg:
            out.append(line)  # already v1 (or not understood): as is
            continue
        ctx.rewritten += 1
        if msg.get("channel") != "trade" or msg.get("type") != "update":
            out.append('{"event":"heartbeat"}')
            continue
        by_symbol: Dict[str, list] = {}
        for t in msg.get("data", []):
            by_symbol.setdefault(t["symbol"], []).append([
                t["price"], t["qty"], _rfc3339_to_epoch_text(t["timestamp"]),
                "b" if t["side"] == "buy" else "s",
                "l" if t.get("ord_type") == "limit" else "m",
                "",
            ])
        for symbol, trades in by_symbol.items():
            wsname = v2_to_wsname.get(symbol, symbol)
            out.append(json.dumps([0, trades, "trade", wsname], separators=(",", ":")))
    return out


def rewrite_nothing(lines: List[str], ctx: RewriteContext) -> List[str]:
    return lines


@dataclass
class ExchangeSpec:
    module: str                     # cryptofeed.exchanges.<module>
    cls: str                        # feed class name
    channels: Dict[str, str]        # --channel value -> the exchange channel cryptofeed subscribes to (documentation)
    empty_market_body: Optional[str]
    complete_markets: Callable[[Any], int]
    rewrite: Callable[[List[str], RewriteContext], List[str]]
    api: str                        # which WebSocket API cryptofeed 2.4.1 speaks
    feed_kwargs: Dict[str, Any] = field(default_factory=dict)


EXCHANGES: Dict[str, ExchangeSpec] = {
    "binance": ExchangeSpec(
        "binance", "Binance", {"trades": "aggTrade", "l2_book": "depth@100ms"},
        None, complete_binance, rewrite_binance,
        "spot combined streams /stream?streams=<sym>@aggTrade/<sym>@depth@100ms"),
    "okx": ExchangeSpec(
        "okx", "OKX", {"trades": "trades", "l2_book": "books"},
        '{"code":"0","msg":"","data":[]}', complete_okx, rewrite_nothing,
        "v5 public (wss://ws.okx.com:8443/ws/v5/public)"),
    "bybit": ExchangeSpec(
        "bybit", "Bybit", {"trades": "publicTrade", "l2_book": "orderbook.200"},
        '{"retCode":0,"retMsg":"OK","result":{"category":"","list":[]}}', complete_bybit,
        rewrite_nothing, "v5 public (wss://stream.bybit.com/v5/public/{linear,spot})"),
    "coinbase": ExchangeSpec(
        "coinbase", "Coinbase", {"trades": "market_trades", "l2_book": "level2"},
        None, complete_coinbase, rewrite_nothing,
        "Advanced Trade (wss://advanced-trade-ws.coinbase.com), not the old Pro/Exchange feed"),
    "kraken": ExchangeSpec(
        "kraken", "Kraken", {"trades": "trade", "l2_book": "book"},
        None, complete_nothing, rewrite_kraken,
        "WebSocket v1 (wss://ws.kraken.com, array frames), not v2"),
}


def bybit_category(args, markets: List[Any]) -> str:
    """Bybit spot and linear share symbol names; cryptofeed tells them apart by the last
    path segment of the connection's address. ``--bybit-category`` wins, else the category
    of the first market-list body, else ``linear``."""
    if args.bybit_category:
        return args.bybit_category
    for body in markets:
        category = (body.get("result") or {}).get("category") if isinstance(body, dict) else None
        if category in ("spot", "linear"):
            return category
    return "linear"


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------

class CountingLogHandler(logging.Handler):
    """Counts cryptofeed's warnings/errors (e.g. Binance's 'Missing book update detected')
    and echoes the first few to stderr."""

    def __init__(self, echo: int = 5):
        super().__init__(level=logging.WARNING)
        self.count = 0
        self.echo = echo

    def emit(self, record):
        self.count += 1
        if self.count <= self.echo:
            sys.stderr.write(f"cryptofeed {record.levelname}: {record.getMessage()[:300]}\n")
            if self.count == self.echo:
                sys.stderr.write("cryptofeed: (further log lines only counted)\n")


def make_counter():
    """The default callback: counts, nothing else, so the run measures cryptofeed itself.
    Returns (callback, function returning the count)."""
    records = 0

    async def count(obj, receipt_timestamp):
        nonlocal records
        records += 1

    return count, lambda: records


def make_shower(show: int):
    """Counts and prints the first ``show`` records to stderr (--show)."""
    records = 0

    async def count(obj, receipt_timestamp):
        nonlocal records
        records += 1
        if records <= show:
            sys.stderr.write(f"record {records}: {describe(obj)}\n")

    return count, lambda: records


def make_emitter(out, is_book: bool):
    """Counts and writes each record as one JSON line (--emit), the way cryptofeed's
    backends serialise (``BackendCallback`` / ``BackendBookCallback`` with
    ``numeric_type=str``: ``to_dict``, the receipt time, yapic ``json.dumps``). This is the
    work that compares with ``feedhandler replay``, which writes every trade as a JSON line."""
    from yapic import json as yapic_json

    dumps = yapic_json.dumps
    write = out.write
    records = 0

    async def emit_trade(obj, receipt_timestamp):
        nonlocal records
        data = obj.to_dict(numeric_type=str)
        if not obj.timestamp:
            data['timestamp'] = receipt_timestamp
        data['receipt_timestamp'] = receipt_timestamp
        write(dumps(data))
        write("\n")
        records += 1

    async def emit_book(book, receipt_timestamp):
        nonlocal records
        data = book.to_dict(delta=book.delta is not None, numeric_type=str)
        if not book.timestamp:
            data['timestamp'] = receipt_timestamp
        data['receipt_timestamp'] = receipt_timestamp
        if book.delta is None:
            del data['delta']
        write(dumps(data))
        write("\n")
        records += 1

    return (emit_book if is_book else emit_trade), lambda: records


def describe(obj) -> str:
    """A short text of a record for --show: a Trade as its dict, an OrderBook as its delta
    (or its size and best levels when it carries no delta, e.g. after a snapshot)."""
    from cryptofeed.types import OrderBook

    if isinstance(obj, OrderBook):
        bids, asks = obj.book.bids, obj.book.asks
        best_bid = bids.index(0) if len(bids) else None
        best_ask = asks.index(0) if len(asks) else None
        return (f"book {obj.symbol} levels={len(bids)}/{len(asks)} best={best_bid}/{best_ask} "
                f"seq={obj.sequence_number} checksum={obj.checksum} ts={obj.timestamp!r} delta={obj.delta}")
    return str(obj.to_dict())


def read_frames(path: str) -> List[str]:
    with open(path, encoding="utf-8") as fp:
        return [line for line in fp.read().splitlines() if line.strip()]


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as fp:
        return fp.read()


async def drive(handler, conn, frames: List[str], keep_going: bool) -> Tuple[float, int, Optional[str]]:
    """Hand every frame to ``handler``; returns (seconds, errors, first error)."""
    clock = time.time
    errors = 0
    first_error = None
    if not keep_going:
        start = time.perf_counter()
        for frame in frames:
            await handler(frame, conn, clock())
        return time.perf_counter() - start, 0, None
    start = time.perf_counter()
    for frame in frames:
        try:
            await handler(frame, conn, clock())
        except Exception as exc:  # counted, as --keep-going asks
            errors += 1
            if first_error is None:
                first_error = f"{type(exc).__name__}: {exc} in frame {frame[:200]}"
    return time.perf_counter() - start, errors, first_error


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Time cryptofeed 2.4.1 turning recorded WebSocket frames into normalized records, offline.")
    p.add_argument("--exchange", required=True, choices=sorted(EXCHANGES))
    p.add_argument("--channel", required=True, choices=["trades", "l2_book"])
    p.add_argument("--markets", required=True, action="append", metavar="MARKETS_FILE",
                   help="REST market-list body, as the exchange serves it (binance: /api/v3/exchangeInfo). "
                        "Repeat for exchanges where cryptofeed requests several URLs (okx: SPOT, SWAP, FUTURES, "
                        "OPTION BTC-USD, OPTION ETH-USD; bybit: linear, spot); missing ones are served empty.")
    p.add_argument("--frames", required=True, metavar="FRAMES_FILE", help="one WebSocket text frame per line")
    p.add_argument("--snapshots", metavar="SNAPSHOT_FILE",
                   help="binance l2_book: JSON {exchange symbol: REST /api/v3/depth body, or a list of bodies "
                        "served to successive requests}, or one bare depth body for every symbol")
    p.add_argument("--bybit-category", choices=["linear", "spot"],
                   help="bybit: which public stream the frames came from (default: the markets body's category)")
    p.add_argument("--checksum-validation", action="store_true",
                   help="pass checksum_validation=True to the feed (okx, kraken books; cryptofeed's default is off)")
    p.add_argument("--repeat", type=int, default=1, help="runs, each with a fresh feed; seconds is their median")
    p.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop",
                   help="event loop (cryptofeed's FeedHandler uses uvloop by default)")
    p.add_argument("--verbatim", action="store_true", help="feed frames exactly as in the file (no rewriting)")
    p.add_argument("--emit", metavar="FILE",
                   help="write every record as a JSON line to FILE (e.g. /dev/null), serialised as cryptofeed's "
                        "backends do; default: only count")
    p.add_argument("--show", type=int, default=0, metavar="N",
                   help="print the first N records to stderr (to check the parsing; slows the run)")
    p.add_argument("--keep-going", action="store_true",
                   help="count frames whose handler raised and go on (default: stop at the first)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.emit and args.show:
        sys.stderr.write("error: --emit and --show do not go together\n")
        return 2
    disable_network()

    import importlib
    from cryptofeed.defines import L2_BOOK, TRADES
    from cryptofeed.symbols import Symbols
    from importlib.metadata import version as dist_version

    installed = dist_version("cryptofeed")
    if installed != CRYPTOFEED_VERSION:
        sys.stderr.write(f"warning: cryptofeed {installed} is installed; this harness was written for {CRYPTOFEED_VERSION}\n")

    spec = EXCHANGES[args.exchange]
    feed_cls = getattr(importlib.import_module(f"cryptofeed.exchanges.{spec.module}"), spec.cls)
    channel = {"trades": TRADES, "l2_book": L2_BOOK}[args.channel]

    log_counter = CountingLogHandler()
    cf_log = logging.getLogger("feedhandler")
    cf_log.addHandler(log_counter)
    cf_log.setLevel(logging.WARNING)
    cf_log.propagate = False

    # --- market list, offline -------------------------------------------------------------
    market_bodies = [read_text(path) for path in args.markets]
    recorded = RecordedMarkets(market_bodies, spec.empty_market_body, spec.complete_markets)
    feed_cls.http_sync = recorded
    Symbols.clear()
    symbols = list(feed_cls.symbol_mapping().keys())
    if not symbols:
        sys.stderr.write("error: the market list yields no symbols\n")
        return 2
    decoded_markets = [json.loads(b) for b in market_bodies]

    snapshots = load_snapshots(args.snapshots) if args.snapshots else None

    # --- frames -----------------------------------------------------------------------------
    raw_frames = read_frames(args.frames)
    ctx = RewriteContext(markets=decoded_markets)
    frames = raw_frames if args.verbatim else spec.rewrite(raw_frames, ctx)

    if args.loop == "uvloop":
        try:
            import uvloop
            loop = uvloop.new_event_loop()
        except ImportError:
            sys.stderr.write("warning: uvloop not installed, using asyncio's loop\n")
            args.loop = "asyncio"
            loop = asyncio.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    runs = []
    records_per_run = []
    rest_snapshots = 0
    errors = 0
    first_error = None
    address = None
    for _ in range(max(1, args.repeat)):
        emit = None
        if args.emit:
            emit = open(args.emit, "w", buffering=1 << 16)  # each run rewrites it
            callback, recorded_count = make_emitter(emit, channel == L2_BOOK)
        elif args.show:
            callback, recorded_count = make_shower(args.show)
        else:
            callback, recorded_count = make_counter()

        kwargs = dict(spec.feed_kwargs)
        if args.checksum_validation:
            kwargs["checksum_validation"] = True
        feed = feed_cls(symbols=symbols, channels=[channel], callbacks={channel: callback}, **kwargs)
        snapshot_conn = RecordedSnapshots(snapshots)
        feed.http_conn = snapshot_conn

        if args.exchange == "bybit":
            category = bybit_category(args, decoded_markets)
            address = f"wss://stream.bybit.com/v5/public/{category}"
        else:
            address = feed.websocket_endpoints[0].address
        conn = ReplayConnection(f"{feed.id}.ws.replay", address, dict(feed.subscription))

        try:
            seconds, run_errors, run_first_error = loop.run_until_complete(
                drive(feed.message_handler, conn, frames, args.keep_going))
        except Exception as exc:
            sys.stderr.write(f"error: cryptofeed's {spec.cls}.message_handler raised {type(exc).__name__}: {exc}\n")
            sys.stderr.write("       (use --keep-going to count such frames and go on)\n")
            raise
        if emit is not None:
            emit.close()
        runs.append(seconds)
        records_per_run.append(recorded_count())
        rest_snapshots = snapshot_conn.requests
        errors = run_errors
        first_error = first_error or run_first_error

    seconds = statistics.median(runs)
    records = records_per_run[-1]
    result = {
        "exchange": args.exchange,
        "channel": args.channel,
        "frames": len(raw_frames),
        "records": records,
        "seconds": round(seconds, 6),
        "records_per_second": round(records / seconds, 1) if seconds > 0 else None,
        "frames_per_second": round(len(frames) / seconds, 1) if seconds > 0 else None,
        "frames_fed": len(frames),
        "frames_rewritten": ctx.rewritten,
        "rest_snapshots": rest_snapshots,
        "errors": errors,
        "log_warnings": log_counter.count,
        "symbols": len(symbols),
        "markets_completed": recorded.completed,
        "ws_api": spec.api,
        "ws_address": address,
        "runs": [round(r, 6) for r in runs],
        "cryptofeed": installed,
        "python": platform.python_version(),
        "loop": args.loop,
    }
    if args.emit:
        result["emitted_to"] = args.emit
    if len(set(records_per_run)) > 1:
        result["records_per_run"] = records_per_run
    if first_error:
        result["first_error"] = first_error
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
