"""Consumers: management (``stream.consumers``), pull and push delivery, acks, ordered replay.

:class:`ConsumerManager` creates and finds consumers of one stream and hands out
:class:`Consumer` handles; a handle pulls (``next``, ``fetch``, ``consume``) or receives
pushes (``push``), and every delivered message is a :class:`Msg` with its ack verbs.
"""

from __future__ import annotations

from jsm.consumers.consume import MessageStream as MessageStream
from jsm.consumers.consumer import Consumer as Consumer
from jsm.consumers.manager import ConsumerManager as ConsumerManager
from jsm.consumers.message import Msg as Msg
from jsm.consumers.ordered import OrderedConsumer as OrderedConsumer
from jsm.consumers.push import PushStream as PushStream

__all__ = [
    "Consumer",
    "ConsumerManager",
    "MessageStream",
    "Msg",
    "OrderedConsumer",
    "PushStream",
]
