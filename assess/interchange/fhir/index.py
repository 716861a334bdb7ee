"""A FHIR Bundle read for import: its resources by URL and by patient, references resolved with their paths."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from assess.interchange.fhir.nodes import fail, get_obj, get_str, items, join, obj


@dataclass(frozen=True)
class Item:
    """One resource of the Bundle and the JSON path it was read at (entry[12].resource)."""

    resource: dict[str, Any]
    path: str
    type: str


# The element naming a resource's patient, for the resources assess reads.
_SUBJECT = {"Condition": "subject", "Observation": "subject", "Encounter": "subject", "Goal": "subject",
            "Procedure": "subject", "MedicationStatement": "subject", "MedicationAdministration": "subject",
            "ClinicalImpression": "subject", "Device": "patient"}


class BundleIndex:
    """Every resource of a Bundle, findable by its fullUrl or by Type/id; the patients' resources grouped."""

    def __init__(self, bundle: Any) -> None:
        root = obj(bundle, "")
        kind = root.get("resourceType")
        if kind != "Bundle":
            raise fail("resourceType", f"{kind!r} is not a FHIR Bundle (expected 'Bundle')")
        self.items: list[Item] = []
        self._by_url: dict[str, Item] = {}
        for entry, path in items(root, "entry", ""):
            resource = get_obj(entry, "resource", path, required=True)
            assert resource is not None
            where = join(path, "resource")
            kind = get_str(resource, "resourceType", where, required=True)
            assert kind is not None
            item = Item(resource, where, kind)
            self.items.append(item)
            full_url = entry.get("fullUrl")
            if full_url is not None:
                if type(full_url) is not str:
                    raise fail(join(path, "fullUrl"), "expected text")
                if full_url in self._by_url:
                    raise fail(join(path, "fullUrl"), f"{full_url!r} is the URL of another entry too")
                self._by_url[full_url] = item
            if type(resource.get("id")) is str:
                self._by_url.setdefault(f"{kind}/{resource['id']}", item)
        self.patients = [item for item in self.items if item.type == "Patient"]
        self.of_patient: dict[int, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))

    def resolve(self, holder: dict[str, Any] | None, path: str, *types: str) -> Item:
        """The resource a Reference names; a reference outside the Bundle or of the wrong type is refused."""
        if holder is None:
            raise fail(path, "is missing")
        reference = get_str(holder, "reference", path, required=True)
        assert reference is not None
        found = self._by_url.get(reference)
        if found is None and "/" in reference:
            found = self._by_url.get("/".join(reference.rstrip("/").split("/")[-2:]))
        if found is None:
            raise fail(join(path, "reference"), f"{reference!r} is not a resource of this Bundle")
        if types and found.type not in types:
            raise fail(join(path, "reference"), f"refers to a {found.type}, not a {' or '.join(types)}")
        return found

    def group_by_patient(self) -> None:
        """Each resource assess reads, under the Patient its subject names (resources of other kinds wait
        to be reached by a reference)."""
        for item in self.items:
            element = _SUBJECT.get(item.type)
            if element is None:
                continue
            subject = get_obj(item.resource, element, item.path)
            if subject is None:
                continue  # a resource about no patient: nothing of a patient's record
            patient = self.resolve(subject, join(item.path, element), "Patient")
            self.of_patient[id(patient.resource)][item.type].append(item)
