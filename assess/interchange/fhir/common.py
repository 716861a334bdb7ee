"""What every FHIR writer shares: stable resource URLs, references, quantities, laterality."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from json.encoder import encode_basestring
from typing import Any, TypeVar

from assess.interchange.fhir.codes import BASE, LATERALITY_EXTENSION, SCT_SIDES, SNOMED, UCUM, extension

# Each resource's fullUrl is a name-based UUID (RFC 4122 version 5) of the patient's MRN and what the resource
# is about, so exporting the same record twice gives the same URLs and an EHR can tell a re-sent resource.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}  # RFC 4122 variant bits
Resource = dict[str, Any]
Entry = dict[str, Any]
T = TypeVar("T")
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
# Values written hundreds of thousands of times (a code, a category, a muscle group's body site) are encoded
# once. Keyed by id(): each is kept alive in _KEPT, so its id is never reused by another object.
_KEPT: list[Any] = []
_SHARED: dict[int, str] = {}


def shared(value: T) -> T:
    """Marks a value that is never changed after this and is written many times."""
    _KEPT.append(value)
    _SHARED[id(value)] = _encode(value)
    return value


def encode_entry(item: Entry, known: dict[int, str] = _SHARED) -> str:
    """json.dumps(item) compact, with the JSON of shared values reused: the encoder's own per-call set-up
    cost more than the writing (a third of a clinic's export)."""
    parts = []
    for key, value in item["resource"].items():
        kind = type(value)
        if kind is str:
            text = encode_basestring(value)
        elif kind is int:
            text = str(value)
        else:
            found = known.get(id(value))
            text = found if found is not None else _encode(value)
        parts.append(f'"{key}":{text}')
    return '{"fullUrl":' + encode_basestring(item["fullUrl"]) + ',"resource":{' + ",".join(parts) + "}}"


def encode(value: Any) -> str:
    return _encode(value)


class Context:
    """One patient being written: where its resources' URLs come from."""

    def __init__(self, mrn: str) -> None:
        self._hash = hashlib.sha1(uuid.uuid5(_NAMESPACE, mrn).bytes, usedforsecurity=False)
        self.known = dict(_SHARED)
        self._kept: list[Any] = []
        self.patient_url = self.url("Patient")
        self.patient = self.share({"reference": self.patient_url})

    def share(self, value: T) -> T:
        """shared() for a value of this patient only (a reference to the patient or to one visit)."""
        self._kept.append(value)
        self.known[id(value)] = _encode(value)
        return value

    def url(self, *key: str) -> str:
        return self.url_of("/".join(key))

    def url_of(self, key: str) -> str:
        """uuid.uuid5(namespace, key) without its objects: a third of the export's time went there."""
        digest = self._hash.copy()
        digest.update(key.encode("utf-8"))
        h = digest.hexdigest()
        return f"urn:uuid:{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def shared_url(*key: str) -> str:
    """A resource shared by patients (the clinic)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(key))}"


def entry(url: str, resource: Resource) -> Entry:
    return {"fullUrl": url, "resource": resource}


def number(value: float) -> float | int:
    """22 rather than 22.0: the value as it was entered."""
    return int(value) if float(value).is_integer() else value


def quantity(value: float, unit: str, code: str) -> dict[str, Any]:
    return {"value": number(value), "unit": unit, "system": UCUM, "code": code}


def degrees(value: float) -> dict[str, Any]:
    return quantity(value, "°", "deg")


def moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@functools.cache
def side_concept(side: str) -> dict[str, Any]:
    code, display = SCT_SIDES[side]
    return shared({"coding": [{"system": SNOMED, "code": code, "display": display}]})


@functools.cache
def laterality(side: str, observation: bool) -> list[dict[str, Any]]:
    """The side as an extension of a body site: HL7's structure-laterality on Observation.bodySite (its only
    context), assess's own laterality extension elsewhere (a medication's site, a procedure's body site)."""
    url = LATERALITY_EXTENSION if observation else extension("laterality")
    return shared([{"url": url, "valueCodeableConcept": side_concept(side)}])


def note(text: str | None) -> list[dict[str, Any]] | None:
    return [{"text": text}] if text else None


def put(resource: Resource, key: str, value: Any) -> None:
    """Absent values are left out (FHIR forbids empty elements)."""
    if value is not None and value != [] and value != "":
        resource[key] = value
