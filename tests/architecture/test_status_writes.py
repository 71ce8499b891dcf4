"""Only the transition helper writes `status`: scan marketplace/ for any other writer.

A write is an assignment to `<anything>.status`, a `setattr(…, "status", …)`, a `status=` keyword
given to any call (a model's constructor, an UPDATE's `.values(…)`, a helper passing it on) other than
the few whose `status` is no record's state (HTTP responses, audit details, page filters), a
`{"status": …}` given to `.values(…)`/`.update(…)`, or one returned for an UPDATE to use.
Run `python -m tests.architecture.test_status_writes` to print every place and the count.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "marketplace"
HELPER = PACKAGE / "platform" / "states.py"
# A stored API reply's `status` is the HTTP status it answered with, not a state.
HTTP_STATUS = {PACKAGE / "api" / "idempotency.py"}
# Calls whose `status=` is not a record's state: HTTP statuses, audit details, filters and page arguments.
NOT_STATES = {"Response", "make_response", "jsonify", "abort", "record", "render_template", "browse",
              "_render_detail", "_", "_l", "gettext", "lazy_gettext"}


def _status_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "status"


def _call_name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _writes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr == "status" and isinstance(part.ctx, ast.Store):
                        yield node.lineno, "assigns .status"
        elif isinstance(node, ast.Call):
            name = _call_name(node.func)
            if name == "setattr" and len(node.args) >= 2 and _status_key(node.args[1]):
                yield node.lineno, "setattr(…, 'status', …)"
                continue
            if name in NOT_STATES:
                continue
            has_kw = any(kw.arg == "status" for kw in node.keywords)
            has_key = any(isinstance(arg, ast.Dict) and any(_status_key(k) for k in arg.keys) for arg in node.args)
            if has_kw or (name in ("values", "update") and has_key):
                yield node.lineno, f"{name}(status=…)"
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Dict) and any(
                _status_key(k) and isinstance(v, ast.Constant)
                for k, v in zip(node.value.keys, node.value.values, strict=True)):
            yield node.lineno, "returns {'status': …} for an UPDATE"


def status_writes() -> list[str]:
    """Return `path:line: what` for every write of `status` outside the helper."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HELPER or path in HTTP_STATUS:
            continue
        for line, what in _writes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    return found


def test_only_the_transition_helper_writes_status():
    writes = status_writes()
    assert not writes, "status written outside marketplace/platform/states.py:\n" + "\n".join(writes)


if __name__ == "__main__":
    places = status_writes()
    print("\n".join(places))
    print(f"{len(places)} status writes outside marketplace/platform/states.py")
    sys.exit(1 if places else 0)
