"""Reading targets as data from disk: plans and comparison groups (TOML).

Parsing and validation are pure and live in ``domain.targets``; this module only reads
files and names the file in every error.
"""

from __future__ import annotations

import re
from pathlib import Path

from data_connectors.settings import Settings
from domain.targets import ComparisonGroup, Plan, parse_comparison_groups, parse_plan

GROUPS_FILE_NAME = "comparison_groups.toml"
_PLAN_NAME = re.compile(r"^(\d{3})-(\d{4})\.toml$")


def _read(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file; errors name the file and the field."""
    path = Path(path)
    plan = parse_plan(_read(path), origin=str(path))
    m = _PLAN_NAME.match(path.name)
    if m and (m.group(1), int(m.group(2))) != (plan.municipality_code, plan.year):
        raise ValueError(
            f"{path}: file name says {m.group(1)}-{m.group(2)} but the plan is for "
            f"{plan.municipality_code}-{plan.year}"
        )
    return plan


def targets_dir() -> Path:
    """The plan folder: ``JOBMAAL_TARGETS_DIR``, default the repository's ``targets/``."""
    return Settings().targets_dir


def available_plans(folder: Path | None = None) -> list[tuple[str, int, Path]]:
    """Plan files in ``folder`` (default ``targets_dir()``): (code, year, path), sorted."""
    folder = Path(folder) if folder is not None else targets_dir()
    if not folder.is_dir():
        return []
    out = []
    for p in folder.glob("*.toml"):
        m = _PLAN_NAME.match(p.name)
        if m:
            out.append((m.group(1), int(m.group(2)), p))
    return sorted(out)


def find_plan(municipality: str, year: int, folder: Path | None = None) -> Plan:
    """The plan of one municipality and year; LookupError listing what exists."""
    folder = Path(folder) if folder is not None else targets_dir()
    for code, y, path in available_plans(folder):
        if code == municipality and y == year:
            return load_plan(path)
    have = ", ".join(f"{c}-{y}" for c, y, _ in available_plans(folder)) or "none"
    raise LookupError(
        f"no plan for municipality {municipality} and year {year} in {folder} (have: {have})"
    )


def load_comparison_groups(path: Path | None = None) -> list[ComparisonGroup]:
    """Read the comparison groups (default in ``targets_dir()``); missing file: no groups."""
    path = Path(path) if path is not None else targets_dir() / GROUPS_FILE_NAME
    if not path.is_file():
        return []
    return parse_comparison_groups(_read(path), origin=str(path))
