"""Rendering of health-check results: Nagios plugin text, Prometheus exposition, JSON."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jsm import CheckKind, CheckResult, CheckStatus
from jsm.monitor import PerfData, prometheus_text
from jsm.monitor._render import escape_label_value, nagios_label, nagios_number

# ---- a strict reader of the Prometheus text format (prometheus_client is not installed)

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL_VALUE = r'"(?:[^"\\\n]|\\\\|\\"|\\n)*"'
_LABELS = rf"\{{(?:{_NAME}={_LABEL_VALUE}(?:,{_NAME}={_LABEL_VALUE})*)?\}}"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Inf|NaN"
_SAMPLE = re.compile(rf"^({_NAME})({_LABELS})? ({_NUMBER})$")
_HELP = re.compile(rf"^# HELP ({_NAME}) (?:[^\\\n]|\\\\|\\n)*$")
_TYPE = re.compile(rf"^# TYPE ({_NAME}) (counter|gauge|histogram|summary|untyped)$")
_ONE_LABEL = re.compile(rf"({_NAME})=({_LABEL_VALUE})")


def _unescape(quoted: str) -> str:
    body = quoted[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), body)


def parse_exposition(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Samples by metric name; fails on any line the text format does not allow."""
    assert text == "" or text.endswith("\n"), "exposition must end with a newline"
    families: dict[str, list[tuple[dict[str, str], float]]] = {}
    typed: set[str] = set()
    for line in text.split("\n")[:-1]:  # the format ends lines with "\n" only
        if line.startswith("# HELP "):
            assert _HELP.match(line), f"bad HELP line: {line!r}"
            continue
        if line.startswith("# TYPE "):
            match = _TYPE.match(line)
            assert match, f"bad TYPE line: {line!r}"
            assert match.group(1) not in typed, f"TYPE repeated: {line!r}"
            typed.add(match.group(1))
            continue
        match = _SAMPLE.match(line)
        assert match, f"bad sample line: {line!r}"
        name, labels, value = match.groups()
        assert name in typed, f"sample before its TYPE: {line!r}"
        parsed = {k: _unescape(v) for k, v in _ONE_LABEL.findall(labels or "")}
        families.setdefault(name, []).append((parsed, float(value)))
    return families


def _result(**kwargs: object) -> CheckResult:
    return CheckResult(name="ORDERS", kind=CheckKind.STREAM, **kwargs)  # type: ignore[arg-type]


# ---- status and exit codes


def test_status_is_the_most_severe_message() -> None:
    result = _result()
    seen = [(result.status, result.exit_code)]
    result.ok("fine")
    result.warning("hmm")
    seen.append((result.status, result.exit_code))
    result.critical("broken")
    seen.append((result.status, result.exit_code))
    result.unknown("no answer")
    seen.append((result.status, result.exit_code))
    assert seen == [
        (CheckStatus.OK, 0),
        (CheckStatus.WARNING, 1),
        (CheckStatus.CRITICAL, 2),
        (CheckStatus.UNKNOWN, 3),
    ]
    assert result.messages == ["no answer", "broken", "hmm", "fine"]


def test_statuses_are_ordered_by_severity() -> None:
    assert sorted(CheckStatus, reverse=True)[0] is CheckStatus.UNKNOWN
    assert CheckStatus.OK < CheckStatus.WARNING < CheckStatus.CRITICAL < CheckStatus.UNKNOWN
    assert max(CheckStatus.WARNING, CheckStatus.CRITICAL) is CheckStatus.CRITICAL


# ---- Nagios


def test_nagios_line_with_perf_data() -> None:
    result = _result()
    result.critical("2 replicas offline: n1, n2")
    result.ok("mirror lag 0")
    result.perf("peer_seen", 1, crit=3)
    result.perf("message_age", 1.5, unit="s", warn=60, crit=3600.25)
    result.perf("messages", 10)
    assert result.to_nagios() == (
        "CRITICAL STREAM ORDERS: 2 replicas offline: n1, n2, mirror lag 0"
        " | peer_seen=1;;3 message_age=1.5s;60;3600.25 messages=10;;"
    )


def test_nagios_without_messages_or_perf_data() -> None:
    assert _result().to_nagios() == "OK STREAM ORDERS: no checks configured"


def test_nagios_keeps_messages_on_one_line_and_out_of_the_perf_data() -> None:
    result = _result()
    result.warning("line one\nline | two")
    text = result.to_nagios()
    assert "\n" not in text and text.count("|") == 0
    assert text == "WARNING STREAM ORDERS: line one line / two"


def test_nagios_labels_with_spaces_or_quotes_are_quoted() -> None:
    assert nagios_label("messages") == "messages"
    assert nagios_label("my value") == "'my value'"
    assert nagios_label("it's") == "'it''s'"


NAGIOS_ITEM = re.compile(
    r"^(?:[A-Za-z0-9_.:/-]+|'(?:[^']|'')+')=(-?\d+(?:\.\d+)?)(s|%|B|)?;(-?\d+(?:\.\d+)?)?;(-?\d+(?:\.\d+)?)?$"
)
FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(
    st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and "=" not in s),
    FINITE,
    st.sampled_from(["", "s", "%", "B"]),
    st.none() | FINITE,
    st.none() | FINITE,
)
def test_nagios_perf_data_is_well_formed(
    label: str, value: float, unit: str, warn: float | None, crit: float | None
) -> None:
    result = _result()
    result.perf(label, value, unit=unit, warn=warn, crit=crit)
    perf = result.to_nagios().split(" | ", 1)[1]
    match = NAGIOS_ITEM.match(perf)
    assert match, perf
    assert math.isclose(float(match.group(1)), value, rel_tol=1e-9, abs_tol=1e-9)
    for got, want in ((match.group(3), warn), (match.group(4), crit)):
        if want is None:
            assert got is None
        else:
            assert got is not None and math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-9)


@given(FINITE)
def test_nagios_numbers_have_no_exponent(value: float) -> None:
    text = nagios_number(value)
    assert "e" not in text.lower()
    assert math.isclose(float(text), value, rel_tol=1e-12, abs_tol=1e-12)


# ---- Prometheus


def test_prometheus_status_and_perf_families() -> None:
    result = _result()
    result.warning("3 messages")
    result.perf("messages", 3, warn=3, crit=1)
    families = parse_exposition(result.to_prometheus())
    assert families["jsm_monitor_stream_status_code"] == [({"item": "ORDERS"}, 1.0)]
    assert families["jsm_monitor_stream_messages"] == [({"item": "ORDERS"}, 3.0)]
    assert families["jsm_monitor_stream_messages_warning"] == [({"item": "ORDERS"}, 3.0)]
    assert families["jsm_monitor_stream_messages_critical"] == [({"item": "ORDERS"}, 1.0)]


def test_prometheus_several_results_share_families() -> None:
    first, second = _result(), CheckResult(name="OTHER", kind=CheckKind.STREAM)
    first.perf("messages", 1)
    second.perf("messages", 2)
    second.critical("gone")
    text = prometheus_text([first, second])
    families = parse_exposition(text)
    assert families["jsm_monitor_stream_status_code"] == [
        ({"item": "ORDERS"}, 0.0),
        ({"item": "OTHER"}, 2.0),
    ]
    assert [v for _, v in families["jsm_monitor_stream_messages"]] == [1.0, 2.0]
    assert text.count("# TYPE jsm_monitor_stream_messages gauge") == 1
    assert prometheus_text([]) == ""


@given(
    st.text(min_size=1, max_size=30),
    st.text(min_size=1, max_size=30),
    st.text(max_size=30),
    FINITE,
)
def test_prometheus_escapes_any_item_name_and_help(
    name: str, perf: str, help_text: str, value: float
) -> None:
    result = CheckResult(name=name, kind=CheckKind.CONSUMER)
    result.perf(perf, value, help=help_text)
    families = parse_exposition(result.to_prometheus())
    samples = [
        s
        for fam, items in families.items()
        if fam != "jsm_monitor_consumer_status_code"
        for s in items
    ]
    assert [labels for labels, _ in samples] == [{"item": name}]
    assert samples[0][1] == pytest.approx(value)
    assert families["jsm_monitor_consumer_status_code"] == [({"item": name}, 0.0)]


@given(st.text(max_size=40))
def test_label_value_escaping_round_trips(text: str) -> None:
    quoted = f'"{escape_label_value(text)}"'
    assert re.fullmatch(_LABEL_VALUE, quoted)
    assert _unescape(quoted) == text


# ---- JSON


def test_json_round_trip_keeps_status_and_perf_data() -> None:
    result = _result()
    result.critical("no leader")
    result.perf("peer_seen", 2, crit=3)
    data = result.to_json()
    back = CheckResult.from_json(data)
    assert back == result and back.status is CheckStatus.CRITICAL
    assert '"status":2' in data.replace(" ", "")


MESSAGES = st.lists(st.text(max_size=20), max_size=3)


@given(
    st.text(min_size=1, max_size=20),
    st.sampled_from(list(CheckKind)),
    MESSAGES,
    MESSAGES,
    MESSAGES,
    MESSAGES,
    st.lists(
        st.builds(
            PerfData,
            name=st.text(min_size=1, max_size=10),
            value=FINITE,
            unit=st.sampled_from(["", "s", "%", "B"]),
            warn=st.none() | FINITE,
            crit=st.none() | FINITE,
        ),
        max_size=3,
    ),
)
def test_any_result_round_trips_through_json(
    name: str,
    kind: CheckKind,
    oks: list[str],
    warnings: list[str],
    criticals: list[str],
    unknowns: list[str],
    perf: list[PerfData],
) -> None:
    result = CheckResult(
        name=name,
        kind=kind,
        ok_messages=oks,
        warnings=warnings,
        criticals=criticals,
        unknowns=unknowns,
        perf_data=perf,
    )
    back = CheckResult.from_json(result.to_json(indent=2))
    assert back == result
    assert back.status is result.status and back.to_nagios() == result.to_nagios()


def test_perf_data_must_be_finite() -> None:
    with pytest.raises(ValidationError, match="finite"):
        PerfData(name="x", value=math.nan)
    with pytest.raises(ValidationError, match="finite"):
        _result().perf("x", 1, warn=math.inf)
