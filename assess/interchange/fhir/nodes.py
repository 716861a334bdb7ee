"""Reading untrusted FHIR JSON: every value fetched with its JSON path, every wrong type a one-line error."""

from __future__ import annotations

import math
import re
from typing import Any

from assess.record.errors import RecordError

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list",
          dict: "an object", type(None): "null"}


def fail(path: str, message: str) -> RecordError:
    return RecordError(path or "(bundle)", message)


def _kind(value: Any) -> str:
    return _NAMES.get(type(value), type(value).__name__)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def obj(value: Any, path: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise fail(path, f"expected an object, not {_kind(value)}")
    return value


def get_obj(d: dict[str, Any], key: str, path: str, required: bool = False) -> dict[str, Any] | None:
    if key not in d:
        if required:
            raise fail(join(path, key), "is missing")
        return None
    return obj(d[key], join(path, key))


def get_list(d: dict[str, Any], key: str, path: str) -> list[Any]:
    value = d.get(key, [])
    if type(value) is not list:
        raise fail(join(path, key), f"expected a list, not {_kind(value)}")
    return value


def items(d: dict[str, Any], key: str, path: str) -> list[tuple[dict[str, Any], str]]:
    """The objects of a list, each with its path."""
    where = join(path, key)
    return [(obj(item, f"{where}[{i}]"), f"{where}[{i}]") for i, item in enumerate(get_list(d, key, path))]


def get_str(d: dict[str, Any], key: str, path: str, required: bool = False) -> str | None:
    value = d.get(key)
    if value is None and key not in d:
        if required:
            raise fail(join(path, key), "is missing")
        return None
    return _text(value, join(path, key))


def texts(d: dict[str, Any], key: str, path: str) -> list[str]:
    """A list of strings (a name's given names, its prefixes)."""
    return [_text(value, f"{join(path, key)}[{i}]") for i, value in enumerate(get_list(d, key, path))]


def _text(value: Any, path: str) -> str:
    if type(value) is not str or not value.strip():
        raise fail(path, f"expected text, not {_kind(value) if type(value) is not str else 'empty text'}")
    return value


def get_int(d: dict[str, Any], key: str, path: str) -> int:
    value = d.get(key)
    if type(value) is not int:
        raise fail(join(path, key), "is missing" if key not in d else f"expected a whole number, not {_kind(value)}")
    return value


def get_number(d: dict[str, Any], key: str, path: str) -> float:
    value: Any = d.get(key)
    if type(value) not in (int, float) or not math.isfinite(value):
        raise fail(join(path, key), "is missing" if key not in d else f"expected a number, not {value!r}")
    return float(value)


def get_bool(d: dict[str, Any], key: str, path: str) -> bool:
    value = d.get(key)
    if type(value) is not bool:
        raise fail(join(path, key), "is missing" if key not in d else f"expected true or false, not {_kind(value)}")
    return value


def get_date(d: dict[str, Any], key: str, path: str, required: bool = True) -> str | None:
    """A calendar day; a dateTime from an EHR gives its day. A year or a month alone is refused: assess
    needs the day."""
    value = get_str(d, key, path, required)
    if value is None:
        return None
    day = value[:10]
    if not _DATE.match(day) or (len(value) > 10 and value[10] != "T"):
        raise fail(join(path, key), f"{value!r} is not a full date (YYYY-MM-DD)")
    return day


def codes(concept: dict[str, Any] | None, path: str) -> list[tuple[str, str, str]]:
    """(system, code, path) of each coding of a CodeableConcept."""
    if concept is None:
        return []
    found = []
    for coding, where in items(concept, "coding", path):
        system, code = coding.get("system"), coding.get("code")
        if type(system) is str and type(code) is str:
            found.append((system, code, where))
    return found


def code_in(concept: dict[str, Any] | None, path: str, *systems: str) -> tuple[str, str] | None:
    """The first code of the concept in one of the systems, with the coding's path."""
    for system, code, where in codes(concept, path):
        if system in systems:
            return code, where
    return None


def extension_value(d: dict[str, Any], url: str, path: str, key: str) -> tuple[Any, str] | None:
    for ext, where in items(d, "extension", path):
        if ext.get("url") == url:
            if key not in ext:
                raise fail(where, f"extension {url} has no {key}")
            return ext[key], join(where, key)
    return None
