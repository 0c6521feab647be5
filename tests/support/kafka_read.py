"""Reads back what feedhandler published: every record of the given topics, from the
beginning, as a JSON list on stdout.

Usage: kafka_read.py BOOTSTRAP EXPECTED TOPIC...

Stops once EXPECTED records arrived and no more came for 2 s, or when nothing came for
15 s. Uses confluent-kafka (librdkafka's Python client), not the producer's bindings.
"""
import json
import sys
import time

try:
    from confluent_kafka import Consumer, KafkaError
except ImportError:
    sys.exit("the PyPI package confluent-kafka is missing: pip install confluent-kafka")


def main():
    bootstrap, expected, topics = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "feedhandler-test-%d" % time.time_ns(),
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe(topics)
    records = []
    last = time.monotonic()
    while True:
        quiet = time.monotonic() - last
        if (len(records) >= expected and quiet > 2) or quiet > 15:
            break
        message = consumer.poll(0.5)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                continue
            sys.exit("consumer error: %s" % message.error())
        last = time.monotonic()
        records.append({
            "topic": message.topic(),
            "partition": message.partition(),
            "offset": message.offset(),
            "key": (message.key() or b"").decode(),
            "value": (message.value() or b"").decode(),
            "headers": {k: (v or b"").decode() for k, v in (message.headers() or [])},
        })
    consumer.close()
    json.dump(records, sys.stdout)


main()
