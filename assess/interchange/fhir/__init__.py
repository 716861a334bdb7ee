"""HL7 FHIR R4 for the referring EHR: assess records as a Bundle and back (see docs/fhir.md)."""
