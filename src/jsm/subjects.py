"""Subjects and names: pure functions, no I/O.

This module owns the JetStream API subject mapping for domains and API prefixes
(ADR-19), the builders for KV, object-store, direct-get and service subjects, the
parsing of ack reply subjects into :class:`MsgMetadata` (ADR-15), and the naming rules
for streams, consumers, buckets, keys and subjects (ADR-6, ADR-8). Advisory subjects
(``$JS.EVENT.>``) belong to the account and are never mapped.
"""

from __future__ import annotations

import base64
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from jsm._constants import DEFAULT_API_PREFIX, NAME_MAX_LENGTH, NAME_WARN_LENGTH
from jsm._errors_base import (
    InvalidAckSubjectError,
    InvalidNameError,
    InvalidOptionError,
    JsmWarning,
)
from jsm._limits import check_encodable

__all__ = [
    "ApiSubjects",
    "MsgMetadata",
    "SequencePair",
    "check_bucket_name",
    "check_kv_key",
    "check_name",
    "check_subject",
    "direct_get_subject",
    "kv_stream_name",
    "kv_subject",
    "object_chunk_subject",
    "object_meta_subject",
    "object_stream_name",
    "parse_ack_subject",
    "service_subject",
]

_API_ROOT: Final = DEFAULT_API_PREFIX + "."
_FORBIDDEN_IN_NAMES: Final = frozenset(".*>/\\")
_BUCKET_RE: Final = re.compile(r"[A-Za-z0-9_-]+")
_KV_KEY_RE: Final = re.compile(r"[-/_=.A-Za-z0-9]+")
_KV_FILTER_RE: Final = re.compile(r"[-/_=.A-Za-z0-9*>]+")
_SERVICE_VERBS: Final = frozenset({"PING", "INFO", "STATS"})


def _has_space_or_control(text: str) -> bool:
    return any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)


# --------------------------------------------------------------------------- names


def check_name(name: str, *, kind: str = "stream", strict: bool = False) -> str:
    """Check a stream, consumer or account name and return it unchanged.

    Names may not be empty or longer than 255 characters, and may not contain
    whitespace, control characters, ``.``, ``*``, ``>``, ``/`` or ``\\`` (ADR-6).
    Names the server accepts but that cause trouble elsewhere (a ``:``, which some file
    systems reject, or 32 characters or more) give a :class:`JsmWarning`, or an error
    when ``strict`` is true.

    Raises:
        InvalidNameError: the name breaks a rule.
    """
    if not isinstance(name, str) or not name:
        raise InvalidNameError(f"{kind} name must be a non-empty string (got {name!r})")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidNameError(
            f"{kind} name {name[:40]!r}... is {len(name)} characters; the limit is {NAME_MAX_LENGTH}"
        )
    bad = sorted({ch for ch in name if ch in _FORBIDDEN_IN_NAMES})
    if bad or _has_space_or_control(name):
        shown = ", ".join(repr(ch) for ch in bad) or "whitespace or control characters"
        raise InvalidNameError(
            f"invalid {kind} name {name!r}: contains {shown}; names may not contain "
            "whitespace, control characters, '.', '*', '>', '/' or '\\'"
        )
    check_encodable(name, what=f"{kind} name")
    problems = []
    if ":" in name:
        problems.append("contains ':', which some file systems reject")
    if len(name) >= NAME_WARN_LENGTH:
        problems.append(f"is {len(name)} characters long; keep names under {NAME_WARN_LENGTH}")
    if not name.isascii():
        problems.append("contains non-ASCII characters, which some clients cannot use")
    if problems:
        message = f"{kind} name {name!r} " + " and ".join(problems)
        if strict:
            raise InvalidNameError(message + " (strict mode)")
        warnings.warn(message, JsmWarning, stacklevel=2)
    return name


def check_bucket_name(bucket: str, *, kind: str = "bucket") -> str:
    """Check a KV or object-store bucket name (``[A-Za-z0-9_-]+``) and return it.

    Raises:
        InvalidNameError: the name has other characters or is empty.
    """
    if not isinstance(bucket, str) or not _BUCKET_RE.fullmatch(bucket):
        raise InvalidNameError(
            f"invalid {kind} name {bucket!r}: use only letters, digits, '_' and '-'"
        )
    return bucket


def check_kv_key(
    key: str,
    *,
    allow_wildcards: bool = False,
    max_length: int | None = None,
    bucket: str | None = None,
) -> str:
    """Check a KV key (``[-/_=.A-Za-z0-9]+``, no empty tokens) and return it.

    With ``allow_wildcards`` the key may be a watch/list filter using ``*`` tokens and a
    final ``>`` token. ``max_length`` is the longest key that fits the server's protocol
    line limit in ``bucket`` (see ``KeyValue.max_key_length``).

    Raises:
        InvalidNameError: the key breaks a rule.
    """
    pattern = _KV_FILTER_RE if allow_wildcards else _KV_KEY_RE
    if not isinstance(key, str) or not pattern.fullmatch(key):
        allowed = "letters, digits, '-', '/', '_', '=' and '.'"
        if allow_wildcards:
            allowed += " (and '*' or '>' tokens)"
        raise InvalidNameError(f"invalid key {key!r}: use only {allowed}")
    if key.startswith(".") or key.endswith(".") or ".." in key:
        raise InvalidNameError(
            f"invalid key {key!r}: keys may not start or end with '.' or hold '..'"
        )
    if allow_wildcards:
        _check_wildcard_tokens(key, what="key filter")
    if max_length is not None and len(key) > max_length:
        where = f" in bucket {bucket!r}" if bucket is not None else ""
        raise InvalidNameError(
            f"key {key[:40]!r}… is {len(key)} characters; keys{where} can be at most "
            f"{max_length}: the subject '$KV.<bucket>.<key>' (and its direct-get subject) must "
            "fit the server's max_control_line with the reply inbox; use a shorter key "
            "(e.g. a hash of the long one), or raise max_control_line on the server and pass "
            "it to jsm.connect(max_control_line=...)"
        )
    return key


def check_subject(subject: str, *, allow_wildcards: bool = True, what: str = "subject") -> str:
    """Check a subject: non-empty dot-separated tokens without whitespace.

    ``*`` may stand only as a whole token and ``>`` only as the whole last token. With
    ``allow_wildcards=False`` neither may appear (a publish subject).

    Raises:
        InvalidNameError: the subject breaks a rule.
    """
    if not isinstance(subject, str) or not subject:
        raise InvalidNameError(f"{what} must be a non-empty string (got {subject!r})")
    if _has_space_or_control(subject):
        raise InvalidNameError(
            f"invalid {what} {subject!r}: contains whitespace or control characters"
        )
    check_encodable(subject, what=what)
    tokens = subject.split(".")
    if any(not token for token in tokens):
        raise InvalidNameError(f"invalid {what} {subject!r}: it has an empty token")
    if not allow_wildcards and any(token in ("*", ">") for token in tokens):
        raise InvalidNameError(
            f"invalid {what} {subject!r}: wildcards ('*', '>') are not allowed here; "
            "publish to a concrete subject"
        )
    _check_wildcard_tokens(subject, what=what)
    return subject


def _check_wildcard_tokens(subject: str, *, what: str) -> None:
    tokens = subject.split(".")
    for index, token in enumerate(tokens):
        if ">" in token and (token != ">" or index != len(tokens) - 1):
            raise InvalidNameError(f"invalid {what} {subject!r}: '>' may only be the last token")
        if "*" in token and token != "*":
            raise InvalidNameError(f"invalid {what} {subject!r}: '*' must be a whole token")


# ------------------------------------------------------------------ API mapping


@dataclass(frozen=True, slots=True)
class ApiSubjects:
    """Maps ``$JS.API.<rest>`` to the subject a request must use (ADR-19).

    With a ``domain``, ``$JS.API.<rest>`` becomes ``$JS.<domain>.API.<rest>``; with an
    ``api_prefix`` (an imported account's API), it becomes ``<prefix>.<rest>``. The two
    are mutually exclusive.

    Raises:
        InvalidOptionError: both are set, or either is malformed.
    """

    domain: str | None = None
    api_prefix: str | None = None

    def __post_init__(self) -> None:
        if self.domain is not None and self.api_prefix is not None:
            raise InvalidOptionError(
                "domain and api_prefix are mutually exclusive: pass domain= to reach "
                "another JetStream domain, or api_prefix= for an API imported from another account"
            )
        if self.domain is not None:
            _check_domain(self.domain)
        if self.api_prefix is not None:
            object.__setattr__(self, "api_prefix", _normalise_prefix(self.api_prefix))

    @property
    def prefix(self) -> str:
        """The subject every API request starts with (no trailing dot)."""
        if self.api_prefix is not None:
            return self.api_prefix
        if self.domain is not None:
            return f"$JS.{self.domain}.API"
        return DEFAULT_API_PREFIX

    def api(self, rest: str) -> str:
        """Return the mapped subject for ``$JS.API.<rest>`` (``rest`` like ``STREAM.INFO.X``)."""
        return f"{self.prefix}.{rest}"

    def map(self, subject: str) -> str:
        """Map a full ``$JS.API.…`` subject; any other subject is returned unchanged."""
        if subject.startswith(_API_ROOT):
            return self.api(subject[len(_API_ROOT) :])
        return subject

    def unmap(self, subject: str) -> str:
        """Undo :meth:`map`: turn a mapped subject back into its ``$JS.API.…`` form.

        Raises:
            InvalidOptionError: the subject does not start with this mapping's prefix.
        """
        head = self.prefix + "."
        if not subject.startswith(head):
            raise InvalidOptionError(f"subject {subject!r} does not start with {head!r}")
        return _API_ROOT + subject[len(head) :]

    def describe(self) -> str:
        """Say where requests go, for error messages (``"in domain 'hub'"``)."""
        if self.domain is not None:
            return f"in domain {self.domain!r}"
        if self.api_prefix is not None:
            return f"through API prefix {self.api_prefix!r}"
        return "in the local JetStream domain"


def _check_domain(domain: str) -> None:
    if not isinstance(domain, str) or not domain:
        raise InvalidOptionError(f"domain must be a non-empty string (got {domain!r})")
    if _has_space_or_control(domain) or any(ch in ".*>" for ch in domain):
        raise InvalidOptionError(
            f"invalid domain {domain!r}: a domain is one subject token, without whitespace, "
            "'.', '*' or '>'"
        )


def _normalise_prefix(prefix: str) -> str:
    if not isinstance(prefix, str):
        raise InvalidOptionError(f"api_prefix must be a string (got {prefix!r})")
    stripped = prefix[:-1] if prefix.endswith(".") else prefix
    try:
        check_subject(stripped, allow_wildcards=False, what="api_prefix")
    except InvalidNameError as err:
        raise InvalidOptionError(str(err)) from None
    return stripped


# ------------------------------------------------------------------- builders


def direct_get_subject(stream: str, last_by_subject: str | None = None) -> str:
    """Return ``$JS.API.DIRECT.GET.<stream>[.<subject>]`` (map it with :class:`ApiSubjects`)."""
    base = f"{_API_ROOT}DIRECT.GET.{stream}"
    return f"{base}.{last_by_subject}" if last_by_subject else base


def kv_stream_name(bucket: str) -> str:
    """Return the stream behind a KV bucket (``KV_<bucket>``)."""
    return f"KV_{bucket}"


def kv_subject(bucket: str, key: str) -> str:
    """Return ``$KV.<bucket>.<key>``."""
    return f"$KV.{bucket}.{key}"


def object_stream_name(bucket: str) -> str:
    """Return the stream behind an object-store bucket (``OBJ_<bucket>``)."""
    return f"OBJ_{bucket}"


def object_chunk_subject(bucket: str, nuid: str) -> str:
    """Return ``$O.<bucket>.C.<nuid>``, the subject an object's chunks are stored on."""
    return f"$O.{bucket}.C.{nuid}"


def object_meta_subject(bucket: str, name: str) -> str:
    """Return ``$O.<bucket>.M.<base64url(name)>``, where an object's metadata is stored."""
    encoded = base64.urlsafe_b64encode(name.encode()).decode()
    return f"$O.{bucket}.M.{encoded}"


def service_subject(verb: str, name: str | None = None, instance_id: str | None = None) -> str:
    """Return ``$SRV.<verb>[.<name>[.<id>]]`` for service discovery (ADR-32).

    Raises:
        InvalidOptionError: unknown verb, or an id without a name.
    """
    if verb not in _SERVICE_VERBS:
        raise InvalidOptionError(f"service verb must be one of PING, INFO, STATS (got {verb!r})")
    if instance_id is not None and name is None:
        raise InvalidOptionError("a service id needs the service name too")
    parts = ["$SRV", verb]
    if name is not None:
        parts.append(name)
    if instance_id is not None:
        parts.append(instance_id)
    return ".".join(parts)


# ------------------------------------------------------------- ack subjects


@dataclass(frozen=True, slots=True)
class SequencePair:
    """A message's position: its sequence in the consumer and in the stream."""

    consumer: int
    stream: int


class MsgMetadata:
    """What a JetStream message's ack subject says about it (ADR-15)."""

    __slots__ = (
        "account_hash",
        "consumer",
        "domain",
        "num_delivered",
        "num_pending",
        "sequence",
        "stream",
        "timestamp_ns",
    )

    def __init__(
        self,
        *,
        stream: str,
        consumer: str,
        num_delivered: int,
        sequence: SequencePair,
        timestamp_ns: int,
        num_pending: int,
        domain: str | None = None,
        account_hash: str | None = None,
    ) -> None:
        self.stream = stream
        self.consumer = consumer
        self.num_delivered = num_delivered
        self.sequence = sequence
        self.timestamp_ns = timestamp_ns
        self.num_pending = num_pending
        self.domain = domain
        self.account_hash = account_hash

    @property
    def timestamp(self) -> datetime:
        """When the message was stored (UTC; nanoseconds cut to microseconds)."""
        seconds, nanos = divmod(self.timestamp_ns, 1_000_000_000)
        return datetime.fromtimestamp(seconds, UTC) + timedelta(microseconds=nanos // 1000)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MsgMetadata):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.__slots__)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in self.__slots__))

    def __repr__(self) -> str:
        fields = ", ".join(f"{f}={getattr(self, f)!r}" for f in self.__slots__)
        return f"MsgMetadata({fields})"


def parse_ack_subject(subject: str) -> MsgMetadata:
    """Parse a JetStream ack reply subject into :class:`MsgMetadata`.

    Accepts the v1 layout (9 tokens: ``$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.
    <cseq>.<ns>.<pending>``) and the v2 layout (11 or more tokens, adding the domain,
    ``_`` for none, and the account hash after ``ACK``; a 12th random token may follow).

    Raises:
        InvalidAckSubjectError: anything else.
    """
    tokens = subject.split(".") if isinstance(subject, str) else []
    count = len(tokens)
    if count < 9 or tokens[0] != "$JS" or tokens[1] != "ACK" or count == 10:
        raise InvalidAckSubjectError(
            f"not a JetStream ack subject: {subject!r} (expected $JS.ACK.… with 9 or ≥11 tokens); "
            "was the message delivered by a JetStream consumer?"
        )
    if count == 9:
        domain, account_hash, rest = None, None, tokens[2:]
    else:
        domain = None if tokens[2] == "_" else tokens[2]
        account_hash, rest = tokens[3], tokens[4:11]
    stream, consumer = rest[0], rest[1]
    numbers = rest[2:7]
    digits = "".join(numbers)  # one check for the five tokens (once per message)
    if (
        not stream
        or not consumer
        or not all(numbers)
        or not digits.isascii()
        or not digits.isdigit()
    ):
        raise InvalidAckSubjectError(
            f"not a JetStream ack subject: {subject!r} (sequence tokens must be integers)"
        )
    delivered, stream_seq, consumer_seq, stamp, pending = map(int, numbers)
    return MsgMetadata(
        stream=stream,
        consumer=consumer,
        num_delivered=delivered,
        sequence=SequencePair(consumer=consumer_seq, stream=stream_seq),
        timestamp_ns=stamp,
        num_pending=pending,
        domain=domain,
        account_hash=account_hash,
    )
