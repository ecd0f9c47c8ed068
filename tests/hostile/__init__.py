"""Hostile input and security on real servers.

Hypothesis throws any text, bytes, number or duration a caller can pass at the public
API (the test_hostile_* modules) and checks that each call ends in success or a
``jsm.JsmError``, never a raw exception, a hang or a lost connection; the
test_security_* modules check TLS verification, that secrets never reach logs, reprs or
errors, and that accounts stay apart. Every test here carries the ``hostile`` marker, so
the suite runs alone with ``pytest -m hostile`` (and with everything else in ``make test``).
"""
