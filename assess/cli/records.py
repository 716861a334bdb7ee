"""Commands on the record: import, export, list, show, alerts, the report, demo data and the summary."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from assess import __version__
from assess.cli.parser import UsageError
from assess.record.domain import PatientRecord
from assess.record.errors import AssessError, RecordError
from assess.record.labels import count
from assess.storage.bulk import collector_paused
from assess.storage.db import Database, is_database_file
from assess.storage.files import write_atomically

# An import this large is a bulk load (a clinic's records, not a referral): the planner's statistics are refreshed.
BULK_FINDINGS = 20_000


def _load_json(path: Path) -> Any:
    try:
        data = path.read_bytes()  # json decodes UTF-8 itself, faster than a text file object
    except FileNotFoundError:
        raise AssessError(f"{path}: no such file") from None
    except OSError as error:
        raise AssessError(f"{path}: cannot be read ({error})") from None
    try:
        return json.loads(data)
    except UnicodeDecodeError as error:
        raise AssessError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise AssessError(f"{path}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") \
            from None
    except RecursionError:
        raise AssessError(f"{path}: arrays or objects nested too deeply to read (about "
                          f"{sys.getrecursionlimit():,} levels inside each other); an assess-record/1 file "
                          "nests 8 levels at most") from None
    except ValueError as error:  # an integer of more digits than Python reads
        raise AssessError(f"{path}: {_too_long_number(data, error)}") from None


def _too_long_number(data: bytes, error: ValueError) -> str:
    limit = sys.get_int_max_str_digits()
    found = re.search(rb"[:\[,]\s*-?(\d{%d,})" % (limit + 1), data)
    if found is None:
        return f"not valid JSON: {str(error).splitlines()[0][:200]}"
    start = found.start(1)
    line = data.count(b"\n", 0, start) + 1
    column = start - data.rfind(b"\n", 0, start)
    return (f"a number of {len(found.group(1)):,} digits at line {line} column {column}: longer than any value "
            f"assess-record/1 allows (numbers of over {limit:,} digits are not read)")


def _refuse_writing_over_the_database(db: Database, out: str, what: str) -> None:
    if out != "-" and is_database_file(db.url, Path(out)):
        raise AssessError(f"{out} is the database itself: {what} written there would replace every record; "
                          "choose another file")


def cmd_import(db: Database, args: argparse.Namespace) -> int:
    from assess.interchange.read import read_document
    from assess.services.interchange import import_records

    for path in args.files:
        if is_database_file(db.url, path):  # reading it here would also drop this process's locks on it
            raise AssessError(f"{path} is the database itself, not an assess-record file; nothing was imported")
    if args.format == "fhir-r4":
        from assess.cli.fhir import read_fhir

        def read(document: Any) -> list[PatientRecord]:
            return read_fhir(document, args)
    else:
        read = read_document
        if args.mrn_system:
            raise UsageError("--mrn-system is for --format fhir-r4")
    batches = []
    with collector_paused():
        for path in args.files:
            try:
                batches.append((path, read(_load_json(path))))
            except RecordError as error:
                raise AssessError(f"{path}: {error}") from None
        with db.transaction() as session:
            reports = []
            for path, records in batches:
                try:
                    reports.append((path, import_records(session, records, dry_run=args.dry_run)))
                except AssessError as error:
                    raise AssessError(f"{path}: {error}") from None
    if not args.dry_run and sum(report.total("findings") for _, report in reports) >= BULK_FINDINGS:
        db.refresh_statistics()
    verb = "would add" if args.dry_run else "added"
    for path, report in reports:
        unchanged = report.total("unchanged_visits") + report.total("unchanged_treatments")
        print(f"{path}: {verb} {count(report.new_patients, 'new patient')}, {count(report.total('goals'), 'goal')}, "
              f"{count(report.total('visits'), 'visit')} ({count(report.total('findings'), 'finding')}), "
              f"{count(report.total('treatments'), 'treatment')}; {count(unchanged, 'record')} already stored")
    if args.dry_run:
        print("Dry run: nothing was written.")
    return 0


def cmd_export(db: Database, args: argparse.Namespace) -> int:
    import getpass

    if args.format == "fhir-r4":
        from assess.cli.fhir import export_fhir_file

        return export_fhir_file(db, args)
    if args.letter or args.mrn_system:
        raise UsageError("--letter and --mrn-system are for --format fhir-r4")

    from assess.interchange.schema import check_schema
    from assess.interchange.write import write_document
    from assess.services.interchange import export_records, export_stamp
    from assess.services.reads import recorded_export

    _refuse_writing_over_the_database(db, args.out, "the export")
    with db.read() as session:  # every patient's record as of one moment
        records = export_records(session, args.patient)
    document = write_document(records, exported_at=export_stamp(),
                              exported_by=db.actor.name if db.actor else getpass.getuser())
    check_schema(document)  # never hand out a file that assess itself would refuse
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    out = None if args.out == "-" else Path(args.out)
    # Recorded as exported only once written: a failed write leaves no export event.
    with recorded_export(db, [r.mrn for r in records], out):
        if out is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_atomically(out, text.encode("utf-8"))
    visits = sum(len(r.visits) for r in records)
    findings = sum(len(v.findings) for r in records for v in r.visits)
    treatments = sum(len(r.treatments) for r in records)
    print(f"Exported {count(len(records), 'patient')} ({count(visits, 'visit')}, {count(findings, 'finding')}, "
          f"{count(treatments, 'treatment')}) to {args.out}", file=sys.stderr if args.out == "-" else sys.stdout)
    return 0


def cmd_patients(db: Database, args: argparse.Namespace) -> int:
    from assess.record.labels import words
    from assess.services.patients import find_patients

    with db.read() as session:
        found = find_patients(session, args.search, limit=None)
    if args.json:
        print(json.dumps([{"mrn": p.mrn, "family_name": p.family_name, "given_name": p.given_name,
                           "birth_date": p.birth_date.isoformat(), "diagnosis": p.diagnosis, "gmfcs": p.gmfcs,
                           "last_visit": p.last_visit.isoformat() if p.last_visit else None}
                          for p in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No patients match." if args.search else "No patients yet: add some with 'assess import' or "
              "'assess demo'.")
        return 0
    rows = [("MRN", "Name", "Born", "Diagnosis", "Last visit")] + [
        (p.mrn, p.display_name, p.birth_date.isoformat(),
         words(p.diagnosis) + (f", GMFCS {p.gmfcs}" if p.gmfcs else ""),
         p.last_visit.isoformat() if p.last_visit else "-") for p in found]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_show(db: Database, args: argparse.Namespace) -> int:
    from assess.cli.summary import patient_summary
    from assess.services.reads import open_patient

    with db.transaction() as session:
        opened = open_patient(session, args.mrn, via="show")
    print(patient_summary(opened.record, dt.date.today()))
    for problem in opened.problems:
        print(f"WARNING, changed outside assess: {problem.text}", file=sys.stderr)
    return 0


def cmd_alerts(db: Database, args: argparse.Namespace) -> int:
    from assess.services import due
    from assess.services.alerts import alerts, clinic_alerts, patient_ids

    today = dt.date.today()
    as_of = args.as_of or today
    workers = os.cpu_count() or 1
    with collector_paused(), db.transaction() as session:
        ids = patient_ids(session, [args.patient] if args.patient else [])
        stale = [] if as_of != today else sorted(set(due.stale_ids(session, today)) & set(ids))
    if as_of == today:  # read the stored items, once those out of date are worked out (in processes when many)
        if len(stale) > 2000:
            print(f"Working out the due items of {count(len(stale), 'patient')} first ('assess db due' does it "
                  "ahead of time)", file=sys.stderr)
            due.refresh_in_workers(db.url, stale, today, workers=min(len(stale) // 2000 + 1, workers))
        with collector_paused(), db.transaction() as session:
            found = due.stored_alerts(session, today, ids if args.patient else None)
    elif args.patient:  # another day: the records themselves, judged for it
        with collector_paused(), db.transaction() as session:
            found = alerts(session, as_of, [args.patient])
    else:
        found = clinic_alerts(db.url, ids, as_of, workers=min(len(ids) // 2000 + 1, workers))
    if args.json:
        print(json.dumps([{"code": a.code, "severity": a.severity, "mrn": a.mrn, "date": a.date.isoformat(),
                           "message": a.message, **({"source": a.source} if a.source else {})} for a in found],
                         ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("No open alerts.")
        return 0
    for a in found:
        source = f" [{a.source}]" if a.source else ""
        print(f"{a.severity.upper():7}  {a.date}  {a.mrn}  {a.message}{source}")
    warnings = sum(a.severity == "warning" for a in found)
    print(f"{count(warnings, 'warning')}, {count(len(found) - warnings, 'notice')}")
    return 0


def cmd_report(db: Database, args: argparse.Namespace) -> int:
    from assess.reports.pdf import report_bytes
    from assess.services.reads import recorded_report
    from assess.services.report import patient_report, reported_visit_key

    _refuse_writing_over_the_database(db, str(args.out), "the report")
    with db.read() as session:
        content = patient_report(session, args.mrn, dt.date.today(), args.visit, args.since, args.today_alerts)
        key = reported_visit_key(session, args.mrn, args.visit)
    pdf = report_bytes(content)
    with recorded_report(db, args.mrn, key, args.out):  # recorded once the PDF is written
        write_atomically(args.out, pdf)
    draft = " (DRAFT: the visit is not signed)" if content.draft else ""
    print(f"Wrote the report of {content.patient_name} ({content.mrn}) to {args.out}{draft}")
    return 0


def cmd_demo(db: Database, args: argparse.Namespace) -> int:
    from assess.services.demo import add_demo_patients

    if args.patients < 1:
        raise UsageError("--patients must be at least 1")
    if args.workers is not None and args.workers < 0:
        raise UsageError("--workers must be 0 or more")
    workers = (os.cpu_count() or 1) if args.workers is None else args.workers
    with collector_paused(), db.transaction() as session:
        report = add_demo_patients(session, args.patients, args.seed, workers=workers,
                                   progress=lambda done: print(f"\r{done}/{args.patients} patients", end="",
                                                               file=sys.stderr, flush=True))
    print(file=sys.stderr)
    db.refresh_statistics()  # a bulk load: the planner's statistics now, not when autovacuum gets to them
    print(f"Added {count(report.new_patients, 'demo patient')} with {count(report.total('visits'), 'visit')} "
          f"({count(report.total('findings'), 'finding')}) and {count(report.total('treatments'), 'treatment')} "
          f"to {db.describe()}")
    return 0


def cmd_summary(db: Database) -> int:
    from assess.services.patients import find_patients

    with db.read() as session:
        everyone = find_patients(session, "", limit=None)
    print(f"assess {__version__} - database: {db.describe()}")
    print(f"{count(len(everyone), 'patient')}.")
    recent = sorted((p for p in everyone if p.last_visit), key=lambda p: p.last_visit or dt.date.min,
                    reverse=True)[:10]
    if recent:
        print("Most recently seen:")
        for p in recent:
            print(f"  {p.last_visit}  {p.mrn}  {p.display_name}")
    print("Commands: assess show MRN, assess patients --search TEXT, assess import FILE, assess demo, "
          "assess --help")
    return 0
