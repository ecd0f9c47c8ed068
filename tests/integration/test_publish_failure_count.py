"""``PublishFailedError`` counts exactly the pipelined failures nobody looked at.

The pipeline keeps only the latest hundred failures for the error's ``errors``; the
count must not depend on that buffer, on ``max_pending`` or on the reply buffer.
"""

from __future__ import annotations

import asyncio

import anyio
import pytest

import jsm
from jsm import errors
from jsm._constants import PUBLISHER_MAX_FAILURES_KEPT
from tests.integration.consumer_helpers import make_stream

FAILURES = 700
"""More than the failures kept, max_pending (256) and the reply buffer (576)."""

REFUSED = jsm.Expect(stream="NOPE")
"""An expectation the stream refuses at once (StreamNotMatchError)."""


async def test_every_unseen_failure_is_counted(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name)
    with anyio.fail_after(60), pytest.raises(errors.PublishFailedError) as caught:
        async with js.publisher() as pub:
            await pub.publish(f"{unique_name}.a", b"ok")
            for _ in range(FAILURES):
                await pub.publish(f"{unique_name}.a", b"x", expect=REFUSED)
    assert caught.value.failed == FAILURES
    assert str(caught.value).startswith(f"{FAILURES} of {FAILURES + 1} pipelined")
    assert len(caught.value.errors) == PUBLISHER_MAX_FAILURES_KEPT
    assert all(isinstance(e, errors.StreamNotMatchError) for e in caught.value.errors)


async def test_failures_already_looked_at_are_not_counted(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name)
    unseen = 50
    with anyio.fail_after(60), pytest.raises(errors.PublishFailedError) as caught:
        async with js.publisher() as pub:
            futures = [
                await pub.publish(f"{unique_name}.a", b"x", expect=REFUSED) for _ in range(FAILURES)
            ]
            await pub.wait()
            for future in futures[: FAILURES - unseen]:
                with pytest.raises(errors.StreamNotMatchError):
                    await future
    assert caught.value.failed == unseen
    assert str(caught.value).startswith(f"{unseen} of {FAILURES} pipelined")
    assert len(caught.value.errors) == unseen


async def test_no_error_when_every_failure_was_looked_at(js: jsm.Manager, unique_name: str) -> None:
    await make_stream(js, unique_name)
    with anyio.fail_after(60):
        async with js.publisher(max_pending=16) as pub:
            futures = [
                await pub.publish(f"{unique_name}.a", b"x", expect=REFUSED) for _ in range(FAILURES)
            ]
            await pub.wait()
            for future in futures:
                assert isinstance(future.exception(), errors.StreamNotMatchError)


async def test_asking_before_the_outcome_is_not_looking_at_it(
    js: jsm.Manager, unique_name: str
) -> None:
    await make_stream(js, unique_name)
    with anyio.fail_after(60), pytest.raises(errors.PublishFailedError) as caught:
        async with js.publisher() as pub:
            future = await pub.publish(f"{unique_name}.a", b"x", expect=REFUSED)
            with pytest.raises(asyncio.InvalidStateError):
                future.result()  # not acked yet: nothing to look at
    assert caught.value.failed == 1
