"""Adding demo patients through the same validation and import path as a file from another clinic."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from sqlalchemy.orm import Session

from assess.demo.patients import demo_patients
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.services.interchange import ImportReport, import_records

BATCH = 500


def add_demo_patients(session: Session, count: int, seed: int = 1, today: dt.date | None = None,
                      progress: Callable[[int], None] | None = None) -> ImportReport:
    """Generate `count` patients and import them; a second run with the same seed adds nothing."""
    today = today or dt.date.today()
    generated = demo_patients(count, seed, today)
    reports = []
    done = 0
    while batch := list(itertools.islice(generated, BATCH)):
        # Round trip through the interchange format: every demo record passes the import's checks.
        records = read_document(write_document(batch), today=today)
        reports.append(import_records(session, records))
        done += len(batch)
        if progress is not None:
            progress(done)
    return ImportReport(tuple(p for r in reports for p in r.patients), dry_run=False)
