"""Every dialog: Tab walks its fields in the order they are seen, top to bottom and left to right."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from exam_helpers import GOALS, ZOE
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDialog, QWidget
from pytestqt.qtbot import QtBot

from assess.ui.goal_dialog import GoalDialog
from assess.ui.new_visit_dialog import NewVisitDialog
from assess.ui.patient_dialog import PatientDialog
from assess.ui.toxin_dialog import ToxinSessionDialog
from assess.ui.treatment_dialog import TreatmentDialog
from assess.ui.users_dialog import PasswordDialog

DIALOGS: dict[str, Callable[[], QDialog]] = {
    "new patient": lambda: PatientDialog(None, None, lambda details: None),
    "edit patient": lambda: PatientDialog(None, ZOE, lambda details: None),
    "goal": lambda: GoalDialog(None, ZOE, GOALS),
    "new visit": lambda: NewVisitDialog(None),
    "toxin": lambda: ToxinSessionDialog(None, ZOE, 22.6),
    "oral drug": lambda: TreatmentDialog(None, "oral_medication", ZOE),
    "pump": lambda: TreatmentDialog(None, "itb_pump", ZOE),
    "user": lambda: PasswordDialog(None, "Add user", with_name=True),
}


def _chain(dialog: QDialog) -> list[QWidget]:
    start = widget = dialog.nextInFocusChain()
    seen: list[QWidget] = []
    while True:
        if (widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)) and widget is not dialog):
            seen.append(widget)
        widget = widget.nextInFocusChain()
        if widget is start or len(seen) > 80:
            return seen


@pytest.mark.parametrize("name", DIALOGS)
def test_tab_order_is_the_visual_order(qtbot: QtBot, name: str) -> None:
    dialog = DIALOGS[name]()
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    places = [(w, w.mapTo(dialog, QPoint(0, 0))) for w in _chain(dialog)]
    rows: list[list[tuple[QWidget, QPoint]]] = []
    for widget, at in places:  # one visual row: tops within half a line of each other
        if rows and abs(rows[-1][0][1].y() - at.y()) < widget.fontMetrics().height() // 2 + 2:
            rows[-1].append((widget, at))
        else:
            rows.append([(widget, at)])
    tops = [row[0][1].y() for row in rows]
    assert tops == sorted(tops), [w.accessibleName() or type(w).__name__ for w, _ in places]
    for row in rows:
        lefts = [at.x() for _w, at in row]
        assert lefts == sorted(lefts), [w.accessibleName() or type(w).__name__ for w, _ in row]
