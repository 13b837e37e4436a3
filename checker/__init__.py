"""Eligibility checker for the Big Data Industry Development Pilot Demonstration calls; runs in CPython and Pyodide."""

__version__ = "0.1.0"
