"""``make claims``: run every claim check and list the claims by chapter.

Each claim is a test in ``tests/claims/test_chN*.py`` marked with the sentence it checks
(see ``tests/claims/conftest.py``). This script runs them (two workers), prints each chapter's
claims (the sentence, where it stands, where its check is, and whether it held) and ends with
the line ``N claims checked``. It exits non-zero if any check failed or none ran.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "claims.json"
        cmd = [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/claims",
            "-n", "2", "--dist", "loadfile", f"--claims-report={report}",
        ]
        rc = subprocess.run(cmd, cwd=ROOT).returncode
        claims = json.loads(report.read_text()) if report.exists() else []
    by_chapter: dict[int, list[dict]] = defaultdict(list)
    for c in claims:
        by_chapter[c["chapter"]].append(c)
    failed = [c for c in claims if c["outcome"] != "passed"]
    print()
    for chapter in sorted(by_chapter):
        items = sorted(by_chapter[chapter], key=lambda c: c["where"])
        print(f"Chapter {chapter}: {len(items)} claims")
        for c in items:
            mark = "ok  " if c["outcome"] == "passed" else "FAIL"
            sentence = textwrap.shorten(c["text"], 110, placeholder=" …")
            print(f"  {mark} “{sentence}”")
            print(f"       in {c['where']}; checked by {c['check']}")
    counts = ", ".join(f"ch{k}: {len(v)}" for k, v in sorted(by_chapter.items()))
    print(f"\nPer chapter: {counts or 'none'}")
    if failed:
        print(f"{len(failed)} claim(s) FAILED: " + "; ".join(c["check"] for c in failed))
    if rc not in (0,) and not failed:
        print(f"pytest exited with {rc}")
    print(f"{len(claims) - len(failed)} claims checked")
    return 0 if (rc == 0 and claims and not failed) else 1


if __name__ == "__main__":
    sys.exit(main())
