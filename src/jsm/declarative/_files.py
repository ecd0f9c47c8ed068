"""Write a desired state as files, one per resource, in the format the loader reads.

``streams/<name>``, ``consumers/<stream>/<name>``, ``key_value/<bucket>`` and
``object_stores/<bucket>``, each ``.json`` (natscli's formats, nanosecond durations) or
``.yaml`` (the same documents; needs PyYAML). Nothing is written when any target exists
and ``overwrite`` is not set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from jsm._errors_base import InvalidOptionError
from jsm.declarative._load import YAML_HINT
from jsm.declarative.state import ResourceKind

if TYPE_CHECKING:
    from collections.abc import Callable

    from jsm.declarative.state import Declaration, DesiredState

__all__ = ["document_of", "write_state"]

_FOLDERS = {
    ResourceKind.STREAM: "streams",
    ResourceKind.CONSUMER: "consumers",
    ResourceKind.KEY_VALUE: "key_value",
    ResourceKind.OBJECT_STORE: "object_stores",
}


def document_of(declaration: Declaration) -> dict[str, object]:
    """The document that declares ``declaration`` (wire JSON values, the fields it sets)."""
    body = declaration.config.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_unset=True
    )
    if declaration.kind is ResourceKind.CONSUMER:
        return {"stream_name": declaration.stream, "config": body}
    if declaration.kind is ResourceKind.STREAM:
        return body
    return {declaration.kind.value: body}


def write_state(
    state: DesiredState, directory: str | Path, *, format: str, overwrite: bool
) -> list[Path]:
    """Write every declaration under ``directory``; return the paths written.

    Raises:
        InvalidOptionError: an unknown format, a file in the way, or YAML without PyYAML.
    """
    if format not in ("json", "yaml"):
        raise InvalidOptionError(f"format must be 'json' or 'yaml' (got {format!r})")
    dump = _json if format == "json" else _yaml_dumper()
    root = Path(directory)
    targets = [(_path(root, d, format), document_of(d)) for d in state]
    taken = [str(path) for path, _ in targets if path.exists()]
    if taken and not overwrite:
        raise InvalidOptionError(
            f"{len(taken)} file(s) exist already ({', '.join(taken[:3])}); "
            "write to an empty directory, or pass overwrite=True"
        )
    for path, document in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(document), "utf-8")
    return [path for path, _ in targets]


def _path(root: Path, declaration: Declaration, suffix: str) -> Path:
    folder = root / _FOLDERS[declaration.kind]
    if declaration.kind is ResourceKind.CONSUMER:
        folder /= declaration.stream_name
    return folder / f"{declaration.name}.{suffix}"


def _json(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _yaml_dumper() -> Callable[[dict[str, object]], str]:
    try:
        import yaml
    except ImportError:
        raise InvalidOptionError(f"writing YAML needs PyYAML: {YAML_HINT}") from None

    def dump(document: dict[str, object]) -> str:
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)

    return dump
