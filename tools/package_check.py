"""Check the release artefacts: build the wheel and sdist, inspect them, install them fresh.

Run: python tools/package_check.py   (``make package-check``; ``make test`` runs it)

1. ``python -m build`` makes a wheel and an sdist in a temporary folder;
2. the wheel must hold ``jsm/py.typed``, the LICENSE, and no ``tests/`` (nor anything
   outside the ``jsm`` package besides its metadata); the sdist must hold the sources,
   the README, the LICENSE and the CHANGELOG;
3. ``twine check`` must pass on both, when twine is installed;
4. each artefact is installed into a new virtual environment of its own (its
   dependencies come from the package index), where ``import jsm`` must give the
   version in pyproject.toml.

Exits non-zero with a message naming the first problem found.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class PackageError(Exception):
    """An artefact is missing something, holds something it should not, or does not install."""


def run(*command: str | Path, cwd: Path = ROOT) -> str:
    """Run a command; raise PackageError with its output if it fails."""
    result = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, cwd=cwd
    )
    if result.returncode != 0:
        raise PackageError(
            f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def build(out: Path) -> tuple[Path, Path]:
    """Build the wheel and the sdist into ``out``; return their paths."""
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise PackageError(f"expected one wheel and one sdist, got {wheels + sdists}")
    return wheels[0], sdists[0]


def check_wheel(wheel: Path) -> None:
    """The wheel ships the typed package and its licence, and nothing else."""
    names = zipfile.ZipFile(wheel).namelist()
    required = ["jsm/__init__.py", "jsm/py.typed", "jsm/testing/pytest_plugin.py"]
    missing = [name for name in required if name not in names]
    if missing:
        raise PackageError(f"{wheel.name} lacks {missing}")
    strays = [n for n in names if not n.startswith("jsm/") and ".dist-info/" not in n]
    if strays:
        raise PackageError(f"{wheel.name} holds files outside the jsm package: {strays[:10]}")
    if any(name.startswith("jsm/tests/") or "/tests/" in name for name in names):
        raise PackageError(f"{wheel.name} holds tests")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        raise PackageError(f"{wheel.name} lacks the LICENSE file")


def check_sdist(sdist: Path) -> None:
    """The sdist holds what a rebuild from it needs, and the project's documents."""
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    required = [
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "src/jsm/__init__.py",
        "src/jsm/py.typed",
    ]
    missing = [name for name in required if name not in names]
    if missing:
        raise PackageError(f"{sdist.name} lacks {missing}")


def twine_check(*artefacts: Path) -> bool:
    """Run ``twine check --strict`` when twine is installed; say whether it ran."""
    if importlib.util.find_spec("twine") is None:
        return False
    run(sys.executable, "-m", "twine", "check", "--strict", *artefacts)
    return True


def install_and_import(artefact: Path, folder: Path, version: str) -> None:
    """Install ``artefact`` into a new venv under ``folder``; ``import jsm`` there."""
    env = folder / f"venv-{artefact.suffix.lstrip('.') or 'sdist'}"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", artefact, cwd=folder)
    shown = run(python, "-c", "import jsm; print(jsm.__version__)", cwd=folder).strip()
    if shown != version:
        raise PackageError(f"{artefact.name} installed jsm {shown!r}, expected {version!r}")


def main() -> int:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    with tempfile.TemporaryDirectory(prefix="jsm-package-") as temp:
        folder = Path(temp)
        try:
            wheel, sdist = build(folder / "dist")
            check_wheel(wheel)
            check_sdist(sdist)
            twined = twine_check(wheel, sdist)
            for artefact in (wheel, sdist):
                install_and_import(artefact, folder, version)
        except PackageError as err:
            print(f"package check failed: {err}", file=sys.stderr)
            return 1
    checked = "twine check passed; " if twined else "twine not installed; "
    print(
        f"package check: {wheel.name} and {sdist.name} built, {checked}"
        f"both install into a fresh venv and import jsm {version}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
