"""Hypothesis strategies that mix valid values with hostile ones.

Each strategy draws a valid value four times in five (:func:`mostly`), so that a call
with several arguments often makes a real server round trip, and otherwise the values a
careless or malicious caller passes: control characters, CR/LF, NUL, lone surrogates,
non-ASCII and invisible whitespace, wildcards, empty tokens, huge text, wrong types
(bytes for text, numbers, ``None``), numbers at the edges of the server's integer types,
NaN and infinities, and durations from ``timedelta.min`` to ``timedelta.max``. Drawn
values are typed ``Any``: they are passed where the API's types say they may not go.
"""

from __future__ import annotations

import string
from collections.abc import Hashable
from datetime import timedelta
from typing import Any, TypeVar

from hypothesis import strategies as st

from jsm import NOT_GIVEN
from jsm.units import MAX_DURATION

T = TypeVar("T")


def mostly(valid: st.SearchStrategy[T], hostile: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` four times in five, else ``hostile``: a call with several arguments then
    often has all of them valid (a real round trip) or one of them hostile, and a failing
    example shrinks towards the valid values."""
    return st.integers(min_value=0, max_value=4).flatmap(lambda n: valid if n < 4 else hostile)


# ---------------------------------------------------------------------------- text

TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=8)
"""A subject token or name every rule accepts."""

NASTY = [
    "\x00",
    "\r",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\x7f",
    "\x1b[31m",
    "\u00a0",  # no-break space
    "\u2028",  # line separator
    "\ufeff",  # byte-order mark
    "\u200b",  # zero-width space
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "\udcff",
    "é",
    "日本",
    "🙂",
    ".",
    "..",
    "*",
    ">",
    "/",
    "\\",
    ":",
    "$",
    "%",
    '"',
    "'",
    "=",
    "{",
    "#",
    "-",
]
"""Characters and fragments that break names, subjects, headers or encodings."""

HUGE_SIZES = [255, 256, 1000, 4097, 70_000, 1_100_000]
"""Lengths around the server's name, control-line, header and payload limits."""

WRONG_TYPES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.binary(max_size=8),
    st.just(b"ORDERS"),
    st.just(bytearray(b"x")),
    st.just(["a"]),
    st.just({"a": "b"}),
    st.just(object()),
)
"""Values of the wrong type where text is expected."""


def _insert(parts: tuple[str, str, int]) -> str:
    text, nasty, where = parts
    at = where % (len(text) + 1)
    return text[:at] + nasty + text[at:]


def hostile_text(valid: st.SearchStrategy[str] = TOKEN) -> st.SearchStrategy[Any]:
    """Mostly ``valid`` text; otherwise text with something nasty in it, any text at all
    (surrogates included), huge text, or a value of the wrong type."""
    nasty = st.tuples(valid, st.sampled_from(NASTY), st.integers(min_value=0, max_value=50))
    return mostly(
        valid,
        st.one_of(
            nasty.map(_insert),
            nasty.map(_insert),
            valid.map(lambda text: text + "\udcff"),  # not UTF-8: breaks every encoder
            st.sampled_from(NASTY),
            st.just(""),
            st.text(alphabet=st.characters(exclude_categories=()), max_size=12),
            st.tuples(st.sampled_from(["a", "é", "a."]), st.sampled_from(HUGE_SIZES)).map(
                lambda pair: pair[0] * pair[1]
            ),
            WRONG_TYPES,
        ),
    )


SUBJECT = st.lists(TOKEN, min_size=1, max_size=4).map(".".join)
"""A concrete subject every rule accepts (prefix it to keep it in a test's stream)."""


def wildcards(subject: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``subject`` itself, or with wildcards in their allowed places."""
    return st.one_of(
        subject,
        subject.map(lambda s: f"{s}.>"),
        subject.map(lambda s: f"{s}.*"),
        subject.map(lambda s: f"{s.split('.')[0]}.*.x"),
    )


def hostile_subject(valid: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Mostly ``valid`` subjects or filters; otherwise misplaced wildcards, empty tokens,
    bare wildcards, and everything :func:`hostile_text` draws."""
    broken = st.one_of(
        valid.map(lambda s: f"{s}."),
        valid.map(lambda s: f".{s}"),
        valid.map(lambda s: f"{s}..x"),
        valid.map(lambda s: f"{s}>"),
        valid.map(lambda s: f"{s}.>.x"),
        valid.map(lambda s: f"{s}*"),
        st.sampled_from([">", "*", "*.*", "a.**", "$JS.API.>", "_INBOX.>"]),
    )
    return mostly(valid, st.one_of(broken, hostile_text(valid)))


# ------------------------------------------------------------------------ payloads

PAYLOAD = mostly(
    st.binary(max_size=64),
    st.one_of(
        st.sampled_from([64 * 1024, 1024 * 1024 - 200, 1024 * 1024, 1024 * 1024 + 1]).map(
            lambda n: b"p" * n
        ),
        st.binary(max_size=16).map(bytearray),
        st.binary(max_size=16).map(lambda b: memoryview(b)),
        st.text(max_size=8),
        WRONG_TYPES,
    ),
)
"""Payloads: small bytes, or bytes around ``max_payload``, bytes-likes, text, wrong types."""

HEADER_NAME = hostile_text(
    st.sampled_from(["X-Trace", "Content-Type", "a", "X-" + "h" * 40])
).filter(lambda name: isinstance(name, Hashable))
HEADER_VALUE = hostile_text(
    st.text(alphabet=string.ascii_letters + string.digits + " -", max_size=30)
)
HEADERS = mostly(
    st.one_of(st.none(), st.dictionaries(TOKEN, TOKEN, max_size=3)),
    st.one_of(
        st.dictionaries(HEADER_NAME, HEADER_VALUE, min_size=1, max_size=4),
        st.dictionaries(HEADER_NAME, st.just("v" * 70_000), min_size=1, max_size=1),
        st.just({"Nats-Msg-Id": "forged"}),
        st.just({"Nats-Expected-Last-Sequence": "nope"}),
        st.just({"Nats-TTL": "-5"}),
        WRONG_TYPES,
        st.just([("X-A", "1")]),
        st.just("X-A: 1"),
    ),
)
"""Header mappings, or mappings with names and values of any text (the server's own
header names among them) and things that are not mappings."""


# ------------------------------------------------------------------ numbers, durations

EDGE_INTS = [0, 1, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]

ANY_NUMBER = st.one_of(
    st.integers(min_value=-3, max_value=10),
    st.sampled_from(EDGE_INTS),
    st.integers(),
    st.booleans(),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 0.5, 1.0, -0.0, 1e300]),
    st.none(),
    st.sampled_from(["1", "", "ten"]),
)
"""Counts, sequences and sizes of any kind: small ones, edges, floats, bools, text."""


def number(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, else any number (or a bool, ``None`` or digits as text)."""
    return mostly(valid, ANY_NUMBER)


ANY_DURATION = st.one_of(
    st.timedeltas(),
    st.sampled_from(
        [
            timedelta.min,
            timedelta.max,
            timedelta(0),
            -timedelta(microseconds=1),
            timedelta(microseconds=1),
            MAX_DURATION,
            MAX_DURATION + timedelta(microseconds=1),
            -MAX_DURATION,
        ]
    ),
    st.floats(),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e300, -1e300, 0.0, -0.0]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(["1s", "5", "", "1h30m", "-1s", "never", "nan"]),
    st.booleans(),
    st.none(),
)
"""Durations of any kind: any timedelta, the extremes, numbers, text, bool, None."""

SHORT = st.one_of(
    st.timedeltas(min_value=timedelta(milliseconds=1), max_value=timedelta(seconds=2)),
    st.floats(min_value=0.001, max_value=2),
    st.integers(min_value=1, max_value=2),
)
"""A valid wait short enough to sit out."""


def duration(valid: st.SearchStrategy[Any] = SHORT) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, else any duration at all."""
    return mostly(valid, ANY_DURATION)


TIMEOUT = duration(
    st.one_of(
        st.just(NOT_GIVEN),
        st.floats(min_value=0.5, max_value=5),
        st.timedeltas(min_value=timedelta(seconds=0.5), max_value=timedelta(seconds=5)),
        st.sampled_from([MAX_DURATION, timedelta(days=365 * 200), 1e9]),
    )
)
"""A call's ``timeout``: mostly valid (from half a second to the int64 maximum), or any
duration at all."""
