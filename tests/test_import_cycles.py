"""No import cycles inside ``regional``: every import of every module, including imports inside
functions (a cycle hidden in a function is still a cycle, only later), makes an edge; any strongly
connected set of modules fails the test, except the named, known cycles below while they are removed."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "regional"

#: Known cycles, each removed by another issue; the integrator deletes an entry once that issue is
#: merged. Nothing else may join them, and no new cycle may appear.
KNOWN_CYCLES: dict[str, frozenset[str]] = {
    # none left: issue 11 moved every write out of the importers (regional.returns), ending db <-> importers
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of the package that ``path`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from regional import db" imports the module regional.db; "from regional.db import x" imports regional.db
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        elif isinstance(node, ast.Call) and _is_import_module(node):
            # importlib.import_module(f"regional.importers.{name}"): every module under that prefix
            prefix = _literal_prefix(node.args[0])
            targets = [m for m in known if prefix and m.startswith(prefix) and m != prefix.rstrip(".")]
        else:
            continue
        for target in targets:
            while target and target not in known:  # "import regional.importers.dfe.x" -> the longest known module
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _is_import_module(node: ast.Call) -> bool:
    func = node.func
    named = (isinstance(func, ast.Attribute) and func.attr == "import_module") or \
        (isinstance(func, ast.Name) and func.id == "import_module")
    return named and bool(node.args)


def _literal_prefix(arg: ast.expr) -> str:
    """The constant start of a module name given as a string or an f-string ("regional.importers.")."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value)
    return ""


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected sets of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(frozenset(component))
    return out


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "regional.store" in graph["regional.metrics"]
    # the pseudonymiser imports regional.keys inside a function (pseudonym_key)
    assert "regional.keys" in graph["regional.importers.ssda903_pseudonym"]


def test_the_graph_sees_modules_imported_by_name() -> None:
    # regional.db loads every importer with importlib.import_module(f"regional.importers.{name}")
    assert "regional.importers.fostering_pipeline" in import_graph()["regional.db"]


def test_cycle_finder_finds_a_cycle_through_three_modules() -> None:
    found = cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert found == [frozenset({"a", "b", "c"})]


def without_known_cycles(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph less every edge inside one known cycle: what is left must have no cycle at all."""
    return {node: {t for t in targets if not any({node, t} <= allowed for allowed in KNOWN_CYCLES.values())}
            for node, targets in graph.items()}


def test_no_import_cycles_in_regional() -> None:
    unexplained = [sorted(c) for c in cycles(without_known_cycles(import_graph()))]
    assert not unexplained, f"import cycles in regional/ (not one of KNOWN_CYCLES): {unexplained}"


def test_known_cycles_are_allowed_only_as_named(monkeypatch) -> None:
    # an edge from a new module into a known cycle and back would still be caught
    monkeypatch.setitem(KNOWN_CYCLES, "example", frozenset({"regional.db", "regional.importers.ssda903"}))
    graph = {"regional.db": {"regional.importers.ssda903", "regional.views.x"},
             "regional.importers.ssda903": {"regional.db"}, "regional.views.x": {"regional.db"}}
    assert cycles(without_known_cycles(graph)) == [frozenset({"regional.db", "regional.views.x"})]


def test_views_and_selection_are_in_no_cycle() -> None:
    for component in cycles(import_graph()):
        assert not {m for m in component if m.startswith(("regional.views", "regional.selection"))}, component
