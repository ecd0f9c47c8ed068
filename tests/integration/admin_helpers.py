"""Helpers of the admin tests: schema validation of VARZ, waiting for a new meta leader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import jsonschema

if TYPE_CHECKING:
    import jsm
    from jsm.models import Model

SCHEMAS = Path(__file__).resolve().parents[2] / "spec" / "schemas"


def schema(path: str) -> dict[str, Any]:
    """The JSON schema at ``spec/schemas/<path>``."""
    loaded: dict[str, Any] = json.loads((SCHEMAS / path).read_text())
    return loaded


def validate(model: Model, path: str) -> None:
    """Assert the model's wire form validates against the schema at ``path``."""
    jsonschema.validate(model.to_wire(), schema(path))


async def meta_leader(sys: jsm.Manager) -> str | None:
    """The current meta leader's server name (None during an election)."""
    meta = await sys.admin.meta_cluster(timeout=2)
    return meta.leader if meta is not None and meta.leader else None


async def wait_for_meta_leader(
    sys: jsm.Manager, *, other_than: str | None = None, within: float = 20
) -> str:
    """Poll JSZ until a meta leader (other than ``other_than``) is known; return its name."""
    with anyio.fail_after(within):
        while True:
            leader = await meta_leader(sys)
            if leader is not None and leader != other_than:
                return leader
            await anyio.sleep(0.1)
