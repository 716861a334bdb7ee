"""Worsening during the exam: a line that names the muscle groups that got worse as they are typed, and,
when the visit is saved with worsening but no trigger ticked, the trigger checklist (CLINICAL.md: "flag it
and prompt the trigger checklist").
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assess.record import palette
from assess.record.domain import TRIGGERS
from assess.scoring.change import Worsening
from assess.scoring.worsening import RULE_IN_WORDS, describe, describe_wearing_off
from assess.ui.visit_fields import CodeChecklist


def worsening_text(flag: Worsening) -> str:
    """What got worse, against which reference (scoring.worsening.describe)."""
    return describe(flag)


_WORSE_STYLE = f"color: {palette.WORSE}; background: #fdebdc; padding: 4px 8px; border-radius: 3px;"
_WEARING_OFF_STYLE = "color: #1d3f5e; background: #e3eef8; padding: 4px 8px; border-radius: 3px;"


class WorseningLine(QLabel):
    """Under the exam's banner: hidden while nothing got worse, else what did and what to look for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("worsening_line")
        self.setWordWrap(True)
        self.setAccessibleName("Worsening since the previous examination")
        self.setStyleSheet(_WORSE_STYLE)
        self.hide()

    def show_worsening(self, flag: Worsening, triggers_ticked: int) -> None:
        if not flag and flag.wearing_off is not None:  # the expected course: said plainly, no trigger hunt
            self.setStyleSheet(_WEARING_OFF_STYLE)
            self.setText(f"◆ Toxin wearing off: {describe_wearing_off(flag.wearing_off)}. Tone back towards the "
                         "pre-injection level is the expected course, not a worsening.")
            self.show()
            return
        if not flag:
            self.hide()
            return
        self.setStyleSheet(_WORSE_STYLE)
        ask = (f"{triggers_ticked} trigger(s) ticked." if triggers_ticked
               else "Look for a trigger (infection, constipation, skin, pump…) and tick it under Triggers.")
        self.setText(f"▲ Worse: {worsening_text(flag)}. {ask}")
        self.show()


class WorseningRule(QLabel):
    """Under the worsening line: how assess decides, in a clinician's words, and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(RULE_IN_WORDS, parent)
        self.setObjectName("worsening_rule")
        self.setWordWrap(True)
        self.setStyleSheet("color: #555; font-size: 8pt; padding: 0 8px;")


class TriggerDialog(QDialog):
    """Asked at save when the visit shows worsening and no trigger is ticked: tick what was found, or say none."""

    def __init__(self, flag: Worsening, ticked: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Worsening: look for a trigger")
        intro = QLabel(f"<b>Worse than this patient's own reference:</b> {worsening_text(flag)}.<br>"
                       "Worsening is often driven by a trigger. Tick every one found, then save; "
                       "or save saying none was found.")
        intro.setWordWrap(True)
        self.checklist = CodeChecklist(TRIGGERS, "Triggers found")
        self.checklist.set_columns(2)
        self.checklist.set_value(ticked)
        buttons = QDialogButtonBox()
        self.save_with = QPushButton("Save with the ticked triggers")
        self.save_with.setDefault(True)
        self.none_found = QPushButton("No trigger found — save")
        self.back = QPushButton("Back to the exam")
        buttons.addButton(self.save_with, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.none_found, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.back, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_with.clicked.connect(self.accept)
        self.none_found.clicked.connect(self._none)
        self.back.clicked.connect(self.reject)
        self.checklist.edited.connect(lambda _before, after: self.save_with.setEnabled(bool(after)))
        self.save_with.setEnabled(bool(ticked))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.checklist)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _none(self) -> None:
        self.checklist.set_value(())
        self.accept()

    def triggers(self) -> tuple[str, ...]:
        return self.checklist.value()
