"""The installed ``jsm`` script as a real process: exit codes, help, completion, imports."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.cli.conftest import jsm_script, run_on_terminal, run_script, script_env

if TYPE_CHECKING:
    from jsm.testing import NatsServer


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


def test_help_lists_the_command_groups_with_an_example() -> None:
    done = run_script("--help")
    assert done.returncode == 0
    for name in ("stream", "consumer", "pub", "req", "sub", "events"):
        assert f"  {name} " in done.stdout
    assert "Examples:" in done.stdout and "jsm str add ORDERS" in done.stdout


@pytest.mark.parametrize("group", ["str", "con"])
def test_each_group_help_shows_an_example(group: str) -> None:
    done = run_script(group, "--help")
    assert done.returncode == 0
    assert "Examples:" in done.stdout


def test_help_loads_neither_the_library_nor_rich() -> None:
    # Start-up time (bench/cli.py) comes from importing little: help needs none of these.
    loaded = _python(
        "import sys, contextlib, io\n"
        "from jsm.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print(','.join(m for m in ('nats', 'pydantic', 'rich', 'jsm.models', 'jsm.cli.stream',"
        " 'jsm.cli.declarative', 'jsm.declarative') if m in sys.modules))"
    )
    assert loaded == ""


def test_import_jsm_does_not_import_the_command_line() -> None:
    loaded = _python(
        "import sys, jsm\n"
        "jsm.StreamConfig\n"
        "print(','.join(m for m in ('jsm.cli', 'typer', 'rich') if m in sys.modules))"
    )
    assert loaded == ""


def test_an_error_exits_1_with_one_line_and_no_traceback(nats_server: NatsServer) -> None:
    done = run_script("-s", nats_server.client_url, "str", "info", "MISSING")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "jsm: stream 'MISSING' in the local JetStream domain: stream not found (err_code 10059)"
    ]


def test_usage_errors_exit_1(nats_server: NatsServer) -> None:
    done = run_script("-s", nats_server.client_url, "str", "add", "X", "--max-age=1q")
    assert done.returncode == 1
    assert done.stderr.startswith("jsm: --max-age: invalid duration '1q'")


def test_global_flags_work_anywhere_and_from_the_environment(nats_server: NatsServer) -> None:
    after = run_script("str", "ls", "-s", nats_server.client_url)
    env = script_env() | {"NATS_URL": nats_server.client_url}
    from_env = subprocess.run(
        [jsm_script(), "str", "ls", "-n"], capture_output=True, text=True, env=env, timeout=60
    )
    assert (after.returncode, from_env.returncode) == (0, 0)


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jsm.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "stream" in done.stdout


def test_shell_completion_completes_commands() -> None:
    env = script_env() | {
        "_JSM_COMPLETE": "complete_bash",
        "COMP_WORDS": "jsm st",
        "COMP_CWORD": "1",
    }
    done = subprocess.run([jsm_script()], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0
    assert "stream" in done.stdout.split()


def test_no_colour_off_a_terminal(nats_server: NatsServer) -> None:
    env = {k: v for k, v in script_env().items() if k != "NO_COLOR"}
    done = subprocess.run(
        [jsm_script(), "-s", nats_server.client_url, "str", "ls"],
        capture_output=True,
        text=True,
        env=env | {"TERM": "xterm-256color"},
        timeout=60,
    )
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout


def test_progress_bars_draw_on_a_terminal_only(nats_server: NatsServer) -> None:
    args = ["-s", nats_server.client_url, "pub", "tty.x", "m {{Count}}", "--count", "3000"]
    code, on_terminal = run_on_terminal(args)
    assert code == 0
    assert "Publishing to tty.x" in on_terminal  # the bar (erased when done)
    piped = run_script(*args)
    assert piped.returncode == 0 and "Publishing to" not in piped.stdout
