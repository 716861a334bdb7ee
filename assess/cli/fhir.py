"""`assess export --format fhir-r4` and the reading half of `assess import --format fhir-r4`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from assess.interchange.fhir.codes import MRN_SYSTEM
from assess.record.domain import PatientRecord
from assess.record.labels import count
from assess.storage.bulk import collector_paused
from assess.storage.db import Database
from assess.storage.files import write_chunks_atomically


def read_fhir(bundle: Any, args: argparse.Namespace) -> list[PatientRecord]:
    from assess.interchange.fhir.read import read_bundle

    return read_bundle(bundle, dt.date.today(), args.mrn_system or MRN_SYSTEM)


def export_fhir_file(db: Database, args: argparse.Namespace) -> int:
    from assess.services.fhir import audited_letters, export_fhir
    from assess.services.reads import recorded_fhir_export

    with collector_paused(), db.read() as session:
        export = export_fhir(session, args.patient, with_letters=args.letter, mrn_system=args.mrn_system or MRN_SYSTEM)
    out = None if args.out == "-" else Path(args.out)
    # Recorded as exported only once written: a failed write leaves no export event.
    with collector_paused(), recorded_fhir_export(db, [r.mrn for r in export.records], audited_letters(export), out):
        if out is None:
            size = 0
            for chunk in export.chunks():
                sys.stdout.buffer.write(chunk)
                size += len(chunk)
            sys.stdout.flush()
        else:
            size = write_chunks_atomically(out, export.chunks())
    records = export.records
    visits = sum(len(r.visits) for r in records)
    findings = sum(len(v.findings) for r in records for v in r.visits)
    letters = f", {count(len(export.letters), 'letter')}" if args.letter else ""
    print(f"Exported {count(len(records), 'patient')} ({count(visits, 'visit')}, {count(findings, 'finding')}, "
          f"{count(sum(len(r.treatments) for r in records), 'treatment')}{letters}) as a FHIR R4 Bundle "
          f"({size / 1e6:.1f} MB) to {args.out}", file=sys.stderr if args.out == "-" else sys.stdout)
    return 0
