"""Shared pieces of the service tests: request models, a calculator service, schema checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft7Validator, FormatChecker
from pydantic import BaseModel

if TYPE_CHECKING:
    import jsm

SCHEMAS = Path(__file__).resolve().parents[2] / "spec" / "schemas" / "micro" / "v1"
VALIDATORS = {
    verb: Draft7Validator(
        json.loads((SCHEMAS / f"{verb.lower()}_response.json").read_text()),
        format_checker=FormatChecker(),
    )
    for verb in ("PING", "INFO", "STATS")
}


class AddRequest(BaseModel):
    """Two numbers to add."""

    a: int
    b: int


class AddResponse(BaseModel):
    """Their sum."""

    sum: int


def schema_errors(verb: str, payload: bytes | dict[str, Any]) -> list[str]:
    """Every way ``payload`` breaks the micro v1 schema of ``verb``'s reply."""
    document = json.loads(payload) if isinstance(payload, bytes) else payload
    return [error.message for error in VALIDATORS[verb].iter_errors(document)]


def calculator(services: jsm.ServiceManager, *, name: str = "calc", **options: Any) -> jsm.Service:
    """A service with ``add`` (typed), ``echo`` (raw) and ``math.double`` (bytes in a group)."""
    svc = services.add(name, "1.2.3", description="a calculator", metadata={"team": "a"}, **options)

    @svc.endpoint("add", metadata={"unit": "int"})
    async def add(request: AddRequest) -> AddResponse:
        return AddResponse(sum=request.a + request.b)

    @svc.endpoint("echo", subject=f"{name}.echo")
    async def echo(request: jsm.ServiceRequest) -> None:
        await request.respond(request.data, headers={"Echoed": request.subject})

    math = svc.group(f"{name}.math", queue_group="mathq")

    @math.endpoint("double")
    async def double(data: bytes) -> str:
        return str(2 * int(data))

    return svc
