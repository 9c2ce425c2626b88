"""The print PDF at every page size, for the sample book and the seed book (issue 23's proofs):
`make printpdf` and `make cover` each, then press.proof's measures, one row per (book, size).

    .venv/bin/python benchmarks/print_sizes.py [--out /tmp/print-sizes] [--books sample,seeds]
        [--sizes a4,a5,b5,16k,6x9]

The CI builds one page size (tests/editions/test_print_book.py); this covers the others.
Prints a table and writes results.json into --out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from postbook.press.proof import (cover_width_mm, fonts_not_embedded, openings,  # noqa: E402
                                  overfull_boxes, page_count, pdfinfo_size_mm, spreads)
from postbook.press.sizes import PAGE_SIZES  # noqa: E402

SEEDS = Path(os.environ.get("POSTBOOK_SEEDS", REPO.parent / "shared" / "seeds"))
BOOKS = {"sample": REPO / "sample-posts", "seeds": SEEDS}
PAPER, BLEED = 0.1, 3.0  # the defaults of the config's cover:


def config_for(book: str, size: str, folder: Path) -> Path:
    """The book's config (the sample's own, or none) with the page size appended."""
    own = BOOKS[book] / "postbook.yaml"
    text = own.read_text(encoding="utf-8") if own.is_file() else "title: Seeds\n"
    path = folder / f"{book}-{size}.yaml"
    if own.is_file():  # (the config's bibliography is relative to it)
        shutil.copyfile(BOOKS[book] / "references.bib", folder / "references.bib")
    path.write_text(text + f"\npage_size: {size}\ncjk_punctuation: true\n", encoding="utf-8")
    return path


def measure(book: str, size: str, out: Path) -> dict:
    """Build the print PDF and its cover; what press.proof finds in them."""
    work = out / f"{book}-{size}"
    config = config_for(book, size, out)
    started = time.monotonic()
    make = ["make", "-s", "-C", str(REPO), "cover", f"POSTS={BOOKS[book]}", f"CONFIG={config}",
            f"BOOK={work / 'book'}", f"BUILD={work / 'build'}"]
    result = subprocess.run(make, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        return {"book": book, "size": size, "error": result.stdout[-1500:] + result.stderr[-1500:]}
    pdf = work / "build" / "print" / "book-print.pdf"
    found = openings(pdf)
    pages = page_count(pdf)
    width, height = pdfinfo_size_mm(pdf)
    cover_w, cover_h = pdfinfo_size_mm(pdf.with_name("cover.pdf"))
    trim = PAGE_SIZES[size]
    heads = spreads(pdf, found)
    return {
        "book": book, "size": size, "seconds": round(seconds, 1), "pages": pages,
        "page_mm": [round(width, 1), round(height, 1)], "trim_mm": [trim.width, trim.height],
        "openings": len(found), "openings_on_left": [o.page for o in found if o.page % 2 == 0],
        "spread": None if not heads else {"left": heads[0].left_head, "right": heads[0].right_head,
                                          "pages": [heads[0].chapter.page + 1,
                                                    heads[0].chapter.page + 2],
                                          "match": heads[0].heads_match},
        "fonts_not_embedded": len(fonts_not_embedded(pdf)),
        "overfull": overfull_boxes(pdf.with_suffix(".log"), "hbox"),  # from text
        "overfull_vbox": overfull_boxes(pdf.with_suffix(".log"), "vbox"),
        "cover_mm": [round(cover_w, 2), round(cover_h, 2)],
        "cover_expected_mm": round(cover_width_mm(trim.width, pages, PAPER, BLEED), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/print-sizes"))
    parser.add_argument("--books", default="sample,seeds")
    parser.add_argument("--sizes", default=",".join(PAGE_SIZES))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for book in args.books.split(","):
        if not BOOKS[book].is_dir():
            print(f"{book}: no posts at {BOOKS[book]}, skipped")
            continue
        for size in args.sizes.split(","):
            row = measure(book, size, args.out)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    (args.out / "results.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
    print(f"\n{'book':7} {'size':4} {'pages':>5} {'page mm':>13} {'left':>5} {'heads':>5} "
          f"{'unemb':>5} {'hbox':>4} {'vbox':>4} {'cover mm':>15} {'expected':>8} {'s':>6}")
    for r in rows:
        if "error" in r:
            print(f"{r['book']:7} {r['size']:4} ERROR {r['error'][-300:]}")
            continue
        spread = r["spread"]["match"] if r["spread"] else "-"
        print(f"{r['book']:7} {r['size']:4} {r['pages']:5} {r['page_mm'][0]:6} x{r['page_mm'][1]:6}"
              f" {len(r['openings_on_left']):5} {str(spread):>5} {r['fonts_not_embedded']:5} "
              f"{len(r['overfull']):4} {len(r['overfull_vbox']):4} {r['cover_mm'][0]:7} x{r['cover_mm'][1]:7} "
              f"{r['cover_expected_mm']:8} {r['seconds']:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
