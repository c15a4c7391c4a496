"""Benchmark of the drop folder's intake: naming, taking in, making photos lighter.

    python benchmarks/intake.py [--files 50] [--size 200000] [--repeat 5]

Builds a demo store (a sandbox seeded on loopback, the `demo` household), then measures, each
the median of --repeat runs:
- `classify` of a 255-character name and of typical names (microseconds per name);
- one intake pass over --files PDFs of --size bytes named by slot id (files per second,
  including the claim, the digest, the copy into staging and the queued attachment);
- an intake pass over a folder where nothing is to be taken (the idle cost of each sync cycle);
- `photos.lighten` of a 4000×3000 photo-like JPEG (seconds, bytes before and after).
Prints the figures; no assertion.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alin_tui.devtools.demo import synced_store  # noqa: E402
from alin_tui.domain import classify  # noqa: E402
from alin_tui.store.db import connect  # noqa: E402
from alin_tui.sync import dropfolder, photos  # noqa: E402

NAMES = [
    "avis_imposition_2025.pdf",
    "CNI Nadia.jpg",
    "bulletin salaire mars Amina.pdf",
    "IMG_2041.jpg",
    "pj-demo-1-payslips octobre.pdf",
]


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_classify(conn, repeat: int) -> None:
    slots, persons = dropfolder._household(conn)
    long_name = ("avis d'imposition de Nadia pour l'année " * 8)[:251] + ".pdf"
    for label, names in (("255-character name", [long_name]), ("typical names", NAMES)):
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            for _ in range(200):
                for name in names:
                    classify.classify(name, slots, persons)
            runs.append((time.perf_counter() - started) / (200 * len(names)))
        print(f"classify, {label:<20} {median(runs) * 1e6:8.1f} µs per name")


def bench_intake(store: Path, files: int, size: int, repeat: int) -> None:
    # Named by slot id: each is taken (a plain name would take only the first file per piece
    # and leave the next ones to sort, as it would replace one already on its way).
    names = [
        "pj-demo-2-tax_notice avis",
        "pj-demo-1-payslips fiche de paie",
        "pj-demo-2-identity CNI",
        "pj-demo-2-payslips paie",
    ]
    rates, idle = [], []
    for run in range(repeat):
        work = Path(tempfile.mkdtemp(prefix="intake-bench-"))
        db = work / "store.db"
        shutil.copy(store, db)
        conn = connect(db)
        drop, staging = work / "dépôt", work / "staging"
        drop.mkdir()
        past = time.time() - 60
        for i in range(files):
            path = drop / f"{names[i % len(names)]} {run}-{i}.pdf"
            path.write_bytes(b"%PDF-1.4\n" + os.urandom(size) + b"\n%%EOF\n")
            os.utime(path, (past, past))
        started = time.perf_counter()
        report = dropfolder.intake(conn, drop, staging)
        elapsed = time.perf_counter() - started
        assert len(report.taken) == files, report
        rates.append(files / elapsed)
        started = time.perf_counter()
        dropfolder.intake(conn, drop, staging)
        idle.append(time.perf_counter() - started)
        conn.close()
        shutil.rmtree(work)
    print(
        f"intake, {files} PDFs of {size:,} bytes   {median(rates):8.1f} files/s "
        f"(worst {min(rates):.1f})"
    )
    print(f"intake pass with nothing to take  {median(idle) * 1e3:8.2f} ms")


def bench_photo(repeat: int) -> None:
    from PIL import Image, ImageFilter

    work = Path(tempfile.mkdtemp(prefix="photo-bench-"))
    # Photo-like: a gradient with coarse texture and sensor noise, saved as a phone would.
    base = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    noise = Image.frombytes("RGB", (1000, 750), os.urandom(1000 * 750 * 3)).resize((4000, 3000))
    img = Image.blend(base, noise.filter(ImageFilter.GaussianBlur(1)), 0.35)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95)
    src = work / "photo.jpg"
    src.write_bytes(out.getvalue())
    times, result = [], None
    for _ in range(repeat):
        dest = work / "light.jpg"
        started = time.perf_counter()
        result = photos.lighten(src, dest)
        times.append(time.perf_counter() - started)
        dest.unlink(missing_ok=True)
    if result is None:
        print("photo 4000×3000: not made lighter")
    else:
        print(
            f"photo 4000×3000, {result.before:,} bytes → {result.after:,} bytes "
            f"({100 * (1 - result.after / result.before):.0f} % less) in {median(times):.2f} s"
        )
    shutil.rmtree(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="intake-store-"))
    store = synced_store(work, username="demo", offers=50)
    conn = connect(store)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); median of {args.repeat}")
    bench_classify(conn, args.repeat)
    conn.close()
    bench_intake(store, args.files, args.size, args.repeat)
    bench_photo(args.repeat)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
