"""Defaults and limits shared across jsm, kept in one place."""

from __future__ import annotations

from datetime import timedelta

DEFAULT_TIMEOUT = timedelta(seconds=5)
"""How long an API request waits for its reply unless told otherwise."""

DEFAULT_PUBLISH_TIMEOUT = timedelta(seconds=20)
"""How long a publish (its retries included) waits for its acknowledgement unless told
otherwise: longer than a stream leader election (nats-server notices a dead leader after
its Raft election timeout, 4 to 9 s, and a new leader then takes over), so publishes ride
through one with default settings."""

MIN_TIMEOUT = timedelta(milliseconds=500)
"""Shorter timeouts are rejected: the server's own API handling can take this long."""

DEFAULT_API_PREFIX = "$JS.API"

RETRY_BASE_DELAY = 0.05
"""Seconds before the first retry; doubles each time, with jitter."""

RETRY_MAX_DELAY = 1.0
"""Cap on the delay between two retries, in seconds."""

PUBLISH_ATTEMPTS_PER_TIMEOUT = 3
"""A publish with a ``msg_id`` whose acknowledgement does not come is sent again after
this share of its timeout (but not under ``MIN_TIMEOUT``): the ack of a message in flight
when its stream leader died never comes, and the stream drops the copy if it was stored."""

API_CHECK_TIMEOUT = 1.0
"""Seconds the look-up after an API request's first "no responders" may take: whether
JetStream answers at all (``INFO``), or a direct get's stream exists with direct gets on."""

PUBLISH_STREAM_CHECK_TIMEOUT = 1.0
"""Seconds the ``STREAM.NAMES`` look-up after a publish's first "no responders" may take;
a publisher without API permissions gets no answer, and then keeps retrying instead."""

PUBLISH_STREAM_CHECK_TTL = 1.0
"""Seconds a pipeline trusts what ``STREAM.NAMES`` said about a subject."""

PUBLISH_MIN_TRY = 0.01
"""Seconds left before a publish's deadline below which it is not sent again: the reply
could not arrive in time, and a message sent then would only make the outcome unknown."""

NAME_WARN_LENGTH = 32
"""Names this long or longer get a warning: some file systems and tools truncate them."""

NAME_MAX_LENGTH = 255
"""The server's limit for stream, consumer and account names."""

API_LEVEL_HEADER = "Nats-Required-Api-Level"

STORE_RACE_ATTEMPTS = 4
"""Tries of a stream create that failed with "error creating store for stream": after a
stream is deleted, nats-server removes the emptied account directory in the background,
and a create in between fails that way (transiently)."""

STORE_RACE_BACKOFF = 0.05
"""Seconds before the first such retry; the n-th waits n times as long."""

# ------------------------------------------------------------------- consumers

DEFAULT_FETCH_MAX_WAIT = timedelta(seconds=30)
"""How long a pull request (``fetch``/``next``) waits for messages unless told otherwise."""

MIN_PULL_EXPIRES = timedelta(milliseconds=10)
"""Shorter pull expiries are rejected: the request would end before it reached the server."""

CONSUME_MAX_MESSAGES = 500
"""Messages a ``consume()`` loop keeps requested or buffered at once, unless told otherwise."""

CONSUME_EXPIRES = timedelta(seconds=30)
"""Expiry of each pull request a ``consume()`` loop sends (ADR-37)."""

MIN_CONSUME_EXPIRES = timedelta(seconds=1)
"""``consume()`` expiries below this only add pull-request churn (nats.go's minimum too)."""

MAX_CONSUME_HEARTBEAT = timedelta(seconds=30)
"""The default pull heartbeat is half the expiry, capped here (ADR-37)."""

MIN_HEARTBEAT = timedelta(milliseconds=500)
"""The shortest idle heartbeat accepted: faster ones cost more than they detect."""

HEARTBEAT_TOLERANCE = 2
"""Silence longer than this many heartbeat intervals counts as a missed heartbeat (ADR-37)."""

BYTES_MODE_BUFFER = 1024
"""Buffer bound of a ``consume(max_bytes=...)`` loop, whose message count is not known."""

PUSH_BUFFER = 1024
"""Buffer bound of a push subscription's message iterator."""

CLEANUP_TIMEOUT = 2.0
"""Seconds shielded cleanup (unsubscribe, deleting an ephemeral consumer) may take."""

ORDERED_HEARTBEAT = timedelta(seconds=5)
"""Idle heartbeat of an ordered consumer's pulls: a lost consumer is noticed within 10 s."""

ORDERED_MAX_MESSAGES = 100
"""Messages an ordered consumer keeps requested or buffered at once."""

ORDERED_INACTIVE_THRESHOLD = timedelta(minutes=5)
"""How long the server keeps an ordered consumer's ephemeral consumer without activity."""

# ---- services

SERVICE_QUEUE_GROUP = "q"
"""The queue group service endpoints share unless told otherwise (ADR-32)."""

SERVICE_MAX_IN_FLIGHT = 256
"""Requests one service handles at once; more wait in the subscription's bounded buffer."""

SERVICE_STOP_TIMEOUT = timedelta(seconds=10)
"""How long ``stop()`` lets in-flight requests finish before cancelling them."""

SERVICE_DISCOVERY_TIMEOUT = timedelta(seconds=2)
"""How long ``ping``/``info``/``stats`` wait for replies at most."""

SERVICE_DISCOVERY_QUIET = timedelta(milliseconds=300)
"""Discovery ends early once no further reply came for this long after the last one."""

SERVICE_PENDING_LIMIT = 65_536
"""Requests an endpoint subscription buffers while all handler slots are busy."""

# ---- kv

KV_MAX_HISTORY = 64
"""Most values a Key-Value bucket keeps per key (ADR-8)."""

KV_MAX_DUPLICATE_WINDOW = timedelta(minutes=2)
"""A bucket's duplicate window: two minutes, or its TTL when that is shorter (ADR-8)."""

KV_PURGE_DELETES_OLDER_THAN = timedelta(minutes=30)
"""``purge_deletes`` keeps markers younger than this unless told otherwise (as nats.go)."""

KV_MIN_KEY_TTL = timedelta(seconds=1)
"""The shortest per-key TTL the server accepts (``Nats-TTL``, ADR-43)."""

KV_WATCH_BUFFER = 256
"""Entries a watcher's ordered consumer keeps requested or buffered at once."""

# ---- objects

OBJECT_CHUNK_SIZE = 128 * 1024
"""Default size of an object's chunks (ADR-20)."""

OBJECT_MAX_PENDING_BYTES = 8 * 1024 * 1024
"""Chunk bytes a put keeps published but unacknowledged at once (bounds memory and lag)."""

OBJECT_MAX_PENDING_CHUNKS = 64
"""Chunks a put keeps unacknowledged at once, whatever their size."""

OBJECT_READ_BUFFER_BYTES = 8 * 1024 * 1024
"""Chunk bytes a get keeps requested or buffered at once."""

OBJECT_LIST_BATCH = 256
"""Metadata entries ``list()`` pulls per request."""

OBJECT_LIST_INACTIVE_THRESHOLD = timedelta(minutes=1)
"""The server removes an abandoned ``list()`` consumer after this long."""

OBJECT_ORPHAN_AGE = timedelta(minutes=10)
"""``purge_orphans()`` keeps unreferenced chunks younger than this (a put may be under way)."""

# ---- publish

PUBLISH_MIN_TTL = timedelta(seconds=1)
"""The shortest per-message TTL the server accepts (``Nats-TTL``, ADR-43)."""

PUBLISHER_MAX_PENDING = 256
"""Acknowledgements a ``publisher()`` pipeline waits for at once, unless told otherwise."""

PUBLISHER_SUBJECT_CACHE = 1024
"""Subjects a pipeline remembers as checked, so repeated subjects skip the check."""

PUBLISHER_RECONNECT_POLL = 0.1
"""Seconds between a pipeline's checks for a reconnect while publishes with a msg_id
await their ack: the acks of those sent before it died with the old connection, so they
are sent again as soon as it is back (the stream drops a copy it already has)."""

PUBLISHER_MAX_FAILURES_KEPT = 100
"""Failed acknowledgements a pipeline keeps for the error it raises on exit."""

BATCH_ID_MAX_LENGTH = 64
"""The longest atomic batch id the server accepts (ADR-50)."""

BATCH_FLOW_EVERY = 100
"""An atomic batch asks the server to confirm every this many messages (ADR-50 flow control)."""

# ---- operations (events, admin, monitor, report)
EVENTS_MAX_PENDING = 10_000
"""Events an event stream buffers before the client drops the excess (slow consumer)."""
EVENTS_WAIT_SLICE = 2.0
"""Seconds one wait for an event (or the system-account probe) lasts before checking again."""

# ---- admin
SYS_PING_SUBJECT = "$SYS.REQ.SERVER.PING"
"""Every server of the system account answers a request here (plus ``.VARZ``, ``.JSZ``, ...)."""
SYS_SERVER_SUBJECT = "$SYS.REQ.SERVER.{id}.{kind}"
"""One server's system query, by its server id."""
SYS_GATHER_MAX = 10_000
"""Replies one gathering query buffers (one per server)."""

# ---- report
REPORT_ACCOUNT_WAIT = 1.0
"""Seconds a stream report waits to learn the connection's account (``$SYS.REQ.USER.INFO``);
a server or permission set that does not answer leaves the account unknown."""
