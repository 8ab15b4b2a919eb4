"""The import rule: config -> engine -> app -> web. engine knows no database and no web, app knows no web."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "stylegan_app"
FORBIDDEN = {"engine": ("sqlalchemy", "alembic", "gradio"), "app": ("gradio",)}
# What each layer may import from the package itself.
ALLOWED = {"config": (), "engine": ("config", "engine"), "app": ("config", "engine", "app")}


def modules_of(layer: str) -> list[str]:
    """Dotted names of every module in a layer."""
    folder = PACKAGE / layer
    return sorted(
        "stylegan_app." + ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts[1:])
        for p in folder.rglob("*.py")
        if "migrations" not in p.parts
    )


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_importing_a_layer_pulls_in_no_forbidden_library(layer):
    """A fresh interpreter imports every module of the layer; then none of the forbidden libraries may be loaded."""
    code = "\n".join(
        ["import importlib, sys", f"for name in {modules_of(layer)!r}:", "    importlib.import_module(name)",
         f"print(sorted(m for m in {FORBIDDEN[layer]!r} if m in sys.modules))"]
    )  # fmt: skip
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PACKAGE.parent, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"{layer} imported {result.stdout.strip()}"


def package_imports(source: str, layer: str) -> set[str]:
    """The layers of stylegan_app a file of `layer` imports from (a relative import stays in its own layer)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and layer != "config":
                found.add(layer)
            elif node.module and node.module.startswith("stylegan_app."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("stylegan_app.")}
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_from_itself_and_the_layers_below(layer):
    files = [PACKAGE / "config.py"] if layer == "config" else sorted((PACKAGE / layer).rglob("*.py"))
    wrong = {str(p.relative_to(PACKAGE)): sorted(package_imports(p.read_text(), layer) - set(ALLOWED[layer])) for p in files}
    assert {name: layers for name, layers in wrong.items() if layers} == {}


def test_the_rule_test_sees_a_violation():
    """The AST check above can fail: engine code that imports the app or web layer is caught."""
    source = "from stylegan_app.app import store\nimport stylegan_app.web.layout\nfrom .losses import gram\n"
    assert package_imports(source, "engine") - set(ALLOWED["engine"]) == {"app", "web"}
