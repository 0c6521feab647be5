#!/usr/bin/env python3
"""Write synthetic, deterministic frame files for cryptofeed_replay.py (stdlib only).

    python3 make_frames.py OUT_DIR [--trades N] [--books N] [--seed S]

For each exchange it writes, into OUT_DIR:

* ``<ex>_markets.json``            the REST market-list body (3 markets)
* ``<ex>_trades.txt``              N trade frames, one per line, one trade per frame
* ``<ex>_book.txt``                N book frames: per market one snapshot (where the
                                   exchange sends it over the WebSocket), then updates
* ``binance_snapshots.json``       REST depth bodies for Binance (1000 levels per side)
* ``kraken_trades_v2.txt``         the Kraken trades again, as WebSocket v2 frames
* ``kraken_book_v2.txt``           the Kraken book frames again, as WebSocket v2 frames
                                   (numbers written with the v1 strings' exact digits)

Trade frames follow each exchange's documented layout, in the format ``feedhandler``
receives (Binance raw ``/ws`` frames, Kraken both v1 and v2); cryptofeed_replay.py rewrites
what cryptofeed expects differently. Book updates are consistent: sequence numbers follow
on (Binance ``U``/``u``, OKX ``prevSeqId``/``seqId``, Bybit ``u``), and the OKX and Kraken
checksums are the real CRC32 of the book after the update, so ``--checksum-validation``
can be timed too.
"""

import argparse
import json
import os
import random
import zlib
from decimal import Decimal

MARKETS = {
    # exchange: [(wire symbol, base, quote, mid price)]
    "binance": [("BTCUSDT", "BTC", "USDT", 37000), ("ETHUSDT", "ETH", "USDT", 2000), ("SOLUSDT", "SOL", "USDT", 60)],
    "okx": [("BTC-USDT", "BTC", "USDT", 37000), ("ETH-USDT", "ETH", "USDT", 2000), ("SOL-USDT", "SOL", "USDT", 60)],
    "bybit": [("BTCUSDT", "BTC", "USDT", 37000), ("ETHUSDT", "ETH", "USDT", 2000), ("SOLUSDT", "SOL", "USDT", 60)],
    "coinbase": [("BTC-USD", "BTC", "USD", 37000), ("ETH-USD", "ETH", "USD", 2000), ("SOL-USD", "SOL", "USD", 60)],
    # Kraken v1 / REST wsname, v2 symbol
    "kraken": [("XBT/USD", "BTC/USD", "XXBTZUSD", 37000), ("ETH/USD", "ETH/USD", "XETHZUSD", 2000),
               ("XDG/USD", "DOGE/USD", "XDGUSD", 1)],
}

T0_MS = 1700000000000


def iso(ms: int, digits: int = 6) -> str:
    import datetime as dt
    d = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)
    frac = f"{d.microsecond:06d}" + "000"
    return d.strftime("%Y-%m-%dT%H:%M:%S") + "." + frac[:digits] + "Z"


def price(rng, mid, decimals=2):
    return f"{mid * (1 + rng.uniform(-0.001, 0.001)):.{decimals}f}"


def qty(rng, decimals=8):
    return f"{rng.uniform(0.0001, 2):.{decimals}f}"


# ---------------------------------------------------------------- market lists

def write_markets(out):
    binance = {"timezone": "UTC", "serverTime": T0_MS, "symbols": [
        {"symbol": s, "status": "TRADING", "baseAsset": b, "quoteAsset": q,
         "filters": [{"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "1000000", "tickSize": "0.01"}]}
        for s, b, q, _ in MARKETS["binance"]]}
    okx = {"code": "0", "msg": "", "data": [
        {"instType": "SPOT", "instId": s, "baseCcy": b, "quoteCcy": q, "tickSz": "0.01", "lotSz": "0.00000001", "state": "live"}
        for s, b, q, _ in MARKETS["okx"]]}
    bybit = {"retCode": 0, "retMsg": "OK", "result": {"category": "spot", "list": [
        {"symbol": s, "baseCoin": b, "quoteCoin": q, "status": "Trading", "priceFilter": {"tickSize": "0.01"}}
        for s, b, q, _ in MARKETS["bybit"]]}}
    coinbase = {"products": [
        {"product_id": s, "base_currency_id": b, "quote_currency_id": q, "quote_increment": "0.01", "status": "online",
         "product_type": "SPOT", "trading_disabled": False}
        for s, b, q, _ in MARKETS["coinbase"]], "num_products": 3}
    kraken = {"error": [], "result": {
        key: {"altname": ws.replace("/", ""), "wsname": ws, "base": ws.split("/")[0], "quote": "ZUSD"}
        for ws, _, key, _ in MARKETS["kraken"]}}
    for name, body in [("binance", binance), ("okx", okx), ("bybit", bybit), ("coinbase", coinbase), ("kraken", kraken)]:
        with open(os.path.join(out, f"{name}_markets.json"), "w") as f:
            json.dump(body, f)


# ---------------------------------------------------------------- trades

def write_trades(out, n, rng):
    files = {name: open(os.path.join(out, f"{name}_trades.txt"), "w") for name in MARKETS}
    kraken_v2 = open(os.path.join(out, "kraken_trades_v2.txt"), "w")
    for i in range(n):
        t = T0_MS + i
        buy = i % 2 == 0
        k = i % 3
        s, _, _, mid = MARKETS["binance"][k]
        files["binance"].write(
            f'{{"e":"aggTrade","E":{t + 1},"s":"{s}","a":{5000000 + i},"p":"{price(rng, mid)}","q":"{qty(rng)}",'
            f'"f":{i},"l":{i},"T":{t},"m":{"false" if buy else "true"},"M":true}}\n')
        s, _, _, mid = MARKETS["okx"][k]
        files["okx"].write(
            f'{{"arg":{{"channel":"trades","instId":"{s}"}},"data":[{{"instId":"{s}","tradeId":"{130000000 + i}",'
            f'"px":"{price(rng, mid)}","sz":"{qty(rng)}","side":"{"buy" if buy else "sell"}","ts":"{t}","count":"1"}}]}}\n')
        s, _, _, mid = MARKETS["bybit"][k]
        files["bybit"].write(
            f'{{"topic":"publicTrade.{s}","ts":{t + 2},"type":"snapshot","data":[{{"i":"{2290000000000000000 + i}",'
            f'"T":{t},"p":"{price(rng, mid)}","v":"{qty(rng, 6)}","S":"{"Buy" if buy else "Sell"}","s":"{s}","BT":false,"RPI":false}}]}}\n')
        s, _, _, mid = MARKETS["coinbase"][k]
        files["coinbase"].write(
            f'{{"channel":"market_trades","client_id":"","timestamp":"{iso(t + 3, 9)}","sequence_num":{i},'
            f'"events":[{{"type":"update","trades":[{{"product_id":"{s}","trade_id":"{600000000 + i}","price":"{price(rng, mid)}",'
            f'"size":"{qty(rng)}","time":"{iso(t, 6)}","side":"{"BUY" if buy else "SELL"}"}}]}}]}}\n')
        ws, v2, _, mid = MARKETS["kraken"][k]
        p, q = price(rng, mid, 5 if mid > 10 else 7), qty(rng)
        ts = f"{t // 1000}.{t % 1000:03d}{i % 1000:03d}"
        files["kraken"].write(
            f'[0,[["{p}","{q}","{ts}","{"b" if buy else "s"}","{"m" if i % 5 else "l"}",""]],"trade","{ws}"]\n')
        kraken_v2.write(
            f'{{"channel":"trade","type":"update","data":[{{"symbol":"{v2}","side":"{"buy" if buy else "sell"}",'
            f'"price":{Decimal(p).normalize():f},"qty":{Decimal(q).normalize():f},"ord_type":"{"market" if i % 5 else "limit"}",'
            f'"trade_id":{80000000 + i},"timestamp":"{iso(t, 3)[:-1]}{i % 1000:03d}Z"}}]}}\n')
    for f in list(files.values()) + [kraken_v2]:
        f.close()


# ---------------------------------------------------------------- books

class Book:
    """Price levels as the exchange's strings, sorted on their Decimal value."""

    def __init__(self):
        self.bids = {}  # Decimal -> (price text, size text)
        self.asks = {}

    def side(self, name):
        return self.bids if name == "bid" else self.asks

    def apply(self, side, p, s):
        levels = self.side(side)
        if Decimal(s) == 0:
            levels.pop(Decimal(p), None)
        else:
            levels[Decimal(p)] = (p, s)

    def top(self, side, n):
        levels = self.side(side)
        keys = sorted(levels, reverse=(side == "bid"))[:n]
        return [levels[k] for k in keys]


def okx_checksum(book: Book) -> int:
    bids, asks = book.top("bid", 25), book.top("ask", 25)
    parts = []
    for i in range(25):
        if i < len(bids):
            parts += list(bids[i])
        if i < len(asks):
            parts += list(asks[i])
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= (1 << 31) else crc  # OKX sends it signed


def kraken_checksum(book: Book) -> str:
    def digits(text):
        return text.replace(".", "").lstrip("0")
    s = "".join(digits(p) + digits(q) for p, q in book.top("ask", 10))
    s += "".join(digits(p) + digits(q) for p, q in book.top("bid", 10))
    return str(zlib.crc32(s.encode()))


def level_updates(rng, book, mid, decimals, qdec, n_levels):
    """1-4 changes on random sides near the top; about one in four deletes an existing level."""
    out = []
    for _ in range(rng.randint(1, 4)):
        side = rng.choice(("bid", "ask"))
        levels = book.side(side)
        if levels and rng.random() < 0.25:
            key = rng.choice(list(levels))
            p = levels[key][0]
            out.append((side, p, f"{0:.{qdec}f}"))
        else:
            off = rng.randint(1, n_levels) * (10 ** -decimals) * max(1, mid // 1000)
            px = mid - off if side == "bid" else mid + off
            out.append((side, f"{px:.{decimals}f}", qty(rng, qdec)))
    return out


def initial_levels(rng, mid, decimals, qdec, n):
    step = (10 ** -decimals) * max(1, mid // 1000)
    bids = [(f"{mid - (i + 1) * step:.{decimals}f}", qty(rng, qdec)) for i in range(n)]
    asks = [(f"{mid + (i + 1) * step:.{decimals}f}", qty(rng, qdec)) for i in range(n)]
    return bids, asks


def write_books(out, n, rng):
    # Binance: REST snapshots with lastUpdateId 100, then depthUpdate diffs U = last + 1
    snapshots = {}
    with open(os.path.join(out, "binance_book.txt"), "w") as f:
        books, last = {}, {}
        for s, _, _, mid in MARKETS["binance"]:
            bids, asks = initial_levels(rng, mid, 2, 8, 1000)
            snapshots[s] = {"lastUpdateId": 100, "bids": [list(b) for b in bids], "asks": [list(a) for a in asks]}
            books[s] = Book()
            for p, q in bids:
                books[s].apply("bid", p, q)
            for p, q in asks:
                books[s].apply("ask", p, q)
            last[s] = 100
        for i in range(n):
            s, _, _, mid = MARKETS["binance"][i % 3]
            ups = level_updates(rng, books[s], mid, 2, 8, 200)
            for side, p, q in ups:
                books[s].apply(side, p, q)
            first, last[s] = last[s] + 1, last[s] + len(ups)
            b = [[p, q] for side, p, q in ups if side == "bid"]
            a = [[p, q] for side, p, q in ups if side == "ask"]
            f.write(json.dumps({"e": "depthUpdate", "E": T0_MS + i, "s": s, "U": first, "u": last[s], "b": b, "a": a},
                               separators=(",", ":")) + "\n")
    with open(os.path.join(out, "binance_snapshots.json"), "w") as f:
        json.dump(snapshots, f)

    # OKX books: snapshot (400 levels) then updates, seqId chain and real checksums
    with open(os.path.join(out, "okx_book.txt"), "w") as f:
        books, seq = {}, {}
        for j, (s, _, _, mid) in enumerate(MARKETS["okx"]):
            bids, asks = initial_levels(rng, mid, 2, 8, 400)
            books[s] = Book()
            for p, q in bids:
                books[s].apply("bid", p, q)
            for p, q in asks:
                books[s].apply("ask", p, q)
            seq[s] = 1000 + j
            f.write(json.dumps({"arg": {"channel": "books", "instId": s}, "action": "snapshot", "data": [{
                "asks": [[p, q, "0", "1"] for p, q in asks], "bids": [[p, q, "0", "1"] for p, q in bids],
                "ts": str(T0_MS), "checksum": okx_checksum(books[s]), "prevSeqId": -1, "seqId": seq[s]}]},
                separators=(",", ":")) + "\n")
        for i in range(n - 3):
            s, _, _, mid = MARKETS["okx"][i % 3]
            ups = level_updates(rng, books[s], mid, 2, 8, 400)
            for side, p, q in ups:
                books[s].apply(side, p, q)
            prev, seq[s] = seq[s], seq[s] + 7
            f.write(json.dumps({"arg": {"channel": "books", "instId": s}, "action": "update", "data": [{
                "asks": [[p, q, "0", "1"] for side, p, q in ups if side == "ask"],
                "bids": [[p, q, "0", "1"] for side, p, q in ups if side == "bid"],
                "ts": str(T0_MS + i), "checksum": okx_checksum(books[s]), "prevSeqId": prev, "seqId": seq[s]}]},
                separators=(",", ":")) + "\n")

    # Bybit spot orderbook.200: snapshot then deltas, u + 1 each
    with open(os.path.join(out, "bybit_book.txt"), "w") as f:
        books, u = {}, {}
        for s, _, _, mid in MARKETS["bybit"]:
            bids, asks = initial_levels(rng, mid, 2, 6, 200)
            books[s] = Book()
            for p, q in bids:
                books[s].apply("bid", p, q)
            for p, q in asks:
                books[s].apply("ask", p, q)
            u[s] = 1
            f.write(json.dumps({"topic": f"orderbook.200.{s}", "ts": T0_MS, "type": "snapshot", "data": {
                "s": s, "b": [list(x) for x in bids], "a": [list(x) for x in asks], "u": 1, "seq": 5000},
                "cts": T0_MS - 1}, separators=(",", ":")) + "\n")
        for i in range(n - 3):
            s, _, _, mid = MARKETS["bybit"][i % 3]
            ups = level_updates(rng, books[s], mid, 2, 6, 200)
            for side, p, q in ups:
                books[s].apply(side, p, q)
            u[s] += 1
            f.write(json.dumps({"topic": f"orderbook.200.{s}", "ts": T0_MS + i, "type": "delta", "data": {
                "s": s, "b": [[p, q] for side, p, q in ups if side == "bid"],
                "a": [[p, q] for side, p, q in ups if side == "ask"], "u": u[s], "seq": 5000 + i},
                "cts": T0_MS + i - 1}, separators=(",", ":")) + "\n")

    # Coinbase Advanced Trade level2 (channel l2_data): snapshot then updates; asks are "offer"
    with open(os.path.join(out, "coinbase_book.txt"), "w") as f:
        books = {}
        for j, (s, _, _, mid) in enumerate(MARKETS["coinbase"]):
            bids, asks = initial_levels(rng, mid, 2, 8, 500)
            books[s] = Book()
            for p, q in bids:
                books[s].apply("bid", p, q)
            for p, q in asks:
                books[s].apply("ask", p, q)
            ups = [{"side": "bid", "event_time": iso(T0_MS), "price_level": p, "new_quantity": q} for p, q in bids]
            ups += [{"side": "offer", "event_time": iso(T0_MS), "price_level": p, "new_quantity": q} for p, q in asks]
            f.write(json.dumps({"channel": "l2_data", "client_id": "", "timestamp": iso(T0_MS, 9), "sequence_num": j,
                                "events": [{"type": "snapshot", "product_id": s, "updates": ups}]},
                               separators=(",", ":")) + "\n")
        for i in range(n - 3):
            s, _, _, mid = MARKETS["coinbase"][i % 3]
            ups = level_updates(rng, books[s], mid, 2, 8, 500)
            for side, p, q in ups:
                books[s].apply(side, p, q)
            f.write(json.dumps({"channel": "l2_data", "client_id": "", "timestamp": iso(T0_MS + i, 9),
                                "sequence_num": 3 + i, "events": [{"type": "update", "product_id": s, "updates": [
                                    {"side": "bid" if side == "bid" else "offer", "event_time": iso(T0_MS + i),
                                     "price_level": p, "new_quantity": q} for side, p, q in ups]}]},
                               separators=(",", ":")) + "\n")

    # Kraken v1 book-1000: snapshot then updates with checksum; a and b in separate objects.
    # The same books as v2 frames (what feedhandler speaks) go to kraken_book_v2.txt.
    def v2_levels(levels):
        # JSON numbers with exactly the digits of the v1 strings.
        return "[" + ",".join(f'{{"price":{p},"qty":{q}}}' for p, q in levels) + "]"

    def v2_frame(kind, symbol, bids, asks, checksum, ms):
        return (f'{{"channel":"book","type":"{kind}","data":[{{"symbol":"{symbol}",'
                f'"bids":{v2_levels(bids)},"asks":{v2_levels(asks)},"checksum":{checksum},'
                f'"timestamp":"{iso(ms)}"}}]}}')

    v2 = open(os.path.join(out, "kraken_book_v2.txt"), "w")
    with open(os.path.join(out, "kraken_book.txt"), "w") as f:
        books = {}
        for j, (ws, _, _, mid) in enumerate(MARKETS["kraken"]):
            dec = 5 if mid > 10 else 7
            bids, asks = initial_levels(rng, mid, dec, 8, 1000)
            books[ws] = Book()
            for p, q in bids:
                books[ws].apply("bid", p, q)
            for p, q in asks:
                books[ws].apply("ask", p, q)
            ts = f"{T0_MS // 1000}.000000"
            f.write(json.dumps([j, {"as": [[p, q, ts] for p, q in asks], "bs": [[p, q, ts] for p, q in bids]},
                                "book-1000", ws], separators=(",", ":")) + "\n")
            v2_symbol = MARKETS["kraken"][j][1]
            v2.write(v2_frame("snapshot", v2_symbol, bids, asks, kraken_checksum(books[ws]), T0_MS) + "\n")
        for i in range(n - 3):
            j = i % 3
            ws, _, _, mid = MARKETS["kraken"][j]
            dec = 5 if mid > 10 else 7
            ups = level_updates(rng, books[ws], mid, dec, 8, 1000)
            for side, p, q in ups:
                books[ws].apply(side, p, q)
            ts = f"{(T0_MS + i) // 1000}.{(T0_MS + i) % 1000:03d}000"
            a = [[p, q, ts] for side, p, q in ups if side == "ask"]
            b = [[p, q, ts] for side, p, q in ups if side == "bid"]
            c = kraken_checksum(books[ws])
            if a and b:
                parts = [{"a": a}, {"b": b, "c": c}]
            elif a:
                parts = [{"a": a, "c": c}]
            else:
                parts = [{"b": b, "c": c}]
            f.write(json.dumps([j] + parts + ["book-1000", ws], separators=(",", ":")) + "\n")
            v2.write(v2_frame("update", MARKETS["kraken"][j][1], [(p, q) for side, p, q in ups if side == "bid"],
                              [(p, q) for side, p, q in ups if side == "ask"], c, T0_MS + i) + "\n")
    v2.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--trades", type=int, default=200_000)
    ap.add_argument("--books", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    write_markets(args.out)
    write_trades(args.out, args.trades, rng)
    write_books(args.out, args.books, rng)


if __name__ == "__main__":
    main()
