"""The publish deadline: publishes wait ``publish_timeout``, API requests ``timeout``.

A publish must ride through a stream leader election (4 to 9 s on nats-server), longer
than the 5 s an API request waits, so every writer (``js.publish``, ``js.increment``,
the pipeline, atomic batches, KV writes and object puts) has its own default deadline,
20 s, set with ``jsm.connect(publish_timeout=...)``; a per-call ``timeout=`` still wins.
Which deadline a call waited for shows in its error once a frozen server (SIGSTOP)
answers nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream
from tests.integration.frozen_server import frozen

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from jsm.testing import NatsServer

PUBLISH_TIMEOUT = 3.0
API_TIMEOUT = 1.0


async def test_publishes_wait_twenty_seconds_by_default(js: jsm.Manager) -> None:
    assert js.publish_timeout == timedelta(seconds=20)
    assert js.timeout == timedelta(seconds=5)
    borrowed = jsm.Manager(js.nc, timeout=2, publish_timeout=timedelta(seconds=45))
    assert (borrowed.timeout, borrowed.publish_timeout) == (
        timedelta(seconds=2),
        timedelta(seconds=45),
    )


@pytest.mark.parametrize(
    "bad",
    [0, -1, 0.1, float("nan"), "20s", None],
    ids=["zero", "neg", "short", "nan", "text", "none"],
)
def test_a_bad_publish_timeout_is_refused_before_connecting(bad: object) -> None:
    with pytest.raises(errors.InvalidOptionError, match="publish_timeout"):
        jsm.connect("nats://127.0.0.1:1", publish_timeout=bad)  # type: ignore[arg-type]  # the bad value is the point


async def test_every_writer_waits_the_publish_timeout(
    nats_server_fresh: NatsServer, unique_name: str
) -> None:
    async with jsm.connect(
        nats_server_fresh.client_url, timeout=API_TIMEOUT, publish_timeout=PUBLISH_TIMEOUT
    ) as js:
        await make_stream(js, unique_name, allow_atomic=True)
        await make_stream(js, f"{unique_name}_N", allow_msg_counter=True)
        kv = await js.kv.create(jsm.KeyValueConfig(bucket=unique_name))
        await kv.put("k", b"v")
        store = await js.objects.create(jsm.ObjectStoreConfig(bucket=unique_name))
        subject = f"{unique_name}.a"

        async def batch() -> None:
            async with js.batch() as b:
                await b.add(subject, b"1")
                await b.add(subject, b"2")  # sends the first: a request

        async def pipelined() -> None:
            async with js.publisher() as pub:
                await (await pub.publish(subject, b"x"))

        writes: dict[str, Callable[[], Awaitable[object]]] = {
            "publish": lambda: js.publish(subject, b"x"),
            "publish with msg_id": lambda: js.publish(subject, b"x", msg_id="m"),
            "increment": lambda: js.increment(f"{unique_name}_N.c"),
            "pipeline": pipelined,
            "batch": batch,
            "kv put": lambda: kv.put("k", b"w"),
            "kv update": lambda: kv.update("k", b"w", 1),
            "kv delete": lambda: kv.delete("k"),
        }
        failures: dict[str, BaseException] = {}

        async def record(name: str, write: Callable[[], Awaitable[object]]) -> None:
            try:
                await write()
            except errors.JsmError as err:
                failures[name] = err

        with frozen(nats_server_fresh) as freeze, anyio.fail_after(60):
            started = anyio.Event()

            async def source() -> AsyncIterator[bytes]:
                freeze()  # after put() read the object's metadata: only acks are left
                started.set()
                yield b"chunk" * 100

            async with anyio.create_task_group() as tg:
                tg.start_soon(record, "object put", lambda: store.put("o", source()))
                await started.wait()
                for name, write in writes.items():
                    tg.start_soon(record, name, write)
                tg.start_soon(
                    record, "per-call timeout", lambda: js.publish(subject, b"x", timeout=2)
                )
        assert failures.keys() == {*writes, "object put", "per-call timeout"}
        for name, failure in failures.items():
            assert type(failure) is errors.JsmTimeoutError, (name, failure)
            expected = "within 2s" if name == "per-call timeout" else "within 3s"
            assert expected in str(failure), (name, failure)
