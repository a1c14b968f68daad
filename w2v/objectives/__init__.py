"""Objectives: one loss per file, pure numpy, cited by equation number (docs/derivations.md)."""
