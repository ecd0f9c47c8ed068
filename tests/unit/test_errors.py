"""The exception tree: generated classes, category fallback, messages, pickling."""

from __future__ import annotations

import json
import pickle

import pytest

import jsm
from jsm import errors
from tests.tools_helpers import ROOT, load_tool

TABLE = json.loads((ROOT / "spec" / "errors.json").read_text())


def test_generated_module_is_up_to_date() -> None:
    generator = load_tool("gen_errors")
    expected = generator.render(TABLE)
    actual = (ROOT / "src" / "jsm" / "_generated_errors.py").read_text()
    assert actual == expected, "run: python tools/gen_errors.py"


def test_every_error_code_maps_to_exactly_one_class() -> None:
    codes = [entry["error_code"] for entry in TABLE]
    assert sorted(errors.ERRORS_BY_CODE) == sorted(codes)
    classes = list(errors.ERRORS_BY_CODE.values())
    assert len(set(classes)) == len(classes)


@pytest.mark.parametrize("entry", TABLE, ids=[e["constant"] for e in TABLE])
def test_reply_raises_the_generated_class(entry: dict[str, object]) -> None:
    error = errors.api_error(
        {
            "code": entry["code"],
            "err_code": entry["error_code"],
            "description": entry["description"],
        }
    )
    cls = errors.ERRORS_BY_CODE[int(str(entry["error_code"]))]
    assert type(error) is cls
    assert error.code == entry["code"] and error.err_code == entry["error_code"]
    assert error.description == entry["description"]
    assert isinstance(error, errors.ApiError) and isinstance(error, jsm.JsmError)
    assert cls.status == entry["code"]


@pytest.mark.parametrize(
    ("code", "category"),
    [
        (400, errors.BadRequestError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (412, errors.PreconditionFailedError),
        (429, errors.TooManyRequestsError),
        (500, errors.ServerError),
        (503, errors.ServiceUnavailableError),
        (418, errors.ApiError),
    ],
)
def test_unknown_err_code_falls_back_to_category(code: int, category: type[Exception]) -> None:
    error = errors.api_error({"code": code, "err_code": 99999, "description": "new"})
    assert type(error) is category


def test_stream_not_found_message_says_what_and_where() -> None:
    error = errors.api_error(
        {"code": 404, "err_code": 10059, "description": "stream not found", "hint": "x"},
        context="stream 'ORDERS' in domain 'hub'",
    )
    assert isinstance(error, errors.StreamNotFoundError)
    assert isinstance(error, errors.NotFoundError)
    assert (
        str(error)
        == "stream not found (err_code 10059, status 404) — stream 'ORDERS' in domain 'hub'"
    )
    assert error.extra == {"hint": "x"}
    assert "StreamNotFoundError(code=404, err_code=10059" in repr(error)


def test_malformed_error_object_still_gives_an_api_error() -> None:
    error = errors.api_error({"code": "x", "description": None, "err_code": True})
    assert type(error) is errors.ApiError
    assert error.code == 0 and error.err_code == 0


@pytest.mark.parametrize(
    "error",
    [
        errors.api_error(
            {"code": 404, "err_code": 10059, "description": "stream not found"}, context="c"
        ),
        errors.JsmTimeoutError("late"),
        errors.JetStreamUnavailableError("nobody"),
        errors.InvalidNameError("bad"),
        errors.InvalidOptionError("bad"),
        errors.UnsupportedApiLevelError("counters", 2, 1),
        errors.ClosedError("closed"),
        errors.NoStreamError("none"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickle_and_keep_their_message(error: errors.JsmError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and repr(copy) == repr(error)
    assert copy.args == error.args


@pytest.mark.parametrize(
    "error",
    [
        errors.api_error({"code": 404, "err_code": 10059, "description": "stream not found"}),
        errors.PermissionDeniedError("denied", subject="a.b", operation="subscribe"),
        errors.ServiceRequestError(503, "busy", subject="svc.add"),
        errors.KeyDeletedError("B", "k", 7),
        errors.DigestMismatchError("B", "o", "SHA-256=a", "SHA-256=b", 10),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_pickled_under_the_old_module_path_still_load(error: errors.JsmError) -> None:
    # The hand-written tree lived in jsm._errors_base alone: pickles made then name its
    # classes and rebuild functions there.
    made_before = pickle.dumps(error, protocol=0)
    for module in (b"jsm._errors_core", b"jsm._errors_services", b"jsm._errors_stores"):
        made_before = made_before.replace(module + b"\n", b"jsm._errors_base\n")
    assert b"jsm._errors_base\n" in made_before
    copy = pickle.loads(made_before)
    assert type(copy) is type(error)
    assert str(copy) == str(error) and repr(copy) == repr(error)


def test_builtin_bases() -> None:
    assert issubclass(errors.JsmTimeoutError, TimeoutError)
    assert issubclass(errors.InvalidNameError, ValueError)
    assert issubclass(errors.InvalidOptionError, ValueError)
    assert issubclass(errors.UnsupportedApiLevelError, jsm.JsmError)


def test_errors_all_is_complete() -> None:
    public = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, BaseException | Warning)
    }
    assert public <= set(errors.__all__)
