"""Communication templates: `playbooks/templates/<name>.md.j2` in the repository, else the
defaults shipped with escmatrix; rendered by a sandboxed Jinja2 for Markdown and plain text.

Templates come from pull requests, so they run sandboxed (no attribute tricks, no imports) with
undefined names refused. There is no HTML escaping (the output is Markdown or plain text, never
HTML); every value is made printable on the way out instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from escmatrix.core.errors import InvalidInput, Location, Problem

FOLDER = "playbooks/templates"
SUFFIX = ".md.j2"


def default_templates() -> dict[str, str]:
    """The templates shipped in the package (the ones `escmatrix init` lays out)."""
    folder = resources.files("escmatrix") / "scaffold" / "playbooks" / "templates"
    return {
        item.name: item.read_text(encoding="utf-8")
        for item in folder.iterdir()
        if item.name.endswith(SUFFIX)
    }


def _printable(value: Any) -> Any:
    """Values reach the text as they are, but control characters (escape codes) never do."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\n\t" else "\ufffd" for ch in text)


def template_source(root: Path, name: str) -> tuple[str, str]:
    """(where the template comes from, its text): the repository's, else the default."""
    path = root / FOLDER / name
    if path.is_file():
        return f"{FOLDER}/{name}", path.read_text(encoding="utf-8")
    defaults = default_templates()
    if name not in defaults:
        raise InvalidInput(
            [
                Problem(
                    f"no template {name}",
                    Location(f"{FOLDER}/{name}"),
                    f"write {FOLDER}/{name} (defaults exist for: {', '.join(sorted(defaults))})",
                    rule="template",
                )
            ]
        )
    return f"(built-in) {name}", defaults[name]


# What one template may cost: a communication is a page of text, so these are generous.
MAX_OUTPUT = 1_000_000  # characters rendered
MAX_ITERATIONS = 100_000  # items all `range()` calls of one rendering produce together
MAX_INT_BITS = 4096  # integers a template computes
MAX_SEQUENCE = 100_000  # a string or list made by `*` or `+`
MAX_SECONDS = 5.0


def render_template(root: Path, name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(source, rendered text); a syntax error, an unknown name, or a template that would exhaust
    the machine (see the limits above) is a problem at file:line."""
    from jinja2 import TemplateError, TemplateSyntaxError

    source, text = template_source(root, name)
    env = _environment(root)
    try:
        template = env.from_string(text)
        rendered = _bounded_render(template, context, env)
    except TemplateSyntaxError as exc:
        raise _problem(source, exc.lineno, exc.message or "syntax error") from None
    except (TemplateError, MemoryError, RecursionError, OverflowError) as exc:
        message = str(exc) if isinstance(exc, TemplateError) else type(exc).__name__
        raise _problem(source, _line_of(exc), message) from None
    return source, rendered.strip() + "\n"


def _environment(root: Path) -> Any:
    """A sandbox whose `**`, `*` and `+` refuse results past the limits, whose `range` counts,
    and whose `include`/`import` see only the templates folder."""
    import operator

    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    def too_big(value: Any) -> bool:
        if isinstance(value, int):
            return value.bit_length() > MAX_INT_BITS
        return isinstance(value, str | list | tuple) and len(value) > MAX_SEQUENCE

    class Bounded(SandboxedEnvironment):
        intercepted_binops = frozenset(["**", "*", "+", "//", "%"])
        iterations = 0

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            why = _too_costly(op, left, right)
            if why:
                raise SecurityError(why)
            result = {
                "**": operator.pow,
                "*": operator.mul,
                "+": operator.add,
                "//": operator.floordiv,
                "%": operator.mod,
            }[op](left, right)
            if too_big(result):
                raise SecurityError(f"a value over the template limits came of {op}")
            return result

    env = Bounded(
        loader=FileSystemLoader(str(root / FOLDER)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,
    )

    def bounded_range(*args: int) -> Any:
        for item in range(*args):
            env.iterations += 1
            if env.iterations > MAX_ITERATIONS:
                raise SecurityError(f"the template's loops ran over {MAX_ITERATIONS:,} times")
            yield item

    env.globals["range"] = bounded_range
    return env


def _too_costly(op: str, left: Any, right: Any) -> str:
    """Why computing `left op right` would be too costly to try, or ''."""
    sequence = (str, list, tuple)
    if op == "**" and isinstance(left, int) and isinstance(right, int):
        if max(abs(left), 2).bit_length() * max(right, 0) > MAX_INT_BITS:
            return f"{left} ** {right} is too large (over {MAX_INT_BITS} bits)"
    elif op == "*" and isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            return f"the product is too large (over {MAX_INT_BITS} bits)"
    elif op == "*" and isinstance(left, sequence) and isinstance(right, int):
        return _too_costly(op, right, left)
    elif (
        op == "*"
        and isinstance(left, int)
        and isinstance(right, sequence)
        and left * len(right) > MAX_SEQUENCE
    ):
        return f"a sequence of {left:,} × {len(right):,} items is too long"
    return ""


def _bounded_render(template: Any, context: dict[str, Any], env: Any) -> str:
    import time

    from jinja2.exceptions import SecurityError

    started, size, parts = time.monotonic(), 0, []
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the template wrote over {MAX_OUTPUT:,} characters")
        if time.monotonic() - started > MAX_SECONDS:
            raise SecurityError(f"the template took over {MAX_SECONDS:g} s to render")
        parts.append(chunk)
    return "".join(parts)


def _line_of(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem(source: str, line: int | None, message: str) -> InvalidInput:
    return InvalidInput(
        [
            Problem(
                f"template: {message}",
                Location(source, line, 1 if line else None),
                "fix the template; the names it may use are listed in the README",
                rule="template",
            )
        ],
        summary="the communication template cannot be rendered",
    )
