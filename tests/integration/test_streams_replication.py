"""Mirrors and sources: a mirror, a 3-source stream with a transform, a source in another domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio
import pytest

import jsm
from jsm import errors

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from jsm.testing import HubAndLeaf


async def put(js: jsm.Manager, subject: str, data: bytes = b"x") -> None:
    reply = await js.nc.request(subject, data, timeout=5)
    assert b'"seq"' in reply.data, reply.data


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 15.0) -> None:
    """Poll ``check`` until it holds, failing after ``within`` seconds (no fixed sleeps)."""
    with anyio.fail_after(within):
        while True:
            if await check():
                return
            await anyio.sleep(0.05)


async def holds(stream: jsm.Stream, count: int) -> bool:
    return (await stream.info()).state.messages == count


async def test_a_mirror_copies_its_origin_and_reports_lag(
    js: jsm.Manager, unique_name: str
) -> None:
    origin = await js.streams.add(
        jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"], allow_direct=True)
    )
    for index in range(5):
        await put(js, f"{unique_name}.{index}")
    mirror = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_M", mirror=jsm.StreamSource(name=origin.name))
    )
    await eventually(lambda: holds(mirror, 5))
    info = await mirror.info()
    assert info.mirror is not None
    assert info.mirror.name == origin.name
    assert info.mirror.lag == 0
    assert info.mirror.is_active and info.mirror.active is not None
    assert info.config.mirror_direct  # inherited from the origin's allow_direct
    assert (await mirror.get_message(3, direct=False)).subject == f"{unique_name}.2"
    with pytest.raises(errors.ApiError):
        await mirror.edit(mirror=jsm.StreamSource(name="ELSEWHERE"))


async def test_a_mirror_can_start_at_a_sequence(js: jsm.Manager, unique_name: str) -> None:
    await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    for index in range(6):
        await put(js, f"{unique_name}.{index}")
    mirror = await js.streams.add(
        jsm.StreamConfig(
            name=f"{unique_name}_M", mirror=jsm.StreamSource(name=unique_name, opt_start_seq=4)
        )
    )
    await eventually(lambda: holds(mirror, 3))
    assert (await mirror.info()).state.first_seq == 4


async def test_three_sources_with_a_transform_merge_into_one_stream(
    js: jsm.Manager, unique_name: str
) -> None:
    names = [f"{unique_name}_{region}" for region in ("EU", "US", "AP")]
    for name in names:
        await js.streams.add(jsm.StreamConfig(name=name, subjects=[f"{name}.orders.>"]))
    sources = [
        jsm.StreamSource(name=names[0]),
        jsm.StreamSource(name=names[1], filter_subject=f"{names[1]}.orders.big.>"),
        jsm.StreamSource(
            name=names[2],
            subject_transforms=[
                jsm.SubjectTransform(src=f"{names[2]}.orders.>", dest="asia.orders.>")
            ],
        ),
    ]
    merged = await js.streams.add(jsm.StreamConfig(name=f"{unique_name}_ALL", sources=sources))
    await put(js, f"{names[0]}.orders.1")
    await put(js, f"{names[1]}.orders.small.1")
    await put(js, f"{names[1]}.orders.big.1")
    await put(js, f"{names[2]}.orders.7")
    await eventually(lambda: holds(merged, 3))
    subjects = sorted(m.subject for m in await _all(merged, 3))
    assert subjects == sorted([f"{names[0]}.orders.1", f"{names[1]}.orders.big.1", "asia.orders.7"])
    info = await merged.info()
    assert info.sources is not None and len(info.sources) == 3
    by_name = {source.name: source for source in info.sources}
    assert by_name[names[1]].filter_subject == f"{names[1]}.orders.big.>"
    transforms = by_name[names[2]].subject_transforms
    assert transforms is not None and transforms[0].dest == "asia.orders.>"
    assert all(source.lag == 0 for source in info.sources)


async def _all(stream: jsm.Stream, count: int) -> list[jsm.StoredMessage]:
    return [await stream.get_message(seq, direct=False) for seq in range(1, count + 1)]


async def test_a_source_can_be_added_to_an_existing_stream(
    js: jsm.Manager, unique_name: str
) -> None:
    await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    await put(js, f"{unique_name}.a")
    target = await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_T", subjects=[f"{unique_name}_T.>"])
    )
    await target.edit(sources=[jsm.StreamSource(name=unique_name)])
    await eventually(lambda: holds(target, 1))


async def test_a_stream_sources_from_another_domain_with_a_transform(
    nats_hub_and_leaf: HubAndLeaf, unique_name: str
) -> None:
    setup = nats_hub_and_leaf
    hub_api = f"$JS.{setup.hub_domain}.API"
    async with (
        jsm.connect(setup.hub.client_url) as hub,
        jsm.connect(setup.leaf.client_url) as leaf,
    ):
        origin = await hub.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
        )
        try:
            sourced = await leaf.streams.add(
                jsm.StreamConfig(
                    name=f"{unique_name}_L",
                    sources=[
                        jsm.StreamSource(
                            name=origin.name,
                            external=jsm.ExternalStream(api=hub_api),
                            subject_transforms=[
                                jsm.SubjectTransform(src=f"{unique_name}.>", dest="from.hub.>")
                            ],
                        )
                    ],
                )
            )
            try:
                for index in range(3):
                    await put(hub, f"{unique_name}.{index}")
                await eventually(lambda: holds(sourced, 3))
                info = await sourced.info()
                assert info.sources is not None
                source = info.sources[0]
                assert source.external is not None and source.external.api == hub_api
                assert source.lag == 0 and source.error is None
                assert (await sourced.get_message(1, direct=False)).subject == "from.hub.0"
            finally:
                await sourced.delete()
        finally:
            await origin.delete()


async def test_a_leaf_mirror_of_a_hub_stream_through_the_leaf_domain(
    nats_hub_and_leaf: HubAndLeaf, unique_name: str
) -> None:
    setup = nats_hub_and_leaf
    async with (
        jsm.connect(setup.hub.client_url) as hub,
        jsm.connect(setup.hub.client_url, domain=setup.leaf_domain) as leaf,
    ):
        origin = await hub.streams.add(
            jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"])
        )
        try:
            mirror = await leaf.streams.add(
                jsm.StreamConfig(
                    name=f"{unique_name}_M",
                    mirror=jsm.StreamSource(
                        name=origin.name,
                        external=jsm.ExternalStream(api=f"$JS.{setup.hub_domain}.API"),
                    ),
                )
            )
            try:
                await put(hub, f"{unique_name}.x", b"payload")
                await eventually(lambda: holds(mirror, 1))
                assert (await mirror.get_message(1)).data == b"payload"
                assert (await leaf.account_info()).domain == setup.leaf_domain
            finally:
                await mirror.delete()
        finally:
            await origin.delete()
