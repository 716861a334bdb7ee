"""Checks a document against assess-record-1.schema.json, naming the JSON path of the first bad value."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

from assess.interchange.text import json_path, quoted, shorten_message
from assess.record.errors import RecordError

Path = tuple[str | int, ...]
__all__ = ["FORMAT", "check_schema", "json_path", "reference_error", "schema"]

FORMAT = "assess-record/1"


@functools.cache
def schema() -> dict[str, Any]:
    text = resources.files("assess.interchange").joinpath("assess-record-1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _draft07(root: dict[str, Any]) -> dict[str, Any]:
    root = dict(root)
    root.pop("$id", None)  # relative: the references resolve inside the document
    root["$schema"] = "http://json-schema.org/draft-07/schema#"
    return root


@functools.cache
def _fast_validators() -> tuple[Callable[[Any], Any], dict[str, Callable[[Any], Any]]]:
    """The schema compiled to Python code: about 20 times faster than jsonschema on large files.

    fastjsonschema speaks draft-07; the schema's 2020-12 keywords used here ($defs by JSON pointer,
    if/then, const, anyOf, exclusiveMinimum) mean the same there. jsonschema stays the reference: it
    words the error. Two parts are split off for speed, with the same rules:
    - findings are checked as they are read (interchange/findings.py), hundreds of thousands per file,
      and not even looped over here (fastjsonschema formats a path for every array item it visits);
    - a treatment is checked by its kind's definition directly, as the schema's if/then chain says,
      instead of trying all seven conditions (each failed one raises and catches an exception).
    Formats (date, date-time) are not checked, as jsonschema does not check them by default: the
    reader parses every date itself and says "not a real calendar date".
    """
    import fastjsonschema

    defs = dict(schema()["$defs"])
    visit = dict(defs["visit"])
    visit["properties"] = {**visit["properties"], "findings": {"type": "array"}}
    defs["visit"] = visit
    kinds = defs["treatment"]["properties"]["kind"]["enum"]
    defs["treatment"] = {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": kinds}}}
    document = fastjsonschema.compile(_draft07({**schema(), "$defs": defs}), use_formats=False)
    by_kind = {kind: fastjsonschema.compile(_draft07({"$defs": schema()["$defs"], "$ref": f"#/$defs/{kind}"}),
                                            use_formats=False) for kind in kinds}
    return document, by_kind


# The parts of a document that have a definition of their own, by the shape of their JSON path: an error
# found in one of them is worded by jsonschema from that part alone, not from the whole (maybe 300 MB) file.
_PARTS: tuple[tuple[tuple[str | None, ...], str], ...] = (
    (("patients", None, "visits", None, "findings", None), "finding"),
    (("patients", None, "treatments", None), "treatment"),
    (("patients", None), "patient"),
)
_PATIENT = re.compile(r"^data\.patients\[(\d+)\]")


@functools.cache
def _reference_validator(definition: str | None) -> Any:
    import jsonschema

    root = schema() if definition is None else {"$schema": schema()["$schema"], "$defs": schema()["$defs"],
                                                  "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(root)


def _part_of(document: Any, where: Path) -> tuple[Any, str | None, Path]:
    """The smallest part containing `where` that has its own definition: (part, definition, its path)."""
    for shape, definition in _PARTS:
        if len(where) < len(shape):
            continue
        prefix = where[:len(shape)]
        if all(expected is None or expected == got for expected, got in zip(shape, prefix, strict=True)):
            part = document
            try:
                for key in prefix:
                    part = part[key]
            except (KeyError, IndexError, TypeError):
                break
            return part, definition, prefix
    if isinstance(document, dict) and isinstance(document.get("patients"), list) and where[:1] != ("patients",):
        return {**document, "patients": []}, None, ()  # a fault outside the patients: checked without them
    return document, None, ()


def reference_error(document: Any, where: Path = ()) -> RecordError | None:
    """The error jsonschema (the reference implementation) finds in the part of the document at `where`
    (the whole document by default), worded with its JSON path."""
    import jsonschema

    part, definition, prefix = _part_of(document, where)
    try:
        error = jsonschema.exceptions.best_match(_reference_validator(definition).iter_errors(part))
    except RecursionError:  # a value nested too deeply to word: the caller says it in its own words
        return None
    if error is None:
        return None
    # For a failed anyOf (a vocabulary that also admits a clinic's x- code), the enum branch words it best.
    # best_match may stop at the anyOf or descend into one of its branches (for a string it picks the x- pattern).
    any_of = error if error.validator == "anyOf" else error.parent
    if any_of is not None and any_of.validator == "anyOf" and any_of.context:
        enum_errors = [e for e in any_of.context if e.validator == "enum"]
        if enum_errors:
            error = enum_errors[0]
    path = json_path((*prefix, *error.absolute_path))
    return RecordError(path or "(document)", shorten_message(error.message, error.instance))


def _fast_error_path(name: str) -> Path:
    """fastjsonschema's 'data.patients[12].visits[3]...' as far as the patient: where to look again."""
    found = _PATIENT.match(name)
    return ("patients", int(found.group(1))) if found else ()


def check_schema(document: Any) -> None:
    """Raise RecordError naming the JSON path of the first value the schema rejects."""
    import fastjsonschema

    validate_document, validate_kind = _fast_validators()
    where = ""  # the JSON path of the part validated on its own (a treatment), for the fallback message
    part: Path = ()
    try:
        validate_document(document)
        for i, patient in enumerate(document["patients"]):
            for j, treatment in enumerate(patient.get("treatments", ())):
                where, part = f"patients[{i}].treatments[{j}]", ("patients", i, "treatments", j)
                validate_kind[treatment["kind"]](treatment)
    except fastjsonschema.JsonSchemaValueException as fast_error:
        name = fast_error.name or "data"
        error = reference_error(document, part or _fast_error_path(name))
        if error is None:
            # The validators disagree only where Python's regular expressions are laxer than the
            # schema's (ECMA 262): '$' also matches before a final newline. Trust the refusal.
            relative = name.removeprefix("data")
            path = (where + relative if where else relative.lstrip(".")) or "(document)"
            message = fast_error.message.removeprefix(name).strip()
            raise RecordError(path, f"{quoted(fast_error.value)} {message}") from None
        raise error from None
