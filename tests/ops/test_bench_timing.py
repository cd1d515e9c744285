"""One percentile for every benchmark (bench.timing), so p95 means the same in every figure."""

import ast
import re
from pathlib import Path

import pytest

from bench.timing import percentile

BENCH = Path(__file__).resolve().parents[2] / "bench"
MODULES = sorted(p for p in BENCH.glob("*.py") if p.name != "timing.py")
# A percentile taken by hand from a sorted list: timings[int(len(timings) * 0.95) - 1].
HAND_ROLLED = re.compile(r"\[\s*int\(\s*len\([^)]*\)\s*\*\s*0?\.\d+\s*\)")


def test_percentile_is_the_nearest_rank_over_the_sorted_values():
    values = list(range(100, 0, -1))  # any order
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 0) == 1 and percentile(values, 100) == 100
    assert percentile([7], 95) == 7
    assert percentile([], 95) == 0.0


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_benchmark_keeps_its_own_percentile(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    own = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and "percentile" in node.name.lower()
    ]
    assert not own, f"{path.name} defines {own}; use bench.timing.percentile"
    assert not HAND_ROLLED.search(source), f"{path.name} picks a percentile by hand"
    if re.search(r"\bpercentile\(", source):
        imported = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module == "bench.timing"
            and any(alias.name == "percentile" for alias in node.names)
        ]
        assert imported, f"{path.name} calls percentile() without bench.timing's"
