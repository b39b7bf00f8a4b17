"""乡镇扶贫工作台 — township poverty-relief workbench."""

__version__ = "0.1.0"
