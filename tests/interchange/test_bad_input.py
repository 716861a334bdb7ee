"""Bad input, generated: random and malformed records fed to every validator, to import and to `assess import`.

What must hold for every one of them: no crash (only an AssessError, whose message says what was wrong and
where), and nothing half-written (after a refused import the database is exactly as before).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import io
import json
import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from samples import sample_document

from assess.cli.main import main
from assess.interchange.read import read_document
from assess.interchange.write import write_document
from assess.record import domain
from assess.record.domain import PatientDetails, PatientRecord, Visit
from assess.record.errors import AssessError, RecordError
from assess.scoring.scales import NumericScale, OrdinalScale
from assess.services.checks import check_details, check_goals, check_treatment, check_visit
from assess.services.interchange import export_records, import_records
from assess.storage.db import Database, open_database

BOUNDED = settings(max_examples=80, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# --- values of any kind, in the right place or the wrong one ----------------------------------------

# Hostile values that once printed tracebacks: integers of hundreds of digits (OverflowError), text with a lone
# surrogate (UnicodeEncodeError in either database's driver), strings far longer than any field.
hostile_scalars = st.one_of(
    st.integers(10**300, 10**1200), st.integers(-10**1200, -10**300),
    st.text(st.characters(categories=["Cs", "Ll"]), min_size=1, max_size=6),
    st.text(min_size=500, max_size=2000),
)
# NaN and infinity too: Python's JSON reader takes NaN and Infinity from a file.
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(), st.text(max_size=12),
                         hostile_scalars)
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=12)
wrong_kind = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(), st.text(max_size=20),
                       st.dates(), st.lists(st.integers(), max_size=2))

_VOCABULARY = ["left", "right", "1+", "4-", "2", "draft", "signed", "follow_up", "initial", "female", "male",
               "cerebral_palsy", "stroke", "III", "hip_flexors", "elbow_flexors", "onabotulinumtoxinA", "baclofen",
               "gastrocnemius_medial", "physiotherapy", "afo", "refill", "walk", "stiffness", ""]
plausible_text = st.one_of(st.sampled_from(_VOCABULARY), st.text(max_size=15),
                           st.text(st.characters(categories=["Cs", "Lu"]), min_size=1, max_size=4))


def _plausible(annotation: Any, typed: bool) -> st.SearchStrategy[Any]:
    """Values of the annotated type, near the valid ones (the validator has to sort them out); with typed
    False, nested records may hold values of a wrong kind too."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(_plausible(a, typed) for a in args))
    if origin is tuple:
        return st.lists(_plausible(args[0], typed), max_size=3).map(tuple)
    if annotation is type(None):
        return st.none()
    if annotation is str:
        return plausible_text
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(-3, 12)
    if annotation is float:
        return st.one_of(st.floats(-200, 400), st.sampled_from([0.0, -0.0, float("nan"), float("inf")]))
    if annotation is dt.date:
        return st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))
    if annotation is dt.datetime:
        return st.datetimes(timezones=st.sampled_from([dt.UTC, None]))
    if dataclasses.is_dataclass(annotation):
        return records_of(annotation, typed)  # type: ignore[arg-type]
    return wrong_kind


def records_of(kind: type, typed: bool | None = None) -> st.SearchStrategy[Any]:
    """Instances of a domain dataclass: half of them of the right Python types throughout (the values still
    anything), half with some fields of a wrong kind altogether (None for a date, a number for a grade)."""
    if typed is None:
        return st.one_of(records_of(kind, True), records_of(kind, False))
    hints = typing.get_type_hints(kind, vars(domain))
    fields = {f.name: _plausible(hints[f.name], typed) if typed else
              st.one_of(_plausible(hints[f.name], typed), _plausible(hints[f.name], typed), wrong_kind)
              for f in dataclasses.fields(kind) if f.init}
    return st.builds(kind, **fields)


treatments = st.one_of(*(records_of(t) for t in typing.get_args(domain.Treatment)))
BASE = PatientDetails("LB-1", "Müller", "Zoë", dt.date(2017, 3, 2), "female", "cerebral_palsy", gmfcs="III")


def _refused_clearly(error: AssessError) -> None:
    """One line that says what was wrong; a RecordError's message starts with the path it names."""
    message = str(error)
    assert message and "\n" not in message and "Traceback" not in message
    assert len(message) <= 1000, message  # a value is quoted briefly (the longest vocabulary is 661 characters)
    if isinstance(error, RecordError) and error.path:
        assert message.startswith(f"{error.path}: ")


# --- the validators ---------------------------------------------------------------------------------

@BOUNDED
@given(records_of(PatientDetails))
def test_check_details_accepts_or_refuses_clearly(details: PatientDetails) -> None:
    try:
        check_details(details)
    except AssessError as error:
        _refused_clearly(error)


@BOUNDED
@given(records_of(Visit), st.lists(records_of(domain.Goal), max_size=2))
def test_check_visit_accepts_or_refuses_clearly(visit: Visit, goals: list[domain.Goal]) -> None:
    try:
        checked = check_visit(BASE, goals, visit)
    except AssessError as error:
        _refused_clearly(error)
    else:
        assert checked.date == visit.date and checked.type == visit.type


@BOUNDED
@given(st.lists(records_of(domain.Goal), max_size=3))
def test_check_goals_accepts_or_refuses_clearly(goals: list[domain.Goal]) -> None:
    try:
        check_goals(BASE, goals)
    except AssessError as error:
        _refused_clearly(error)


@BOUNDED
@given(treatments)
def test_check_treatment_accepts_or_refuses_clearly(treatment: domain.Treatment) -> None:
    try:
        check_treatment(BASE, treatment)
    except AssessError as error:
        _refused_clearly(error)


def _scales() -> list[OrdinalScale | NumericScale]:
    from assess.scoring import scales

    return [v for v in vars(scales).values() if isinstance(v, (OrdinalScale, NumericScale))]


@BOUNDED
@given(st.sampled_from(_scales()), st.one_of(wrong_kind, plausible_text, st.floats(allow_nan=True)))
def test_every_scale_takes_a_value_or_says_why_not(scale: OrdinalScale | NumericScale, value: Any) -> None:
    """The scales' own contract (the exam grid relies on it): a ValueError naming the scale, nothing else."""
    name = scale.abbreviation if isinstance(scale, OrdinalScale) else scale.name
    try:
        if isinstance(scale, OrdinalScale):
            scale.grade(value)
            scale.rank(value)
        else:
            scale.check(value)
    except ValueError as error:
        _names_the_scale(error, name)


def _names_the_scale(error: ValueError, name: str) -> None:
    assert name in str(error) and "\n" not in str(error)


# --- reading and importing documents ------------------------------------------------------------------

def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


@st.composite
def damaged_documents(draw: st.DrawFn) -> dict[str, Any]:
    """The sample document with one to three places changed: a value replaced, a key removed, a key added."""
    document = copy.deepcopy(sample_document())
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(json_values)
        elif action == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return document


@BOUNDED
@given(st.one_of(json_values, damaged_documents()))
def test_reading_any_json_gives_records_or_a_record_error_naming_the_place(document: Any) -> None:
    try:
        read_document(document)
    except RecordError as error:
        _refused_clearly(error)


def _state(db: Database) -> Any:
    with db.transaction() as session:
        return write_document(export_records(session))


@pytest.fixture
def stored(database: Database) -> Database:
    with database.transaction() as session:
        import_records(session, read_document(sample_document()))
    return database


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(damaged_documents())
def test_an_import_is_whole_or_refused_with_nothing_written(stored: Database, document: dict[str, Any]) -> None:
    """Against a database holding the sample records: a changed copy adds what is new, or is refused whole."""
    before = _state(stored)
    try:
        records = read_document(document)
        with stored.transaction() as session:
            import_records(session, records)
    except AssessError as error:
        _refused_clearly(error)
        assert _state(stored) == before
        return
    after = _state(stored)
    for record in records:  # accepted: every record of the file is now stored
        with stored.transaction() as session:
            [mine] = export_records(session, [record.mrn])
        assert set(record.visits) <= set(mine.visits) and set(record.treatments) <= set(mine.treatments)
    assert len(after["patients"]) >= len(before["patients"])


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                 # A lone surrogate written as UTF-8 would be: bytes no UTF-8 reader accepts, refused in one line.
                 damaged_documents().map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass"))))
def test_assess_import_of_any_file_prints_one_line_or_imports(tmp_path: Path, data: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'assess.db'}"
    open_database(url).close()  # a file named with --db must exist
    path = tmp_path / "in.json"
    path.write_bytes(data)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["--db", url, "import", str(path)])
    assert status in (0, 1)
    if status == 1:
        lines = err.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"assess: {path}"), err.getvalue()
        assert "Traceback" not in err.getvalue()


# --- what the generated tests found, kept as plain examples -------------------------------------------

@pytest.mark.parametrize(("field", "path"), [
    ("weight_kg", "patients[0].visits[0].weight_kg"),
    ("units", "patients[0].treatments[2].injections[0].units"),
    ("dose_mg_per_day", "patients[0].treatments[0].dose_mg_per_day"),
])
def test_nan_in_a_file_is_refused_at_its_field(sqlite_url: str, tmp_path: Path, field: str, path: str) -> None:
    """NaN passes every range check of the schema; it was imported and stored as a weight, a dose, units."""
    text = json.dumps(sample_document())
    text = text.replace(f'"{field}": ', f'"{field}": NaN, "_was": ', 1)
    document = json.loads(text)
    for node in _nodes(document):
        node.pop("_was", None)
    with pytest.raises(RecordError, match=rf"^{re.escape(path)}: nan is not a number$"):
        read_document(document)
    (tmp_path / "nan.json").write_text(json.dumps(document))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["--db", sqlite_url, "import", str(tmp_path / "nan.json")]) == 1
    assert f"{path}: nan is not a number" in err.getvalue()


def _nodes(node: Any) -> list[dict[str, Any]]:
    found = [node] if isinstance(node, dict) else []
    for child in (node.values() if isinstance(node, dict) else node if isinstance(node, list) else []):
        found += _nodes(child)
    return found


def test_values_of_a_wrong_kind_are_named_not_a_crash() -> None:
    """The validators wrote the record out first and crashed on a None date or a False contact."""
    with pytest.raises(RecordError, match=r"^birth_date: expected a date, not None$"):
        check_details(dataclasses.replace(BASE, birth_date=None))  # type: ignore[arg-type]
    with pytest.raises(RecordError, match=r"^primary_care: expected a contact or nothing, not False$"):
        check_details(dataclasses.replace(BASE, primary_care=False))  # type: ignore[arg-type]
    visit = Visit(dt.date(2025, 1, 1), "follow_up", "Dr K. Osei",
                  findings=(domain.Finding("hip_flexors", "left", mas=2),))  # type: ignore[arg-type]
    with pytest.raises(RecordError, match=r"^findings\[0\]\.mas: expected text or nothing, not 2$"):
        check_visit(BASE, [], visit)
    with pytest.raises(RecordError, match=r"^weight_kg: expected a number or nothing, not nan$"):
        check_visit(BASE, [], dataclasses.replace(visit, findings=(), weight_kg=float("nan")))


def test_unknown_words_where_the_order_is_looked_up_are_named_not_a_crash() -> None:
    """Sorting a record for the check looked up the visit type and the injection side in their lists."""
    with pytest.raises(RecordError, match=r"^type: 'checkup' is not one of"):
        check_visit(BASE, [], Visit(dt.date(2025, 1, 1), "checkup", "Dr K. Osei"))
    session = domain.ToxinSession(dt.date(2025, 1, 1), "onabotulinumtoxinA", (
        domain.Injection("gastrocnemius_medial", "both", 20.0), domain.Injection("soleus", "left", 20.0)))
    with pytest.raises(RecordError, match=r"^injections\[\d\]\.side: 'both' is not one of"):
        check_treatment(BASE, session)


def test_generated_records_cover_every_kind() -> None:
    """The strategies above reach every treatment kind and the nested records (a check on the test itself)."""
    kinds = {t.kind for t in typing.get_args(domain.Treatment)}
    assert kinds == {"therapy", "orthosis", "oral_medication", "botulinum_toxin", "itb_pump", "sdr", "surgery"}
    assert PatientRecord.from_details(BASE).mrn == "LB-1"
