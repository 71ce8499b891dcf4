"""How fast and how cheaply a photo of too many pixels is refused. Prints figures, asserts nothing.

    .venv/bin/python bench/uploads_bench.py [--repeat 20]

Makes the 10000 × 10000 black-and-white PNG of `tests/files.huge_png` (about 12 KB) and times
`uploads.check_content` refusing it (median and worst of --repeat runs) with tracemalloc's peak
memory, then, for scale, what decoding a photo just inside the limit (6000 × 6000) costs in time
and in memory (Pillow's pixel buffers are not seen by tracemalloc: the figure is the growth of the
process's peak resident size). Needs no database.
"""
from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from marketplace.platform.errors import InvalidInput  # noqa: E402
from marketplace.web import uploads  # noqa: E402
from tests.files import huge_png  # noqa: E402


def refuse_once(data: bytes) -> float:
    started = time.perf_counter()
    try:
        uploads.check_content(data, "image/png", "photo")
    except InvalidInput:
        return time.perf_counter() - started
    raise SystemExit("the photo was accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    bomb = huge_png()
    print(f"bomb: 10000 x 10000 pixels in {len(bomb):,} bytes")
    times = [refuse_once(bomb) for _ in range(args.repeat)]
    tracemalloc.start()
    refuse_once(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"refused: median {statistics.median(times) * 1000:.2f} ms, worst {max(times) * 1000:.2f} ms, "
          f"peak Python memory {peak / 1024:.0f} KB")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    inside = huge_png(6000, 6000)
    started = time.perf_counter()
    with Image.open(io.BytesIO(inside)) as image:
        image.load()
        image.convert("RGB")
    took = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"for scale, decoding 6000 x 6000 ({len(inside):,} bytes) and making it RGB: {took * 1000:.0f} ms, "
          f"peak resident size grew {grown:.0f} MB")


if __name__ == "__main__":
    main()
