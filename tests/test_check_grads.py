"""check_grads: passes correct rules, catches wrong ones at the order and in the mode
where they are wrong, and names the worst error, the pytree path and the index."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad._tensor import Operand, Params, Primitive, Value, apply, bind
from funcgrad.numpy._unary import cos_p
from funcgrad.testing import check_grads


def _right_sin_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * bind(cos_p, xs[0])


def _data(x: Any) -> Any:
    return getattr(x, "data", x)


# A first derivative right only at index 1 of [0.5, 0, 1.0] would slip past a check on
# one element; this one is wrong at every element except where cos(x) == 1.
_wrong_vjp_p = Primitive("wrong_vjp", np.sin, vjp=lambda c, out, xs, p, i: c, jvp=_right_sin_rule)
_wrong_jvp_p = Primitive("wrong_jvp", np.sin, vjp=_right_sin_rule, jvp=lambda c, out, xs, p, i: 2.0 * c)
# Right first derivative, but computed on raw data: invisible to a nested transform, so
# the second derivative comes out 0 instead of -sin(x).
_flat_rule_p = Primitive(
    "flat_rule", np.sin, vjp=lambda c, out, xs, p, i: c * np.cos(_data(xs[0])), jvp=lambda c, out, xs, p, i: c * np.cos(_data(xs[0]))
)

X = np.array([0.5, 0.0, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_correct_rules_pass_to_order_three(dtype: type) -> None:
    check_grads(lambda x: fnp.sin(x) * x, X.astype(dtype), order=3)


def test_wrong_reverse_rule_is_caught_with_path_and_index() -> None:
    with pytest.raises(AssertionError, match=r"order-1 reverse-mode derivative of args\[0\] at index \((0|2),\)"):
        check_grads(lambda x: apply(_wrong_vjp_p, x), X, order=1, modes=("rev",))


def test_wrong_forward_rule_is_caught_in_forward_mode() -> None:
    check_grads(lambda x: apply(_wrong_jvp_p, x), X, order=1, modes=("rev",))
    with pytest.raises(AssertionError, match="order-1 forward-mode"):
        check_grads(lambda x: apply(_wrong_jvp_p, x), X, order=1, modes=("fwd",))


def test_rule_that_is_not_differentiable_is_caught_at_order_two() -> None:
    check_grads(lambda x: apply(_flat_rule_p, x), X, order=1)
    with pytest.raises(AssertionError, match="order-2"):
        check_grads(lambda x: apply(_flat_rule_p, x), X + 0.3, order=2)


def test_failure_names_the_pytree_path_of_the_argument() -> None:
    params = {"w": np.array([0.3, 0.4]), "layers": [np.array(1.0), np.array([0.5, 0.7, 0.9])]}

    def fn(p: dict[str, Any], bias: np.ndarray) -> Any:
        return fnp.sum(p["w"] * 2.0) + fnp.sum(apply(_wrong_vjp_p, p["layers"][1])) + bias

    with pytest.raises(AssertionError, match=r"args\[0\]\['layers'\]\[1\] at index \(2,\)"):
        check_grads(fn, params, np.array(1.0), order=1, modes=("rev",))


def test_failure_reports_the_worst_element() -> None:
    # The wrong rule's error is |1 - cos(x)|: largest at the largest |x|.
    # Derivatives are of the output contracted with a random cotangent u, so the message
    # shows u * 1 against u * cos(x): their ratio is fixed.
    x = np.array([[0.1, -0.2], [1.5, 0.3]])
    with pytest.raises(AssertionError, match=r"at index \(1, 0\) is (\S+) but finite differences give (\S+) ") as info:
        check_grads(lambda a: apply(_wrong_vjp_p, a), x, order=1, modes=("rev",))
    match = re.search(r"is (\S+) but finite differences give (\S+) ", str(info.value))
    assert match is not None
    got, want = float(match.group(1)), float(match.group(2))
    assert got * np.cos(1.5) == pytest.approx(want, rel=1e-6)


def test_float32_input_is_checked_against_float64_differences() -> None:
    # float32 finite differences of exp at 10 would be off by ~1e-1 relative; these pass.
    check_grads(fnp.exp, np.array([10.0, -3.0], dtype=np.float32), order=2)


def test_float32_tolerance_still_catches_a_small_relative_error() -> None:
    slightly_wrong = Primitive("slightly_wrong", np.exp, vjp=lambda c, out, xs, p, i: c * out * 1.01)
    with pytest.raises(AssertionError):
        check_grads(lambda x: apply(slightly_wrong, x), np.array([1.0, 2.0], dtype=np.float32), order=1)


def test_order_must_be_positive() -> None:
    with pytest.raises(ValueError, match="order"):
        check_grads(fnp.exp, X, order=0)


def test_pytree_outputs_are_checked_leaf_by_leaf() -> None:
    check_grads(lambda x: {"s": fnp.sin(x), "pair": (fnp.exp(x), fnp.sum(x * x))}, X, order=2)
    with pytest.raises(AssertionError, match="order-1"):
        check_grads(lambda x: {"s": fnp.sin(x), "bad": apply(_wrong_vjp_p, x)}, X, order=1, modes=("rev",))


# Right for a constant cotangent, but it reads the cotangent's data: as a function of the
# cotangent its VJP is constant (d/dc = 0, not cos x). Only differentiating the VJP with
# respect to its cotangent (reverse over reverse, or forward mode) sees that.
_cotangent_blind_p = Primitive(
    "cotangent_blind_sin", np.sin, vjp=lambda c, out, xs, p, i: _data(c) * bind(cos_p, xs[0]), jvp=_right_sin_rule
)


def test_reverse_rule_wrong_only_in_its_cotangent_is_caught_in_reverse_mode_alone() -> None:
    check_grads(lambda x: apply(_cotangent_blind_p, x), X, order=1, modes=("rev",))
    with pytest.raises(AssertionError, match=r"order-2 reverse-mode derivative of cotangent\[0\]"):
        check_grads(lambda x: apply(_cotangent_blind_p, x), X, order=2, modes=("rev",))


def test_correct_rules_pass_reverse_over_reverse_with_pytree_outputs() -> None:
    check_grads(lambda x, y: {"a": fnp.sin(x) * y, "b": (x * y).sum()}, X, X + 1.0, order=2, modes=("rev",))
