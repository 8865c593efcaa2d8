"""Where sweep results go: a folder of Parquet part files, written as runs finish.

A folder of parts is one Parquet dataset to pandas (`pd.read_parquet(folder)`), pyarrow and
DuckDB (`read_parquet('folder/*.parquet')`). Each part is written to a hidden temporary
name and renamed into place, so a killed sweep never leaves half a part; `--resume` reads
the run ids already on disk and skips them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd


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

    def read(self) -> pd.DataFrame:
        """Every row stored, sorted by design point, seed and quarter."""
        parts = self.parts()
        if not parts:
            return pd.DataFrame()
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        return df.sort_values(["point", "seed", "quarter"]).reset_index(drop=True)
