"""Advisories reach a client whose JetStream sits in another domain or behind an API prefix.

Event subjects are not domain-mapped: over a leaf node connection the account's
advisories flow to both sides, and an account that imports another's JetStream API
sees that account's events when ``$JS.EVENT.>`` is imported as a stream too.
"""

from __future__ import annotations

import jsm
from jsm import events as ev
from tests.integration.consumer_helpers import make_stream
from tests.integration.ops_helpers import validate_event, wait_for_event


async def test_advisories_of_a_leaf_domain_reach_the_hub(
    js_leaf: jsm.Manager, unique_name: str
) -> None:
    async with js_leaf.events.advisories(kinds=["stream_action", "consumer_action"]) as events:
        stream = await make_stream(js_leaf, unique_name)
        created = await wait_for_event(
            events, ev.StreamActionAdvisory, match={"stream": unique_name, "action": "create"}
        )
        validate_event(created)
        assert (created.model_extra or {}).get("domain") == "leaf"  # newer than the schema
        await stream.consumers.add(jsm.ConsumerConfig(durable_name="d"))
        consumer = await wait_for_event(
            events, ev.ConsumerActionAdvisory, match={"stream": unique_name, "action": "create"}
        )
        validate_event(consumer)
        assert (consumer.model_extra or {}).get("domain") == "leaf"


async def test_advisories_through_an_api_prefix(js_imported: jsm.Manager, unique_name: str) -> None:
    async with js_imported.events.advisories() as events:
        stream = await make_stream(js_imported, unique_name)
        validate_event(
            await wait_for_event(
                events, ev.StreamActionAdvisory, match={"stream": unique_name, "action": "create"}
            )
        )
        # the audit names the request as the exporting account received it
        await stream.info()
        audit = await wait_for_event(
            events, ev.ApiAuditAdvisory, match={"subject": f"$JS.API.STREAM.INFO.{unique_name}"}
        )
        validate_event(audit)
