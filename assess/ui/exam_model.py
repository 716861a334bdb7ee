"""The exam grid's table model: muscle groups × (scale, side), holding the exam being typed in memory."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from assess.record import palette
from assess.record.domain import ANGLE_CONVENTIONS, Finding, Visit
from assess.scoring import angles
from assess.scoring.arrows import arrow
from assess.scoring.change import direction
from assess.scoring.muscles import GROUPS_BY_CODE, MUSCLE_GROUPS, SIDES, group_name, group_sort_key
from assess.scoring.scales import ANGLE_HELP, FINDING_MEASURES, MAS, MRC, REFLEX, TARDIEU_X, NumericScale, OrdinalScale
from assess.scoring.tardieu import r1_beyond_r2

Index = QModelIndex | QPersistentModelIndex
CellKey = tuple[str, str, str]  # (muscle group, side, field of Finding)
Value = str | int | float

# The exam's scales, in column order; each has a Left and a Right column.
EXAM_FIELDS: tuple[str, ...] = (
    "mas", "tardieu_x", "tardieu_r1", "tardieu_r2", "prom", "mrc", "reflex", "clonus_beats",
)
COLUMNS: tuple[tuple[str, str], ...] = tuple((f, side) for f in EXAM_FIELDS for side in SIDES)
(MAS_L, MAS_R, TARDIEU_X_L, TARDIEU_X_R, R1_L, R1_R, R2_L, R2_R, PROM_L, PROM_R, MRC_L, MRC_R,
 REFLEX_L, REFLEX_R, CLONUS_L, CLONUS_R) = range(len(COLUMNS))
COLUMN_TITLES: dict[str, str] = {
    "mas": "MAS", "tardieu_x": "Tardieu X", "tardieu_r1": "R1", "tardieu_r2": "R2", "prom": "PROM",
    "mrc": "MRC", "reflex": "Reflex", "clonus_beats": "Clonus",
}
ORDINAL: dict[str, OrdinalScale] = {"mas": MAS, "tardieu_x": TARDIEU_X, "mrc": MRC, "reflex": REFLEX}
MEASURES: dict[str, NumericScale] = FINDING_MEASURES
# The scales whose change since the last visit is marked ▲/▼ (reflex and beats are shown without).
CHANGE_FIELDS = frozenset({"mas", "tardieu_x", "mrc", "tardieu_r1", "tardieu_r2", "prom"})

TEMPLATES: dict[str, tuple[str, ...]] = {
    "lower": tuple(g.code for g in MUSCLE_GROUPS if g.region == "lower"),
    "upper": tuple(g.code for g in MUSCLE_GROUPS if g.region == "upper"),
    "both": tuple(g.code for g in MUSCLE_GROUPS),
}

HELP_ROLE = Qt.ItemDataRole.UserRole + 1  # the help line's text for the cell
PENDING_ROLE = Qt.ItemDataRole.UserRole + 2  # True while a copied value awaits confirmation
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 3  # "better" / "worse" / "same" / None

# Shape and colour together (UX.md), as in the patient view and the report (assess.scoring.arrows): the arrow
# follows the number, the colour says better (blue) or worse (orange).
BETTER, WORSE, COPIED = QColor(palette.BETTER), QColor(palette.WORSE), QColor("#8a8a8a")
MAS_BACKGROUNDS = {grade: QBrush(QColor(colour)) for grade, colour in palette.MAS_COLOURS.items()}
COLOURED = frozenset({"better", "worse"})


@dataclass(frozen=True)
class CellState:
    """What one cell holds: today's value, or (pending) the last visit's value awaiting confirmation."""

    value: Value | None = None
    pending: bool = False


EMPTY = CellState()


def format_value(field: str, value: Value) -> str:
    if field in ("tardieu_r1", "tardieu_r2", "prom"):
        return f"{value:g}°"
    return str(value)


def parse_value(field: str, value: Any, convention: str | None = None) -> Value:
    """A typed value as a Finding holds it; ValueError names what is wrong (the scale's own words). An angle
    typed in the popliteal `convention` is checked as the format will hold it (the two add up to 180°)."""
    if field in ORDINAL:
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError(f"{ORDINAL[field].abbreviation}: {value!r} is not a grade")
        label = str(value).strip()
        ORDINAL[field].grade(label)
        return int(label) if field == "tardieu_x" else label
    scale = MEASURES[field]
    if isinstance(value, str):
        text = value.strip().replace(",", ".").removesuffix("°").strip()
        try:
            number: float = float(text)
        except ValueError:
            raise ValueError(f"{scale.name}: {value!r} is not a number") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    else:
        raise ValueError(f"{scale.name}: {value!r} is not a number")
    if convention is not None and field in angles.ANGLE_FIELDS:
        try:
            scale.check(angles.FULL_EXTENSION - number)
        except ValueError:
            low, high = angles.FULL_EXTENSION - scale.maximum, angles.FULL_EXTENSION - scale.minimum
            raise ValueError(f"{scale.name} {number:g}° short of full extension is out of range {low:g} to "
                             f"{high:g}°") from None
        return float(number)
    scale.check(number)
    if scale.integer:
        return int(number)
    return float(number)


class ExamGridModel(QAbstractTableModel):
    """The exam in memory. Cells are addressed by (group, side, field) so undo survives a template change."""

    def __init__(self, template: str = "both", parent: Any = None) -> None:
        super().__init__(parent)
        self._template = template
        self._hidden: frozenset[str] = frozenset()
        # Today's findings as typed: a knee flexor's angles in its row's convention (_conventions), converted to
        # the format's only on the way out (findings()), so what was typed is what is shown and undone.
        self._findings: dict[tuple[str, str], Finding] = {}
        self._conventions: dict[tuple[str, str], str | None] = {}
        self._clinic_convention: str | None = None
        self._previous: dict[tuple[str, str], Finding] = {}
        self._previous_date: dt.date | None = None
        self._pending: set[CellKey] = set()
        self._typing: tuple[CellKey, str] | None = None
        self._read_only = False
        self._rows: list[str] = []
        self._row_of: dict[str, int] = {}
        self._layout_rows()

    # --- rows ------------------------------------------------------------------------------------
    def _wanted_rows(self) -> list[str]:
        shown = {g for g in TEMPLATES[self._template] if g not in self._hidden}
        # A group that holds a value stays visible whatever the template: nothing typed is ever hidden.
        shown.update(g for g, _ in self._findings)
        shown.update(g for g, _, _ in self._pending)
        return sorted(shown, key=group_sort_key)

    def _layout_rows(self) -> None:
        self._rows = self._wanted_rows()
        self._row_of = {g: i for i, g in enumerate(self._rows)}

    def _relayout_if_needed(self) -> bool:
        if self._wanted_rows() == self._rows:
            return False
        self.beginResetModel()
        self._layout_rows()
        self.endResetModel()
        return True

    @property
    def template(self) -> str:
        return self._template

    def set_template(self, name: str) -> None:
        if name not in TEMPLATES:
            raise ValueError(f"unknown template {name!r}; choose one of {', '.join(TEMPLATES)}")
        self._template = name
        self._relayout_if_needed()

    @property
    def hidden_groups(self) -> frozenset[str]:
        return self._hidden

    @hidden_groups.setter
    def hidden_groups(self, groups: Iterable[str]) -> None:
        self._hidden = frozenset(groups)
        self._relayout_if_needed()

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self._rows)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    @property
    def popliteal_convention(self) -> str | None:
        """The clinic's popliteal angle convention: how a knee flexor's angle is typed in a row that has none yet."""
        return self._clinic_convention

    @popliteal_convention.setter
    def popliteal_convention(self, convention: str | None) -> None:
        if convention not in (None, *ANGLE_CONVENTIONS):
            raise ValueError(f"{convention!r} is not an angle convention")
        self._clinic_convention = convention
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    def convention_of(self, key: CellKey) -> str | None:
        """The convention the cell's angle is typed and shown in: its row's own once it holds an angle (as
        measured), else the clinic's; None for every cell but a knee flexor's angles."""
        if not angles.holds_popliteal(key[0], key[2]):
            return None
        return self._conventions.get(key[:2], self._clinic_convention)

    def parse(self, key: CellKey, value: Any) -> Value:
        """A value typed into the cell, as the cell holds it (ValueError names what is wrong)."""
        return parse_value(key[2], value, self.convention_of(key))

    # --- content ---------------------------------------------------------------------------------
    def load(self, findings: Iterable[Finding]) -> None:
        self.beginResetModel()
        self._findings, self._conventions = {}, {}
        for found in findings:
            if found.is_empty():
                continue
            row = (found.muscle_group, found.side)
            if angles.has_popliteal_angle(found):
                self._conventions[row] = found.angle_convention  # shown back as it was measured
            measured: dict[str, Any] = {**angles.as_measured(found), "angle_convention": None}
            self._findings[row] = dataclasses.replace(found, **measured)
        self._pending.clear()
        self._typing = None
        self._layout_rows()
        self.endResetModel()

    def set_last_visit(self, findings: Iterable[Finding], date: dt.date | None) -> None:
        """The visit compared with (▲/▼) and copied from."""
        self.beginResetModel()
        self._previous = {(f.muscle_group, f.side): f for f in findings}
        self._previous_date = date
        self._pending.clear()
        self._layout_rows()
        self.endResetModel()

    @property
    def last_visit_date(self) -> dt.date | None:
        return self._previous_date

    def findings(self) -> tuple[Finding, ...]:
        """Today's findings (copied values not yet confirmed are not findings), in catalogue order, a knee
        flexor's angles held in the format's convention with the convention they were measured in."""
        items = sorted(self._findings.items(), key=lambda kv: (group_sort_key(kv[0][0]), SIDES.index(kv[0][1])))
        return tuple(self._held(row, f) for row, f in items if not f.is_empty())

    def _held(self, row: tuple[str, str], found: Finding) -> Finding:
        if not angles.has_popliteal_angle(found):
            return found
        return angles.from_measured(found, self._conventions.get(row, self._clinic_convention))

    def _previous_held(self, key: CellKey) -> Value | None:
        before = self._previous.get(key[:2])
        return None if before is None else getattr(before, key[2])

    def previous_value(self, key: CellKey) -> Value | None:
        """The last visit's value, a knee flexor's angle in the convention this cell is typed in."""
        value = self._previous_held(key)
        if value is None or not angles.holds_popliteal(key[0], key[2]):
            return value
        return angles.in_convention(float(value), self.convention_of(key))

    def cell_state(self, key: CellKey) -> CellState:
        if key in self._pending:
            return CellState(None, True)
        found = self._findings.get(key[:2])
        return CellState(None if found is None else getattr(found, key[2]))

    def set_cell_states(self, states: Mapping[CellKey, CellState]) -> None:
        """Set cells without validation (undo commands pass states read from this model)."""
        for key, state in states.items():
            group, side, field = key
            found = self._findings.get((group, side)) or Finding(group, side)
            change: dict[str, Any] = {field: state.value}
            found = dataclasses.replace(found, **change)
            if state.value is not None and angles.holds_popliteal(group, field):
                self._conventions.setdefault((group, side), self._clinic_convention)  # the row's first angle
            if found.is_empty():
                self._findings.pop((group, side), None)
            else:
                self._findings[(group, side)] = found
            if state.pending:
                self._pending.add(key)
            else:
                self._pending.discard(key)
        if self._relayout_if_needed():
            return
        for key in states:
            index = self.index_of(key)
            if index.isValid():
                self.dataChanged.emit(index, index)

    def copy_candidates(self) -> dict[CellKey, CellState]:
        """The cells "Copy from last visit" fills: a last value exists, nothing typed today yet."""
        result = {}
        for (group, side), before in self._previous.items():
            for field in EXAM_FIELDS:
                key = (group, side, field)
                if getattr(before, field) is not None and self.cell_state(key) == EMPTY:
                    result[key] = CellState(None, True)
        return result

    def pending_cells(self) -> tuple[CellKey, ...]:
        return tuple(sorted(self._pending, key=lambda k: (group_sort_key(k[0]), k[1], EXAM_FIELDS.index(k[2]))))

    def set_typing(self, key: CellKey | None, text: str = "") -> None:
        """Show a keystroke that waits for its second key (MAS 1 before a possible +) in its cell."""
        old = self._typing
        self._typing = None if key is None else (key, text)
        for item in (old, self._typing):
            if item is not None:
                index = self.index_of(item[0])
                if index.isValid():
                    self.dataChanged.emit(index, index)

    # --- addressing ------------------------------------------------------------------------------
    def key_at(self, index: Index) -> CellKey:
        field, side = COLUMNS[index.column()]
        return (self._rows[index.row()], side, field)

    def index_of(self, key: CellKey) -> QModelIndex:
        row = self._row_of.get(key[0])
        if row is None:
            return QModelIndex()
        return self.index(row, COLUMNS.index((key[2], key[1])))

    # --- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if self._read_only else flags | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            field, side = COLUMNS[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{COLUMN_TITLES[field]}\n{'L' if side == 'left' else 'R'}"
            if role == Qt.ItemDataRole.ToolTipRole:
                scale = ORDINAL.get(field) or MEASURES[field]
                knee = (f"; knee flexors typed as {angles.CONVENTION_WORDS[self._clinic_convention]} (clinic setting)"
                        if field in angles.ANGLE_FIELDS else "")
                return f"{scale.name}, {side}{knee}"
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            group = self._rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return group_name(group)
            if role == Qt.ItemDataRole.ToolTipRole and group in angles.POPLITEAL_GROUPS:
                words = {angles.CONVENTION_WORDS[self.convention_of((group, s, "prom"))] for s in SIDES}
                return f"{group_name(group)}: angles as {' / '.join(sorted(words))}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = self.key_at(index)
        field = key[2]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        pending = key in self._pending
        value = self.previous_value(key) if pending else self.cell_state(key).value
        if role == Qt.ItemDataRole.DisplayRole:
            if self._typing is not None and self._typing[0] == key:
                return self._typing[1]
            if value is None:
                return ""
            mark = "" if pending or field not in CHANGE_FIELDS else arrow(field, self.previous_value(key), value)
            return f"{format_value(field, value)} {mark}".rstrip()
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ForegroundRole:
            if pending:
                return QBrush(COPIED)
            change = self._change(key, value)
            if change in COLOURED:
                return QBrush(BETTER if change == "better" else WORSE)
            return None
        if role == Qt.ItemDataRole.BackgroundRole and field == "mas" and value is not None and not pending:
            return MAS_BACKGROUNDS.get(str(value))
        if role == Qt.ItemDataRole.FontRole and pending:
            font = QFont()
            font.setItalic(True)
            return font
        if role in (Qt.ItemDataRole.ToolTipRole, HELP_ROLE):
            return self._help(key, value, pending)
        if role == PENDING_ROLE:
            return pending
        if role == CHANGE_ROLE:
            return self._change(key, value)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Validated edit through the scale catalogue ('' or None clears); invalid -> False."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._read_only:
            return False
        key = self.key_at(index)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.set_cell_states({key: EMPTY})
            return True
        try:
            parsed = self.parse(key, value)
        except ValueError:
            return False
        if self.conflict(key, parsed):
            return False
        self.set_cell_states({key: CellState(parsed)})
        return True

    def conflict(self, key: CellKey, value: Value) -> str | None:
        """Why a valid value cannot stand beside the cell's neighbours (Tardieu R1 beyond R2), or None."""
        if key[2] not in ("tardieu_r1", "tardieu_r2"):
            return None
        other = "tardieu_r2" if key[2] == "tardieu_r1" else "tardieu_r1"
        state = self.cell_state((key[0], key[1], other))
        beside = None if state.pending else state.value
        r1, r2 = (value, beside) if key[2] == "tardieu_r1" else (beside, value)
        return r1_beyond_r2(None if r1 is None else float(r1), None if r2 is None else float(r2))

    # --- derived ---------------------------------------------------------------------------------
    def _change(self, key: CellKey, value: Value | None) -> str | None:
        if value is None or key[2] not in CHANGE_FIELDS or key in self._pending:
            return None
        before = self._previous_held(key)
        if before is None:
            return None
        if angles.holds_popliteal(key[0], key[2]):  # compared as the format holds them: better is never reversed
            value = angles.in_convention(float(value), self.convention_of(key))
            assert value is not None
        return direction(key[2], before, value)

    def _measure_help(self, key: CellKey) -> str:
        """The measure's help; a knee flexor's angle names the convention it is typed and shown in."""
        text = MEASURES[key[2]].help
        if not angles.holds_popliteal(key[0], key[2]):
            return text
        convention = self.convention_of(key)
        words = angles.CONVENTION_WORDS
        said = f"Popliteal angle typed as {words[convention]}"
        if convention != self._clinic_convention:
            said += f", as this exam measured it (the clinic's setting: {words[self._clinic_convention]})"
        return text.replace(ANGLE_HELP, said + ".")

    def _help(self, key: CellKey, value: Value | None, pending: bool) -> str:
        field = key[2]
        where = f"{group_name(key[0])}, {key[1]}"
        if field in ORDINAL:
            scale = ORDINAL[field]
            if value is None:
                grades = ", ".join(scale.labels)
                return f"{where} — {scale.name}: grades {grades}."
            text = f"{where} — {scale.abbreviation} {value}: {scale.meaning(str(value))}"
        else:
            measure = MEASURES[field]
            shown = "" if value is None else f" {format_value(field, value)}"
            text = f"{where} — {measure.name}{shown}: {self._measure_help(key)}"
        if pending:
            return f"{text} (copied from {self._previous_date}; Space confirms, or type today's value)"
        before = self.previous_value(key)
        if before is not None and field in CHANGE_FIELDS and value is not None and value != before:
            change = self._change(key, value)
            said = f": {change}" if change in COLOURED else ""
            return f"{text} (was {format_value(field, before)} on {self._previous_date}{said})"
        return text


def template_for(visit: Visit | None) -> str:
    """The template showing what a visit examined: its one region, or both when it examined both or none."""
    regions = {GROUPS_BY_CODE[f.muscle_group].region for f in (visit.findings if visit else ())
               if f.muscle_group in GROUPS_BY_CODE}
    return regions.pop() if len(regions) == 1 else "both"
