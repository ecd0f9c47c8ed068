"""``jsm apply``, ``jsm diff`` and ``jsm export``: the account's JetStream as files in git.

A thin layer over :class:`jsm.DesiredState`, ``js.plan``, ``plan.apply`` and
``js.export_state`` (docs/declarative.md). ``diff`` prints the plan and exits 0 (no
drift), 2 (drift) or 1 (an error), for CI pipelines; ``apply`` prints it, asks (unless
``--yes``) and carries it out; ``export`` writes the live configuration as files that
``diff`` then finds no drift in. State files are read and checked before connecting, so
a bad file fails without a server.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from jsm.cli import _output as out
from jsm.cli._app import command, confirm, describe, new_group, run
from jsm.cli._errors import CliError
from jsm.cli._params import Json

if TYPE_CHECKING:
    from pathlib import Path

    import jsm

app = new_group("Declarative state: diff, apply and export")

StateFiles = Annotated[
    str,
    typer.Option(
        "-f", "--file", metavar="DIR", help="Directory (or one file) of JSON/YAML state files"
    ),
]
Prune = Annotated[
    bool,
    typer.Option("--prune", help="Also delete streams, buckets and consumers not declared"),
]
PruneSelect = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        metavar="PATTERN",
        help="Only undeclared streams and buckets matching this glob are pruned (repeatable)",
    ),
]

_FORMATS = ("json", "yaml")


def _load(path: str) -> jsm.DesiredState:
    import jsm

    return jsm.DesiredState.load(path)


def _print_plan(plan: jsm.Plan) -> None:
    sys.stdout.write(plan.to_text(color=out.colour()))


@command(
    app,
    "diff",
    help=(
        "Show how the server differs from state files (exit 2: drift).\n\n"
        "Exits 0 when the server matches the files, 2 when it does not, 1 on an error.\n\n"
        "Examples:\n\n"
        "  jsm diff -f jetstream/\n\n"
        '  jsm diff -f jetstream/ --prune --select "ORDERS*"\n\n'
        "  jsm diff -f jetstream/ -j"
    ),
)
def diff(
    ctx: typer.Context,
    file: StateFiles,
    prune: Annotated[
        bool, typer.Option("--prune", help="Count what the files do not declare as drift too")
    ] = False,
    select: PruneSelect = None,
    json_: Json = False,
) -> None:
    state = _load(file)

    async def body(js: jsm.Manager) -> int:
        plan = await js.plan(state, prune=prune, select=select or None)
        if json_:
            out.line(plan.to_json())
        else:
            _print_plan(plan)
        return plan.exit_code

    run(ctx, body)


@command(
    app,
    "apply",
    help=(
        "Make the server match a directory of state files.\n\n"
        "Prints the plan, asks for confirmation (off a terminal: pass --yes) and applies "
        "it in dependency order, stopping at the first failure.\n\n"
        "Examples:\n\n"
        "  jsm apply -f jetstream/ --dry-run\n\n"
        "  jsm apply -f jetstream/ --yes\n\n"
        '  jsm apply -f jetstream/ --prune --select "ORDERS*" --allow-replace --yes'
    ),
)
def apply(
    ctx: typer.Context,
    file: StateFiles,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show and check the plan, change nothing")
    ] = False,
    prune: Prune = False,
    yes: Annotated[bool, typer.Option("-y", "--yes", help="Apply without prompting")] = False,
    allow_replace: Annotated[
        bool,
        typer.Option("--allow-replace", help="Delete and re-create what cannot change in place"),
    ] = False,
    allow_data_loss: Annotated[
        bool,
        typer.Option("--allow-data-loss", help="Delete streams and buckets holding messages"),
    ] = False,
    select: PruneSelect = None,
    json_: Json = False,
) -> None:
    state = _load(file)
    permissions = {"allow_replace": allow_replace, "allow_data_loss": allow_data_loss}

    async def body(js: jsm.Manager) -> None:
        plan = await js.plan(state, prune=prune, select=select or None)
        if not json_:
            _print_plan(plan)
        # Refusals show before the prompt: a dry run checks every step and sends nothing.
        result = await _apply(plan, dry_run=True, **permissions)
        count = len(plan.pending)
        if count and not dry_run:
            question = f"Apply {count} change{'s' * (count != 1)}"
            if not confirm(question, force=yes, flag="--yes"):
                out.line("Nothing applied.")
                return
            result = await _apply(plan, dry_run=False, **permissions)
        if json_:
            _print_result_json(plan, result)
        elif count:
            out.line(_summary(result))

    run(ctx, body)


async def _apply(
    plan: jsm.Plan, *, dry_run: bool, allow_replace: bool, allow_data_loss: bool
) -> jsm.ApplyResult:
    """``plan.apply`` with its refusals and failures as one line that names the flags."""
    import jsm

    try:
        return await plan.apply(
            allow_replace=allow_replace, allow_data_loss=allow_data_loss, dry_run=dry_run
        )
    except jsm.ChangeRefusedError as err:
        raise CliError(f"{_refusal(err, allow_replace)}; nothing was applied") from err
    except jsm.ApplyError as err:
        cause = err.error
        why = _refusal(cause, allow_replace) if isinstance(cause, jsm.ChangeRefusedError) else None
        done = ", ".join(change.address for change in err.applied) or "nothing"
        raise CliError(
            f"{err.failed.action.value} of {err.failed.address} failed: "
            f"{why or describe(cause)}; applied before it: {done}; "
            "nothing after it was attempted"
        ) from err


def _refusal(err: jsm.ChangeRefusedError, allow_replace: bool) -> str:
    replaces = [c for c in err.changes if c.action == "replace"]
    if replaces and not allow_replace:
        listed = "; ".join(f"{c.address} ({', '.join(c.reasons)})" for c in replaces)
        return (
            f"refused to replace (delete and create again) {listed}: "
            "pass --allow-replace to let it, or change the files"
        )
    listed = ", ".join(_messages(c) for c in err.changes)
    return f"refused to delete {listed}: pass --allow-data-loss to lose them, or keep the streams"


def _messages(change: jsm.Change) -> str:
    return f"{change.address} with {change.messages:,} message{'s' * (change.messages != 1)}"


def _summary(result: jsm.ApplyResult) -> str:
    if result.dry_run:
        count = len(result.steps)
        return f"Dry run: {count} change{'s' * (count != 1)} checked, nothing applied."
    done = {
        action: sum(c.action == action for c in result.applied)
        for action in ("create", "update", "replace", "delete")
    }
    return (
        f"Apply complete: {done['create']} created, {done['update']} updated, "
        f"{done['replace']} replaced, {done['delete']} deleted."
    )


def _print_result_json(plan: jsm.Plan, result: jsm.ApplyResult) -> None:
    document = json.loads(plan.to_json())
    document["dry_run"] = result.dry_run
    document["applied"] = [change.address for change in result.applied]
    out.line(json.dumps(document, indent=2, ensure_ascii=False))


@command(
    app,
    "export",
    help=(
        "Write the server's configuration as state files.\n\n"
        "One file per stream, consumer and bucket, in the format apply and diff read; "
        "server defaults are left out, so diff finds no drift right after.\n\n"
        "Examples:\n\n"
        "  jsm export jetstream/\n\n"
        '  jsm export jetstream/ --format yaml --select "ORDERS*" --overwrite'
    ),
)
def export(
    ctx: typer.Context,
    directory: Annotated[str, typer.Argument(metavar="DIR", help="Directory to write to")],
    format_: Annotated[str, typer.Option("--format", help="File format: json or yaml")] = "json",
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            metavar="PATTERN",
            help="Only streams and buckets matching this glob (repeatable)",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Write over state files already there")
    ] = False,
) -> None:
    if format_ not in _FORMATS:
        raise CliError(f"--format: one of {', '.join(_FORMATS)} (got {format_!r})")

    async def body(js: jsm.Manager) -> None:
        state = await js.export_state(select=select or None)
        written = _write(state, directory, format_, overwrite)
        count = len(written)
        out.line(f"Wrote {count} file{'s' * (count != 1)} under {directory}")

    run(ctx, body)


def _write(state: jsm.DesiredState, directory: str, format_: str, overwrite: bool) -> list[Path]:
    import jsm

    try:
        return state.write(
            directory, format="yaml" if format_ == "yaml" else "json", overwrite=overwrite
        )
    except jsm.errors.InvalidOptionError as err:
        # The library names its keyword argument; a command line user needs the flag.
        raise CliError(str(err).replace("overwrite=True", "--overwrite")) from err
