"""Treatments as FHIR: toxin sessions, oral drugs, pump events, SDR, surgery, therapy and orthoses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assess.interchange.fhir.codes import (
    SCT_ROUTE_IM,
    SCT_ROUTE_ORAL,
    SCT_TOXIN_INJECTION,
    SNOMED,
    coding,
    concept,
    extension,
    shared_concept,
)
from assess.interchange.fhir.common import Context, Entry, Resource, entry, laterality, note, number, put, quantity
from assess.interchange.fhir.write_exam import SURVEY, local
from assess.record.domain import (
    OralMedication,
    Orthosis,
    PumpEvent,
    Sdr,
    Surgery,
    Therapy,
    ToxinSession,
    Treatment,
    treatment_key,
)
from assess.record.labels import words

TOXIN_CODE = {"coding": [{"system": SNOMED, "code": SCT_TOXIN_INJECTION, "display": "Injection of botulinum toxin"}]}
# Botulinum toxin units are biological units of each product's own assay: not UCUM's enzyme unit "U". The
# labels write "Units"; UCUM's arbitrary unit [arb'U] says "a unit with no conversion", which is the point.
TOXIN_UNIT = {"unit": "Units", "code": "[arb'U]"}


def _route(code: tuple[str, str]) -> dict[str, Any]:
    return {"coding": [{"system": SNOMED, "code": code[0], "display": code[1]}]}


def _side_site(text: str | None, side: str | None) -> list[dict[str, Any]] | None:
    """A body site in words with the side as an extension (surgery, orthosis)."""
    if text is None and side is None:
        return None
    site: dict[str, Any] = {}
    if side is not None:
        site["extension"] = laterality(side, False)
    if text is not None:
        site["text"] = text
    return [site]


def _period(start: dt.date, end: dt.date | None) -> dict[str, str]:
    return {"start": start.isoformat(), **({"end": end.isoformat()} if end else {})}


class CareWriter:
    """The resources of one patient's treatments."""

    def __init__(self, ctx: Context, today: dt.date) -> None:
        self.ctx, self.today = ctx, today
        self.devices: dict[str, str] = {}  # pump model -> Device URL, one Device per pump

    def _procedure(self, t: Treatment, code: dict[str, Any], **values: Any) -> tuple[str, Resource]:
        resource: Resource = {"resourceType": "Procedure", "status": "completed",
                              "category": shared_concept("treatment-kind", t.kind), "code": code,
                              "subject": self.ctx.patient}
        for key, value in values.items():
            put(resource, key, value)
        put(resource, "note", note(t.notes))
        return self.ctx.url("treatment", *treatment_key(t)), resource

    def entries(self, t: Treatment) -> list[Entry]:
        if isinstance(t, ToxinSession):
            return self.toxin(t)
        if isinstance(t, OralMedication):
            return [self.drug(t)]
        if isinstance(t, PumpEvent):
            return self.pump(t)
        if isinstance(t, Sdr):
            extensions = None if t.rootlets_cut_percent is None else [
                {"url": extension("rootlets-cut-percent"), "valueDecimal": number(t.rootlets_cut_percent)}]
            url, resource = self._procedure(
                t, {**concept("treatment-kind", "sdr"), "text": "Selective dorsal rhizotomy"},
                extension=extensions, performedDateTime=t.date.isoformat(),
                performer=[{"actor": {"display": t.surgeon}}] if t.surgeon else None,
                bodySite=[{"text": t.levels}] if t.levels else None)
            return [entry(url, resource)]
        if isinstance(t, Surgery):
            url, resource = self._procedure(t, {**concept("treatment-kind", "surgery"), "text": t.procedure},
                                            performedDateTime=t.date.isoformat(), bodySite=_side_site(None, t.side))
            return [entry(url, resource)]
        if isinstance(t, Therapy):
            extensions = None if t.sessions_per_week is None else [
                {"url": extension("sessions-per-week"), "valueDecimal": number(t.sessions_per_week)}]
            url, resource = self._procedure(t, concept("therapy", t.therapy), extension=extensions,
                                            performedPeriod=_period(t.start, t.end))
            return [entry(url, resource)]
        assert isinstance(t, Orthosis)
        url, resource = self._procedure(t, concept("orthosis", t.orthosis), performedPeriod=_period(t.start, t.end),
                                        bodySite=_side_site(t.body_region, t.side))
        return [entry(url, resource)]

    def toxin(self, t: ToxinSession) -> list[Entry]:
        key = ("treatment", *treatment_key(t))
        medication_url = self.ctx.url(*key, "medication")
        medication: Resource = {"resourceType": "Medication",
                                "code": {**concept("toxin-product", t.product), "text": words(t.product)}}
        if t.dilution_units_per_ml is not None:
            # The reconstituted product: its strength in units per mL is the dilution.
            medication["ingredient"] = [{"itemCodeableConcept": concept("toxin-product", t.product), "strength": {
                "numerator": {"value": number(t.dilution_units_per_ml), **TOXIN_UNIT},
                "denominator": quantity(1, "mL", "mL")}}]
        if t.lot:
            medication["batch"] = {"lotNumber": t.lot}
        url, procedure = self._procedure(t, TOXIN_CODE, performedDateTime=t.date.isoformat(),
                                         usedReference=[{"reference": medication_url}])
        out = [entry(url, procedure), entry(medication_url, medication)]
        drug, part_of = self.ctx.share({"reference": medication_url}), self.ctx.share([{"reference": url}])
        for injection in t.injections:
            dosage: dict[str, Any] = {
                "site": {**concept("muscle", injection.muscle), "extension": laterality(injection.side, False)},
                "route": _route(SCT_ROUTE_IM),
                "dose": {"value": number(injection.units), **TOXIN_UNIT}}
            if t.guidance:
                dosage["method"] = concept("guidance", t.guidance)
            resource: Resource = {"resourceType": "MedicationAdministration", "status": "completed",
                                  "medicationReference": drug, "subject": self.ctx.patient, "partOf": part_of,
                                  "effectiveDateTime": t.date.isoformat(), "dosage": dosage}
            if injection.sites is not None:
                resource["extension"] = [{"url": extension("injection-sites"), "valueInteger": injection.sites}]
            out.append(entry(self.ctx.url(*key, injection.muscle, injection.side), resource))
        return out

    def drug(self, t: OralMedication) -> Entry:
        dose = f"{number(t.dose_mg_per_day)} mg/day"
        resource: Resource = {
            "resourceType": "MedicationStatement",
            "status": "active" if t.stop is None or t.stop >= self.today else "completed",
            "medicationCodeableConcept": {"coding": [coding("drug", t.drug)], "text": words(t.drug)},
            "subject": self.ctx.patient, "effectivePeriod": _period(t.start, t.stop),
            "dosage": [{"text": dose, "route": _route(SCT_ROUTE_ORAL),
                        "doseAndRate": [{"rateQuantity": quantity(t.dose_mg_per_day, "mg/day", "mg/d")}]}]}
        put(resource, "note", note(t.notes))
        return entry(self.ctx.url("treatment", *treatment_key(t)), resource)

    def pump(self, t: PumpEvent) -> list[Entry]:
        out: list[Entry] = []
        device = None
        if t.pump_model:
            if t.pump_model not in self.devices:
                self.devices[t.pump_model] = self.ctx.url("pump", t.pump_model)
                out.append(entry(self.devices[t.pump_model], {
                    "resourceType": "Device", "type": concept("treatment-kind", "itb_pump"),
                    "patient": self.ctx.patient, "deviceName": [{"name": t.pump_model, "type": "model-name"}]}))
            device = [{"action": concept("pump-event", t.event),
                       "manipulated": {"reference": self.devices[t.pump_model]}}]
        url, procedure = self._procedure(t, concept("pump-event", t.event), performedDateTime=t.date.isoformat(),
                                         focalDevice=device)
        out.insert(0, entry(url, procedure))
        parts = [{"code": local(code), "valueQuantity": quantity(value, unit, ucum)}
                 for code, value, unit, ucum in (
                     ("itb-reservoir-volume", t.reservoir_ml, "mL", "mL"),
                     ("itb-refill-volume", t.volume_ml, "mL", "mL"),
                     ("itb-concentration", t.concentration_mcg_per_ml, "µg/mL", "ug/mL"),
                     ("itb-daily-dose", t.dose_mcg_per_day, "µg/day", "ug/d"), ("itb-bolus", t.bolus_mcg, "µg", "ug"))
                 if value is not None]
        if parts:
            out.append(entry(self.ctx.url("treatment", *treatment_key(t), "settings"), {
                "resourceType": "Observation", "status": "final", "category": SURVEY, "code": local("itb-pump"),
                "subject": self.ctx.patient, "partOf": [{"reference": url}], "effectiveDateTime": t.date.isoformat(),
                "component": parts}))
        return out
