"""Write one Markdown pull-request comment comparing the workspace with a base git ref.

    python -m stages.review [--base main] [--out review.md]

Not a pipeline stage: run it after ``dvc repro``. The comment holds the ``dvc params diff`` and
``dvc metrics diff`` tables (with deltas), the parity verdict of every backend pair on both sides,
and the plots. CI posts it with ``cml comment update`` (see .github/workflows/pr-review.yml).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PARITY = "metrics/parity.json"
IMAGES = ["plots/parity_diff.png"]


def dvc_table(*args: str) -> str:
    proc = subprocess.run(["dvc", *args, "--md"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"error: review: dvc {' '.join(args)} failed: {proc.stderr.strip().splitlines()[-1]}")
    return proc.stdout.strip() or "_No changes._"


def parity_at(base: str) -> dict:
    proc = subprocess.run(["git", "show", f"{base}:{PARITY}"], capture_output=True, text=True)
    return json.loads(proc.stdout) if proc.returncode == 0 else {}


def verdict_table(base: dict, head: dict) -> str:
    def cell(parity: dict, pair: str) -> str:
        stats = parity.get("pairs", {}).get(pair)
        if stats is None:
            return "–"
        return f"{'pass' if stats['passed'] else '**FAIL**'} (max abs {stats['max_abs_diff']:.2e})"
    pairs = list(dict.fromkeys([*head.get("pairs", {}), *base.get("pairs", {})]))
    rows = ["| pair | base | this change |", "|---|---|---|"]
    rows += [f"| {p} | {cell(base, p)} | {cell(head, p)} |" for p in pairs]
    return "\n".join(rows)


def comment(base_ref: str) -> str:
    head = json.loads(Path(PARITY).read_text()) if Path(PARITY).exists() else {}
    verdict = "passes" if head.get("passed") else "**FAILS**"
    parts = [
        f"## Pipeline review against `{base_ref}`",
        f"The parity gate {verdict} in this change.",
        "### Parity verdict per backend pair", verdict_table(parity_at(base_ref), head),
        "### Params (`dvc params diff`)", dvc_table("params", "diff", base_ref),
        "### Metrics (`dvc metrics diff`)", dvc_table("metrics", "diff", base_ref),
        "### Plots",
        *[f"![{Path(p).stem}]({p})" for p in IMAGES if Path(p).exists()],
        f"Confusion matrices and training curves, side by side: `dvc plots diff {base_ref}` "
        "(writes `dvc_plots/index.html`).",
    ]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--out", default="review.md", help="where to write the comment (default: review.md)")
    args = parser.parse_args(argv)
    if subprocess.run(["git", "rev-parse", "--verify", "--quiet", args.base], capture_output=True).returncode:
        print(f"error: review: git ref '{args.base}' not found; fetch it or pass --base", file=sys.stderr)
        return 2
    Path(args.out).write_text(comment(args.base))
    print(f"review: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
