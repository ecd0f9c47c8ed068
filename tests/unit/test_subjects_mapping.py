"""API subject mapping for domains and prefixes (ADR-19)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm.errors import InvalidOptionError
from jsm.subjects import ApiSubjects, direct_get_subject

TOKEN = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=".*>"),
    min_size=1,
    max_size=12,
)
REST = st.lists(TOKEN, min_size=1, max_size=5).map(".".join)
PREFIX = st.lists(TOKEN, min_size=1, max_size=4).map(".".join)


@pytest.mark.parametrize(
    ("subjects", "expected"),
    [
        (ApiSubjects(), "$JS.API.STREAM.INFO.ORDERS"),
        (ApiSubjects(domain="hub"), "$JS.hub.API.STREAM.INFO.ORDERS"),
        (ApiSubjects(api_prefix="JS.APP.API"), "JS.APP.API.STREAM.INFO.ORDERS"),
        (ApiSubjects(api_prefix="JS.APP.API."), "JS.APP.API.STREAM.INFO.ORDERS"),
    ],
    ids=["default", "domain", "prefix", "prefix-trailing-dot"],
)
def test_api_subject_mapping(subjects: ApiSubjects, expected: str) -> None:
    assert subjects.api("STREAM.INFO.ORDERS") == expected
    assert subjects.map("$JS.API.STREAM.INFO.ORDERS") == expected
    assert subjects.unmap(expected) == "$JS.API.STREAM.INFO.ORDERS"


def test_mapping_applies_to_direct_get_and_msg_next() -> None:
    subjects = ApiSubjects(domain="leaf")
    assert (
        subjects.map(direct_get_subject("KV_x", "$KV.x.k"))
        == "$JS.leaf.API.DIRECT.GET.KV_x.$KV.x.k"
    )
    assert subjects.api("CONSUMER.MSG.NEXT.S.C") == "$JS.leaf.API.CONSUMER.MSG.NEXT.S.C"


def test_event_subjects_are_not_mapped() -> None:
    subjects = ApiSubjects(domain="hub")
    assert subjects.map("$JS.EVENT.ADVISORY.API") == "$JS.EVENT.ADVISORY.API"


def test_domain_and_prefix_are_mutually_exclusive() -> None:
    with pytest.raises(InvalidOptionError, match="mutually exclusive"):
        ApiSubjects(domain="hub", api_prefix="JS.X.API")


@pytest.mark.parametrize("domain", ["", "a.b", "a b", "*", ">", "x\n"])
def test_invalid_domains_are_rejected(domain: str) -> None:
    with pytest.raises(InvalidOptionError, match="domain"):
        ApiSubjects(domain=domain)


@pytest.mark.parametrize("prefix", ["", ".", "a..b", "a.*", "a.>", "a b", "."])
def test_invalid_prefixes_are_rejected(prefix: str) -> None:
    with pytest.raises(InvalidOptionError, match="api_prefix"):
        ApiSubjects(api_prefix=prefix)


def test_unmap_rejects_foreign_subjects() -> None:
    with pytest.raises(InvalidOptionError):
        ApiSubjects(domain="hub").unmap("$JS.API.INFO")


@given(domain=TOKEN, rest=REST)
def test_domain_mapping_round_trips(domain: str, rest: str) -> None:
    subjects = ApiSubjects(domain=domain)
    mapped = subjects.map("$JS.API." + rest)
    assert mapped == f"$JS.{domain}.API.{rest}"
    assert subjects.unmap(mapped) == "$JS.API." + rest


@given(prefix=PREFIX, rest=REST, trailing=st.booleans())
def test_prefix_mapping_round_trips(prefix: str, rest: str, trailing: bool) -> None:
    subjects = ApiSubjects(api_prefix=prefix + ("." if trailing else ""))
    mapped = subjects.api(rest)
    assert mapped == f"{prefix}.{rest}"
    assert subjects.unmap(mapped) == "$JS.API." + rest


@given(domain=TOKEN, prefix=PREFIX)
def test_every_valid_domain_or_prefix_is_accepted_alone(domain: str, prefix: str) -> None:
    assert ApiSubjects(domain=domain).domain == domain
    assert ApiSubjects(api_prefix=prefix).api_prefix == prefix
