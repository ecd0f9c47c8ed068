"""Publishing to streams: acknowledged publishes, expectations, counters, batches, pipelines.

Use it through the manager: ``await js.publish(...)``, ``await js.increment(...)``,
``async with js.batch() as b``, ``async with js.publisher() as pub``.
"""

from __future__ import annotations

from jsm.publish._core import decode_pub_ack as decode_pub_ack
from jsm.publish._core import publish_once as publish_once
from jsm.publish._core import publish_timeout as publish_timeout
from jsm.publish._core import streams_capturing as streams_capturing
from jsm.publish._options import Expect as Expect
from jsm.publish._options import Rollup as Rollup
from jsm.publish._single import increment as increment
from jsm.publish._single import publish as publish
from jsm.publish.batch import Batch as Batch
from jsm.publish.pipeline import PubAckFuture as PubAckFuture
from jsm.publish.pipeline import Publisher as Publisher

__all__ = [
    "Batch",
    "Expect",
    "PubAckFuture",
    "Publisher",
    "Rollup",
    "decode_pub_ack",
    "increment",
    "publish",
    "publish_once",
    "publish_timeout",
    "streams_capturing",
]
