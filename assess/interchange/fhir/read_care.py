"""Treatments from FHIR: Procedures, MedicationStatements and MedicationAdministrations written by write_care."""

from __future__ import annotations

from typing import Any

from assess.interchange.fhir.codes import CLINIC_CODE, SIDE_OF_SCT, SNOMED, UCUM, extension, system
from assess.interchange.fhir.index import BundleIndex, Item
from assess.interchange.fhir.nodes import (
    code_in,
    extension_value,
    fail,
    get_date,
    get_int,
    get_number,
    get_obj,
    get_str,
    items,
    join,
    obj,
)
from assess.interchange.fhir.origins import Origins
from assess.interchange.fhir.read_exam import coded, components

_PUMP_NUMBERS = (("itb-reservoir-volume", "reservoir_ml", "mL"), ("itb-refill-volume", "volume_ml", "mL"),
                 ("itb-concentration", "concentration_mcg_per_ml", "ug/mL"),
                 ("itb-daily-dose", "dose_mcg_per_day", "ug/d"), ("itb-bolus", "bolus_mcg", "ug"))


def _side(site: dict[str, Any], path: str) -> str | None:
    lateral = extension_value(site, extension("laterality"), path, "valueCodeableConcept")
    if lateral is None:
        return None
    side = code_in(obj(lateral[0], lateral[1]), lateral[1], SNOMED)
    if side is None or side[0] not in SIDE_OF_SCT:
        raise fail(lateral[1], "the side is SNOMED CT 7771000 (left), 24028007 (right) or 51440002 (both)")
    return SIDE_OF_SCT[side[0]]


def _notes(resource: dict[str, Any], path: str) -> str | None:
    texts = [get_str(n, "text", where, required=True) for n, where in items(resource, "note", path)]
    return "\n\n".join(t for t in texts if t) or None


def _decimal_extension(resource: dict[str, Any], name: str, path: str) -> float | None:
    found = extension_value(resource, extension(name), path, "valueDecimal")
    if found is None:
        return None
    return get_number({"valueDecimal": found[0]}, "valueDecimal", found[1].rsplit(".", 1)[0])


def _quantity_value(holder: dict[str, Any], key: str, path: str, unit: str) -> float:
    value = get_obj(holder, key, path, required=True)
    assert value is not None
    if value.get("system") != UCUM or value.get("code") != unit:
        raise fail(join(path, key), f"expected a Quantity in UCUM {unit}")
    return get_number(value, "value", join(path, key))


class Care:
    """One patient's treatments as assess-record/1 objects, with their origins."""

    def __init__(self, index: BundleIndex, origins: Origins, prefix: str) -> None:
        self.index, self.origins, self.prefix = index, origins, prefix
        self.treatments: list[dict[str, Any]] = []
        self._procedures: dict[int, tuple[dict[str, Any], str]] = {}  # id(Procedure) -> treatment, its path

    def _add(self, treatment: dict[str, Any], path: str) -> str:
        tpath = f"{self.prefix}.treatments[{len(self.treatments)}]"
        self.origins.note(tpath, path)
        self.treatments.append(treatment)
        return tpath

    def procedure(self, item: Item) -> None:
        r, path = item.resource, item.path
        kind = code_in(get_obj(r, "category", path), join(path, "category"), system("treatment-kind"))
        if kind is None:
            return  # a procedure of the EHR's own, not an assess treatment
        code = get_obj(r, "code", path, required=True)
        assert code is not None
        t: dict[str, Any] = {"kind": kind[0]}
        if kind[0] in ("therapy", "orthosis"):
            period = get_obj(r, "performedPeriod", path, required=True)
            assert period is not None
            t[kind[0]] = coded(code, join(path, "code"), kind[0], kind[0])[0]
            t["start"] = get_date(period, "start", join(path, "performedPeriod"))
            end = get_date(period, "end", join(path, "performedPeriod"), required=False)
            if end is not None:
                t["end"] = end
        else:
            t["date"] = get_date(r, "performedDateTime", path)
        sites = items(r, "bodySite", path)
        if kind[0] == "therapy":
            sessions = _decimal_extension(r, "sessions-per-week", path)
            if sessions is not None:
                t["sessions_per_week"] = sessions
        elif kind[0] == "orthosis" and sites:
            region = get_str(sites[0][0], "text", sites[0][1])
            side = _side(*sites[0])
            t.update({k: v for k, v in (("body_region", region), ("side", side)) if v is not None})
        elif kind[0] == "surgery":
            t["procedure"] = get_str(code, "text", join(path, "code"), required=True)
            side = _side(*sites[0]) if sites else None
            if side is not None:
                t["side"] = side
        elif kind[0] == "sdr":
            if sites:
                t["levels"] = get_str(sites[0][0], "text", sites[0][1], required=True)
            rootlets = _decimal_extension(r, "rootlets-cut-percent", path)
            if rootlets is not None:
                t["rootlets_cut_percent"] = rootlets
            performers = items(r, "performer", path)
            if performers:
                actor = get_obj(performers[0][0], "actor", performers[0][1], required=True)
                assert actor is not None
                t["surgeon"] = get_str(actor, "display", join(performers[0][1], "actor"), required=True)
        elif kind[0] == "itb_pump":
            t["event"] = coded(code, join(path, "code"), "pump-event", "pump event")[0]
            devices = items(r, "focalDevice", path)
            if devices:
                device = self.index.resolve(get_obj(devices[0][0], "manipulated", devices[0][1], required=True),
                                            join(devices[0][1], "manipulated"), "Device")
                names = items(device.resource, "deviceName", device.path)
                if names:
                    t["pump_model"] = get_str(names[0][0], "name", names[0][1], required=True)
        elif kind[0] == "botulinum_toxin":
            used = items(r, "usedReference", path)
            if not used:
                raise fail(join(path, "usedReference"), "a toxin session names its product's Medication")
            medication = self.index.resolve(used[0][0], used[0][1], "Medication")
            m, mpath = medication.resource, medication.path
            t["product"] = coded(get_obj(m, "code", mpath, required=True), join(mpath, "code"), "toxin-product",
                                 "toxin product")[0]
            for ingredient, where in items(m, "ingredient", mpath)[:1]:
                strength = get_obj(ingredient, "strength", where, required=True)
                assert strength is not None
                numerator = get_obj(strength, "numerator", join(where, "strength"), required=True)
                assert numerator is not None
                t["dilution_units_per_ml"] = get_number(numerator, "value", join(where, "strength.numerator"))
            batch = get_obj(m, "batch", mpath)
            if batch is not None:
                t["lot"] = get_str(batch, "lotNumber", join(mpath, "batch"), required=True)
            t["injections"] = []
        notes = _notes(r, path)
        if notes is not None:
            t["notes"] = notes
        self._procedures[id(r)] = (t, self._add(t, path))

    def administration(self, item: Item) -> None:
        """One injection of a toxin session (partOf names the session's Procedure)."""
        r, path = item.resource, item.path
        part_of = items(r, "partOf", path)
        if not part_of:
            return
        procedure = self.index.resolve(part_of[0][0], part_of[0][1], "Procedure", "MedicationAdministration")
        found = self._procedures.get(id(procedure.resource))
        if found is None or found[0]["kind"] != "botulinum_toxin":
            return
        session, tpath = found
        dosage = get_obj(r, "dosage", path, required=True)
        assert dosage is not None
        dpath = join(path, "dosage")
        site = get_obj(dosage, "site", dpath, required=True)
        assert site is not None
        muscle, _ = coded(site, join(dpath, "site"), "muscle", "muscle")
        side = _side(site, join(dpath, "site"))
        if side not in ("left", "right"):
            raise fail(join(dpath, "site"), f"no side (the extension {extension('laterality')})")
        dose = get_obj(dosage, "dose", dpath, required=True)
        assert dose is not None
        injection: dict[str, Any] = {"muscle": muscle, "side": side,
                                     "units": get_number(dose, "value", join(dpath, "dose"))}
        sites = extension_value(r, extension("injection-sites"), path, "valueInteger")
        if sites is not None:
            injection["sites"] = get_int({"v": sites[0]}, "v", sites[1].rsplit(".", 1)[0])
        method = get_obj(dosage, "method", dpath)
        if method is not None:
            guidance = coded(method, join(dpath, "method"), "guidance", "guidance")[0]
            if session.setdefault("guidance", guidance) != guidance:
                raise fail(join(dpath, "method"), "the injections of one session name different guidance")
        self.origins.note(f"{tpath}.injections[{len(session['injections'])}]", path)
        session["injections"].append(injection)

    def statement(self, item: Item) -> None:
        """An oral drug period."""
        r, path = item.resource, item.path
        medication = get_obj(r, "medicationCodeableConcept", path)
        drug = code_in(medication, join(path, "medicationCodeableConcept"), system("drug"), CLINIC_CODE)
        if drug is None:
            return  # a medicine assess does not track
        period = get_obj(r, "effectivePeriod", path, required=True)
        assert period is not None
        t: dict[str, Any] = {"kind": "oral_medication", "drug": drug[0]}
        dosages = items(r, "dosage", path)
        rates = items(dosages[0][0], "doseAndRate", dosages[0][1]) if dosages else []
        if not rates:
            raise fail(join(path, "dosage"), "no daily dose (dosage[0].doseAndRate[0].rateQuantity in mg/d)")
        t["dose_mg_per_day"] = _quantity_value(rates[0][0], "rateQuantity", rates[0][1], "mg/d")
        t["start"] = get_date(period, "start", join(path, "effectivePeriod"))
        stop = get_date(period, "end", join(path, "effectivePeriod"), required=False)
        if stop is not None:
            t["stop"] = stop
        notes = _notes(r, path)
        if notes is not None:
            t["notes"] = notes
        self._add(t, path)

    def pump_settings(self, item: Item) -> None:
        """The numbers of a pump event (an Observation whose partOf names the event's Procedure)."""
        r, path = item.resource, item.path
        part_of = items(r, "partOf", path)
        if not part_of:
            raise fail(join(path, "partOf"), "pump settings name their pump event's Procedure")
        procedure = self.index.resolve(part_of[0][0], part_of[0][1], "Procedure")
        found = self._procedures.get(id(procedure.resource))
        if found is None or found[0]["kind"] != "itb_pump":
            raise fail(join(part_of[0][1], "reference"), "is not an intrathecal pump event of assess")
        event = found[0]
        parts = components(r, path)
        for code, key, unit in _PUMP_NUMBERS:
            if code in parts:
                if key in event:
                    raise fail(parts[code][1], f"{key} is given twice for this pump event")
                event[key] = _quantity_value(parts[code][0], "valueQuantity", parts[code][1], unit)
