"""Undo for the visit editor: one QUndoStack per open visit; each command changes the exam in memory."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from assess.scoring.muscles import group_name
from assess.ui.exam_model import COLUMN_TITLES, CellKey, CellState, ExamGridModel

NOTES_MERGE_ID = 1001  # consecutive keystrokes in the notes become one undo step


class FieldTarget(Protocol):
    """Whatever holds the visit-level fields (scores, weight, checklists, goals, notes)."""

    def set_field(self, name: str, value: Any) -> None: ...


Reveal = Callable[[CellKey], None]


class CellsCommand(QUndoCommand):
    """Set one or many cells; one undo step whatever the count (copy from last visit is one command)."""

    def __init__(self, model: ExamGridModel, after: Mapping[CellKey, CellState], text: str,
                 reveal: Reveal | None = None, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self._model = model
        self._after = dict(after)
        self._before = {key: model.cell_state(key) for key in after}
        self._reveal = reveal
        self._first = True

    def redo(self) -> None:
        self._model.set_cell_states(self._after)
        if not self._first:
            self._show()
        self._first = False

    def undo(self) -> None:
        self._model.set_cell_states(self._before)
        self._show()

    def _show(self) -> None:
        # Undoing a keystroke puts the cursor back on the cell, where the clinician expects to look.
        if self._reveal is not None and len(self._after) == 1:
            self._reveal(next(iter(self._after)))


def _where(key: CellKey) -> str:
    return f"{COLUMN_TITLES[key[2]]} {group_name(key[0]).lower()} {key[1]}"


def set_cell(model: ExamGridModel, key: CellKey, value: Any, reveal: Reveal | None = None) -> CellsCommand:
    return CellsCommand(model, {key: CellState(value)}, f"{_where(key)} = {value}", reveal)


def clear_cell(model: ExamGridModel, key: CellKey, reveal: Reveal | None = None) -> CellsCommand:
    return CellsCommand(model, {key: CellState()}, f"clear {_where(key)}", reveal)


def confirm_cell(model: ExamGridModel, key: CellKey, reveal: Reveal | None = None) -> CellsCommand:
    return CellsCommand(model, {key: CellState(model.previous_value(key))}, f"confirm {_where(key)}", reveal)


def copy_from_last_visit(model: ExamGridModel) -> CellsCommand:
    return CellsCommand(model, model.copy_candidates(), f"copy from the visit of {model.last_visit_date}")


def confirm_copied(model: ExamGridModel) -> CellsCommand:
    states = {key: CellState(model.previous_value(key)) for key in model.pending_cells()}
    return CellsCommand(model, states, "confirm the copied values")


class FieldCommand(QUndoCommand):
    """Set one visit-level field (Penn, pain, SCATS, DAS, weight, a checklist, a goal score, notes)."""

    def __init__(self, target: FieldTarget, name: str, before: Any, after: Any, text: str = "",
                 parent: QUndoCommand | None = None) -> None:
        super().__init__(text or f"change {name.replace('_', ' ')}", parent)
        self._target = target
        self.name = name
        self._before = before
        self._after = after

    def id(self) -> int:
        return NOTES_MERGE_ID if self.name == "notes" else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, FieldCommand) or other.name != self.name:
            return False
        self._after = other._after
        return True

    def redo(self) -> None:
        self._target.set_field(self.name, self._after)

    def undo(self) -> None:
        self._target.set_field(self.name, self._before)


class FieldsCommand(QUndoCommand):
    """Several fields as one undo step (Penn frequency set to 0 clears the severity with it)."""

    def __init__(self, text: str, steps: list[FieldCommand]) -> None:
        super().__init__(text)
        self._steps = steps  # held here, not as Qt children: Python keeps the commands alive

    def redo(self) -> None:
        for step in self._steps:
            step.redo()

    def undo(self) -> None:
        for step in reversed(self._steps):
            step.undo()


def field_changes(target: FieldTarget, text: str, changes: Mapping[str, tuple[Any, Any]]) -> QUndoCommand:
    steps = [FieldCommand(target, name, before, after, text) for name, (before, after) in changes.items()]
    return steps[0] if len(steps) == 1 else FieldsCommand(text, steps)
