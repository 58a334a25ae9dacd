"""The layers of README's "Architecture" section: every module sits in a layer of the import
contracts (so lint-imports checks it), and no function body imports a project module (which
would hide a cycle from the contracts) outside the documented list."""

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tradeportal", "companies", "opportunities")

# Function-level imports of project modules that are allowed, with the reason.
LAZY_IMPORTS = {
    # Django's app-loading pattern: models are not ready when apps.py is imported
    "opportunities/apps.py",
    # being split by job (issue 16); the split hoists them
    "opportunities/matching/candidates.py",
}


def project_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            yield relative


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    names = set()
    for layer in contract["layers"]:
        names.update(part.strip() for part in layer.replace("|", ":").split(":"))
    return names


def test_every_module_of_the_project_is_in_a_layer_of_the_contract():
    layers = layer_modules()
    outside = [
        module_name(relative)
        for relative in project_modules()
        if module_name(relative) not in PACKAGES
        and not any(
            module_name(relative) == layer or module_name(relative).startswith(layer + ".")
            for layer in layers
        )
    ]
    assert outside == [], f"add these modules to a layer in pyproject.toml: {outside}"


def test_no_function_body_imports_a_project_module_outside_the_documented_list():
    found = []
    for relative in project_modules():
        if str(relative) in LAZY_IMPORTS:
            continue
        tree = ast.parse((ROOT / relative).read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] if not node.level else ["."]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                if any(n == "." or n.split(".")[0] in PACKAGES for n in names):
                    found.append(f"{relative}:{node.lineno}")
    assert found == [], f"import these at the top of the module: {found}"
