"""Naming rules for streams, consumers, buckets, keys and subjects (ADR-6, ADR-8)."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm.errors import InvalidNameError, JsmWarning
from jsm.subjects import check_bucket_name, check_kv_key, check_name, check_subject

FORBIDDEN = ".*>/\\"
SAFE_NAME = st.text(
    alphabet=st.characters(
        min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=FORBIDDEN + ":"
    ),
    min_size=1,
    max_size=31,
)


@given(SAFE_NAME)
def test_safe_names_pass_without_warning(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_name(name) == name
        assert check_name(name, strict=True) == name


@given(
    st.tuples(SAFE_NAME, st.sampled_from([*FORBIDDEN, " ", "\t", "\n", "\x00", "\x7f"]), SAFE_NAME)
)
def test_names_with_forbidden_characters_are_rejected(parts: tuple[str, str, str]) -> None:
    with pytest.raises(InvalidNameError, match="may not contain"):
        check_name("".join(parts))


@pytest.mark.parametrize("name", ["", "x" * 256], ids=["empty", "too-long"])
def test_empty_and_overlong_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidNameError):
        check_name(name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("a:b", "':'"), ("x" * 32, "32 characters"), ("ünïcode", "non-ASCII")],
    ids=["colon", "long", "non-ascii"],
)
def test_risky_names_warn_or_fail_in_strict_mode(name: str, reason: str) -> None:
    with pytest.warns(JsmWarning, match=reason):
        assert check_name(name) == name
    with pytest.raises(InvalidNameError, match="strict"):
        check_name(name, strict=True)


@pytest.mark.parametrize("bucket", ["config", "A_b-9"])
def test_valid_buckets(bucket: str) -> None:
    assert check_bucket_name(bucket) == bucket


@pytest.mark.parametrize("bucket", ["", "a.b", "a b", "a*", "a/b", "ä"])
def test_invalid_buckets(bucket: str) -> None:
    with pytest.raises(InvalidNameError, match="letters, digits"):
        check_bucket_name(bucket)


@pytest.mark.parametrize("key", ["a", "app.color", "a/b=c_d-e", "A.B.C"])
def test_valid_keys(key: str) -> None:
    assert check_kv_key(key) == key


@pytest.mark.parametrize("key", ["", ".a", "a.", "a..b", "a b", "a*", "a.>", "ä"])
def test_invalid_keys(key: str) -> None:
    with pytest.raises(InvalidNameError):
        check_kv_key(key)


@pytest.mark.parametrize("key", ["a.*", "a.>", ">", "*.b.>"])
def test_key_filters_allow_whole_token_wildcards(key: str) -> None:
    assert check_kv_key(key, allow_wildcards=True) == key


@pytest.mark.parametrize("key", ["a.>.b", "a*", "a.b>"])
def test_key_filters_reject_partial_wildcards(key: str) -> None:
    with pytest.raises(InvalidNameError):
        check_kv_key(key, allow_wildcards=True)


@pytest.mark.parametrize("subject", ["orders", "orders.*.eu", "orders.>", "*", ">"])
def test_valid_filter_subjects(subject: str) -> None:
    assert check_subject(subject) == subject


@pytest.mark.parametrize("subject", ["", "a..b", ".a", "a.", "a b", "a.>.b", "a*.b"])
def test_invalid_subjects(subject: str) -> None:
    with pytest.raises(InvalidNameError):
        check_subject(subject)


@pytest.mark.parametrize("subject", ["orders.*", "orders.>"])
def test_publish_subjects_reject_wildcards(subject: str) -> None:
    with pytest.raises(InvalidNameError, match="wildcards"):
        check_subject(subject, allow_wildcards=False)


@given(
    st.tuples(
        st.text(max_size=5).filter(lambda t: "." not in t),
        st.characters(categories=["Cs"]),
        st.text(alphabet="abc", max_size=5),
    )
)
def test_text_with_a_lone_surrogate_is_refused_as_a_name_or_subject(
    parts: tuple[str, str, str],
) -> None:
    # Not encodable as UTF-8: nats-py would raise UnicodeEncodeError on the wire.
    text = "x" + "".join(parts)
    for check in (check_name, check_subject):
        with pytest.raises(InvalidNameError):
            check(text)
    with pytest.raises(InvalidNameError, match="surrogate"):
        check_subject("x." + parts[1])
