"""The shape of the mlcoach package: small modules, small functions, no import cycle, no interface found by probing.

Each check reads the source with `ast` and names every offender (file, line, what), not only the first."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mlcoach"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80
PROBES = ("getattr", "hasattr")  # builtins that find an interface by asking an object what it has
FORWARDERS = ("__getattr__", "__setattr__", "__getattribute__")  # methods that forward one
PROBING_ALLOWED = {"mlcoach/llm.py"}  # reads attributes of LiteLLM's third-party response objects


def modules(package: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, whether it is a package's __init__)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import statement at any depth (in functions, classes, try blocks), except under `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _targets(node: ast.Import | ast.ImportFrom, name: str, is_package: bool, known) -> set[str]:
    """The package's modules an import statement in module `name` imports: `from mlcoach import x` is module
    mlcoach.x when there is one, else (a name defined in mlcoach/__init__.py) mlcoach itself. Relative imports
    are resolved. The parent packages every import also runs are not counted."""
    if isinstance(node, ast.Import):
        out = set()
        for alias in node.names:
            parts = alias.name.split(".")
            found = next((".".join(parts[:i]) for i in range(len(parts), 0, -1) if ".".join(parts[:i]) in known), None)
            if found:
                out.add(found)
        return out
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    out = set()
    for alias in node.names:
        if f"{source}.{alias.name}" in known:
            out.add(f"{source}.{alias.name}")
        elif source in known:
            out.add(source)
    return out


def import_graph(package: Path = PACKAGE) -> dict[str, dict[str, list[str]]]:
    """module -> {module it imports -> ["file:line", ...]}, within the package."""
    known = modules(package)
    graph: dict[str, dict[str, list[str]]] = {}
    for name, (path, is_package) in known.items():
        edges: dict[str, list[str]] = {}
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _targets(node, name, is_package, known):
                if target != name:
                    edges.setdefault(target, []).append(f"{_rel(path)}:{node.lineno}")
        graph[name] = {target: sorted(where, key=lambda loc: int(loc.rsplit(":", 1)[1]))
                       for target, where in edges.items()}
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def _functions(tree: ast.AST, prefix: str = ""):
    """(qualified name, node) of every function and method, nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield prefix + node.name, node
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def _trees():
    for path, _ in modules().values():
        yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _report(title: str, offenders: list[str]) -> str:
    return f"{len(offenders)} {title}:\n  " + "\n  ".join(offenders)


# ---------------------------------------------------------------------------------------------- the checks


def test_no_module_is_over_450_lines():
    offenders = [f"{_rel(path)}: {n} lines" for path, _ in modules().values()
                 if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not offenders, _report(f"modules over {MAX_MODULE_LINES} lines", offenders)


def test_no_function_is_over_80_lines():
    offenders = [f"{_rel(path)}:{node.lineno} {name}: {n} lines" for path, tree in _trees()
                 for name, node in _functions(tree)
                 if (n := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES]
    assert not offenders, _report(f"functions over {MAX_FUNCTION_LINES} lines", offenders)


def test_no_import_cycle():
    graph = import_graph()
    offenders = []
    for component in cycles(graph):
        edges = [f"{a} -> {b} ({', '.join(graph[a][b])})" for a in component for b in component if b in graph[a]]
        offenders.append(" <-> ".join(component) + "\n    " + "\n    ".join(edges))
    assert not offenders, _report("import cycles (imports inside functions count)", offenders)


def test_no_interface_is_found_by_probing():
    found = []
    for path, tree in _trees():
        if _rel(path) in PROBING_ALLOWED:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PROBES:
                found.append((_rel(path), node.lineno, f"{node.func.id}("))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in FORWARDERS:
                found.append((_rel(path), node.lineno, f"def {node.name}"))
    offenders = [f"{path}:{line} {what}" for path, line, what in sorted(found)]
    assert not offenders, _report("attribute probes or forwarders (declare a Protocol instead)", offenders)


# ---------------------------------------------------------------------------------------------- the checkers


def test_the_import_graph_sees_every_kind_of_import(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "VERSION = 1\n",
        "a.py": "from pkg import b, VERSION\n",
        "b.py": "def f():\n    from pkg.sub import c\n",
        "sub/__init__.py": "from .c import thing\n",
        "sub/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\nelse:\n"
                    "    import pkg.d\nfrom .. import e\n",
        "d.py": "import os\nimport pkg.a as again\n",
        "e.py": "",
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    graph = import_graph(pkg)
    assert {k: set(v) for k, v in graph.items()} == {
        "pkg": set(), "pkg.a": {"pkg.b", "pkg"}, "pkg.b": {"pkg.sub.c"}, "pkg.sub": {"pkg.sub.c"},
        "pkg.sub.c": {"pkg.d", "pkg.e"}, "pkg.d": {"pkg.a"}, "pkg.e": set(),
    }
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.d", "pkg.sub.c"]]
    assert graph["pkg.b"]["pkg.sub.c"] == [f"{pkg / 'b.py'}:2"]


def test_the_import_graph_of_mlcoach_is_complete():
    graph = import_graph()
    assert {"mlcoach.personas.load", "mlcoach.personas.model", "mlcoach.personas.parse"} <= \
        set(graph["mlcoach.personas"])
    assert "mlcoach.matching" in graph["mlcoach.personas.model"]
    assert "mlcoach.personas" in graph["mlcoach.cli.personas"]  # `from mlcoach import personas` in a command


def test_function_lengths_count_methods_and_nested_functions():
    tree = ast.parse("class A:\n    def m(self):\n        def inner():\n            pass\n\n        return 1\n")
    assert [(name, node.end_lineno - node.lineno + 1) for name, node in _functions(tree)] == [
        ("A.m", 5), ("A.m.inner", 2)]
