"""Permission violations fail jsm's requests at once, typed and naming the subject.

The server reports a publish or subscription the user may not make only through an
asynchronous ``-ERR`` (nats-py's error callback); without correlation each such request
waited for its full timeout. Every connection here gets a timeout far longer than the
test's own, so a test passes only if the error comes promptly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import nats
import pytest

import jsm
from jsm import errors
from tests.integration.consumer_helpers import make_stream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from jsm.testing import PermissionsServer

LONG_WAIT = 600  # seconds: a request that waits this long fails the test by pytest-timeout


@pytest.fixture
async def admin(nats_permissions: PermissionsServer) -> AsyncIterator[jsm.Manager]:
    """A manager with every right, deleting the streams its test made."""
    async with jsm.connect(nats_permissions.admin_url) as js:
        yield js
        for name in await js.streams.names().collect():
            await js.streams.delete(name)


async def test_a_publish_to_a_denied_subject_fails_at_once(
    nats_permissions: PermissionsServer, admin: jsm.Manager, unique_name: str
) -> None:
    denied = f"denied.{unique_name}.X"  # mixed case: the server lowercases nothing, nats-py does
    await make_stream(admin, unique_name, subjects=[f"denied.{unique_name}.>", f"{unique_name}.>"])
    async with jsm.connect(nats_permissions.url("no_publish"), timeout=LONG_WAIT) as js:
        with pytest.raises(errors.PermissionDeniedError) as caught:
            await js.publish(denied, b"x")
        assert caught.value.subject == denied and caught.value.operation == "publish"
        assert denied in str(caught.value)
        with pytest.raises(errors.PermissionDeniedError):
            await js.publish(denied, b"x", msg_id="again")  # every attempt, not just the first
        assert (await js.publish(f"{unique_name}.ok", b"y")).seq == 1
        assert not js.nc._resp_map  # nats-py's reply map holds nothing left over
    assert (await (await admin.streams.get(unique_name)).info()).state.messages == 1


async def test_api_requests_fail_at_once_when_the_api_is_denied(
    nats_permissions: PermissionsServer, admin: jsm.Manager, unique_name: str
) -> None:
    await make_stream(admin, unique_name)
    kv = await admin.kv.create(jsm.KeyValueConfig(bucket=unique_name))
    await kv.put("k", b"v")
    async with jsm.connect(nats_permissions.url("no_api"), timeout=LONG_WAIT) as js:
        with pytest.raises(errors.PermissionDeniedError) as caught:
            await js.account_info()
        assert caught.value.subject == "$JS.API.INFO"
        with pytest.raises(errors.PermissionDeniedError, match=rf"STREAM\.INFO\.{unique_name}"):
            await js.streams.get(unique_name)
        with pytest.raises(errors.PermissionDeniedError, match=r"DIRECT\.GET"):
            await js.api.request_msg(f"DIRECT.GET.KV_{unique_name}.$KV.{unique_name}.k")
        # Publishing to a stream's subject is not an API call: still allowed.
        assert (await js.publish(f"{unique_name}.a", b"x")).stream == unique_name
    await admin.kv.delete(unique_name)


async def test_a_user_who_may_not_subscribe_to_inboxes_gets_a_permission_error(
    nats_permissions: PermissionsServer, admin: jsm.Manager, unique_name: str
) -> None:
    await make_stream(admin, unique_name)
    url = nats_permissions.url("no_inbox")
    async with jsm.connect(url, timeout=LONG_WAIT) as js:
        with pytest.raises(errors.PermissionDeniedError, match="inbox_prefix") as caught:
            await js.account_info()
        assert caught.value.operation == "subscribe"
        assert caught.value.subject.startswith("_INBOX.")
        # The server refused the reply subscription once; later requests fail before sending.
        with pytest.raises(errors.PermissionDeniedError):
            await js.publish(f"{unique_name}.a", b"x")
        with pytest.raises(errors.PermissionDeniedError):
            await js.account_info()
    async with jsm.connect(url, timeout=LONG_WAIT, inbox_prefix="_PRIVATE") as js:
        assert (await js.publish(f"{unique_name}.a", b"x")).seq == 1


async def test_a_borrowed_connection_keeps_its_error_callback(
    nats_permissions: PermissionsServer, admin: jsm.Manager, unique_name: str
) -> None:
    await make_stream(admin, unique_name, subjects=[f"denied.{unique_name}.>"])
    seen: list[Exception] = []

    async def mine(err: Exception) -> None:
        seen.append(err)

    nc = await nats.connect(nats_permissions.url("no_publish"), error_cb=mine)
    try:
        js = jsm.Manager(nc, timeout=LONG_WAIT)
        jsm.Manager(nc)  # a second manager on the same connection chains nothing twice
        with pytest.raises(errors.PermissionDeniedError):
            await js.publish(f"denied.{unique_name}.a", b"x")
        assert len(seen) == 1 and "permissions violation" in str(seen[0])
        await js.account_info()  # the connection still works
    finally:
        await nc.close()


async def test_an_error_callback_passed_to_connect_still_sees_violations(
    nats_permissions: PermissionsServer,
    admin: jsm.Manager,
    unique_name: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await make_stream(admin, unique_name, subjects=[f"denied.{unique_name}.>"])
    seen: list[Exception] = []

    async def mine(err: Exception) -> None:
        seen.append(err)

    url = nats_permissions.url("no_publish")
    async with jsm.connect(url, timeout=LONG_WAIT, error_cb=mine) as js:
        with pytest.raises(errors.PermissionDeniedError):
            await js.publish(f"denied.{unique_name}.a", b"x")
    assert len(seen) == 1
    assert not [r for r in caplog.records if r.name == "jsm.connection" and "error" in r.message]
