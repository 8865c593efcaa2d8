"""Import boundaries between the project's parts, and facts that must not drift from files.

- `sim` runs without the game, the classroom server or a display: it never imports `game`,
  `classroom`, `pygame` or `pygame_gui` (checked in the source and in a fresh interpreter).
- The game's screens navigate by name (`game.app.SCREENS`): none imports another.
- `sim.agents` and `sim.mechanisms` do not import each other inside functions (a run-time
  import hides a dependency cycle instead of removing it).
- `sim.facts.GOOD_POLICY` is the `best_practice` scenario's policy, read from its file.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIM_FORBIDDEN = ("game", "classroom", "pygame", "pygame_gui")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def module_name(path: Path) -> str:
    """`sim/mechanisms/sales.py` -> `sim.mechanisms.sales` (a package is its folder's name)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> Iterator[tuple[int, str, bool]]:
    """Every module a file imports: (line, absolute module name, inside a function?).

    `from a.b import c` yields both `a.b` and `a.b.c` (c may be a module); relative imports are
    resolved; `importlib.import_module("x")` and `__import__("x")` with a literal name count too.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> Iterator[tuple[int, str, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, in_function
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module, in_function
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{module}.{alias.name}", in_function
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value, in_function
        inside = in_function or isinstance(node, FUNCTIONS)
        for child in ast.iter_child_nodes(node):
            yield from visit(child, inside)

    yield from visit(tree, False)


def is_under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def one_per_line(hits: list[tuple[Path, int, str]], why: str) -> list[str]:
    """`file:line: imports module why`, once per import statement."""
    first: dict[tuple[Path, int], str] = {}
    for path, line, module in hits:
        first.setdefault((path, line), module)
    return [f"{path.relative_to(ROOT)}:{line}: imports {module}{why}" for (path, line), module in first.items()]


def test_sim_source_never_imports_the_game_or_a_display() -> None:
    files = sorted((ROOT / "sim").rglob("*.py"))
    assert len(files) > 20
    bad = one_per_line([(path, line, module) for path in files for line, module, _ in imports(path)
                        if is_under(module, *SIM_FORBIDDEN)], "")
    assert not bad, "\n".join(bad)


def test_importing_sim_loads_no_game_classroom_or_pygame() -> None:
    code = ("import sys\n"
            "import sim, sim.cli, sim.scenario, sim.model, sim.savegame, sim.sweeps, sim.compare, "
            "sim.debrief, sim.playtest\n"
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {SIM_FORBIDDEN!r})\n"
            "print('\\n'.join(bad))\n"
            "sys.exit(1 if bad else 0)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


CLASSROOM_FORBIDDEN = ("game", "pygame", "pygame_gui")


def test_classroom_runs_without_the_game_or_a_display() -> None:
    """The classroom server imports `sim`, never the game: it runs on a machine with no display."""
    files = sorted((ROOT / "classroom").rglob("*.py"))
    assert len(files) >= 8
    bad = one_per_line([(path, line, module) for path in files for line, module, _ in imports(path)
                        if is_under(module, *CLASSROOM_FORBIDDEN)], "")
    assert not bad, "\n".join(bad)
    code = ("import sys\n"
            "import classroom.app, classroom.cli, classroom.bots\n"
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {CLASSROOM_FORBIDDEN!r})\n"
            "print('\\n'.join(bad))\n"
            "sys.exit(1 if bad else 0)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


def test_game_screens_do_not_import_each_other() -> None:
    files = sorted(p for p in (ROOT / "game" / "screens").glob("*.py") if p.name != "__init__.py")
    assert files
    screens = {f"game.screens.{p.stem}" for p in files}
    bad = one_per_line([(path, line, module) for path in files for line, module, _ in imports(path)
                        if module in screens - {module_name(path)}],
                       " (ask for a screen by name: game.app.SCREENS)")
    assert not bad, "\n".join(bad)


def test_agents_and_mechanisms_have_no_run_time_imports_of_each_other() -> None:
    files = [ROOT / "sim" / "agents.py", *sorted((ROOT / "sim" / "mechanisms").glob("*.py"))]
    bad = one_per_line([(path, line, module) for path in files for line, module, in_function in imports(path)
                        if in_function and is_under(module, "sim.agents", "sim.mechanisms")],
                       " inside a function")
    assert not bad, "\n".join(bad)


def test_good_policy_is_the_best_practice_scenario_file() -> None:
    """The stylized facts and calibration tests start from exactly the levers in
    scenarios/best_practice.toml, every lever named there, with the values and types it gives."""
    from sim.facts import GOOD_POLICY
    from sim.policy import LEVERS

    with open(ROOT / "scenarios" / "best_practice.toml", "rb") as f:
        policy = tomllib.load(f)["policy"]
    assert set(policy) == set(LEVERS) == set(GOOD_POLICY)
    assert GOOD_POLICY == policy
    assert {k: type(v) for k, v in GOOD_POLICY.items()} == {k: type(v) for k, v in policy.items()}
