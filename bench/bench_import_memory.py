"""The memory an import needs: the files of bench_assessment_import, each imported in a process of its own
(bench/import_once.py, as a background worker takes the job: Django loaded, the file read, checked, written with
history and evaluation, then rolled back), whose peak resident memory is printed. The goal is under 200 MB.

Not inside run.py's transaction: the child process deletes and re-imports the same rows in its own, rolled back."""

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_assessment_import import ROWS, _rows, value_files


def run() -> None:
    rows = _rows()
    if len(rows) < ROWS:
        print(f"skipped: the database has only {len(rows)} values to import (run generate_scale)")
        return
    files = value_files(rows)
    ids = "\n".join(str(pk) for pk in {assessment.pk for assessment, *_rest in rows})
    del rows
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "ids.txt").write_text(ids)
        for fmt, content in files.items():
            path = Path(folder) / f"values.{fmt}"
            path.write_bytes(content)
            out = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("import_once.py")),
                    str(path),
                    str(Path(folder) / "ids.txt"),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds, peak = out.stdout.split()
            print(
                f"import of {ROWS:,} values, {fmt:4} in a process of its own: {float(seconds):.2f}s, peak RSS {int(peak):,} MB"
            )
