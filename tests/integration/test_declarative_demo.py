"""The ``make demo`` section on declarative state runs on its own and leaves nothing behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jsm.demo._declarative import declarative_section

if TYPE_CHECKING:
    import jsm


async def test_the_demo_section_plans_applies_catches_drift_and_prunes(js: jsm.Manager) -> None:
    lines: list[str] = []
    await declarative_section(js, lines.append)
    assert "+ stream.DEMO_DECL_COPY will be created (<code>)" in lines
    assert "applied; planning again finds drift: False" in lines
    assert "after a manual edit: stream.DEMO_DECL_ORDERS max_age differs (exit code 2)" in lines
    assert lines[-1] == "pruned back to nothing"
    assert not [name async for name in js.streams.names() if "DEMO_DECL" in name]
