"""Stream errors retold in bucket terms: the wording of stale revisions and differing settings."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm import errors
from jsm.kv._config import kv_stream_config
from jsm.kv._errors import bucket_exists, bucket_not_found, revision_in, stale_revision
from jsm.objects._errors import store_exists, store_not_found
from jsm.objects.manager import object_stream_config

if TYPE_CHECKING:
    from collections.abc import Callable


def _wrong_last(description: str) -> errors.StreamWrongLastSequenceError:
    return errors.StreamWrongLastSequenceError(400, 10071, description, context="bucket 'b'")


@pytest.mark.parametrize(
    ("description", "state"),
    [
        ("wrong last sequence: 7", "is at revision 7, not 5"),
        ("wrong last sequence: 0", "has no entry (expected revision 5)"),
        ("wrong last sequence", "is no longer at revision 5"),
    ],
    ids=["known", "no-entry", "unknown"],
)
def test_a_stale_revision_names_the_key_and_what_is_known(description: str, state: str) -> None:
    err = stale_revision("b", "k", 5, _wrong_last(description))
    assert type(err) is errors.StreamWrongLastSequenceError
    assert (err.code, err.err_code) == (400, 10071)
    assert err.description == f"key 'k' in bucket 'b' {state}"
    assert "nothing was written" in str(err)


def test_revision_in_reads_only_the_servers_number() -> None:
    assert revision_in(_wrong_last("wrong last sequence: 12")) == 12
    assert revision_in(_wrong_last("something else")) is None


def test_a_bucket_that_exists_lists_settings_by_kv_names() -> None:
    existing = kv_stream_config(jsm.KeyValueConfig(bucket="b", metadata={"team": "a"}))
    existing = existing.with_changes(metadata={"team": "a", "_nats.req.level": "0"})
    asked = kv_stream_config(
        jsm.KeyValueConfig(bucket="b", history=3, max_bytes=1024, ttl=timedelta(minutes=1))
    )
    err = bucket_exists("b", errors.StreamNameExistError(400, 10058, "in use"), asked, existing)
    assert err.description == (
        "bucket 'b' exists with other settings (asked ≠ existing): history 3 ≠ 1, ttl 60s ≠ none, "
        "max_bytes 1024 ≠ -1, metadata none ≠ {'team': 'a'}"
    )
    unknown = bucket_exists("b", errors.StreamNameExistError(400, 10058, "in use"), asked, None)
    assert unknown.description == "bucket 'b' exists with other settings"


def test_an_object_store_that_exists_lists_settings_by_object_store_names() -> None:
    existing = object_stream_config(jsm.ObjectStoreConfig(bucket="files"))
    asked = object_stream_config(jsm.ObjectStoreConfig(bucket="files", description="docs"))
    err = store_exists("files", errors.StreamNameExistError(400, 10058, "in use"), asked, existing)
    assert type(err) is errors.StreamNameExistError
    assert err.description == (
        "object store 'files' exists with other settings (asked ≠ existing): "
        "description 'docs' ≠ none"
    )
    assert "js.objects.update(config)" in str(err)
    assert "js.objects.get('files')" in str(err)


@pytest.mark.parametrize(
    ("not_found", "kind", "description", "hint"),
    [
        (
            bucket_not_found,
            errors.BucketNotFoundError,
            "bucket 'b' not found",
            "js.kv.create(jsm.KeyValueConfig(bucket=...))",
        ),
        (
            store_not_found,
            errors.ObjectStoreNotFoundError,
            "object store 'b' not found",
            "js.objects.create(jsm.ObjectStoreConfig(bucket=...))",
        ),
    ],
    ids=["kv", "objects"],
)
def test_a_missing_bucket_keeps_the_stream_codes_and_says_how_to_create_it(
    not_found: Callable[[str, errors.ApiError | None], errors.NotFoundError],
    kind: type[errors.NotFoundError],
    description: str,
    hint: str,
) -> None:
    seen = errors.StreamNotFoundError(404, 10059, "stream not found")
    for err in (not_found("b", None), not_found("b", seen)):
        assert type(err) is kind
        assert (err.code, err.err_code, err.description) == (404, 10059, description)
        assert f"create it with {hint}" in str(err)
