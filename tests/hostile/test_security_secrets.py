"""Passwords, tokens and nkey seeds never show: not in any log line (DEBUG included) while
connecting, working, losing the server, reconnecting and failing, not in the repr of the
manager or of any handle, not in any error message or the errors they were raised from.
The servers require the credentials, so each secret really travels."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import anyio
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import eventually

if TYPE_CHECKING:
    from jsm.testing import AuthServers


def _credentials(auth: AuthServers) -> dict[str, tuple[str, dict[str, Any]]]:
    """Ways to sign in: (url, jsm.connect options), each carrying one secret."""
    return {
        "password-in-url": (auth.password_url, {}),
        "password-option": (auth.url, {"user": auth.user, "password": auth.password}),
        "nkey-seed": (auth.url, {"nkeys_seed_str": auth.nkey_seed}),
        "token-in-url": (auth.token_url, {}),
        "token-option": (auth.token_server_url, {"token": auth.token}),
    }


WAYS = ["password-in-url", "password-option", "nkey-seed", "token-in-url", "token-option"]


def _chain(err: BaseException) -> list[BaseException]:
    """The error and every error it was raised from or during."""
    seen: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def assert_hidden(auth: AuthServers, *texts: str) -> None:
    for text in texts:
        for secret in auth.secrets:
            assert secret not in text, f"a secret shows in: {text}"


def assert_log_hidden(auth: AuthServers, caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records, "nothing was logged: the test saw no connection events"
    for record in caplog.records:
        assert_hidden(auth, record.getMessage(), str(record.args), str(record.exc_info))


async def _handles(js: jsm.Manager, name: str) -> list[object]:
    """One of every handle jsm gives out, on real resources."""
    stream = await js.streams.add(
        jsm.StreamConfig(name=name, subjects=[f"{name}.>"], storage=jsm.StorageType.MEMORY)
    )
    ack = await js.publish(f"{name}.a", b"x")
    consumer = await stream.consumers.add(jsm.ConsumerConfig(durable_name="c"))
    msg = await consumer.next(timeout=5)
    await msg.ack()
    kv = await js.kv.create(jsm.KeyValueConfig(bucket=f"{name}_kv"))
    store = await js.objects.create(jsm.ObjectStoreConfig(bucket=f"{name}_obj"))
    info = await store.put("o", b"y")
    service = js.services.add(f"{name}_svc", "1.0.0")
    return [js, stream, ack, consumer, msg, kv, store, info, service, js.publisher(), js.batch()]


@pytest.mark.parametrize("way", WAYS)
async def test_no_secret_in_logs_reprs_or_errors_through_a_whole_session(
    nats_auth: AuthServers, caplog: pytest.LogCaptureFixture, unique_name: str, way: str
) -> None:
    caplog.set_level(logging.DEBUG)
    url, options = _credentials(nats_auth)[way]
    async with jsm.connect(url, **options) as js:
        texts = [repr(handle) for handle in await _handles(js, unique_name)]
        failures: list[BaseException] = []
        for failing in (
            js.streams.get(f"{unique_name}_missing"),
            js.publish("nobody.listens", b"x"),
            js.services.request("nobody.listens", b"x", timeout=1),
        ):
            try:
                await failing
            except jsm.JsmError as err:
                failures.append(err)
        assert len(failures) == 3
        texts += [text for err in failures for e in _chain(err) for text in (str(e), repr(e))]
        await js.streams.delete(unique_name)
        assert_hidden(nats_auth, *texts)
    assert_log_hidden(nats_auth, caplog)


@pytest.mark.parametrize("way", ["password-in-url", "nkey-seed", "token-option"])
async def test_no_secret_in_the_log_of_a_lost_and_restored_connection(
    nats_auth: AuthServers, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    caplog.set_level(logging.DEBUG)
    url, options = _credentials(nats_auth)[way]
    server = nats_auth.token_server if way.startswith("token") else nats_auth.server
    async with jsm.connect(url, reconnect_time_wait=1, **options) as js:
        await js.account_info()
        await anyio.to_thread.run_sync(server.shutdown)

        async def failed_to_reconnect() -> bool:
            return any("connection error" in r.getMessage() for r in caplog.records)

        await eventually(failed_to_reconnect, within=60)
        await anyio.to_thread.run_sync(server.start)

        async def back() -> bool:
            return any("re-established" in r.getMessage() for r in caplog.records)

        await eventually(back, within=60)
        await js.account_info()
    assert_log_hidden(nats_auth, caplog)


@pytest.mark.parametrize("way", WAYS)
async def test_a_refused_sign_in_names_no_secret(
    nats_auth: AuthServers, caplog: pytest.LogCaptureFixture, way: str
) -> None:
    # Each secret goes to the server that does not know it (a password to the token
    # server and the other way round), so the sign-in is refused.
    caplog.set_level(logging.DEBUG)
    url, options = _credentials(nats_auth)[way]
    swapped = {
        nats_auth.password_url: nats_auth.password_url.replace(
            str(nats_auth.server.client_port), str(nats_auth.token_server.client_port)
        ),
        nats_auth.url: nats_auth.token_server_url,
        nats_auth.token_url: nats_auth.token_url.replace(
            str(nats_auth.token_server.client_port), str(nats_auth.server.client_port)
        ),
        nats_auth.token_server_url: nats_auth.url,
    }[url]
    with anyio.fail_after(30), pytest.raises(errors.JsmConnectionError) as caught:
        async with jsm.connect(swapped, max_reconnect_attempts=1, reconnect_time_wait=1, **options):
            pass
    assert "Authorization Violation" in str(caught.value), str(caught.value)
    assert_hidden(nats_auth, *(text for e in _chain(caught.value) for text in (str(e), repr(e))))
    assert_log_hidden(nats_auth, caplog)
