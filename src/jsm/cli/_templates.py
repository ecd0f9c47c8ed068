"""natscli's body templates: ``{{Count}}``, ``{{TimeStamp}}``, ``{{Random 10 20}}`` ….

natscli renders bodies with Go templates and a few functions; jsm understands exactly
those functions (spaces inside the braces allowed), so a cheat-sheet body renders the
same. Anything else between braces is an error that names the functions known.
"""

from __future__ import annotations

import random
import re
import secrets
import string
import time
from datetime import datetime

from jsm.cli._errors import CliError

_TAG = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_LETTERS = string.ascii_letters + string.digits
KNOWN = ("Count", "Cnt", "TimeStamp", "Unix", "UnixNano", "Time", "ID", "Random")


def has_template(text: str) -> bool:
    """Whether ``text`` contains a template tag."""
    return bool(_TAG.search(text))


def render(text: str, count: int, *, now: datetime | None = None) -> str:
    """Render the template ``text`` for message number ``count`` (from 1).

    Raises:
        CliError: an unknown function or bad arguments inside ``{{ }}``.
    """
    moment = now or datetime.now().astimezone()

    def replace(match: re.Match[str]) -> str:
        name, *args = match.group(1).lstrip(".").split()
        if name == "Random":
            return _random(args)
        if args:
            raise CliError(f"template {match.group(0)!r}: {name} takes no arguments")
        if name in ("Count", "Cnt"):
            return str(count)
        if name == "TimeStamp":
            return moment.isoformat(timespec="seconds")
        if name == "Unix":
            return str(int(moment.timestamp()))
        if name == "UnixNano":
            return str(time.time_ns() if now is None else int(moment.timestamp() * 1e9))
        if name == "Time":
            return moment.strftime("%I:%M%p").lstrip("0")  # Go's time.Kitchen: 3:04PM
        if name == "ID":
            return secrets.token_hex(11)
        raise CliError(
            f"template {match.group(0)!r}: unknown function {name!r}; known: {', '.join(KNOWN)}"
        )

    return _TAG.sub(replace, text)


def _random(args: list[str]) -> str:
    try:
        low, high = (int(a) for a in args)
    except ValueError:
        raise CliError("template Random takes two numbers: {{Random min max}}") from None
    if not 0 <= low <= high:
        raise CliError("template Random needs 0 <= min <= max")
    length = random.randint(low, high)  # test data, not secrets
    return "".join(random.choice(_LETTERS) for _ in range(length))
