"""The desktop window (PySide6): the only package of assess that imports Qt."""
