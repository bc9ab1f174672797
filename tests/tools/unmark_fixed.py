"""Remove `known_failure:` marks from sentence cases that now pass (strict XPASS).

Usage: .venv/bin/python tests/tools/unmark_fixed.py   (then re-run pytest and commit the case files)
Runs tests/test_cases.py, collects the XPASS(strict) ids (``file.yaml#NNN``) and deletes the
``known_failure:`` line of exactly those cases, keeping the rest of each file byte for byte.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CASES = Path(__file__).resolve().parents[1] / "cases"


def xpassed() -> dict[str, set[int]]:
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rX",
                          str(CASES.parent / "test_cases.py")], capture_output=True, text=True).stdout
    fixed: dict[str, set[int]] = {}
    for name, index in re.findall(r"test_case\[([\w.]+\.yaml)#(\d+)\]", out.split("short test summary")[-1]):
        fixed.setdefault(name, set()).add(int(index))
    return fixed


def unmark(name: str, indices: set[int]) -> int:
    path = CASES / name
    lines = path.read_text(encoding="utf-8").split("\n")
    case, removed, keep = -1, 0, []
    for line in lines:
        if line.startswith("- "):
            case += 1
        if case in indices and re.match(r"\s*known_failure:", line):
            removed += 1
            continue
        keep.append(line)
    path.write_text("\n".join(keep), encoding="utf-8")
    return removed


def main() -> int:
    for name, indices in sorted(xpassed().items()):
        print(f"{name}: removed {unmark(name, indices)} known_failure marks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
