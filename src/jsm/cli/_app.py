"""The ``jsm`` root: global connection flags, the command runner and error reporting.

Connection flags are global, as in natscli, and may appear anywhere on the line
(``jsm str ls -s nats://host:4222``): :func:`hoist_global_flags` moves them in front of
the sub-command before parsing. A command body is a coroutine given a connected
:class:`jsm.Manager`; :func:`run` opens the connection, runs it and closes it. Every
error becomes one line on stderr (a desired state's problems one line each) and exit
status 1; Ctrl-C exits with 130.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

import typer
from typer.core import TyperGroup

from jsm.cli._connection import Settings
from jsm.cli._errors import CliError

if TYPE_CHECKING:
    from typer import _click as click

    import jsm

F = TypeVar("F", bound=Callable[..., Any])

# Global flags that take a value, and those that do not.
VALUE_FLAGS = frozenset(
    {
        "-s",
        "--server",
        "--user",
        "--password",
        "--token",
        "--creds",
        "--nkey",
        "--tlscert",
        "--tlskey",
        "--tlsca",
        "--js-domain",
        "--js-api-prefix",
        "--timeout",
        "--context",
    }
)
BOOL_FLAGS = frozenset({"--trace"})

ROOT_HELP = """Manage and use NATS JetStream, with the nats CLI's commands and flags.

Examples:

  jsm str add ORDERS --subjects "ORDERS.*" --defaults

  jsm pub ORDERS.new "order {{Count}}" --count 10 --jetstream

  jsm con add ORDERS NEW --filter ORDERS.new --pull --defaults

  jsm con next ORDERS NEW

  jsm diff -f jetstream/
"""


def hoist_global_flags(argv: list[str]) -> list[str]:
    """Move global flags (and their values) in front of the sub-command, keeping order."""
    hoisted: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            rest.extend(argv[index:])
            break
        name = token.split("=", 1)[0]
        if name in VALUE_FLAGS:
            if "=" in token or index + 1 >= len(argv):
                hoisted.append(token)
                index += 1
            else:
                hoisted.extend(argv[index : index + 2])
                index += 2
            continue
        if token in BOOL_FLAGS:
            hoisted.append(token)
        else:
            rest.append(token)
        index += 1
    return hoisted + rest


class AliasGroup(TyperGroup):
    """A command group that also answers to natscli's aliases (``str`` for ``stream``).

    Each group gets its own subclass (see :func:`new_group`) whose ``aliases`` maps an
    alias to the command's name, so a command is built once however many names it has.
    """

    aliases: ClassVar[dict[str, str]] = {}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))


def new_group(help_text: str, *, examples: str = "") -> typer.Typer:
    """Return a command group with jsm's settings (no completion flags of its own)."""
    group_class = type("Group", (AliasGroup,), {"aliases": {}})
    return typer.Typer(
        cls=group_class,
        help=help_text + (f"\n\nExamples:\n\n{examples}" if examples else ""),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def add_aliases(group: typer.Typer, name: str, *aliases: str) -> None:
    """Let ``aliases`` stand for the command or sub-group ``name`` of ``group``."""
    group_class = group.info.cls
    if not (isinstance(group_class, type) and issubclass(group_class, AliasGroup)):
        raise TypeError("aliases need a group made by new_group()")  # pragma: no cover
    group_class.aliases.update(dict.fromkeys(aliases, name))


def command(group: typer.Typer, *names: str, **options: Any) -> Callable[[F], F]:
    """Register a command under its natscli name and its aliases."""

    def register(function: F) -> F:
        group.command(names[0], **options)(function)
        add_aliases(group, names[0], *names[1:])
        return function

    return register


def settings_of(ctx: typer.Context) -> Settings:
    """Return the connection settings the root command stored."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        raise CliError("internal: no connection settings")  # pragma: no cover
    return root.obj


Body = Callable[["jsm.Manager"], Coroutine[Any, Any, int | None]]


def run(ctx: typer.Context, body: Body) -> None:
    """Connect with the command line's settings, run ``body`` and exit with its status."""
    run_measured(ctx, lambda js, _connect_seconds: body(js))


MeasuredBody = Callable[["jsm.Manager", float], Coroutine[Any, Any, int | None]]


def run_measured(ctx: typer.Context, body: MeasuredBody) -> None:
    """Like :func:`run`; ``body`` also gets how many seconds connecting took."""
    import asyncio
    import time

    settings = settings_of(ctx)
    connection = settings.connect()  # checks the settings before any I/O

    async def session() -> int | None:
        started = time.perf_counter()
        async with connection as js:
            connect_seconds = time.perf_counter() - started
            return await body(js, connect_seconds)

    code = asyncio.run(session())
    if code:
        raise typer.Exit(code)


def run_local(body: Callable[[], Coroutine[Any, Any, int | None]]) -> None:
    """Run a coroutine that needs no connection (e.g. reading a backup)."""
    import asyncio

    code = asyncio.run(body())
    if code:
        raise typer.Exit(code)


def root_callback(
    ctx: typer.Context,
    server: Annotated[
        str | None,
        typer.Option(
            "-s",
            "--server",
            envvar="NATS_URL",
            help="NATS server URLs, comma separated (default nats://127.0.0.1:4222)",
        ),
    ] = None,
    user: Annotated[str | None, typer.Option(envvar="NATS_USER", help="Username")] = None,
    password: Annotated[str | None, typer.Option(envvar="NATS_PASSWORD", help="Password")] = None,
    token: Annotated[str | None, typer.Option(envvar="NATS_TOKEN", help="Token")] = None,
    creds: Annotated[
        str | None, typer.Option(envvar="NATS_CREDS", help="User credentials file")
    ] = None,
    nkey: Annotated[
        str | None, typer.Option(envvar="NATS_NKEY", help="User NKEY seed file")
    ] = None,
    tlscert: Annotated[
        str | None, typer.Option(envvar="NATS_CERT", help="TLS client certificate file")
    ] = None,
    tlskey: Annotated[
        str | None, typer.Option(envvar="NATS_KEY", help="TLS client private key file")
    ] = None,
    tlsca: Annotated[
        str | None, typer.Option(envvar="NATS_CA", help="TLS certificate authority chain file")
    ] = None,
    js_domain: Annotated[
        str | None, typer.Option("--js-domain", help="JetStream domain to use")
    ] = None,
    js_api_prefix: Annotated[
        str | None,
        typer.Option("--js-api-prefix", help="Subject prefix of an imported JetStream API"),
    ] = None,
    timeout: Annotated[
        str, typer.Option(envvar="NATS_TIMEOUT", help="Time to wait for responses")
    ] = "5s",
    context: Annotated[
        str | None, typer.Option(help="natscli context to use (default $NATS_CONTEXT)")
    ] = None,
    trace: Annotated[bool, typer.Option(help="Show tracebacks and client logs")] = False,
) -> None:
    ctx.obj = Settings(
        server=server,
        user=user,
        password=password,
        token=token,
        creds=creds,
        nkey=nkey,
        tlscert=tlscert,
        tlskey=tlskey,
        tlsca=tlsca,
        js_domain=js_domain,
        js_api_prefix=js_api_prefix,
        timeout=timeout,
        context=context,
        trace=trace,
    )


def describe(err: BaseException) -> str:
    """Return the one line an error is reported as."""
    import jsm

    while isinstance(err, BaseExceptionGroup) and len(err.exceptions) == 1:
        err = err.exceptions[0]  # a task group's single failure is the failure
    if isinstance(err, jsm.StateError):  # one line per problem, each with file and field
        return "\n".join(" ".join(str(problem).split()) for problem in err.problems)
    if isinstance(err, jsm.ApiError):
        text = f"{err.description} (err_code {err.err_code})"
        return f"{err.context}: {text}" if err.context else text
    if isinstance(err, CliError | jsm.JsmError):
        return str(err)
    if isinstance(err, OSError):
        return f"{err.strerror or err}" + (f": {err.filename}" if err.filename else "")
    return f"unexpected {type(err).__name__}: {err} (run with --trace for details)"


def execute(app: typer.Typer, argv: list[str]) -> int:
    """Run the command line ``argv`` (without the program name); return the exit status."""
    trace = "--trace" in argv
    if not trace:
        # nats-py logs every failed connection attempt with a traceback; one line is enough.
        logging.getLogger("nats").setLevel(logging.CRITICAL)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=hoist_global_flags(argv), prog_name="jsm", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return 1
    except KeyboardInterrupt:
        return 130
    except typer.TyperException as err:  # click's usage errors: unknown flag, bad value
        print(f"jsm: {err.format_message()}", file=sys.stderr)
        return 1
    except Exception as err:  # every other failure is one line, never a traceback
        if trace:
            import traceback

            traceback.print_exc()
        for text in describe(err).splitlines():
            print(f"jsm: {text}", file=sys.stderr)
        return getattr(err, "code", 1) if isinstance(err, CliError) else 1
    return result if isinstance(result, int) else 0


def with_options(*shared: Callable[..., None]) -> Callable[[F], F]:
    """Add the options listed by the ``shared`` functions' parameters to a command.

    The command receives them bundled as ``options`` (a dict), so ``stream add``,
    ``edit`` and ``cp`` declare their thirty-odd flags once.
    """
    shared_params = [
        p
        for function in shared
        for p in inspect.signature(function, eval_str=True).parameters.values()
    ]
    names = [p.name for p in shared_params]

    def decorate(function: F) -> F:
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(function, eval_str=True).parameters.values()
            if p.name != "options"
        ]
        merged = own + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in shared_params]

        @functools.wraps(function)
        def wrapper(**kwargs: Any) -> Any:
            options = {name: kwargs.pop(name) for name in names}
            return function(**kwargs, options=options)

        wrapper.__signature__ = inspect.Signature(merged)  # type: ignore[attr-defined]  # read by typer
        wrapper.__annotations__ = {p.name: p.annotation for p in merged}
        return wrapper  # type: ignore[return-value]  # same call shape for typer

    return decorate


def confirm(question: str, *, force: bool, flag: str = "-f/--force") -> bool:
    """Ask ``question`` on a terminal; off a terminal, only ``flag`` (given: ``force``) confirms.

    Raises:
        CliError: not on a terminal and ``flag`` not given.
    """
    if force:
        return True
    if not sys.stdin.isatty():
        raise CliError(f"{question}? pass {flag} to confirm when not on a terminal")
    return typer.confirm(question, default=False)
