"""What the About box tells: this version of assess, the database in use, and when the safety limits were checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from assess import __version__
from assess.scoring.limits import LimitTable, load_limits


@dataclass(frozen=True)
class AboutAssess:
    """The facts a clinician or the clinic's IT person asks for first when something looks wrong."""

    version: str
    database: str
    limits: int
    unverified_limits: int
    limits_last_checked: dt.date | None  # the newest `checked_on` in limits.json
    limits_first_checked: dt.date | None  # the oldest: the file may have been checked over several days

    def limits_sentence(self) -> str:
        """'35 safety limits, last checked 2026-11-24 (5 not verified against their source).'"""
        if self.limits_last_checked is None or self.limits_first_checked is None:
            return "No safety limits are on file."
        checked = (f"last checked {self.limits_last_checked}" if self.limits_first_checked == self.limits_last_checked
                   else f"checked between {self.limits_first_checked} and {self.limits_last_checked}")
        unverified = (f" ({self.unverified_limits} not verified against their source: their warnings say so)"
                      if self.unverified_limits else "")
        return f"{self.limits} safety limits, {checked}{unverified}."


def about_assess(database: str, limits: LimitTable | None = None) -> AboutAssess:
    """The About facts for the database described as `database` (Database.describe(): path or URL without
    password), from the shipped limits file unless a table is given."""
    table = limits if limits is not None else load_limits()
    dates = [limit.checked_on for limit in table]
    return AboutAssess(version=__version__, database=database, limits=len(table),
                       unverified_limits=sum(not limit.verified for limit in table),
                       limits_last_checked=max(dates, default=None), limits_first_checked=min(dates, default=None))
