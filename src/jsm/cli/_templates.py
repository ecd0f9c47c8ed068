"""natscli's body templates: ``{{Count}}``, ``{{TimeStamp}}``, ``{{Random 10 20}}`` ….

natscli renders bodies with Go templates and a few functions; jsm understands exactly
those functions (spaces inside the braces allowed), so a cheat-sheet body renders the
same. Anything else between braces is an error that names the functions known. A
template is parsed once and rendered per message (``pub --count 100000`` renders a
hundred thousand bodies).
"""

from __future__ import annotations

import random
import re
import secrets
import string
import time
from collections.abc import Callable
from datetime import datetime

from jsm.cli._errors import CliError

_TAG = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_LETTERS = string.ascii_letters + string.digits
KNOWN = ("Count", "Cnt", "TimeStamp", "Unix", "UnixNano", "Time", "ID", "Random")

Part = Callable[[int, datetime | None], str]


class Template:
    """A body parsed once: literal text and the functions between ``{{ }}``.

    Raises:
        CliError: an unknown function or bad arguments inside ``{{ }}``.
    """

    def __init__(self, text: str) -> None:
        self.parts: list[str | Part] = []
        self.needs_time = False
        position = 0
        counts_only = True
        for match in _TAG.finditer(text):
            if match.start() > position:
                self.parts.append(text[position : match.start()])
            self.parts.append(self._function(match))
            counts_only = counts_only and match.group(1).lstrip(".") in ("Count", "Cnt")
            position = match.end()
        if position < len(text):
            self.parts.append(text[position:])
        # The common "ORDER {{Count}}" renders with one str.format call per message.
        self._format = (
            "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{0}"
                    for p in self.parts)
            if counts_only
            else None
        )  # fmt: skip

    def _function(self, match: re.Match[str]) -> Part:
        name, *args = match.group(1).lstrip(".").split() or [""]
        if name == "Random":
            low, high = _random_bounds(args)
            return lambda count, now: _random(low, high)
        if args:
            raise CliError(f"template {match.group(0)!r}: {name} takes no arguments")
        simple: dict[str, Part] = {
            "Count": lambda count, now: str(count),
            "Cnt": lambda count, now: str(count),
            "ID": lambda count, now: secrets.token_hex(11),
            "UnixNano": lambda count, now: str(
                time.time_ns() if now is None else int(now.timestamp() * 1e9)
            ),
        }
        timed: dict[str, Callable[[datetime], str]] = {
            "TimeStamp": lambda now: now.isoformat(timespec="seconds"),
            "Unix": lambda now: str(int(now.timestamp())),
            "Time": lambda now: now.strftime("%I:%M%p").lstrip("0"),  # Go's time.Kitchen
        }
        if name in simple:
            return simple[name]
        if name in timed:
            self.needs_time = True
            render_time = timed[name]
            return lambda count, now: render_time(now or datetime.now().astimezone())
        raise CliError(
            f"template {match.group(0)!r}: unknown function {name!r}; known: {', '.join(KNOWN)}"
        )

    def render(self, count: int, *, now: datetime | None = None) -> str:
        """Render for message number ``count`` (from 1)."""
        if self._format is not None:
            return self._format.format(count)
        moment = now or (datetime.now().astimezone() if self.needs_time else None)
        return "".join(
            part if isinstance(part, str) else part(count, moment) for part in self.parts
        )


def has_template(text: str) -> bool:
    """Whether ``text`` contains a template tag."""
    return bool(_TAG.search(text))


def render(text: str, count: int, *, now: datetime | None = None) -> str:
    """Render the template ``text`` for message number ``count`` (from 1).

    Raises:
        CliError: an unknown function or bad arguments inside ``{{ }}``.
    """
    return Template(text).render(count, now=now)


def _random_bounds(args: list[str]) -> tuple[int, int]:
    try:
        low, high = (int(a) for a in args)
    except ValueError:
        raise CliError("template Random takes two numbers: {{Random min max}}") from None
    if not 0 <= low <= high:
        raise CliError("template Random needs 0 <= min <= max")
    return low, high


def _random(low: int, high: int) -> str:
    length = random.randint(low, high)  # test data, not secrets
    return "".join(random.choices(_LETTERS, k=length))
