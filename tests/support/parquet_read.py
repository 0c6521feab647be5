"""Reads Parquet files back with pyarrow (an independent reader): prints, as JSON, each
file's schema (column -> Arrow type) and rows (decimals and times as text).

Usage: parquet_read.py FILE...
"""
import json
import sys

try:
    import pyarrow.parquet as pq
except ImportError:
    sys.exit("the PyPI package pyarrow is missing: pip install pyarrow")


def text(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


out = []
for path in sys.argv[1:]:
    table = pq.read_table(path)
    out.append({
        "path": path,
        "schema": {field.name: str(field.type) for field in table.schema},
        "compression": pq.ParquetFile(path).metadata.row_group(0).column(0).compression,
        "rows": [{k: text(v) for k, v in row.items()} for row in table.to_pylist()],
    })
json.dump(out, sys.stdout)
