"""Where a NaN or an infinity came from: the first op that made one, and your line.

``explain_nonfinite(fn)(*args)`` runs ``fn`` once more, watching it, and returns a
:class:`NonfiniteReport` for the first non-finite value, or None when the value and
every gradient are finite. It looks, in order, at

1. the arguments (a NaN that arrives through one is reported as that argument),
2. the forward pass: the first op whose output is non-finite although its operands
   are finite, with the file and line of yours that called it,
3. the backward pass: the first derivative rule that turns a finite cotangent into a
   non-finite one, reported with the line of the forward op whose rule it is.

There is no global switch and nothing on the normal path: the lines are found by a
profile hook (``sys.setprofile``) set on the calling thread alone and only for this
call, and the backward pass is re-run rule by rule on the recorded graph. Other
threads, and later calls, run as fast as ever.

>>> import numpy as np
>>> import funcgrad.numpy as fnp
>>> report = explain_nonfinite(lambda x: fnp.log(x).sum())(np.array([1.0, 0.0]))
>>> report.phase, report.op, report.entries
('forward', 'log', (((1,), -inf),))
>>> explain_nonfinite(lambda x: fnp.log(x).sum())(np.array([1.0, 2.0])) is None
True
"""

from __future__ import annotations

import linecache
import os
import sys
from types import FrameType
from typing import Any, Callable, Literal, Optional, Sequence

import attrs
import numpy as np

from funcgrad import _graph, _transforms
from funcgrad._tensor import Tensor, Trace
from funcgrad._tree import flatten_with_paths

__all__ = ["NonfiniteReport", "explain_nonfinite"]

# The package's folder: frames from files under it are funcgrad's, not the user's.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(_graph.__file__)) + os.sep
_MAX_ENTRIES = 5


@attrs.frozen
class NonfiniteReport:
    """What made the first NaN or infinity.

    ``phase`` is ``"argument"``, ``"forward"`` or ``"backward"``; ``op`` the primitive's
    name (``"argument"`` for an argument); ``where`` names the argument, or says which
    operand's rule it was; ``filename``/``lineno``/``source`` the line of yours that
    called the op (for backward, the forward op whose rule it was); ``operand_shapes``
    the op's operand shapes; ``entries`` up to five ``(index, value)`` pairs of the
    non-finite result, of ``count`` in all, and ``operand_values`` the operands' values
    at the first of them.
    """

    phase: Literal["argument", "forward", "backward"]
    op: str
    where: str
    filename: Optional[str]
    lineno: Optional[int]
    source: Optional[str]
    operand_shapes: tuple[tuple[int, ...], ...]
    shape: tuple[int, ...]
    entries: tuple[tuple[tuple[int, ...], float], ...]
    count: int
    operand_values: tuple[Optional[float], ...] = ()

    def __str__(self) -> str:
        kinds = sorted({_kind(value) for _, value in self.entries})
        head = {
            "argument": f"{self.where} already holds {' and '.join(kinds)} (it arrives from the caller)",
            "forward": f"forward: {self.op} produced {' and '.join(kinds)} "
            + ("from finite operands" if self.where == "output" else f"({self.where})"),
            "backward": f"backward: the derivative rule of {self.op} ({self.where}) produced "
            f"{' and '.join(kinds)} from a finite cotangent",
        }[self.phase]
        lines = [head]
        if self.filename is not None:
            lines.append(f"  at {self.filename}:{self.lineno}: {self.source or ''}".rstrip())
        if self.operand_shapes:
            lines.append("  operand shapes: " + ", ".join(str(shape) for shape in self.operand_shapes))
        shown = ", ".join(f"{list(index)} = {value}" for index, value in self.entries)
        lines.append(f"  {self.count} non-finite of {int(np.prod(self.shape))} entries of shape {self.shape}: {shown}"
                     + (", ..." if self.count > len(self.entries) else ""))
        if any(value is not None for value in self.operand_values):
            values = ", ".join(f"operand {i} = {v}" for i, v in enumerate(self.operand_values) if v is not None)
            lines.append(f"  at {list(self.entries[0][0])}: {values}")
        return "\n".join(lines)


def _kind(value: float) -> str:
    return "nan" if np.isnan(value) else "inf" if value > 0 else "-inf"


def _entries(array: Any) -> tuple[tuple[tuple[tuple[int, ...], float], ...], int]:
    bad = np.argwhere(~np.isfinite(array))
    values = np.asarray(array)
    shown = tuple((tuple(int(i) for i in index), float(values[tuple(index)])) for index in bad[:_MAX_ENTRIES])
    return shown, len(bad)


def _finite(value: Any) -> bool:
    return bool(np.all(np.isfinite(value.data if isinstance(value, Tensor) else value)))


def _computed(x: Any) -> bool:
    return type(x) is Tensor and x.primitive is not None


def _user_frame(frame: Optional[FrameType]) -> Optional[FrameType]:
    """The innermost frame outside the funcgrad package: the line of yours."""
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    return frame


class _Recorder:
    """Profile hook: remembers the user's line for every node made, and the first
    non-finite one. Set on one thread, for one call."""

    def __init__(self) -> None:
        self.lines: dict[int, tuple[str, int]] = {}
        self.keep: list[Tensor] = []  # holds the nodes, so their ids stay theirs
        self.first: Optional[Tensor] = None

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        # The first return of a new node, from inside funcgrad, is the moment it is made.
        if event != "return" or type(arg) is not Tensor or id(arg) in self.lines:
            return
        if not frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            return
        user = _user_frame(frame)
        self.lines[id(arg)] = (user.f_code.co_filename, user.f_lineno) if user is not None else ("?", 0)
        self.keep.append(arg)
        if self.first is None and arg.primitive is not None and not _finite(arg):
            # Made here from finite operands, or from a constant (a closed-over array,
            # a Tensor(...) made inside fn) that already held it: either way, the start.
            if all(_finite(x) or not _computed(x) for x in arg.inputs):
                self.first = arg


def _report(phase: Literal["argument", "forward", "backward"], op: str, where: str, value: Any,
            line: Optional[tuple[str, int]], operands: Sequence[Any]) -> NonfiniteReport:
    array = np.asarray(value)
    entries, count = _entries(array)
    filename, lineno = line if line is not None else (None, None)
    source = linecache.getline(filename, lineno).strip() if filename and lineno else None
    first = entries[0][0] if entries else ()
    operand_values: list[Optional[float]] = []
    for x in operands:
        data = np.asarray(x.data if isinstance(x, Tensor) else x)
        if data.shape == array.shape and first:
            operand_values.append(float(data[first]))
        elif data.ndim == 0:
            operand_values.append(float(data))
        else:
            operand_values.append(None)
    return NonfiniteReport(
        phase=phase, op=op, where=where, filename=filename, lineno=lineno, source=source or None,
        operand_shapes=tuple(np.shape(x.data if isinstance(x, Tensor) else x) for x in operands),
        shape=array.shape, entries=entries, count=count, operand_values=tuple(operand_values),
    )


def explain_nonfinite(
    fn: Callable[..., Any], argnums: _transforms.Argnums = None
) -> Callable[..., Optional[NonfiniteReport]]:
    """A function of ``fn``'s arguments that reports the first NaN or infinity.

    ``argnums`` picks the arguments whose gradient is checked, as in ``grad`` (None: all
    positional arguments). The report says the op, the line of yours that called it
    (for a backward NaN, the line of the forward op whose rule made it), the operand
    shapes and the offending entries; None means the output and the gradients are
    finite. Thread-safe: only the calling thread is watched, only during the call.
    """
    _transforms.check_argnums_type(argnums, "explain_nonfinite")

    def explain(*args: Any, **kwargs: Any) -> Optional[NonfiniteReport]:
        # NumPy's warnings for what is being reported are noise here; errstate is
        # context-local, so other threads keep theirs.
        with np.errstate(all="ignore"):
            return _explain(args, kwargs)

    def _explain(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Optional[NonfiniteReport]:
        positions = _transforms.resolve_argnums(argnums, len(args), "explain_nonfinite")
        for position, value in enumerate(args):
            for path, leaf in flatten_with_paths(value)[0]:
                if isinstance(leaf, (Tensor, np.ndarray, float, int)) and not _finite(np.asarray(leaf, dtype=float)):
                    name = _transforms.argument_name(fn, position, path)
                    return _report("argument", "argument", name, np.asarray(leaf, dtype=float), None, ())
        trace = Trace()  # a call of our own, live while fn runs, as a transform's
        call_args, traced = _transforms.trace_arguments(fn, args, positions, "explain_nonfinite", trace)
        recorder = _Recorder()
        previous = sys.getprofile()
        sys.setprofile(recorder)
        try:
            out = fn(*call_args, **kwargs)
        finally:
            sys.setprofile(previous)
            trace.live = False
        lines = recorder.lines
        if recorder.first is not None:
            node = recorder.first
            assert node.primitive is not None
            constants = [i for i, x in enumerate(node.inputs) if not _finite(x)]
            where = f"operand {constants[0]}, a constant, already held it" if constants else "output"
            return _report("forward", node.primitive.name, where, node.data, lines.get(id(node)), node.inputs)
        out = _transforms.check_output(out, "explain_nonfinite")
        if not isinstance(out, Tensor):
            return None if _finite(out) else _report("forward", "constant", "output", out, None, ())
        if not _finite(out):  # made outside funcgrad's ops (cannot happen for an op's output)
            return _report("forward", out.primitive.name if out.primitive else "leaf", "output", out.data, None, ())
        nodes = [node for t in traced for node in t.nodes]
        return _backward(out, nodes, lines)

    return explain


def _backward(out: Tensor, arguments: list[Tensor], lines: dict[int, tuple[str, int]]) -> Optional[NonfiniteReport]:
    """The reverse sweep, one rule at a time on NumPy data, stopping at the first
    rule whose result is non-finite although its cotangent is finite."""
    order = _graph.walk(out, frozenset(arguments))
    wanted = set(arguments)
    relevant = set(arguments)
    for node in order:  # nodes between the arguments and the output
        if any(type(x) is Tensor and x in relevant for x in node.inputs):
            relevant.add(node)
    cotangents: dict[Tensor, Any] = {out: np.ones(out.shape, dtype=out.dtype)}
    for node in reversed(order):
        primitive = node.primitive
        c = cotangents.get(node) if node in wanted else cotangents.pop(node, None)
        if primitive is None or c is None or node in wanted:
            continue
        xs = tuple(x.data if type(x) is Tensor else x for x in node.inputs)
        for i, x in enumerate(node.inputs):
            if type(x) is not Tensor or x not in relevant:
                continue
            ci = _graph._fit(primitive.vjp(c, node.data, xs, node.params, i), x.shape, x.dtype, primitive, x.shape)
            if not _finite(ci):
                return _report("backward", primitive.name, f"for operand {i}", ci, lines.get(id(node)), node.inputs)
            previous = cotangents.get(x)
            total = ci if previous is None else previous + ci
            if not _finite(total):  # two finite contributions that overflow when added
                return _report("backward", primitive.name, f"operand {i}, summed with other uses", total,
                               lines.get(id(node)), node.inputs)
            cotangents[x] = total
    return None
