"""The base of every jsm model: unknown fields kept, durations as timedelta, open enums.

Wire JSON uses integer nanoseconds for durations and RFC 3339 strings for timestamps;
Python code sees :class:`~datetime.timedelta` and aware :class:`~datetime.datetime`.
What is left out of the wire JSON is decided in one place, :meth:`Model.to_wire`:
fields that are ``None`` ("not sent; the server decides"). A value a model cannot take
raises :class:`~jsm.errors.ConfigValidationError`, whichever way the model is built;
replies from the server are parsed with :func:`parse_reply`, whose pydantic error the
API client reports as an unexpected reply instead.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeVar, cast

import pydantic
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    ValidationInfo,
)
from pydantic_core import PydanticSerializationError, core_schema

from jsm._errors_base import ConfigValidationError, ValidationProblem
from jsm._options import show_duration
from jsm.units import MAX_DURATION, parse_duration

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

__all__ = [
    "Int32",
    "Int64",
    "Model",
    "Nanos",
    "NonNegativeNanos",
    "PositiveNanos",
    "ReplyModel",
    "UInt64",
    "WireEnum",
    "check_sendable",
    "ns_to_timedelta",
    "parse_reply",
    "timedelta_to_ns",
    "unsendable_error",
]

_NS_PER_US = 1_000
_NS_PER_S = 1_000_000_000
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


Int64 = Annotated[int, Field(ge=_INT64_MIN, le=_INT64_MAX)]
"""An integer the server keeps as Go's ``int64`` (counts, sizes, limits)."""
UInt64 = Annotated[int, Field(ge=0, le=2**64 - 1)]
"""An integer the server keeps as Go's ``uint64`` (sequences, rates)."""
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
"""An integer the server keeps as Go's ``int32``."""


def timedelta_to_ns(value: timedelta) -> int:
    """Convert a duration to integer nanoseconds, exactly (no floats)."""
    return (value.days * 86_400 + value.seconds) * _NS_PER_S + value.microseconds * _NS_PER_US


def ns_to_timedelta(value: int) -> timedelta:
    """Convert integer nanoseconds to a duration.

    ``timedelta`` holds microseconds, so a sub-microsecond remainder is dropped
    (1,500 ns becomes 1 µs); durations the server hands out are whole milliseconds.
    """
    return timedelta(microseconds=value // _NS_PER_US)


_TOO_LONG = "is longer than the server can hold (int64 nanoseconds: at most about 292 years)"


def _duration_in(value: object, info: ValidationInfo) -> timedelta:
    # Text is natscli's syntax in either mode ("90s", "1h30m", "1y"); integers are
    # nanoseconds only in wire JSON, where Go writes a time.Duration as an int64.
    if type(value) is int and info.mode == "json":  # replies: the common case first
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(f"{value} nanoseconds {_TOO_LONG}")
        return ns_to_timedelta(value)
    if isinstance(value, timedelta):
        if not -MAX_DURATION <= value <= MAX_DURATION:
            raise ValueError(f"{show_duration(value)} {_TOO_LONG}")
        return value
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if info.mode == "json":
            raise ValueError(f"durations in wire JSON are integer nanoseconds (got {value!r})")
        raise ValueError(
            f"durations are datetime.timedelta values, e.g. timedelta(seconds={value}), or "
            "text such as '1h30m'; integer nanoseconds are accepted only in wire JSON "
            "(from_json / model_validate_json)"
        )
    raise ValueError(
        f"durations are datetime.timedelta values or text such as '90s' or '1h30m' "
        f"(got {type(value).__name__})"
    )


def _not_negative(value: object, info: ValidationInfo) -> timedelta:
    span = _duration_in(value, info)
    if span < _ZERO:
        raise ValueError(f"must not be negative (got {show_duration(span)})")
    return span


def _positive(value: object, info: ValidationInfo) -> timedelta:
    span = _duration_in(value, info)
    if span <= _ZERO:
        raise ValueError(
            f"must be positive (got {show_duration(span)}); leave it out for the server default"
        )
    return span


def _duration_out(value: timedelta) -> int:
    return timedelta_to_ns(value)


_ZERO = timedelta(0)
_TO_WIRE = PlainSerializer(_duration_out, return_type=int, when_used="json")

Nanos = Annotated[timedelta, BeforeValidator(_duration_in), _TO_WIRE]
"""A duration: ``timedelta`` (or natscli text such as ``"1h30m"``) in Python, integer
nanoseconds in wire JSON; at most :data:`jsm.units.MAX_DURATION` either way."""

NonNegativeNanos = Annotated[timedelta, BeforeValidator(_not_negative), _TO_WIRE]
"""A :data:`Nanos` that may not be negative: what configurations take (the server refuses
negative ages and windows, and quietly turns other negative durations into 0)."""

PositiveNanos = Annotated[timedelta, BeforeValidator(_positive), _TO_WIRE]
"""A :data:`Nanos` above zero (``ack_wait``: the server replaces 0 with its default)."""


class WireEnum(enum.StrEnum):
    """A string enum that keeps values it does not know.

    A newer server may send a value this version has no member for; it becomes a
    pseudo-member holding the raw string, so reading never fails and writing it back
    sends the same value. Python code passing a plain string must name a known value
    (a typo fails at once); ``RetentionPolicy("new")`` sends one this version lacks.
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        # Only Python input is checked: replies (JSON) keep their speed and any new value.
        return core_schema.json_or_python_schema(
            json_schema=schema,
            python_schema=core_schema.no_info_before_validator_function(cls._known, schema),
            serialization=schema.get("serialization"),
        )

    @classmethod
    def _known(cls, value: object) -> object:
        if (
            isinstance(value, str)
            and not isinstance(value, cls)
            and value not in cls._value2member_map_
        ):
            known = ", ".join(repr(member.value) for member in cls)
            raise ValueError(
                f"{value!r} is not a {cls.__name__}: use one of {known} (or "
                f"{cls.__name__}({value!r}) for a value this version does not know)"
            )
        return value


M = TypeVar("M", bound=BaseModel)


class Model(BaseModel):
    """Base of all jsm models: wire field names, unknown fields kept on a round trip.

    However a model is built (the constructor, ``model_validate``,
    ``model_validate_json``, ``model_validate_strings``), a bad value raises
    :class:`~jsm.errors.ConfigValidationError`, never pydantic's own error.
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        validate_assignment=False,
        ser_json_inf_nan="constants",
    )

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as err:
            raise config_error(err, type(self)) from None

    # Validation is still pydantic's own (no custom-init path): nested models and JSON
    # parsing keep their speed and their mode.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]  # pydantic's marker

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Self:
        """Validate a dict (or model) in Python mode.

        Raises:
            ConfigValidationError: a value the model cannot take.
        """
        try:
            return super().model_validate(obj, **options)
        except pydantic.ValidationError as err:
            raise config_error(err, cls) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **options: Any) -> Self:
        """Validate wire JSON (integer nanosecond durations, RFC 3339 timestamps).

        Raises:
            ConfigValidationError: not JSON, or a value the model cannot take.
        """
        try:
            return super().model_validate_json(json_data, **options)
        except pydantic.ValidationError as err:
            raise config_error(err, cls) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, **options: Any) -> Self:
        """Validate a dict of strings (pydantic's string mode).

        Raises:
            ConfigValidationError: a value the model cannot take.
        """
        try:
            return super().model_validate_strings(obj, **options)
        except pydantic.ValidationError as err:
            raise config_error(err, cls) from None

    def to_wire(self) -> dict[str, Any]:
        """Return the wire JSON object as a dict (``None`` fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_wire_json(self) -> bytes:
        """Return the compact wire JSON bytes (``None`` fields left out).

        Raises:
            ConfigValidationError: a value that cannot be written as JSON (text holding
                a lone surrogate, which is not UTF-8).
        """
        try:
            return self.model_dump_json(by_alias=True, exclude_none=True).encode()
        except PydanticSerializationError as err:
            raise unsendable_error(self, err) from None

    @classmethod
    def from_wire(cls, data: bytes | str) -> Self:
        """Parse wire JSON (nanosecond durations, RFC 3339 timestamps).

        Raises:
            ConfigValidationError: not JSON, or a value the model cannot take.
        """
        return cls.model_validate_json(data)


class ReplyModel(Model):
    """Base of models the server sends (API replies, infos): immutable once parsed."""

    model_config = ConfigDict(frozen=True)


def parse_reply(model: type[M], data: bytes | str) -> M:
    """Parse JSON the server sent into ``model``, leaving pydantic's error as it is.

    The API client turns that error into :class:`~jsm.errors.UnexpectedReplyError`: a
    reply that does not parse is the server's fault, not the caller's.

    Raises:
        pydantic.ValidationError: the reply is not JSON, or does not fit ``model``.
    """
    return cast("M", model.__pydantic_validator__.validate_json(data))


# ----------------------------------------------------------------- error messages

_SHOWN_PROBLEMS = 5


def config_error(err: pydantic.ValidationError, model: type[BaseModel]) -> ConfigValidationError:
    """Turn pydantic's error into a :class:`ConfigValidationError` naming each field at fault."""
    details = [
        ValidationProblem(
            loc=item["loc"],
            msg=item["msg"].removeprefix("Value error, "),  # our own validators' text
            type=item["type"],
            input=item["input"],
        )
        for item in err.errors(include_url=False, include_context=False)
    ]
    problems = [_describe(item) for item in details[:_SHOWN_PROBLEMS]]
    more = len(details) - _SHOWN_PROBLEMS
    message = f"invalid {model.__name__}: " + "; ".join(problems)
    if more > 0:
        message += f" (and {more} more)"
    return ConfigValidationError(message, model=model.__name__, details=details)


def _describe(item: ValidationProblem) -> str:
    where = _location(item["loc"])
    kind = item["type"]
    if kind == "missing":
        return f"{where} is required; pass {where}=..."
    if kind == "json_invalid":
        return f"not valid JSON ({item['msg']})"
    text = item["msg"]
    if item["input"] is None:
        return f"{where}: {text} (got None; leave {where} out for its default)"
    if "(got " in text:
        return f"{where}: {text}"
    return f"{where}: {text} (got {_short_repr(item['input'])})"


def check_sendable(model: BaseModel, wire: object) -> None:
    """Refuse ``model`` if its wire form ``wire`` holds text UTF-8 cannot encode.

    Raises:
        ConfigValidationError: naming the value.
    """
    if _unencodable(wire, ()) is not None:
        raise unsendable_error(model, ValueError("text that is not UTF-8"))


def unsendable_error(model: BaseModel, err: Exception) -> ConfigValidationError:
    """Say which value of ``model`` could not be written as JSON, and why."""
    found = _unencodable(model.model_dump(by_alias=True, exclude_none=True), ())
    if found is None:
        problem = ValidationProblem(loc=(), msg=str(err), type="serialization", input=model)
    else:
        loc, text = found
        problem = ValidationProblem(
            loc=loc,
            msg="holds a lone surrogate, which is not text that can be sent (UTF-8); "
            "decode bytes with errors='replace' or remove it",
            type="string_unicode",
            input=text,
        )
    name = type(model).__name__
    return ConfigValidationError(
        f"invalid {name}: {_describe(problem)}", model=name, details=[problem]
    )


def _unencodable(
    value: object, loc: tuple[int | str, ...]
) -> tuple[tuple[int | str, ...], str] | None:
    """The path to the first text (key or value) in ``value`` that UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return loc, value
        return None
    items: list[tuple[object, object]] = []
    if isinstance(value, dict):
        items = [(key, key) for key in value] + list(value.items())
    elif isinstance(value, list | tuple):
        items = list(enumerate(value))
    for key, item in items:
        part = key if isinstance(key, int | str) else repr(key)
        found = _unencodable(item, (*loc, part))
        if found is not None:
            return found
    return None


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "[" not in str(part) and "-" not in str(part):
            text += f".{part}" if text else str(part)
        else:
            text += f"[{part!r}]"  # a union branch or dict key: pydantic's own label
    return text or "the model"


def _short_repr(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
