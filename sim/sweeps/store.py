"""Where sweep results go: a folder of Parquet part files, written as runs finish.

A folder of parts is one Parquet dataset to pandas (`pd.read_parquet(folder)`), pyarrow and
DuckDB (`read_parquet('folder/*.parquet')`). Each part is written to a hidden temporary
name and renamed into place, so a killed sweep never leaves half a part; `--resume` reads
the run ids already on disk and skips them.

Beside the parts, `_sweep-spec.json` (skipped by pandas, pyarrow and DuckDB for its leading
`_`) keeps the spec the results came from and which columns were its inputs: the levers it
varied and the world settings it varied (its uncertainties). `input_columns` reads them, for
`partnersim analyze` and any command that needs to tell the two apart.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

SPEC_FILE = "_sweep-spec.json"   # a leading _ : pyarrow and DuckDB skip it when reading the folder


def input_columns(meta: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The result columns a sweep varied, as (levers, uncertainties), from a results folder's
    metadata (`ResultStore.meta()`); ([], []) when there is none.

    Each is a column of the results holding the run's value (levers and world settings that did
    not vary are columns too, holding the scenario's or the spec's fixed value).
    """
    inputs = meta.get("inputs")
    if isinstance(inputs, dict):
        return list(inputs.get("levers") or []), list(inputs.get("uncertainties") or [])
    spec = meta.get("spec") or {}          # written before the inputs were recorded
    return list(spec.get("levers") or {}), list(spec.get("uncertainties") or {})


class ResultStore:
    """A results folder. Rows are tidy: one per run per quarter (one per failed run)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        return self.path.exists() and any(self.parts())

    def parts(self) -> list[Path]:
        if not self.path.is_dir():
            return []
        return sorted(p for p in self.path.glob("part-*.parquet") if p.is_file())

    def prepare(self, resume: bool) -> set[str]:
        """Create the folder; return the run ids already stored (resume) or refuse to mix
        a new sweep into old results.

        Raises:
            FileExistsError: results are there and `resume` is False.
        """
        if self.path.exists() and not self.path.is_dir():
            raise FileExistsError(f"{self.path}: exists and is not a results folder")
        if self.exists() and not resume:
            raise FileExistsError(f"{self.path}: already holds results (use --resume to continue that "
                                  f"sweep, or choose another --out)")
        self.path.mkdir(parents=True, exist_ok=True)
        for tmp in self.path.glob(".part-*"):      # a part being written when a sweep was killed
            tmp.unlink()
        return self.done_run_ids()

    def done_run_ids(self) -> set[str]:
        ids: set[str] = set()
        for part in self.parts():
            ids.update(pd.read_parquet(part, columns=["run_id"])["run_id"].unique())
        return ids

    def write(self, rows: pd.DataFrame) -> Path:
        """Add one part atomically."""
        name = f"part-{uuid.uuid4().hex[:16]}.parquet"
        tmp = self.path / f".{name}"
        rows.to_parquet(tmp, index=False)
        final = self.path / name
        os.replace(tmp, final)
        return final

    def meta(self) -> dict[str, Any]:
        """The folder's metadata (the spec, its source, the model version, the input columns);
        {} if it has none.

        Raises:
            ValueError: the metadata file is not JSON.
        """
        path = self.path / SPEC_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def write_meta(self, meta: dict[str, Any]) -> None:
        """Write the folder's metadata atomically."""
        tmp = self.path / f".{SPEC_FILE}"
        tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        os.replace(tmp, self.path / SPEC_FILE)

    def read(self) -> pd.DataFrame:
        """Every row stored, sorted by design point, seed and quarter."""
        parts = self.parts()
        if not parts:
            return pd.DataFrame()
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        return df.sort_values(["point", "seed", "quarter"]).reset_index(drop=True)
