"""Adding demo patients through the same validation and import path as a file from another clinic."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from sqlalchemy.orm import Session

from assess.demo.patients import demo_patients
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record.domain import PatientRecord
from assess.services import due
from assess.services.interchange import ImportReport, import_records

BATCH = 500
Checked = tuple[list[PatientRecord], due.Rows]  # a batch of checked records and their due items, by MRN


def add_demo_patients(session: Session, count: int, seed: int = 1, today: dt.date | None = None,
                      progress: Callable[[int], None] | None = None, workers: int = 0) -> ImportReport:
    """Generate `count` patients and import them; a second run with the same seed adds nothing.

    With `workers`, that many processes generate and check the patients and work out their due items while
    this one writes (the database has one writer): for the command line, never a process running Qt threads.
    """
    today = today or dt.date.today()
    reports = []
    done = 0
    for records, items in _checked_batches(count, seed, today, workers):
        reports.append(import_records(session, records, new_items=items))
        done += len(records)
        if progress is not None:
            progress(done)
    return ImportReport(tuple(p for r in reports for p in r.patients), dry_run=False)


def _checked(count: int, seed: int, today: dt.date, first: int) -> Checked:
    """Patients first .. first + BATCH - 1 of the `count`, round-tripped through the interchange format (every
    demo record passes the import's checks), with their due items for the day the import runs."""
    last = min(count, first + BATCH - 1)
    batch = list(demo_patients(last, seed, today, first))
    records = read_document(write_document(batch), today=today)
    return records, due.new_patients_rows(records, dt.date.today())


def _checked_batches(count: int, seed: int, today: dt.date, workers: int) -> Iterator[Checked]:
    firsts = range(1, count + 1, BATCH)
    if workers < 1 or len(firsts) < 2:
        generated = demo_patients(count, seed, today)  # one generator: its cache of findings serves every batch
        while batch := list(itertools.islice(generated, BATCH)):
            records = read_document(write_document(batch), today=today)
            yield records, due.new_patients_rows(records, dt.date.today())
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # A few batches ahead of the writer, in order: the batches waiting are bounded, not the whole clinic.
        waiting: deque[Future[Checked]] = deque()
        pending = iter(firsts)
        for first in itertools.islice(pending, 2 * workers):
            waiting.append(pool.submit(_checked, count, seed, today, first))
        while waiting:
            checked = waiting.popleft().result()
            for first in itertools.islice(pending, 1):
                waiting.append(pool.submit(_checked, count, seed, today, first))
            yield checked
