"""FHIR R4 for the referring EHR: export of stored records with the latest letter, import of a referral's
patients, with the rules of assess-record/1 (permissions, audit, all or nothing, conflicts refused whole)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from assess.interchange.fhir.codes import MRN_SYSTEM
from assess.interchange.fhir.read import read_bundle
from assess.interchange.fhir.write import Letter, Sender, bundle_chunks, write_bundle
from assess.record.domain import PatientRecord
from assess.services.clinic import clinic_letterhead
from assess.services.interchange import ImportReport, export_records, export_stamp, import_records


@dataclass(frozen=True)
class FhirExport:
    """What one FHIR export holds, ready to be written."""

    records: list[PatientRecord]
    sender: Sender
    timestamp: dt.datetime
    letters: dict[str, Letter] = field(default_factory=dict)

    def chunks(self) -> Iterator[bytes]:
        return bundle_chunks(self.records, self.sender, self.timestamp, self.letters)

    def bundle(self) -> dict[str, Any]:
        return write_bundle(self.records, self.sender, self.timestamp, self.letters)


def latest_letter(session: Session, record: PatientRecord, today: dt.date) -> Letter | None:
    """The letter to the primary care doctor about the patient's latest visit, as the PDF export writes it
    (none for a patient with no visit). Audited as a report once the Bundle carrying it is written."""
    from assess.reports.pdf import report_bytes
    from assess.services.report import patient_report

    if not record.visits:
        return None
    content = patient_report(session, record.mrn, today)
    visit = record.visits[-1]
    return Letter(report_bytes(content), visit.date, visit.type,
                  f"Spasticity clinic report {record.mrn} {visit.date.isoformat()}", export_stamp(),
                  final=not content.draft)


def export_fhir(session: Session, mrns: Sequence[str] = (), with_letters: bool = False,
                mrn_system: str = MRN_SYSTEM, today: dt.date | None = None) -> FhirExport:
    """The patients named (all when none are) as a FHIR export; the same permission as an assess-record/1
    export. With letters, each patient's latest letter goes along as a PDF (about a second each: for one patient
    or a few). The caller writes it inside `reads.recorded_fhir_export` (audited once written: `audited_letters`)."""
    records = export_records(session, mrns)
    letterhead = clinic_letterhead(session)
    sender = Sender(letterhead.name, letterhead.address, letterhead.phone, letterhead.fax, mrn_system)
    stamp = export_stamp()
    letters: dict[str, Letter] = {}
    if with_letters:
        for record in records:
            letter = latest_letter(session, record, today or stamp.date())
            if letter is not None:
                letters[record.mrn] = letter
    return FhirExport(records, sender, stamp, letters)


def import_fhir(session: Session, bundle: Any, dry_run: bool = False, mrn_system: str = MRN_SYSTEM,
                today: dt.date | None = None) -> ImportReport:
    """Create or match the Bundle's patients and add what is new, as an assess-record/1 import does: every
    value checked first (RecordError naming the FHIR JSON path), a conflict with a stored record refused
    whole (ConflictError), nothing written unless all of it is."""
    return import_records(session, read_bundle(bundle, today, mrn_system), dry_run=dry_run)



def audited_letters(export: FhirExport) -> dict[str, tuple[str, str]]:
    """The letters of an export as the audit trail names them: mrn -> (visit key, title)."""
    return {mrn: (f"{letter.visit_date.isoformat()} {letter.visit_type}", letter.title)
            for mrn, letter in export.letters.items()}
