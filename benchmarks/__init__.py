"""funcgrad's benchmark suite: every figure a same-run ratio to hand-written NumPy.

Run on demand, never part of the test suite: ``python -m benchmarks.run [--quick]``.
"""
