"""The shape of a record handed to the services in Python: each field of the type its annotation says.

The validators check a record by writing it as a document and reading it back, which assumes the right
Python types: a date that is None, a contact that is False, a grade that is a number would otherwise
fail inside the writer with a TypeError instead of a RecordError naming the field. A program calling the
services (the window, a script) gets the same one-line message a bad file gets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import types
import typing
from typing import Any

from assess.record import domain
from assess.record.errors import RecordError

_NAMES: dict[Any, str] = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
                          dt.date: "a date", dt.datetime: "a moment with its time zone", type(None): "nothing"}


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind, vars(domain))


def _describe(annotation: Any) -> str:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(annotation))
    if typing.get_origin(annotation) is tuple:
        return f"a list of {_describe(typing.get_args(annotation)[0])}"
    return _NAMES.get(annotation) or f"a {getattr(annotation, '__name__', str(annotation)).lower()}"


def _fits(value: Any, annotation: Any) -> bool:
    """Whether value is of the annotated type at its top level (the parts are checked on the way down)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in typing.get_args(annotation))
    if origin is tuple:
        return isinstance(value, tuple)
    if annotation is type(None):
        return value is None
    if annotation is float:  # a whole number is a number; true/false, infinity and NaN are not
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is dt.date:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if annotation is dt.datetime:
        return isinstance(value, dt.datetime) and value.tzinfo is not None
    return isinstance(value, annotation)


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def check_shape(value: Any, annotation: Any, path: str = "") -> None:
    """RecordError at the first field whose value is not of its annotated type (path in the record's terms)."""
    if not _fits(value, annotation):
        raise RecordError(path, f"expected {_describe(annotation)}, not {value!r}")
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        arm = next(a for a in typing.get_args(annotation) if _fits(value, a))
        check_shape(value, arm, path)
    elif origin is tuple:
        item = typing.get_args(annotation)[0]
        for i, part in enumerate(value):
            check_shape(part, item, _join(path, i))
    elif dataclasses.is_dataclass(annotation):
        hints = _hints(annotation)  # type: ignore[arg-type]
        for field in dataclasses.fields(annotation):
            if field.init:
                check_shape(getattr(value, field.name), hints[field.name], _join(path, field.name))
