"""PDF copies of documents, in one process: ``python -m bench.pdf``.

The target of issue 19: the demo protocol (Координационный совет, № 2 of 2021) as the
app makes its .docx, converted to PDF by the warm LibreOffice of documents/office.py
(unoserver, already started) at least 5 times faster than by a cold ``soffice
--convert-to`` run (documents/pdf.py), the two taking turns in one run. For information,
the first PDF after an app process's start: with LibreOffice started by that PDF (as
before, and with DOCUMENTS_PDF_WARM_START off), and with LibreOffice started in the
background as the process starts (gunicorn's post_worker_init), the PDF asked once it is up.
Times are medians; the exit status is 1 if the target fails.

    python -m bench.pdf
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time as timer

from .documents import median_seconds

MIN_SPEEDUP = 5.0  # cold soffice run / warm server


def demo_protocol_docx() -> bytes:
    """The demo protocol's .docx, made by the app from a fresh SQLite database."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from cluster_intranet import create_app
    from cluster_intranet.demo import seed
    from cluster_intranet.documents import services
    from cluster_intranet.extensions import db
    from cluster_intranet.meetings.models import Meeting

    from . import harness

    harness.OUTPUT.mkdir(parents=True, exist_ok=True)
    url = harness.database_url(None, "pdf", harness.OUTPUT)
    harness.reset_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(32)})
    with app.app_context():
        upgrade()
        seed()
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.year == 2021, Meeting.number == 2))
        content = services.protocol_document(services.load_for_documents(meeting_id)).content
        db.session.remove()
        db.engine.dispose()
    return content


def run(repeat: int) -> int:
    from cluster_intranet.documents import office, pdf

    document = demo_protocol_docx()
    # The first PDF after an app process's start, as it was: LibreOffice started by it.
    on_first_use = office.WarmConverter()
    try:
        started = timer.perf_counter()
        first = on_first_use.convert_to_pdf(document, timeout=120)
        on_first_use_s = timer.perf_counter() - started
    finally:
        on_first_use.stop()
    if on_first_use.starts != 1 or not first.startswith(b"%PDF-"):
        print("pdf: the warm server did not start (is python3-uno installed?)")
        return 1
    # As a gunicorn worker starts (deploy/gunicorn.conf.py): LibreOffice in the background,
    # the first PDF asked once it is up.
    office.stop_all()
    started = timer.perf_counter()
    office.warm_up_in_background({"DOCUMENTS_PDF_SERVER": True, "DOCUMENTS_PDF_WARM_START": True}).join(120)
    warm_up_s = timer.perf_counter() - started
    warm = office.converter()
    try:
        started = timer.perf_counter()
        first = office.convert_to_pdf(document, timeout=120)
        first_s = timer.perf_counter() - started
        if warm.starts != 1 or not first.startswith(b"%PDF-"):
            print("pdf: the worker's start did not start the warm server")
            return 1
        warm_s, cold_s = median_seconds(
            lambda: warm.convert_to_pdf(document, timeout=120),
            lambda: pdf.convert_to_pdf(document, timeout=120),
            repeat=repeat,
        )
    finally:
        office.stop_all()
    speedup = cold_s / warm_s
    ok = speedup >= MIN_SPEEDUP
    print("\n".join([
        f"pdf: the demo protocol's .docx ({len(document) // 1024} KB) to PDF, median of {repeat} runs",
        f"  first PDF after the start, LibreOffice started by it:      {on_first_use_s * 1000:8.1f} ms",
        f"  first PDF after the start, LibreOffice started with it:    {first_s * 1000:8.1f} ms"
        f" (its start in the background: {warm_up_s * 1000:.0f} ms)",
        f"  warm LibreOffice (unoserver):                              {warm_s * 1000:8.1f} ms",
        f"  cold soffice --convert-to:                                 {cold_s * 1000:8.1f} ms",
        f"  {'PASS' if ok else 'FAIL'}  cold / warm: {speedup:.1f}x (target >= {MIN_SPEEDUP:g})",
    ]))  # fmt: skip
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per measure")
    args = parser.parse_args(argv)
    return run(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
