"""Regenerate the lever atlas table in docs/model.md (section 4, "Lever atlas").

The table sits between `<!-- atlas:start -->` and `<!-- atlas:end -->`; this script replaces
what is between them with `partnersim levers --effects --markdown`'s output (its caption and
table) and leaves the rest of the file alone. It is a measurement, not a test:
tests/test_lever_atlas.py holds the claims' levers to their directions.

    python bench/atlas_docs.py                      # both starts, 20 seeds, scale 1 (a few minutes)
    partnersim levers --effects --out atlas.csv     # or measure once and write from the file:
    python bench/atlas_docs.py --csv atlas.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.atlas import DEFAULT_SEEDS, DEFAULT_STARTS, MAX_WORKERS, atlas_caption, atlas_markdown, lever_atlas  # noqa: E402

START, END = "<!-- atlas:start -->", "<!-- atlas:end -->"


def replace_block(text: str, block: str, where: str = "the document") -> str:
    """`text` with what lies between the atlas markers replaced by `block`.

    Raises:
        SystemExit: the markers are missing or out of order (naming the file).
    """
    i, j = text.find(START), text.find(END)
    if i < 0 or j < i:
        raise SystemExit(f"{where}: needs {START} followed by {END} around the atlas table")
    return text[: i + len(START)] + "\n" + block.strip() + "\n" + text[j:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=DEFAULT_SEEDS, help="paired seeds (default 20)")
    ap.add_argument("--workers", type=int, default=MAX_WORKERS, help="worker processes (1 or 2)")
    ap.add_argument("--csv", type=Path, help="an atlas written by `partnersim levers --effects --out FILE.csv`")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "model.md", help="the document to rewrite")
    args = ap.parse_args()
    if args.csv:
        df = pd.read_csv(args.csv, dtype={"from_value": str, "value": str})
    else:
        df = lever_atlas(DEFAULT_STARTS, seeds=args.seeds, workers=args.workers)
    block = atlas_caption(df) + "\n\n" + atlas_markdown(df)
    args.doc.write_text(replace_block(args.doc.read_text(encoding="utf-8"), block, str(args.doc)), encoding="utf-8")
    print(f"wrote the atlas ({len(df)} effects) into {args.doc}")


if __name__ == "__main__":
    main()
