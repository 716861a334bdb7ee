"""Values quoted briefly in an error, and text that is not Unicode (a lone surrogate) found by its JSON path."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from typing import Any

from assess.record.errors import RecordError

MAX_QUOTE = 80  # characters of a value an error line shows; the rest is counted, not printed

_brief = reprlib.Repr()
_brief.maxstring = _brief.maxother = MAX_QUOTE
_brief.maxlong = 40
_brief.maxlist = _brief.maxdict = _brief.maxtuple = _brief.maxset = 4
_brief.maxlevel = 2


def quoted(value: Any) -> str:
    """repr(value), cut to about MAX_QUOTE characters (a 100,000-character name, a 4,000-digit number, an
    array nested 900 deep): the line says which value and where, not all of it."""
    try:
        text = repr(value) if isinstance(value, (bool, float)) or value is None else _brief.repr(value)
    except RecursionError:  # pragma: no cover - reprlib stops at maxlevel
        text = f"<{type(value).__name__}>"
    if isinstance(value, str) and len(value) > MAX_QUOTE:
        text += f" ({len(value):,} characters)"
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 30:
        text = f"a number of {len(str(abs(value))):,} digits ({text})"
    return text


def shorten_message(message: str, value: Any) -> str:
    """An error message that quoted `value` whole, with the value quoted briefly instead."""
    if len(message) <= 2 * MAX_QUOTE:
        return message
    try:
        whole = repr(value)
    except (RecursionError, ValueError):  # too deep, or an int too long to print
        return message[:MAX_QUOTE] + "…"
    if whole in message:
        return message.replace(whole, quoted(value))
    return message


def _lone_surrogate(text: str) -> int | None:
    """Where text holds a UTF-16 surrogate on its own (no Unicode character), else None."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def surrogate_error(text: str, path: str) -> RecordError | None:
    at = _lone_surrogate(text)
    if at is None:
        return None
    return RecordError(path, f"{quoted(text)} is not valid Unicode text (a lone surrogate, "
                             f"{text[at]!r}, at character {at + 1}); it cannot be stored")


def check_text(document: Any, skip: str = "findings") -> None:
    """RecordError at the first string (or key) that is not Unicode text, such as "\\ud800" read from JSON.

    Only strings the schema let through get here, and `skip` leaves out the findings (hundreds of thousands
    in a large file; their one free-text field, the note, is checked as each finding is read). A first pass
    only looks: working out the JSON path of each of a large file's strings cost more than the check itself
    (a third of reading the file); the path is worked out on a second pass, when there is one to name.
    """
    if _all_text(document, skip):
        return
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            error = surrogate_error(node, _json_path(path))
            if error is not None:
                raise error
        elif isinstance(node, dict):
            for key in node:
                if isinstance(key, str) and (error := surrogate_error(key, _json_path(path))) is not None:
                    raise error
            # Pushed last first: popped in the document's order, so the first bad value is the one named.
            stack.extend((value, (*path, key)) for key, value in reversed(node.items()) if key != skip)
        elif isinstance(node, list):
            stack.extend((node[i], (*path, i)) for i in range(len(node) - 1, -1, -1))


def _all_text(document: Any, skip: str) -> bool:
    """Whether every string and key of the document (but under `skip`) is Unicode text."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _lone_surrogate(node) is not None:
                return False
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _lone_surrogate(key) is not None:
                    return False
                if key != skip:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return True


def json_path(parts: Iterable[str | int]) -> str:
    """['patients', 0, 'visits', 2, 'mas'] -> 'patients[0].visits[2].mas'."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _json_path(parts: tuple[str | int, ...]) -> str:
    return json_path(parts) or "(document)"
