"""The clinic's settings shared by every workstation: which exam rows the clinic does not examine."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from assess.scoring.muscles import MUSCLE_GROUPS


class ClinicSettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, hidden: frozenset[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self.shown: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        intro = QLabel("Rows of the exam grid at every workstation of this clinic. Untick the muscle groups "
                       "your clinic does not examine; a row that holds a value is always shown.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for region, title in (("upper", "Upper limb"), ("lower", "Lower limb")):
            box = QGroupBox(title)
            grid = QGridLayout(box)
            groups = [g for g in MUSCLE_GROUPS if g.region == region]
            for i, group in enumerate(groups):
                check = QCheckBox(group.name)
                check.setChecked(group.code not in hidden)
                check.setAccessibleName(f"Examine {group.name}")
                self.shown[group.code] = check
                grid.addWidget(check, i % 5, i // 5)
            layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def hidden(self) -> frozenset[str]:
        return frozenset(code for code, check in self.shown.items() if not check.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, hidden: frozenset[str]) -> frozenset[str] | None:
        dialog = cls(parent, hidden)
        return dialog.hidden() if dialog.exec() == QDialog.DialogCode.Accepted else None
