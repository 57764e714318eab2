"""docs/architecture.md stays true: every module it names exists and imports."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "data_connectors", "metrics", "dashboard")


def named_modules() -> set[Path]:
    """The files the doc names: full paths (`domain/registry.py`) and, in each package's
    paragraph, bare names (`store.py`, `reference/municipalities.py`) under that package."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    out = {ROOT / p for p in re.findall(rf"`((?:{'|'.join(PACKAGES)})/[\w/]+\.py)`", doc)}
    for pkg in PACKAGES:
        paragraph = doc.split(f"**`{pkg}/`**", 1)[1].split("\n- **", 1)[0]
        for name in re.findall(r"`([\w/]+\.py)`", paragraph):
            hits = [ROOT / pkg / name, *(ROOT / pkg).glob(f"*/{name}")]
            out.add(next((h for h in hits if h.is_file()), ROOT / pkg / name))
    return out


def test_every_module_the_architecture_doc_names_imports() -> None:
    paths = named_modules()
    assert len(paths) >= 20
    for path in sorted(paths):
        assert path.is_file(), path
        if path.parent.name == "views" or path.name == "app.py":
            continue  # pages are Streamlit scripts, run by the router, not imported
        importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
