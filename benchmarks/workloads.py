"""The workloads W1-W9 (W8 is benchmarks/checkpoint_memory.py), each written four ways: hand-written NumPy (forward plus a
manually derived backward: the floor), funcgrad, and HIPS autograd / PyTorch when they
are installed.

A workload is a function ``make(case, quick) -> Workload``: the candidates are
zero-argument callables returning a list of arrays (the gradients or final parameters),
checked against the NumPy candidate before anything is timed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

Result = list[np.ndarray]
Candidate = Callable[[], Result]


@dataclass
class Workload:
    name: str
    case: str
    dtype: Any
    candidates: dict[str, Candidate]
    unit_scale: float = 1.0  # multiply seconds by this for the reported unit
    unit: str = "ms"
    repeats: int = 20
    notes: list[str] = field(default_factory=list)
    #: candidate -> a call of a freshly made jitted function: its first call, which traces.
    first_calls: dict[str, Candidate] = field(default_factory=dict)
    #: Candidates timed without a check against NumPy's result (they compute something
    #: else on purpose, e.g. W9's plain batch gradient next to per-example gradients).
    unchecked: tuple[str, ...] = ()


def _optional(name: str) -> Optional[Any]:
    try:
        return __import__(name)
    except ImportError:
        return None


def _torch() -> Optional[Any]:
    torch = _optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
    return torch


# --- W1 / W3: a chain of elementwise ops ------------------------------------------------
# The chain cycles x*0.999, x-0.999, sin, tanh, exp; every version is unrolled per cycle.
def chain_numpy(x0: np.ndarray, cycles: int) -> Result:
    saved = []
    x = x0
    for _ in range(cycles):
        a2 = x * 0.999 - 0.999
        a4 = np.tanh(np.sin(a2))
        x = np.exp(a4)
        saved.append((a2, a4, x))
    g = np.ones_like(x)
    for a2, a4, a5 in reversed(saved):
        g = g * a5
        g = g * (1 - a4 * a4)
        g = g * np.cos(a2)
        g = g * 0.999
    return [g]


def chain_funcgrad_fn(cycles: int) -> Callable[..., Any]:
    from benchmarks._compat import exp, sin, tanh

    def f(x: Any) -> Any:
        for _ in range(cycles):
            x = exp(tanh(sin(x * 0.999 - 0.999)))
        return x.sum()

    return f


def chain_funcgrad(x0: np.ndarray, cycles: int) -> Result:
    import funcgrad

    return [funcgrad.grad(chain_funcgrad_fn(cycles), argnums=0)(x0)]


def _chain_candidates(x0: np.ndarray, cycles: int, peers: bool) -> dict[str, Candidate]:
    import funcgrad

    f = chain_funcgrad_fn(cycles)
    g = funcgrad.grad(f, argnums=0)
    jg = funcgrad.jit(g)
    candidates: dict[str, Candidate] = {
        "numpy": lambda: chain_numpy(x0, cycles),
        "funcgrad": lambda: [g(x0)],
        "jit": lambda: [jg(x0)],
    }
    if not peers:
        return candidates
    autograd = _optional("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        def fa(x: Any) -> Any:
            for _ in range(cycles):
                x = anp.exp(anp.tanh(anp.sin(x * 0.999 - 0.999)))
            return anp.sum(x)

        ga = autograd.grad(fa)
        candidates["autograd"] = lambda: [ga(x0)]
    torch = _torch()
    if torch is not None:

        def ft() -> Result:
            x = torch.tensor(x0, requires_grad=True)
            y = x
            for _ in range(cycles):
                y = torch.exp(torch.tanh(torch.sin(y * 0.999 - 0.999)))
            y.sum().backward()
            return [x.grad.numpy()]

        candidates["torch"] = ft
    return candidates


def w1(case: str, quick: bool) -> Workload:
    shape = (int(case),)
    x0 = np.linspace(0.1, 0.9, shape[0])
    ops = 1000
    import funcgrad

    g = funcgrad.grad(chain_funcgrad_fn(ops // 5), argnums=0)
    return Workload(
        "W1 per-op overhead", f"shape ({case},), {ops} ops", np.float64,
        _chain_candidates(x0, ops // 5, peers=True),
        unit_scale=1e6 / ops, unit="µs/op", repeats=9 if quick else 61,
        first_calls={"jit": lambda: [funcgrad.jit(g)(x0)], "funcgrad": lambda: [g(x0)]},
    )


# --- W2 / W5: MLP gradient ----------------------------------------------------------------
def mlp_data(dtype: Any, batch: int = 256) -> tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    params: list[np.ndarray] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append((rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(dtype))
        params.append((0.1 * rng.standard_normal(n_out)).astype(dtype))
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    labels = rng.integers(0, sizes[-1], batch)
    onehot = np.eye(sizes[-1], dtype=dtype)[labels]
    return tuple(params), X, onehot


def mlp_numpy(params: tuple[np.ndarray, ...], X: np.ndarray, onehot: np.ndarray) -> Result:
    W1, b1, W2, b2, W3, b3 = params
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    dz = (p - onehot) * (1.0 / X.shape[0])
    dW3 = h2.T @ dz
    db3 = dz.sum(axis=0)
    da2 = (dz @ W3.T) * (1 - h2 * h2)
    dW2 = h1.T @ da2
    db2 = da2.sum(axis=0)
    da1 = (da2 @ W2.T) * (1 - h1 * h1)
    dW1 = X.T @ da1
    db1 = da1.sum(axis=0)
    return [dW1, db1, dW2, db2, dW3, db3]


def mlp_loss(params: Any, X: Any, onehot: Any) -> Any:
    from benchmarks._compat import log_softmax, tanh

    W1, b1, W2, b2, W3, b3 = params
    h1 = tanh(X @ W1 + b1)
    h2 = tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    return (log_softmax(z) * onehot).sum() * (-1.0 / X.shape[0])


def mlp_funcgrad(params: tuple[np.ndarray, ...], X: np.ndarray, onehot: np.ndarray) -> Result:
    import funcgrad

    return list(funcgrad.grad(mlp_loss, argnums=0)(params, X, onehot))


def w2(case: str, quick: bool) -> Workload:
    dtype = np.dtype(case)
    params, X, onehot = mlp_data(dtype)
    import funcgrad

    g = funcgrad.grad(mlp_loss, argnums=0)
    jg = funcgrad.jit(g)
    candidates: dict[str, Candidate] = {
        "numpy": lambda: mlp_numpy(params, X, onehot),
        "funcgrad": lambda: list(g(params, X, onehot)),
        "jit": lambda: list(jg(params, X, onehot)),
    }
    first_calls: dict[str, Candidate] = {
        "jit": lambda: list(funcgrad.jit(g)(params, X, onehot)), "funcgrad": lambda: list(g(params, X, onehot)),
    }
    autograd = _optional("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        def la(ps: Any) -> Any:
            W1, b1, W2, b2, W3, b3 = ps
            h1 = anp.tanh(anp.dot(X, W1) + b1)
            h2 = anp.tanh(anp.dot(h1, W2) + b2)
            z = anp.dot(h2, W3) + b3
            m = anp.max(z, axis=1, keepdims=True)
            lse = anp.log(anp.sum(anp.exp(z - m), axis=1, keepdims=True)) + m
            return -anp.sum((z - lse) * onehot) / X.shape[0]

        ga = autograd.grad(la)
        candidates["autograd"] = lambda: list(ga(list(params)))
    torch = _torch()
    if torch is not None:
        Xt, Ot = torch.from_numpy(X), torch.from_numpy(onehot)

        def ft() -> Result:
            ps = [torch.tensor(p, requires_grad=True) for p in params]
            W1, b1, W2, b2, W3, b3 = ps
            h1 = torch.tanh(Xt @ W1 + b1)
            h2 = torch.tanh(h1 @ W2 + b2)
            z = h2 @ W3 + b3
            loss = -(torch.log_softmax(z, dim=1) * Ot).sum() / X.shape[0]
            loss.backward()
            return [p.grad.numpy() for p in ps]

        candidates["torch"] = ft
    return Workload("W2 MLP gradient", f"784-512-512-10, batch 256, {dtype}", dtype, candidates,
                    unit_scale=1e3, unit="ms", repeats=5 if quick else 35, first_calls=first_calls)


# --- W4: Rosenbrock, higher order ------------------------------------------------------------
def rosen_fg(x: Any) -> Any:
    a = x[1:] - x[:-1] ** 2
    b = 1 - x[:-1]
    return (100 * (a * a) + b * b).sum()


def rosen_hess_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.zeros_like(x)
    d[:-1] = 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    d[1:] += 200
    off = -400 * x[:-1]
    return d, off


def rosen_hvp_numpy(x: np.ndarray, v: np.ndarray) -> Result:
    d, off = rosen_hess_parts(x)
    hv = d * v
    hv[:-1] += off * v[1:]
    hv[1:] += off * v[:-1]
    return [hv]


def rosen_hessian_numpy(x: np.ndarray) -> Result:
    d, off = rosen_hess_parts(x)
    return [np.diag(d) + np.diag(off, 1) + np.diag(off, -1)]


def w4(case: str, quick: bool) -> Workload:
    from benchmarks._compat import hessian, hvp

    kind, n_text = case.split("-")
    n = int(n_text)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1.5, 1.5, n)
    v = rng.standard_normal(n)
    import funcgrad

    candidates: dict[str, Candidate]
    first_calls: dict[str, Candidate] = {}
    if kind == "hvp":
        candidates = {"numpy": lambda: rosen_hvp_numpy(x, v)}
        if hvp is not None:
            fg_hvp = hvp

            def last(r: Any) -> Result:
                while isinstance(r, tuple):  # a per-primal tuple, or (out, hvp)
                    r = r[-1]
                return [np.asarray(r)]

            def rosen_hvp(x: Any, v: Any) -> Any:
                return fg_hvp(rosen_fg, (x,), (v,))

            jh = funcgrad.jit(rosen_hvp)
            candidates["funcgrad"] = lambda: last(rosen_hvp(x, v))
            candidates["jit"] = lambda: last(jh(x, v))
            first_calls = {"jit": lambda: last(funcgrad.jit(rosen_hvp)(x, v)), "funcgrad": lambda: last(rosen_hvp(x, v))}
    else:
        candidates = {"numpy": lambda: rosen_hessian_numpy(x)}
        if hessian is not None:
            h = hessian(rosen_fg)
            jh = funcgrad.jit(h)
            candidates["funcgrad"] = lambda: [np.asarray(h(x))]
            candidates["jit"] = lambda: [np.asarray(jh(x))]
            first_calls = {"jit": lambda: [np.asarray(funcgrad.jit(h)(x))], "funcgrad": lambda: [np.asarray(h(x))]}
    autograd = _optional("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        def ra(x: Any) -> Any:
            return anp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

        if kind == "hvp":
            ahvp = autograd.hessian_vector_product(ra)
            candidates["autograd"] = lambda: [ahvp(x, v)]
        else:
            ah = autograd.hessian(ra)
            candidates["autograd"] = lambda: [ah(x)]
    torch = _torch()
    if torch is not None:
        xt, vt = torch.from_numpy(x), torch.from_numpy(v)

        def rt(x: Any) -> Any:
            return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()

        if kind == "hvp":

            def thvp() -> Result:
                xx = xt.clone().requires_grad_(True)
                (g,) = torch.autograd.grad(rt(xx), xx, create_graph=True)
                (hv,) = torch.autograd.grad(g, xx, grad_outputs=vt)
                return [hv.numpy()]

            candidates["torch"] = thvp
        else:
            th = torch.func.hessian(rt)
            candidates["torch"] = lambda: [th(xt).numpy()]
    notes = [] if "funcgrad" in candidates else ["funcgrad: pending (hvp/hessian not in funcgrad yet)"]
    label = f"HVP, n={n}" if kind == "hvp" else f"full Hessian, n={n}"
    return Workload("W4 Rosenbrock", label, np.float64, candidates,
                    unit_scale=1e3, unit="ms", repeats=7 if quick else 31, notes=notes, first_calls=first_calls)


# --- W6: a small model trained with SGD ----------------------------------------------------------
def two_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.linspace(0, np.pi, half)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((2 * half, 2))
    y = np.concatenate([np.ones(half), -np.ones(half)])[:, None]
    return X, y


def small_params() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(2)
    sizes = [2, 16, 16, 1]
    params: list[np.ndarray] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append(rng.standard_normal((n_in, n_out)) / np.sqrt(n_in))
        params.append(np.zeros(n_out))
    return tuple(params)


STEPS, LR, ALPHA = 200, 0.05, 1e-4


def sgd_numpy(X: np.ndarray, y: np.ndarray, params: tuple[np.ndarray, ...], steps: int) -> Result:
    W1, b1, W2, b2, W3, b3 = params
    n = X.shape[0]
    for _ in range(steps):
        a1 = X @ W1 + b1
        h1 = np.maximum(a1, 0.0)
        a2 = h1 @ W2 + b2
        h2 = np.maximum(a2, 0.0)
        f = h2 @ W3 + b3
        margin = 1 - y * f
        df = np.where(margin > 0, -y, 0.0) * (1.0 / n)
        dW3 = h2.T @ df + (2 * ALPHA) * W3
        db3 = df.sum(axis=0) + (2 * ALPHA) * b3
        da2 = (df @ W3.T) * (a2 > 0)
        dW2 = h1.T @ da2 + (2 * ALPHA) * W2
        db2 = da2.sum(axis=0) + (2 * ALPHA) * b2
        da1 = (da2 @ W2.T) * (a1 > 0)
        dW1 = X.T @ da1 + (2 * ALPHA) * W1
        db1 = da1.sum(axis=0) + (2 * ALPHA) * b1
        W1, b1, W2, b2, W3, b3 = (
            W1 - LR * dW1, b1 - LR * db1, W2 - LR * dW2, b2 - LR * db2, W3 - LR * dW3, b3 - LR * db3,
        )
    return [W1, b1, W2, b2, W3, b3]


def small_loss(params: Any, X: Any, y: Any) -> Any:
    from benchmarks._compat import relu

    W1, b1, W2, b2, W3, b3 = params
    h1 = relu(X @ W1 + b1)
    h2 = relu(h1 @ W2 + b2)
    f = h2 @ W3 + b3
    data_loss = relu(1 - y * f).mean()
    reg = (W1 * W1).sum() + (b1 * b1).sum() + (W2 * W2).sum() + (b2 * b2).sum() + (W3 * W3).sum() + (b3 * b3).sum()
    return data_loss + ALPHA * reg


def w6(case: str, quick: bool) -> Workload:
    import funcgrad

    X, y = two_moons()
    params0 = small_params()
    g = funcgrad.grad(small_loss, argnums=0)

    def fg() -> Result:
        params = params0
        for _ in range(STEPS):
            grads = g(params, X, y)
            params = tuple(p - LR * d for p, d in zip(params, grads))
        return list(params)

    def train(step: Callable[..., Any]) -> Result:
        params = params0
        for _ in range(STEPS):
            grads = step(params, X, y)
            params = tuple(p - LR * d for p, d in zip(params, grads))
        return list(params)

    jg = funcgrad.jit(g)
    candidates: dict[str, Candidate] = {
        "numpy": lambda: sgd_numpy(X, y, params0, STEPS), "funcgrad": fg, "jit": lambda: train(jg),
    }
    first_calls: dict[str, Candidate] = {
        "jit": lambda: list(funcgrad.jit(g)(params0, X, y)), "funcgrad": lambda: list(g(params0, X, y)),
    }
    autograd = _optional("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        def la(ps: Any) -> Any:
            W1, b1, W2, b2, W3, b3 = ps
            h1 = anp.maximum(anp.dot(X, W1) + b1, 0.0)
            h2 = anp.maximum(anp.dot(h1, W2) + b2, 0.0)
            f = anp.dot(h2, W3) + b3
            return anp.mean(anp.maximum(1 - y * f, 0.0)) + ALPHA * sum(anp.sum(p * p) for p in ps)

        ga = autograd.grad(la)

        def fa() -> Result:
            params = list(params0)
            for _ in range(STEPS):
                grads = ga(params)
                params = [p - LR * d for p, d in zip(params, grads)]
            return params

        candidates["autograd"] = fa
    torch = _torch()
    if torch is not None:
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

        def ft() -> Result:
            ps = [torch.tensor(p) for p in params0]
            for _ in range(STEPS):
                for p in ps:
                    p.requires_grad_(True)
                W1, b1, W2, b2, W3, b3 = ps
                h1 = torch.relu(Xt @ W1 + b1)
                h2 = torch.relu(h1 @ W2 + b2)
                f = h2 @ W3 + b3
                loss = torch.relu(1 - yt * f).mean() + ALPHA * sum((p * p).sum() for p in ps)
                grads = torch.autograd.grad(loss, ps)
                with torch.no_grad():
                    ps = [p - LR * d for p, d in zip(ps, grads)]
            return [p.detach().numpy() for p in ps]

        candidates["torch"] = ft
    return Workload("W6 small model", f"2-16-16-1 ReLU, {STEPS} SGD steps", np.float64, candidates,
                    unit_scale=1e3, unit="ms", repeats=5 if quick else 31, first_calls=first_calls)


# --- W7: concatenate of many operands ----------------------------------------------------------
def concat_numpy(parts: list[np.ndarray], w: np.ndarray) -> Result:
    total = float(np.dot(np.concatenate(parts), w))  # the forward, as the others compute it
    assert np.isfinite(total)
    return [w[k : k + 1].copy() for k in range(len(parts))]  # d/d part_k of w . concat = w_k


def w7(case: str, quick: bool) -> Workload:
    n = int(case)
    rng = np.random.default_rng(7)
    parts = [rng.standard_normal(1) for _ in range(n)]
    w = rng.standard_normal(n)
    candidates: dict[str, Candidate] = {"numpy": lambda: concat_numpy(parts, w)}
    import funcgrad
    import funcgrad.numpy as fnp

    g = funcgrad.grad(lambda ps: (fnp.concatenate(ps) * w).sum(), argnums=0)
    candidates["funcgrad"] = lambda: [np.asarray(r) for r in g(parts)]
    # No autograd column: its concatenate backward is quadratic in the operands (one run
    # here: 1.4 s at 1,000 and 24 s at 4,000, so minutes per call at 10,000).
    torch = _torch()
    if torch is not None:
        wt = torch.from_numpy(w)

        def ft() -> Result:
            ps = [torch.from_numpy(p).requires_grad_(True) for p in parts]
            grads = torch.autograd.grad((torch.cat(ps) * wt).sum(), ps)
            return [r.numpy() for r in grads]

        candidates["torch"] = ft
    return Workload("W7 concatenate", f"{n:,} scalars (shape (1,)), forward + backward", np.float64, candidates,
                    unit_scale=1e3, unit="ms", repeats=5 if quick else 21)


# --- W9: per-example gradients of the W2 MLP ----------------------------------------------
def example_loss(params: Any, x: Any, t: Any) -> Any:
    """One example's cross-entropy under the W2 MLP (``x`` of shape (784,))."""
    from benchmarks._compat import log_softmax, tanh

    W1, b1, W2, b2, W3, b3 = params
    h1 = tanh(x @ W1 + b1)
    h2 = tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    return (log_softmax(z) * t).sum() * -1.0


def per_example_numpy(params: tuple[np.ndarray, ...], X: np.ndarray, onehot: np.ndarray) -> Result:
    W1, b1, W2, b2, W3, b3 = params
    h1 = np.tanh(X @ W1 + b1)
    h2 = np.tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    e = np.exp(z - z.max(axis=1, keepdims=True))
    dz = e / e.sum(axis=1, keepdims=True) - onehot
    da2 = (dz @ W3.T) * (1 - h2 * h2)
    da1 = (da2 @ W2.T) * (1 - h1 * h1)
    outer = lambda a, b: np.einsum("bi,bj->bij", a, b)  # noqa: E731
    return [outer(X, da1), da1, outer(h1, da2), da2, outer(h2, dz), dz]


def w9(case: str, quick: bool) -> Workload:
    """Per-example gradients, batch 256: ``vmap(grad)`` against the hand-written NumPy
    per-example gradients, and (as extra candidates) a Python loop of ``grad``; the
    plain batch gradient's time is reported alongside, as a note."""
    import funcgrad

    dtype = np.dtype(case)
    params, X, onehot = mlp_data(dtype)
    g = funcgrad.grad(example_loss, argnums=0)
    per_example = funcgrad.vmap(g, in_axes=(None, 0, 0))
    batch_grad = funcgrad.grad(mlp_loss, argnums=0)

    def loop() -> Result:
        rows = [g(params, X[n], onehot[n]) for n in range(X.shape[0])]
        return [np.stack([r[k] for r in rows]) for k in range(len(params))]

    candidates: dict[str, Candidate] = {
        "numpy": lambda: per_example_numpy(params, X, onehot),
        "funcgrad": lambda: list(per_example(params, X, onehot)),
        "funcgrad-loop": loop,
        "funcgrad-batch-gradient": lambda: list(batch_grad(params, X, onehot)),
    }
    return Workload("W9 per-example gradients", f"vmap(grad) of the W2 MLP, batch 256, {dtype}", dtype, candidates,
                    unit_scale=1e3, unit="ms", repeats=3 if quick else 7,
                    notes=["funcgrad-batch-gradient is the plain (mean) batch gradient: timed, not checked"],
                    unchecked=("funcgrad-batch-gradient",))


WORKLOADS: dict[str, tuple[Callable[[str, bool], Workload], list[str]]] = {
    "W1": (w1, ["1", "100"]),
    "W2": (w2, ["float64", "float32"]),
    "W4": (w4, ["hvp-1000", "hessian-100"]),
    "W6": (w6, ["two-moons"]),
    "W7": (w7, ["10000"]),
    "W9": (w9, ["float32", "float64"]),
}
