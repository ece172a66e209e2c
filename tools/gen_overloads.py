"""Generate the ``@overload`` tables of ``grad`` and ``value_and_grad`` (funcgrad/_transforms.py).

    python tools/gen_overloads.py            # rewrites the blocks between the markers

The table is the product of arity (1-5 Tensor parameters), argnums (None, an int, a
tuple of 2..n ints) and has_aux, then the same over pytree parameters (T0..T4), then
fixed-arity catch-alls, and a ParamSpec fallback only for functions with more parameters
than the table has. A row that a bare ``grad(lambda x: ...)`` can match through a ParamSpec
(``Callable[Ps, Any]``, ``Concatenate[T0, Ps]``) makes mypy infer the lambda with Any
parameters, and the whole call becomes an untyped ``Any`` (``no-untyped-call`` under
--strict): the pytree rows and the catch-alls have a fixed arity for that reason.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX = 5
WHY = "a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant"
T = [f"T{i}" for i in range(MAX)]


def tup(items: list[str]) -> str:
    return f"tuple[{', '.join(items)}]"


def table(name: str, wrap: str) -> list[str]:
    """``wrap`` turns the gradients' type into the call's result type ({g})."""
    out: list[str] = []

    def emit(fn: str, argnums: str, aux: str, params: str, grads: str, value_aux: str = "", note: str = "") -> None:
        result = wrap.format(g=grads, aux=value_aux) if not value_aux else wrap_aux[name].format(g=grads, aux=value_aux)
        out.append("@overload")
        out.append(f"def {name}(fn: {fn}, {argnums}{aux}) -> Callable[{params}, {result}]: ...{note}")

    no_aux = ", has_aux: Literal[False] = ..."
    # Tensor parameters: arrays in, arrays out.
    for n in range(1, MAX + 1):
        ins, tl = ["Tensor"] * n, ["TensorLike"] * n
        emit(f"Callable[[{', '.join(ins)}], Tensor]", "argnums: None = ...", no_aux, f"[{', '.join(tl)}]", tup(["Array"] * n))
        emit(f"Callable[[{', '.join(ins)}], Tensor]", "argnums: int", no_aux, f"[{', '.join(tl)}]", "Array")
        if n >= 2:
            for k in range(2, n + 1):
                emit(f"Callable[[{', '.join(ins)}], Tensor]", f"argnums: {tup(['int'] * k)}", no_aux, f"[{', '.join(tl)}]", tup(["Array"] * k))
    emit("Callable[Concatenate[Tensor, Ps], Tensor]", "argnums: Literal[0]", no_aux, "Concatenate[TensorLike, Ps]", "Array",
         note=f"  # type: ignore[overload-cannot-match, overload-overlap]  # {WHY}")
    emit("Callable[Concatenate[T0, Tensor, Ps], Tensor]", "argnums: Literal[1]", no_aux, "Concatenate[T0, TensorLike, Ps]", "Array",
         note=f"  # type: ignore[overload-overlap]  # {WHY}")
    # Pytree parameters: each gradient has its argument's type.
    for n in range(1, MAX + 1):
        emit(f"Callable[[{', '.join(T[:n])}], Tensor]", "argnums: None = ...", no_aux, f"[{', '.join(T[:n])}]", tup(T[:n]))
        if n <= 3:
            for k in range(2, n + 1):
                for combo in itertools.permutations(range(n), k):
                    lits = tup([f"Literal[{i}]" for i in combo])
                    emit(f"Callable[[{', '.join(T[:n])}], Tensor]", f"argnums: {lits}", no_aux, f"[{', '.join(T[:n])}]", tup([T[i] for i in combo]))
    for n in range(1, MAX + 1):
        for i in range(n):
            emit(f"Callable[[{', '.join(T[:n])}], Tensor]", f"argnums: Literal[{i}]", no_aux, f"[{', '.join(T[:n])}]", T[i])
    # has_aux=True: the aux type rides along.
    aux = ", *, has_aux: Literal[True]"
    for n in range(1, 4):
        ins, tl = ["Tensor"] * n, ["TensorLike"] * n
        emit(f"Callable[[{', '.join(ins)}], tuple[Tensor, A]]", "argnums: None = ...", aux, f"[{', '.join(tl)}]", tup(["Array"] * n), "A")
    emit("Callable[Concatenate[Tensor, Ps], tuple[Tensor, A]]", "argnums: Literal[0]", ", has_aux: Literal[True]", "Concatenate[TensorLike, Ps]", "Array", "A",
         note=f"  # type: ignore[overload-overlap]  # {WHY}")
    for n in range(1, 4):
        emit(f"Callable[[{', '.join(T[:n])}], tuple[Tensor, A]]", "argnums: None = ...", aux, f"[{', '.join(T[:n])}]", tup(T[:n]), "A")
    for n in range(1, 4):
        emit(f"Callable[[{', '.join(T[:n])}], tuple[Tensor, A]]", "argnums: Literal[0]", ", has_aux: Literal[True]", f"[{', '.join(T[:n])}]", "T0", "A")
    # Fixed-arity catch-alls, then the ParamSpec fallback for explicit argnums or has_aux.
    for n in range(1, MAX + 1):
        out.append("@overload")
        out.append(f"def {name}(fn: Callable[[{', '.join(T[:n])}], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[{', '.join(T[:n])}], Any]: ...")
    # More parameters than the table has: a ParamSpec, which no shorter lambda can match.
    more = "Concatenate[" + ", ".join(["Any"] * (MAX + 1)) + ", Ps]"
    out.append("@overload")
    out.append(f"def {name}(fn: Callable[{more}, Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[{more}, Any]: ...")
    return out


wrap_aux = {"grad": "tuple[{g}, {aux}]", "value_and_grad": "tuple[tuple[Array, {aux}], {g}]"}


def main() -> None:
    path = ROOT / "funcgrad" / "_transforms.py"
    text = path.read_text()
    for name, wrap in (("grad", "{g}"), ("value_and_grad", "tuple[Array, {g}]")):
        begin, end = f"# --- generated overloads of {name} (tools/gen_overloads.py) ---\n", f"# --- end of generated overloads of {name} ---\n"
        block = begin + "# fmt: off\n" + "\n".join(table(name, wrap)) + "\n# fmt: on\n" + end
        pattern = re.escape(begin) + ".*?" + re.escape(end)
        text, count = re.subn(pattern, lambda _: block, text, flags=re.S)
        assert count == 1, f"markers for {name} not found"
    path.write_text(text)


if __name__ == "__main__":
    main()
