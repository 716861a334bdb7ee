"""Autosaved exams: an in-progress visit kept as a small JSON file until it is saved to the database."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

from assess.record.domain import Finding, GoalScore, Visit, VisitScores

log = logging.getLogger(__name__)

FORMAT = "assess-draft/1"
_SUFFIX = ".json"


@dataclass(frozen=True)
class VisitDraft:
    """What the clinician had typed: the visit, the stored version it was based on (None: a new visit)."""

    mrn: str
    visit: Visit
    base_version: int | None
    saved_at: dt.datetime


class DraftError(ValueError):
    """A draft file that cannot be read back (truncated, edited by hand, from another program)."""


# --- Visit <-> plain JSON --------------------------------------------------------------------------
# Written here rather than with interchange.write: a draft may be clinically incomplete (Penn severity
# typed before frequency, a finding half entered) and must still round-trip exactly, value for value.

def _present(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names if getattr(obj, name) is not None}


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))
_SCORE_FIELDS = tuple(f.name for f in fields(VisitScores))


def visit_to_json(visit: Visit) -> dict[str, Any]:
    return {
        "date": visit.date.isoformat(),
        "type": visit.type,
        "clinician": visit.clinician,
        "status": visit.status,
        "signed_at": visit.signed_at.isoformat() if visit.signed_at else None,
        "weight_kg": visit.weight_kg,
        "findings": [_present(f, _FINDING_FIELDS) for f in visit.findings],
        "scores": _present(visit.scores, _SCORE_FIELDS),
        "triggers": list(visit.triggers),
        "symptoms": list(visit.symptoms),
        "goal_scores": [{"goal": s.goal, "score": s.score} for s in visit.goal_scores],
        "notes": visit.notes,
    }


def _expect(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    # bool is an int in Python; a true/false where a number belongs is a damaged file.
    if value is not None and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)):
        raise DraftError(f"{what}: unexpected {type(value).__name__}")
    return value


_FINDING_TYPES: dict[str, type | tuple[type, ...]] = {
    "muscle_group": str, "side": str, "mas": str, "tardieu_x": int, "tardieu_r1": (int, float),
    "tardieu_r2": (int, float), "asas": int, "prom": (int, float), "mrc": str, "reflex": str,
    "clonus_beats": int, "clonus_sustained": bool, "note": str, "angle_convention": str,
}


def _finding(data: Any) -> Finding:
    if not isinstance(data, dict):
        raise DraftError("finding: not an object")
    values = {name: _expect(data.get(name), _FINDING_TYPES[name], f"finding.{name}") for name in _FINDING_FIELDS}
    if values["muscle_group"] is None or values["side"] is None:
        raise DraftError("finding without muscle group or side")
    return Finding(**values)


def _strings(data: Any, what: str) -> tuple[str, ...]:
    if not isinstance(data, list):
        raise DraftError(f"{what}: not a list")
    return tuple(_expect(item, str, what) for item in data)


def visit_from_json(data: Any) -> Visit:
    if not isinstance(data, dict):
        raise DraftError("visit: not an object")
    scores = data.get("scores") or {}
    if not isinstance(scores, dict):
        raise DraftError("scores: not an object")
    goal_scores = data.get("goal_scores") or []
    if not isinstance(goal_scores, list) or not all(isinstance(s, dict) for s in goal_scores):
        raise DraftError("goal_scores: not a list of objects")
    signed_at = _expect(data.get("signed_at"), str, "signed_at")
    return Visit(
        date=dt.date.fromisoformat(_expect(data["date"], str, "date")),
        type=_expect(data["type"], str, "type"),
        clinician=_expect(data.get("clinician", ""), str, "clinician"),
        status=_expect(data.get("status", "draft"), str, "status"),
        signed_at=dt.datetime.fromisoformat(signed_at) if signed_at else None,
        weight_kg=_expect(data.get("weight_kg"), (int, float), "weight_kg"),
        findings=tuple(_finding(f) for f in data.get("findings") or []),
        scores=VisitScores(**{name: _expect(scores.get(name), int, f"scores.{name}") for name in _SCORE_FIELDS}),
        triggers=_strings(data.get("triggers") or [], "triggers"),
        symptoms=_strings(data.get("symptoms") or [], "symptoms"),
        goal_scores=tuple(GoalScore(_expect(s["goal"], str, "goal"), _expect(s["score"], int, "score"))
                          for s in goal_scores),
        notes=_expect(data.get("notes"), str, "notes"),
    )


def draft_to_json(draft: VisitDraft) -> dict[str, Any]:
    return {"format": FORMAT, "mrn": draft.mrn, "base_version": draft.base_version,
            "saved_at": draft.saved_at.isoformat(), "visit": visit_to_json(draft.visit)}


def draft_from_json(data: Any) -> VisitDraft:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DraftError(f"not an {FORMAT} file")
    saved_at = dt.datetime.fromisoformat(_expect(data["saved_at"], str, "saved_at"))
    return VisitDraft(mrn=_expect(data["mrn"], str, "mrn"), visit=visit_from_json(data["visit"]),
                      base_version=_expect(data.get("base_version"), int, "base_version"), saved_at=saved_at)


# --- the folder of drafts --------------------------------------------------------------------------

class DraftStore:
    """One file per (MRN, visit date, visit type) in a folder only the user can read.

    Each save is atomic: written to a temporary file, flushed to disk, then renamed over the old
    draft, so a crash or power cut leaves either the previous draft or the new one, never half of one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._made_private = False

    def path(self, mrn: str, date: dt.date, visit_type: str) -> Path:
        # MRNs may hold any character; quoted, they make a safe file name that can be read back.
        return self.folder / f"{quote(mrn, safe='')}__{date.isoformat()}__{quote(visit_type, safe='')}{_SUFFIX}"

    def save(self, draft: VisitDraft) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self._made_private:  # a folder made before (by hand, or with another umask) is tightened once
            os.chmod(self.folder, 0o700)
            self._made_private = True
        target = self.path(draft.mrn, draft.visit.date, draft.visit.type)
        payload = json.dumps(draft_to_json(draft), ensure_ascii=False, indent=1).encode("utf-8")
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".draft-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                os.chmod(temp, 0o600)
                out.write(payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        self._sync_folder()
        return target

    def _sync_folder(self) -> None:
        """Make the rename itself durable (POSIX); not possible, nor needed, on Windows."""
        if os.name != "posix":
            return
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def load(self, mrn: str, date: dt.date, visit_type: str) -> VisitDraft | None:
        path = self.path(mrn, date, visit_type)
        return self._read(path) if path.exists() else None

    def load_all(self) -> list[VisitDraft]:
        """Every readable draft, oldest first; a damaged file is skipped with a warning, never fatal."""
        if not self.folder.is_dir():
            return []
        drafts = []
        for path in sorted(self.folder.glob(f"*{_SUFFIX}")):
            if path.name.startswith("."):
                continue
            draft = self._read(path)
            if draft is not None:
                drafts.append(draft)
        drafts.sort(key=lambda d: (_utc(d.saved_at), d.mrn, d.visit.date, d.visit.type))
        return drafts

    def _read(self, path: Path) -> VisitDraft | None:
        try:
            return draft_from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, DraftError, KeyError, TypeError,
                ValueError) as error:
            log.warning("skipped the unreadable draft %s: %s", path, error)
            return None

    def discard(self, mrn: str, date: dt.date, visit_type: str) -> None:
        self.path(mrn, date, visit_type).unlink(missing_ok=True)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
