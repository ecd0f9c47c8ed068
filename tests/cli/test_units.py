"""Pure parts of the command line: templates, global-flag hoisting, formats and parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsm.cli import _output, _templates
from jsm.cli._app import BOOL_FLAGS, VALUE_FLAGS, hoist_global_flags
from jsm.cli._consumer_config import linear_backoff
from jsm.cli._errors import CliError
from jsm.cli._stream_config import parse_metadata, split_subjects
from jsm.cli.pubsub import parse_headers

NOW = datetime(2026, 12, 1, 15, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("ORDER {{Count}}", "ORDER 7"),
        ("{{ Count }}/{{Cnt}}", "7/7"),
        ("{{Unix}}", str(int(NOW.timestamp()))),
        ("{{TimeStamp}}", "2026-12-01T15:04:05+00:00"),
        ("{{Time}}", "3:04PM"),
        ("no tags", "no tags"),
    ],
    ids=["count", "spaces", "unix", "timestamp", "kitchen", "plain"],
)
def test_templates_render_like_natscli(template: str, expected: str) -> None:
    assert _templates.render(template, 7, now=NOW) == expected


def test_random_and_id_templates() -> None:
    text = _templates.render("{{ Random 3 5 }}|{{ID}}", 1)
    random_part, identifier = text.split("|")
    assert 3 <= len(random_part) <= 5 and random_part.isalnum()
    assert len(identifier) == 22


@pytest.mark.parametrize("template", ["{{Bogus}}", "{{Random 5}}", "{{Random 5 1}}", "{{Count 2}}"])
def test_bad_templates_say_what_is_known(template: str) -> None:
    with pytest.raises(CliError):
        _templates.render(template, 1)


def test_global_flags_move_in_front_keeping_their_values() -> None:
    argv = ["str", "ls", "-s", "nats://h:4222", "--names", "--js-domain=hub", "--trace"]
    assert hoist_global_flags(argv) == [
        "-s", "nats://h:4222", "--js-domain=hub", "--trace", "str", "ls", "--names"
    ]  # fmt: skip


def test_global_flags_after_a_double_dash_are_left_alone() -> None:
    assert hoist_global_flags(["pub", "x", "--", "-s", "y"]) == ["pub", "x", "--", "-s", "y"]


@given(st.lists(st.sampled_from(["str", "ls", "-n", "x", "--count", "3", "--trace"]), max_size=8))
def test_hoisting_keeps_every_token(argv: list[str]) -> None:
    assert sorted(hoist_global_flags(argv)) == sorted(argv)


def test_flag_tables_do_not_overlap() -> None:
    assert not VALUE_FLAGS & BOOL_FLAGS


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(days=365), "1y"),
        (timedelta(minutes=2), "2m"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(0), "0s"),
        (timedelta(milliseconds=250), "250ms"),
    ],
)
def test_durations_print_like_natscli(value: timedelta, text: str) -> None:
    assert _output.duration(value) == text


def test_sizes_and_limits_print_unlimited_for_negative_values() -> None:
    assert (_output.size(-1), _output.limit(-1), _output.size(1536)) == (
        "unlimited", "unlimited", "1.5 KiB"
    )  # fmt: skip


def test_subjects_split_on_commas_and_spaces() -> None:
    assert split_subjects(["a.*, b.>", "c"]) == ["a.*", "b.>", "c"]


def test_metadata_and_headers_parse_and_refuse_bad_pairs() -> None:
    assert parse_metadata(["a=1", "_nats.level=9", "b=x=y"]) == {"a": "1", "b": "x=y"}
    assert parse_headers(["K: v", "X:1"]) == {"K": "v", "X": "1"}
    with pytest.raises(CliError):
        parse_metadata(["novalue"])
    with pytest.raises(CliError):
        parse_headers(["nocolon"])


def test_linear_backoff_matches_natscli_steps() -> None:
    steps = linear_backoff(4, timedelta(minutes=1), timedelta(minutes=5))
    assert steps == [timedelta(minutes=m) for m in (1, 2, 3, 4)]
