"""Publishing to streams: acknowledged publishes (see :func:`publish_once`)."""

from __future__ import annotations

from jsm.publish._core import decode_pub_ack as decode_pub_ack
from jsm.publish._core import publish_once as publish_once

__all__ = ["decode_pub_ack", "publish_once"]
