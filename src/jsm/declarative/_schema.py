"""Check a document against the JetStream JSON schemas shipped in ``jsm/declarative/schemas``.

The schemas (copies of ``spec/schemas``) use a small part of JSON Schema draft-07:
``type``, ``enum``, ``required``, ``properties``, ``additionalProperties``, ``items``,
``minimum``/``maximum``, ``minLength``/``maxLength``, ``pattern``, ``allOf``/``oneOf``/
``anyOf``. That part is checked here, so JSON state files need no extra package; every
failure is reported with its field path, not just the first. ``format`` is not checked
(the models parse timestamps). A unit test holds this checker to ``jsonschema``'s verdicts.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Final

__all__ = ["CONSUMER_SCHEMA", "STREAM_SCHEMA", "load_schema", "schema_errors"]

STREAM_SCHEMA: Final = "stream_configuration.json"
CONSUMER_SCHEMA: Final = "consumer_configuration.json"

_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
}


@cache
def load_schema(name: str) -> dict[str, object]:
    """Return one of the packaged schemas, parsed (read once)."""
    text = resources.files("jsm.declarative").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


def schema_errors(
    document: object, schema: dict[str, object], path: str = ""
) -> list[tuple[str, str]]:
    """Return every ``(field path, message)`` where ``document`` breaks ``schema``."""
    errors: list[tuple[str, str]] = []
    _check(document, schema, path, errors)
    return errors


def _check(
    value: object, schema: dict[str, object], path: str, errors: list[tuple[str, str]]
) -> None:
    if "type" in schema and not _type_ok(value, schema["type"]):
        errors.append((path, f"must be {_type_words(schema['type'])} (got {_shown(value)})"))
        return
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        errors.append(
            (path, f"must be one of {', '.join(map(json.dumps, enum))} (got {_shown(value)})")
        )
    if isinstance(value, dict):
        _check_object(value, schema, path, errors)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, dict):
            for index, item in enumerate(value):
                _check(item, items, f"{path}[{index}]", errors)
    elif isinstance(value, str):
        _check_string(value, schema, path, errors)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value, schema, path, errors)
    _check_combinators(value, schema, path, errors)


def _check_object(
    value: dict[str, object], schema: dict[str, object], path: str, errors: list[tuple[str, str]]
) -> None:
    required = schema.get("required")
    for name in required if isinstance(required, list) else []:
        if name not in value:
            errors.append((_join(path, name), "is required"))
    properties = schema.get("properties")
    known = properties if isinstance(properties, dict) else {}
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in known:
            _check(item, known[name], _join(path, name), errors)
        elif extra is False:
            errors.append((_join(path, name), "is not a known field (check its spelling)"))
        elif isinstance(extra, dict):
            _check(item, extra, _join(path, name), errors)


def _check_string(
    value: str, schema: dict[str, object], path: str, errors: list[tuple[str, str]]
) -> None:
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        errors.append((path, f"must be at least {low} character{'s' * (low != 1)} long"))
    if isinstance(high, int) and len(value) > high:
        errors.append((path, f"must be at most {high} characters long (got {len(value)})"))
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not re.search(pattern, value):
        errors.append((path, f"must match {pattern} (got {value!r})"))


def _check_number(
    value: float, schema: dict[str, object], path: str, errors: list[tuple[str, str]]
) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(low, int | float) and value < low:
        errors.append((path, f"must be at least {low} (got {value})"))
    if isinstance(high, int | float) and value > high:
        errors.append((path, f"must be at most {high} (got {value})"))


def _check_combinators(
    value: object, schema: dict[str, object], path: str, errors: list[tuple[str, str]]
) -> None:
    for part in _schemas(schema.get("allOf")):
        _check(value, part, path, errors)
    for keyword in ("oneOf", "anyOf"):
        options = _schemas(schema.get(keyword))
        if not options:
            continue
        outcomes = [schema_errors(value, option, path) for option in options]
        passing = sum(1 for found in outcomes if not found)
        if keyword == "oneOf" and passing > 1:
            errors.append((path, "matches more than one of the allowed forms"))
        elif not passing:
            # The closest form says best what is missing: the one whose fixed values
            # (a deliver_policy, say) match, then the one with the fewest failures.
            closest: list[tuple[str, str]] = sorted(outcomes, key=_distance)[0]
            errors.extend(closest)


def _distance(found: list[tuple[str, str]]) -> tuple[int, int]:
    return sum(message.startswith("must be one of") for _, message in found), len(found)


def _schemas(value: object) -> list[dict[str, object]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _type_ok(value: object, expected: object) -> bool:
    names = expected if isinstance(expected, list) else [expected]
    for name in names:
        if name == "integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return True
        elif name == "number":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return True
        elif isinstance(name, str) and isinstance(value, _TYPES.get(name, ())):
            return True
    return False


def _type_words(expected: object) -> str:
    names = expected if isinstance(expected, list) else [expected]
    words = {"object": "an object", "array": "a list", "integer": "an integer"}
    return " or ".join(words.get(str(name), f"a {name}") for name in names)


def _shown(value: object) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
