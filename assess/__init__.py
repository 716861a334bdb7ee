"""assess: spasticity assessment records for clinics."""

__version__ = "0.1.0"
