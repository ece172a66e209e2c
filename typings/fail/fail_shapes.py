"""Misuses of the shape ops mypy must reject: a string where an array goes."""

from __future__ import annotations

import funcgrad.numpy as fnp

fnp.flip("abc")  # type: ignore[arg-type]
fnp.split("abcd", 2)  # type: ignore[arg-type]
fnp.vstack(["ab", "cd"])  # type: ignore[list-item]
