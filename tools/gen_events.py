"""Generate ``src/jsm/events/_generated.py`` from the NATS event schemas.

Usage: ``python tools/gen_events.py [output.py]``. It reads every schema under
``spec/schemas/jetstream/advisory/v1``, ``spec/schemas/jetstream/metric/v1`` and
``spec/schemas/server/*/v1`` and writes one pydantic model per schema (nested objects
become nested models). A unit test regenerates the module and compares it byte for byte.

Mapping: ``string`` → ``str`` (timestamps stay RFC 3339 strings, so nanoseconds survive
a round trip), ``integer`` → ``int``, ``number`` → ``int | float``, ``boolean`` →
``bool``, ``array`` → ``list[...]``, ``object`` with properties → a model, ``object``
with only ``additionalProperties``/``patternProperties`` → ``dict[str, ...]``; the
``type`` constant becomes a ``Literal``. Properties the schema does not require (and the
numbers, booleans and arrays the server omits when empty) are optional (``None`` = not sent).
"""

from __future__ import annotations

import json
import keyword
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "spec" / "schemas"
DEFAULT_TARGET = ROOT / "src" / "jsm" / "events" / "_generated.py"
GROUPS = (
    "jetstream/advisory/v1",
    "jetstream/metric/v1",
    "server/advisory/v1",
    "server/metric/v1",
    "server/monitor/v1",
)
CORRECTIONS: dict[str, dict[str, dict[str, Any]]] = {
    # The published schemas type these as strings; the server sends integers.
    "jetstream/advisory/v1/nak.json": {"consumer_seq": {"type": "integer", "minimum": 0}},
    "jetstream/advisory/v1/terminated.json": {"consumer_seq": {"type": "integer", "minimum": 0}},
}
"""Top-level property types corrected to what nats-server actually sends."""
LISTS = {
    # The published schemas describe one replica; the server sends a list of them.
    f"jetstream/advisory/v1/{name}.json": "replicas"
    for name in (
        "stream_leader_elected",
        "consumer_leader_elected",
        "stream_quorum_lost",
        "consumer_quorum_lost",
        "domain_leader_elected",
    )
}
"""Top-level properties that are lists of the object the schema declares."""
OMITTED_WHEN_EMPTY = {"integer", "number", "boolean", "array"}
"""Kinds of "required" properties the server leaves out when zero/empty (Go ``omitempty``,
e.g. ``blocks`` of a snapshot_create of a fresh stream): optional in the models."""
RESERVED = {"copy", "dict", "json", "schema", "construct", "validate", "fields"}


def schema_files() -> list[Path]:
    """Every event schema, in a stable order."""
    files: list[Path] = []
    for group in GROUPS:
        files += sorted((SCHEMAS / group).glob("*.json"))
    return files


def load_schema(path: Path) -> dict[str, Any]:
    """Read one schema as the server really behaves: :data:`CORRECTIONS` applied, required
    numbers/booleans/arrays optional (:data:`OMITTED_WHEN_EMPTY`), and required names the
    schema does not declare dropped (consumer_group_pinned requires an undeclared ``server``
    while forbidding undeclared properties: unsatisfiable as published)."""
    schema: dict[str, Any] = json.loads(path.read_text())
    rel = str(path.relative_to(SCHEMAS))
    for prop, fix in CORRECTIONS.get(rel, {}).items():
        schema["properties"][prop] = {**schema["properties"][prop], **fix}
    if rel in LISTS:
        item = schema["properties"][LISTS[rel]]
        schema["properties"][LISTS[rel]] = {
            "type": "array",
            "description": item.pop("description", "The replicas of the group"),
            "items": item,
        }
    return _satisfiable(schema)


def _satisfiable(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: _satisfiable(v) for k, v in schema.items()}
        props = out.get("properties")
        if isinstance(out.get("required"), list) and isinstance(props, dict):
            out["required"] = [
                r
                for r in out["required"]
                if r in props and props[r].get("type") not in OMITTED_WHEN_EMPTY
            ]
        return out
    if isinstance(schema, list):
        return [_satisfiable(v) for v in schema]
    return schema


def camel(name: str) -> str:
    """``consumer_leader_elected`` → ``ConsumerLeaderElected``."""
    return "".join(
        part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part
    )


def class_name(path: Path) -> str:
    """The model name for one schema file."""
    kind = path.parent.parent.name  # advisory / metric / monitor
    stem = camel(path.stem)
    if kind == "advisory":
        return stem + "Advisory"
    if kind == "metric":
        return stem + "Metric"
    return stem


class Renderer:
    """Collects the class definitions of one module, nested models first."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def type_of(self, schema: dict[str, Any], owner: str, prop: str) -> str:
        kind = schema.get("type")
        if "const" in schema and kind == "string":
            return f"Literal[{json.dumps(schema['const'])}]"
        if kind == "string":
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "int | float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            items = schema.get("items")
            inner = self.type_of(items, owner, prop + "_item") if isinstance(items, dict) else "Any"
            return f"list[{inner}]"
        if kind == "object":
            if schema.get("properties"):
                return self.model(schema, owner + camel(prop), base="EventModel")
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return f"dict[str, {self.type_of(extra, owner, prop + '_value')}]"
            patterns = schema.get("patternProperties")
            if isinstance(patterns, dict) and len(patterns) == 1:
                (inner,) = patterns.values()
                return f"dict[str, {self.type_of(inner, owner, prop + '_value')}]"
            return "dict[str, Any]"
        return "Any"

    def model(self, schema: dict[str, Any], name: str, *, base: str) -> str:
        required = set(schema.get("required", []))
        lines: list[str] = []
        for prop, sub in schema.get("properties", {}).items():
            annotation = self.type_of(sub, name, prop)
            field = prop
            alias = ""
            if not prop.isidentifier() or keyword.iskeyword(prop) or prop in RESERVED:
                field = prop.replace("-", "_") + "_"
                alias = f"alias={json.dumps(prop)}"
            doc = " ".join(str(sub.get("description", "")).split())
            if prop in required:
                value = f" = Field({alias})" if alias else ""
                if annotation.startswith("Literal["):
                    value = f" = {annotation[8:-1]}"
                lines.append(f"    {field}: {annotation}{value}")
            else:
                value = f" = Field(None, {alias})" if alias else " = None"
                lines.append(f"    {field}: {annotation} | None{value}")
            if doc:
                lines.append(f'    """{doc.replace(chr(92), "/").replace(chr(34) * 3, "")}"""')
        doc = " ".join(str(schema.get("description") or name).split())
        if not doc.endswith("."):
            doc += "."
        body = "\n".join(lines) if lines else "    pass"
        self.blocks.append(f'class {name}({base}):\n    """{doc}"""\n\n{body}\n')
        return name


def render(files: list[Path]) -> str:
    """Render the generated module's source text."""
    renderer = Renderer()
    top: list[tuple[str, str | None, str]] = []
    for path in files:
        schema = load_schema(path)
        name = class_name(path)
        const = schema.get("properties", {}).get("type", {}).get("const")
        base = "Event" if const else "EventModel"
        renderer.model(schema, name, base=base)
        top.append((name, const, str(path.relative_to(SCHEMAS))))
    classes = sorted(block.split("(", 1)[0].removeprefix("class ") for block in renderer.blocks)
    names = ["EVENT_TYPES", "SCHEMA_FILES", *classes]
    uses_field = any("Field(" in block for block in renderer.blocks)
    out = [
        '"""Event models, one per NATS advisory, metric and monitoring schema.',
        "",
        "Generated by tools/gen_events.py from spec/schemas; do not edit.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, Literal",
        "",
        *(["from pydantic import Field", ""] if uses_field else []),
        "from jsm.events._base import Event, EventModel",
        "",
        "__all__ = [",
        *(f'    "{n}",' for n in names),
        "]",
        "",
    ]
    for block in renderer.blocks:
        out += ["", block]
    out += ["", "EVENT_TYPES: dict[str, type[Event]] = {"]
    out += [f'    "{const}": {name},' for name, const, _ in top if const]
    out += ["}", '"""Event models by their ``type`` field."""', ""]
    out += ["SCHEMA_FILES: dict[type[EventModel], str] = {"]
    out += [f'    {name}: "{rel}",' for name, _, rel in top]
    out += ["}", '"""The schema (relative to spec/schemas) each top-level model follows."""', ""]
    text = "\n".join(out)
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def formatted(text: str) -> str:
    """Run ``ruff format`` (from the same environment as this Python) over ``text``."""
    ruff = Path(sys.executable).parent / "ruff"
    command = [
        str(ruff) if ruff.exists() else "ruff",
        "format",
        "--stdin-filename",
        "_generated.py",
        "-",
    ]
    done = subprocess.run(command, input=text, capture_output=True, text=True, check=True, cwd=ROOT)
    return done.stdout


def main(argv: list[str]) -> int:
    """Write the module (to ``argv[1]`` if given)."""
    target = Path(argv[1]) if len(argv) > 1 else DEFAULT_TARGET
    target.write_text(formatted(render(schema_files())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
