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


def render_template(root: Path, name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(source, rendered text); a syntax error or unknown name is a problem at file:line."""
    from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
    from jinja2.sandbox import SandboxedEnvironment

    source, text = template_source(root, name)
    env = SandboxedEnvironment(
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,
    )
    try:
        template = env.from_string(text)
        rendered = template.render(**context)
    except TemplateSyntaxError as exc:
        raise _problem(source, exc.lineno, exc.message or "syntax error") from None
    except TemplateError as exc:
        raise _problem(source, _line_of(exc), str(exc)) from None
    return source, rendered.strip() + "\n"


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
