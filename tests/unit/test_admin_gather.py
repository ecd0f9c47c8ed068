"""How long a system query waits for the next server's reply (the pure part of gather)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jsm.admin._query import next_wait

times = st.floats(min_value=0, max_value=1e6, allow_nan=False)
spans = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


def test_before_the_first_reply_only_the_deadline_counts() -> None:
    assert next_wait(10.0, 15.0, None, 0.5) == 5.0
    assert next_wait(10.0, 15.0, None, None) == 5.0
    assert next_wait(16.0, 15.0, None, 0.5) <= 0


def test_after_a_reply_the_quiet_period_ends_the_wait_early() -> None:
    assert next_wait(10.0, 15.0, 10.0, 0.5) == 0.5
    assert next_wait(10.25, 15.0, 10.0, 0.5) == 0.25
    assert next_wait(10.5, 15.0, 10.0, 0.5) <= 0  # quiet long enough: stop
    assert next_wait(14.9, 15.0, 14.8, 0.5) == 15.0 - 14.9  # the deadline still wins
    assert next_wait(10.25, 15.0, 10.0, None) == 4.75  # no quiet period: wait it out


@given(start=times, timeout=spans, elapsed=spans, since_reply=spans, quiet=spans)
def test_never_waits_past_the_deadline_or_the_quiet_period(
    start: float, timeout: float, elapsed: float, since_reply: float, quiet: float
) -> None:
    now = start + elapsed
    deadline = start + timeout
    last_reply = now - since_reply
    wait = next_wait(now, deadline, last_reply, quiet)
    assert wait <= deadline - now
    assert wait <= last_reply + quiet - now
    assert wait == min(deadline - now, last_reply + quiet - now)
    assert next_wait(now, deadline, None, quiet) == deadline - now
