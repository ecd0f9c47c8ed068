"""Connection events logged by jsm.connect: one line each, no tracebacks, no credentials."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from jsm.testing import run_permissions_server
from tests.integration.consumer_helpers import eventually

if TYPE_CHECKING:
    from jsm.testing import NatsServer


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "jsm.connection" and text in r.getMessage()]


async def _restart(server: NatsServer, caplog: pytest.LogCaptureFixture, waiting_for: str) -> None:
    """Stop the server, wait until a reconnect attempt failed, start it again."""
    await anyio.to_thread.run_sync(server.shutdown)

    async def attempt_failed() -> bool:
        return bool(_lines(caplog, waiting_for))

    await eventually(attempt_failed, within=60)
    await anyio.to_thread.run_sync(server.start)


async def test_a_restart_logs_one_line_per_event_without_tracebacks_or_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with run_permissions_server() as setup:
        url, password = setup.admin_url, setup.passwords["admin"]
        async with jsm.connect(url, reconnect_time_wait=1) as js:
            await js.account_info()
            await _restart(setup.server, caplog, "NATS connection error")

            async def back() -> bool:
                return bool(_lines(caplog, "re-established"))

            await eventually(back, within=60)
            await js.account_info()
    assert len(_lines(caplog, "lost; reconnecting")) == 1
    assert len(_lines(caplog, "re-established")) == 1
    assert _lines(caplog, "NATS connection error")  # each failed reconnect attempt, one line
    assert all(r.levelno <= logging.WARNING for r in _lines(caplog, "NATS connection"))
    for record in caplog.records:
        assert record.exc_info is None and record.stack_info is None, record.getMessage()
        assert "\n" not in record.getMessage()
        assert password not in record.getMessage()
    # nats-py's default error callback, which logs a traceback per attempt, never ran.
    assert not [r for r in caplog.records if r.name.startswith("nats")]
    # Leaving the block closes the connection quietly.
    assert not [r for r in _lines(caplog, "closed") if r.levelno > logging.DEBUG]


async def test_callbacks_passed_to_connect_are_called_instead(
    nats_server_fresh: NatsServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    events: list[str] = []

    async def on_error(err: Exception) -> None:
        events.append("error")

    async def on_disconnected() -> None:
        events.append("disconnected")

    async def on_reconnected() -> None:
        events.append("reconnected")

    async def on_closed() -> None:
        events.append("closed")

    async with jsm.connect(
        nats_server_fresh.client_url,
        reconnect_time_wait=1,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
        closed_cb=on_closed,
    ) as js:
        await js.account_info()
        await anyio.to_thread.run_sync(nats_server_fresh.shutdown)

        async def failed_once() -> bool:
            return "error" in events

        await eventually(failed_once, within=60)
        await anyio.to_thread.run_sync(nats_server_fresh.start)

        async def back() -> bool:
            return "reconnected" in events

        await eventually(back, within=60)
        await js.account_info()
    assert {"disconnected", "reconnected"} <= set(events) and events[-1] == "closed"
    assert not [r for r in caplog.records if r.name == "jsm.connection"]


async def test_a_failed_connect_names_no_credentials(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with run_permissions_server() as setup:
        url, password = setup.admin_url, setup.passwords["admin"]
    # The server is gone: the connect fails, and neither the error nor the log shows secrets.
    with pytest.raises(errors.JsmConnectionError) as caught:
        async with jsm.connect(url, max_reconnect_attempts=1, reconnect_time_wait=1):
            pass
    assert password not in str(caught.value) and "***@127.0.0.1" in str(caught.value)
    assert _lines(caplog, "NATS connection error")
    assert not [r for r in caplog.records if password in r.getMessage()]
