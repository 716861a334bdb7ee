"""Where each value of the assess-record/1 document built from a Bundle came from, to word errors in FHIR terms."""

from __future__ import annotations

import re

_LAST = re.compile(r"(\.[^.\[]+|\[[0-9]+\])$")


class Origins:
    """assess-record/1 path (patients[0].visits[2].findings[5].mas) -> FHIR JSON path (entry[40].resource...)."""

    def __init__(self) -> None:
        self._paths: dict[str, str] = {}

    def note(self, document_path: str, fhir_path: str) -> None:
        self._paths.setdefault(document_path, fhir_path)

    def find(self, document_path: str) -> str | None:
        """The FHIR path of the value, else of the nearest enclosing object that has one."""
        path = document_path
        while path:
            if path in self._paths:
                return self._paths[path]
            shorter = _LAST.sub("", path)
            if shorter == path:
                return None
            path = shorter
        return None
