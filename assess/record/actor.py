"""Who is working (the logged-in user and workstation) and what each role may do: plain data, no database."""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass

ROLES: tuple[str, ...] = ("clinician", "therapist", "reader")
SINGLE_USER = "single_user"  # the role of whoever works on a database that has no users yet

VIEW = "view"
EXPORT = "export"
REPORT = "report"
EDIT_PATIENT = "edit_patient"
RECORD_GOAL = "record_goal"
RECORD_VISIT = "record_visit"
SIGN = "sign"
ADDENDUM = "addendum"
IMPORT = "import"
CLINIC_SETTINGS = "clinic_settings"
MANAGE_USERS = "manage_users"
DATABASE = "database"  # back up, restore or upgrade the whole database: a clinician's, once there are users


def record_treatment_permission(kind: str) -> str:
    """The permission to record a treatment of one kind ('record_botulinum_toxin')."""
    return f"record_{kind}"


_READER = frozenset({VIEW, EXPORT, REPORT})
# A therapist records what therapists examine and provide; drugs, toxin, pumps and surgery stay with clinicians.
_THERAPIST = _READER | {RECORD_VISIT, RECORD_GOAL, record_treatment_permission("therapy"),
                          record_treatment_permission("orthosis")}

# What a role may do; a clinician (and single-user mode) may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {"reader": _READER, "therapist": frozenset(_THERAPIST)}

# Words for refusals: "a therapist cannot record botulinum toxin".
ACTION_WORDS: dict[str, str] = {
    VIEW: "open records", EXPORT: "export records", REPORT: "write reports", EDIT_PATIENT: "change patient details",
    RECORD_GOAL: "set goals", RECORD_VISIT: "record visits", SIGN: "sign records", ADDENDUM: "write addenda",
    IMPORT: "import records", CLINIC_SETTINGS: "change clinic settings", MANAGE_USERS: "manage users",
    DATABASE: "back up, restore or upgrade the database",
}


def action_words(permission: str) -> str:
    if permission in ACTION_WORDS:
        return ACTION_WORDS[permission]
    return "record " + permission.removeprefix("record_").replace("_", " ")


def allows(role: str, permission: str) -> bool:
    if role in ("clinician", SINGLE_USER):
        return True
    return permission in PERMISSIONS.get(role, frozenset())


def workstation() -> str:
    return socket.gethostname() or "unknown"


@dataclass(frozen=True)
class Actor:
    """The person behind every change, as the audit trail names them."""

    name: str
    role: str
    workstation: str

    @classmethod
    def single_user(cls) -> Actor:
        """Whoever runs assess on a database without users: named by the computer's login."""
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(name, SINGLE_USER, workstation())
