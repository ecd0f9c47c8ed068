"""The command line's own error: bad input found before anything reaches the server."""

from __future__ import annotations


class CliError(Exception):
    """A mistake on the command line, reported as one line (``jsm: …``) with exit status 1."""

    def __init__(self, message: str, *, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
