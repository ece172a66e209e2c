"""Pictures of the graph: Graphviz DOT text, and SVG or PNG files drawn from it.

``to_dot(output)`` needs nothing beyond funcgrad: one DOT node per graph node (its op,
shape and dtype), one edge per operand, labelled with the operand's position, so the
edges read in argument order. Leaves (constants made with ``Tensor(...)``) are grey
boxes, transform arguments (the fresh nodes a transform wraps its arguments in) blue
boxes, constants mixed into an op plain text, and the output has a double border.

>>> import numpy as np
>>> from funcgrad import Tensor
>>> a, b = Tensor(np.array([2.0])), Tensor(np.array([3.0]))
>>> print(to_dot(a * b + 1.0))
digraph funcgrad {
  rankdir=BT;
  node [fontname="Helvetica", fontsize=11];
  edge [fontname="Helvetica", fontsize=9, color="#555555"];
  n0 [label="leaf\\n(1,) float64", shape=box, style=filled, fillcolor="#dddddd"];
  n1 [label="leaf\\n(1,) float64", shape=box, style=filled, fillcolor="#dddddd"];
  n2 [label="multiply\\n(1,) float64", shape=ellipse, style=filled, fillcolor="#fff2cc"];
  n0 -> n2 [label="0"];
  n1 -> n2 [label="1"];
  n3 [label="add\\n(1,) float64", shape=ellipse, style=filled, fillcolor="#fff2cc", peripheries=2];
  n2 -> n3 [label="0"];
  c3_1 [label="1.0", shape=plaintext];
  c3_1 -> n3 [label="1"];
}

``draw(fn, *args, path="graph.svg")`` runs ``fn`` on fresh argument nodes and renders
its graph with Graphviz (``pip install 'funcgrad[viz]'`` and the ``dot`` program);
``gradient=True`` adds the gradient's graph, the backward pass as a nested transform
records it (its nodes in green), so the picture shows which forward values each
derivative rule reads.
"""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

import numpy as np

from funcgrad import _graph
from funcgrad._graph import toposort
from funcgrad._tensor import Tensor, Trace
from funcgrad._transforms import value_and_grad
from funcgrad._tree import flatten, unflatten

__all__ = ["draw", "to_dot"]

_FORWARD = "#fff2cc"
_BACKWARD = "#d9ead3"
_LEAF = "#dddddd"
_ARGUMENT = "#cfe2f3"
_FORMATS = ("svg", "png", "pdf")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _describe(node: Tensor) -> str:
    if node.primitive is None:
        op = "leaf"
    else:
        op = node.primitive.name
        extra = ", ".join(f"{key}={value!r}" for key, value in node.params.items())
        if extra and len(extra) <= 40:
            op += f"\n{extra}"
    return f"{op}\n{node.shape} {node.dtype}"


def _constant(value: Any) -> str:
    array = np.asarray(value)
    if array.size <= 3:
        return np.array2string(array, separator=", ") if array.ndim else repr(array.item())
    return f"const\n{array.shape} {array.dtype}"


def _nodes(outputs: Sequence[Tensor]) -> list[Tensor]:
    """Every node the outputs depend on, parents first, each once (by identity)."""
    seen: set[int] = set()
    ordered: list[Tensor] = []
    for output in outputs:
        for node in toposort(output):
            if id(node) not in seen:
                seen.add(id(node))
                ordered.append(node)
    return ordered


def to_dot(
    output: Union[Tensor, Sequence[Tensor]],
    *,
    name: str = "funcgrad",
    backward: Optional[Sequence[Tensor]] = None,
    names: Optional[Mapping[Tensor, str]] = None,
) -> str:
    """The graph ``output`` was computed by, as Graphviz DOT text.

    ``output`` is a Tensor or a sequence of them (all drawn, each with a double border).
    Nodes that only the Tensors in ``backward`` depend on (a recorded gradient's graph)
    are drawn in green. ``names`` puts a name above a node's op (``draw`` names the
    arguments after ``fn``'s parameters and the gradients ``d/da``). No recursion: a graph of any depth is fine (though Graphviz
    itself lays out thousands of nodes slowly).
    """
    outputs = [output] if isinstance(output, Tensor) else list(output)
    if not all(isinstance(out, Tensor) for out in outputs):
        raise TypeError("to_dot: output must be a Tensor or a sequence of Tensors")
    forward_ids = {id(node) for node in _nodes(outputs)}
    marked = outputs + list(backward or ())
    ordered = _nodes(marked)
    ids = {id(node): f"n{index}" for index, node in enumerate(ordered)}
    ends = {id(node) for node in marked}
    titles = {id(node): title for node, title in (names or {}).items()}
    lines = [
        f"digraph {_quote(name) if not name.isidentifier() else name} {{",
        "  rankdir=BT;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
    ]
    for node in ordered:
        key = ids[id(node)]
        if node.primitive is None:
            style = f'shape=box, style=filled, fillcolor="{_LEAF}"'
        elif node.primitive is _graph.argument_p:
            style = f'shape=box, style=filled, fillcolor="{_ARGUMENT}"'
        else:
            colour = _FORWARD if id(node) in forward_ids else _BACKWARD
            style = f'shape=ellipse, style=filled, fillcolor="{colour}"'
        if id(node) in ends:
            style += ", peripheries=2"
        label = _describe(node)
        if id(node) in titles:
            label = f"{titles[id(node)]}: {label}"
        lines.append(f"  {key} [label={_quote(label)}, {style}];")
        for position, operand in enumerate(node.inputs):
            if isinstance(operand, Tensor):
                lines.append(f'  {ids[id(operand)]} -> {key} [label="{position}"];')
            else:
                constant = f"c{key[1:]}_{position}"
                lines.append(f"  {constant} [label={_quote(_constant(operand))}, shape=plaintext];")
                lines.append(f'  {constant} -> {key} [label="{position}"];')
    lines.append("}")
    return "\n".join(lines)


def _parameter_names(fn: Callable[..., Any], count: int) -> list[str]:
    try:
        parameters = [p.name for p in inspect.signature(fn).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        parameters = []
    return [parameters[i] if i < len(parameters) else f"arg{i}" for i in range(count)]


def _trace(
    fn: Callable[..., Any], args: tuple[Any, ...], gradient: bool
) -> tuple[list[Tensor], list[Tensor], dict[Tensor, str]]:
    """``(outputs, gradient nodes, names)`` of ``fn`` run on fresh argument nodes."""
    # The arguments belong to a call of draw's own, live while fn runs: so a grad inside
    # sees itself nested and records every rule, and fn's conversions are refused as a
    # transform's are.
    trace = Trace()
    try:
        return _run(fn, args, gradient, trace)
    finally:
        trace.live = False


def _run(
    fn: Callable[..., Any], args: tuple[Any, ...], gradient: bool, trace: Trace
) -> tuple[list[Tensor], list[Tensor], dict[Tensor, str]]:
    call_args = []
    names: dict[Tensor, str] = {}
    for position, (value, title) in enumerate(zip(args, _parameter_names(fn, len(args)))):
        leaves, treedef = flatten(value)
        nodes = [_graph.argument(leaf, f"draw: argument {position}", trace) for leaf in leaves]
        names.update((node, title if len(nodes) == 1 else f"{title}[{i}]") for i, node in enumerate(nodes))
        call_args.append(unflatten(treedef, nodes))
    if not gradient:
        outputs = [leaf for leaf in flatten(fn(*call_args))[0] if isinstance(leaf, Tensor)]
        names.update((out, "output") for out in outputs)
        return outputs, [], names
    # The arguments are a live call's root arguments, so grad inside sees itself nested
    # and records every rule: its result is the backward pass as a graph of Tensors.
    run: Callable[..., tuple[Any, tuple[Any, ...]]] = value_and_grad(fn)
    value, grads = run(*call_args)
    backward = []
    for title, tree in zip(_parameter_names(fn, len(args)), grads):
        leaves = [leaf for leaf in flatten(tree)[0] if isinstance(leaf, Tensor)]
        names.update((leaf, f"d/d{title}" if len(leaves) == 1 else f"d/d{title}[{i}]") for i, leaf in enumerate(leaves))
        backward.extend(leaves)
    outputs = [value] if isinstance(value, Tensor) else []
    names.update((out, "output") for out in outputs)
    return outputs, backward, names


def draw(
    fn: Callable[..., Any],
    *args: Any,
    path: Union[str, Path] = "graph.svg",
    gradient: bool = False,
    format: Optional[str] = None,
) -> Path:
    """Render the graph of ``fn(*args)`` to ``path`` (SVG, PNG or PDF, by its suffix).

    With ``gradient=True`` the picture adds the graph of the gradient with respect to
    every positional argument (green), as ``grad`` records it when nested. Returns the
    path written. Needs the ``graphviz`` package (``pip install 'funcgrad[viz]'``) and
    Graphviz's ``dot`` program.
    """
    target = Path(path)
    kind = (format or target.suffix.lstrip(".") or "svg").lower()
    if kind not in _FORMATS:
        raise ValueError(f"draw: cannot render {kind!r}; use a path ending in .svg, .png or .pdf")
    try:
        import graphviz  # type: ignore[import-untyped]  # the package ships no types
    except ImportError:
        raise ImportError(
            "draw: needs the graphviz Python package: pip install 'funcgrad[viz]' "
            "(to_dot(...) gives the DOT text without it)"
        ) from None
    if shutil.which("dot") is None:
        raise RuntimeError(
            "draw: Graphviz's `dot` program is not on PATH; install Graphviz "
            "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; "
            "conda: conda install graphviz), or use to_dot(...) for the DOT text"
        )
    outputs, backward, names = _trace(fn, args, gradient)
    if not outputs:
        raise TypeError("draw: fn returned no Tensor, so there is no graph to draw")
    name = getattr(fn, "__name__", "fn")
    text = to_dot(outputs, name=name if name.isidentifier() else "fn", backward=backward, names=names)
    target.write_bytes(graphviz.Source(text).pipe(format=kind))
    return target
