"""The JetStream API client: typed requests and replies, errors, paging and retries."""

from __future__ import annotations

from jsm.api._client import ApiClient as ApiClient
from jsm.api._client import encode as encode
from jsm.api._client import raise_for_error as raise_for_error
from jsm.api._paging import Page as Page
from jsm.api._paging import Pager as Pager
from jsm.api._retry import Retry as Retry

__all__ = ["ApiClient", "Page", "Pager", "Retry", "encode", "raise_for_error"]
