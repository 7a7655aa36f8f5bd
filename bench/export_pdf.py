"""Time `to_pdf` for agreements of 5 and 50 partners: the median of 5 runs, and the page count.

Not a test: run it by hand (`.venv/bin/python bench/export_pdf.py`) after changing the template
or the stylesheet, to see that the PDF still renders in a few seconds.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

# Run as a script from anywhere: the project root must be importable for `app` and `tests`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader

from app.export.render import to_pdf
from tests.export.sample import make_agreement

RUNS = 5


def main() -> None:
    """Print one line per size: partners, median seconds, fastest and slowest, pages."""
    to_pdf(make_agreement(2))  # the first render loads fonts and WeasyPrint's own stylesheets
    for partners in (5, 50):
        agreement = make_agreement(partners)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            pdf = to_pdf(agreement)
            times.append(time.perf_counter() - start)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{partners:>3} partners: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}) over {RUNS} runs, {pages} pages, "
            f"{len(pdf) / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
