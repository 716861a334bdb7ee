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
from assess.scoring.muscles import group_name
from assess.ui.visit_fields import CodeChecklist


def worsening_text(flag: Worsening) -> str:
    """'left hip adductors MAS 1 → 2 (since 2025-03-02); Penn spasm frequency 1 → 3'."""
    parts = [f"{w.side} {group_name(w.muscle_group).lower()} MAS {w.previous} → {w.current} (since {w.previous_date})"
             for w in flag.muscles]
    if flag.penn_up:
        parts.append(f"Penn spasm frequency {flag.penn_previous} → {flag.penn_current}")
    return "; ".join(parts)


class WorseningLine(QLabel):
    """Under the exam's banner: hidden while nothing got worse, else what did and what to look for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("worsening_line")
        self.setWordWrap(True)
        self.setAccessibleName("Worsening since the previous examination")
        self.setStyleSheet(f"color: {palette.WORSE}; background: #fdebdc; padding: 4px 8px; border-radius: 3px;")
        self.hide()

    def show_worsening(self, flag: Worsening, triggers_ticked: int) -> None:
        if not flag:
            self.hide()
            return
        ask = (f"{triggers_ticked} trigger(s) ticked." if triggers_ticked
               else "Look for a trigger (infection, constipation, skin, pump…) and tick it under Triggers.")
        self.setText(f"▲ Worse: {worsening_text(flag)}. {ask}")
        self.show()


class TriggerDialog(QDialog):
    """Asked at save when the visit shows worsening and no trigger is ticked: tick what was found, or say none."""

    def __init__(self, flag: Worsening, ticked: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Worsening: look for a trigger")
        intro = QLabel(f"<b>Worse since the previous examination:</b> {worsening_text(flag)}.<br>"
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
