"""The patient view's models and header, on a hand-made record."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from samples import sample_document

from assess.interchange.read import read_document
from assess.record.palette import MAS_COLOURS
from assess.ui.patient_models import (
    BETTER,
    GoalsModel,
    LatestFindingsModel,
    TimelineModel,
    t_scores,
    timeline,
)
from assess.ui.patient_view import PatientView, header_text

TODAY = dt.date(2025, 7, 1)


def _records():  # type: ignore[no-untyped-def]
    return read_document(sample_document(), today=TODAY)


def test_models_are_correct_qt_models(qtmodeltester: ModelTester) -> None:
    child = _records()[0]
    model = TimelineModel()
    model.set_rows(timeline(child))
    qtmodeltester.check(model)
    findings = LatestFindingsModel()
    from assess.scoring.change import latest_findings
    findings.set_changes(latest_findings(child.visits))
    qtmodeltester.check(findings)
    goals = GoalsModel()
    goals.set_record(child)
    qtmodeltester.check(goals)


def test_timeline_is_newest_first_with_draft_marked() -> None:
    child = _records()[0]
    rows = timeline(child)
    assert [(r.date.isoformat(), r.what) for r in rows[:3]] == [
        ("2025-06-09", "Post-injection review"), ("2025-03-17", "Physiotherapy"),
        ("2025-03-17", "Serial casting (ankle, left)")]
    review = rows[0]
    assert review.status == "DRAFT" and not review.flagged
    toxin = next(r for r in rows if r.what.startswith("Botulinum toxin"))
    assert toxin.what == "Botulinum toxin 100 U"
    assert "L gastrocnemius, medial head 40" in toxin.details


def test_latest_findings_show_change_with_shape_and_colour() -> None:
    from assess.scoring.change import latest_findings

    child = _records()[0]
    model = LatestFindingsModel()
    model.set_changes(latest_findings(child.visits))
    row = [model.data(model.index(r, 0)) for r in range(model.rowCount())].index(
        "Ankle plantarflexors (knee extended)")
    assert model.data(model.index(row, LatestFindingsModel.EXAMINED)) == "2025-06-09"  # when it was examined
    left_mas = model.index(row, 2)
    assert model.data(left_mas) == "1+ ▼"
    assert model.data(left_mas, Qt.ItemDataRole.ForegroundRole).color() == BETTER
    assert model.data(left_mas, Qt.ItemDataRole.ToolTipRole) == "▼ better: was 3 on 2025-03-02"
    # The clinic's one MAS colour scale, with the grade printed on it.
    assert model.data(left_mas, Qt.ItemDataRole.BackgroundRole).color().name() == MAS_COLOURS["1+"]
    left_r1 = model.index(row, 4)
    assert model.data(left_r1) == "0° ▲"  # -15° -> 0°: the number up, 15° larger: a less tight muscle (better)


def test_header_and_goals(qtbot: QtBot) -> None:
    child = _records()[0]
    text = header_text(child, TODAY)
    assert "<b>Müller, Zoë</b> · 8 y · born 2017-03-02 · MRN LB-100234" in text
    assert "cerebral palsy (spastic diplegia), GMFCS III · 23.1 kg (2025-06-09) · PCP Dr A. Rao, 555-0100" in text
    # walk: weight 2x2=4, shoes: 1. Visit 2: 50 + 10(4*0 + 1*-1)/sqrt(0.7*17 + 0.3*25) = 47.73
    scores = t_scores(child)
    assert [(d.isoformat(), round(t, 2)) for d, t, _ in scores][1] == ("2025-06-09", 47.73)
    view = PatientView()
    qtbot.addWidget(view)
    view.show_record(child, TODAY)
    assert "47.7" in view.t_score.text()
    # Goals by date set, then id: "shoes" before "walk".
    assert view.goals_model.data(view.goals_model.index(0, GoalsModel.LATEST)) == "-1 on 2025-06-09"
    assert view.goals_model.data(view.goals_model.index(1, GoalsModel.LATEST)) == "+0 on 2025-06-09"
