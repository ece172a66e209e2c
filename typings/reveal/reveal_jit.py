"""The types jit reveals: a call takes
arrays where fn takes Tensors, so it is typed loosely."""

from __future__ import annotations

from typing import Any, assert_type

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor, jit


def f(x: Tensor, n: int) -> Tensor:
    return fnp.sum(x) * n


jf = jit(f, static_argnums=1)
assert_type(jf(np.ones(2), 3), Any)
assert_type(jf.trace_count, int)
assert_type(jf.explain(), str)
assert_type(jf.plan(np.ones(2), 3), str)
