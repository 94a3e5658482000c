"""The ladder as people read it: each tier's holder, response time, responsibilities and the signs
that it is time to escalate (`escmatrix matrix --ladder` / `--tier T`), not only in YAML."""

from __future__ import annotations

from typing import TYPE_CHECKING

from escmatrix.cli.output import safe
from escmatrix.core.durations import format_duration

if TYPE_CHECKING:
    from rich.console import RenderableType

    from escmatrix.core.matrix import Matrix, Tier


def _auto(tier: Tier) -> str:
    auto = tier.auto_escalate
    signs = [
        name.replace("_", " ")
        for name, on in auto.model_dump().items()
        if isinstance(on, bool) and on
    ]
    if auto.resolution_percent is not None:
        signs.append(f"{auto.resolution_percent}% of the resolution target has passed")
    return ", ".join(signs) if signs else "never on its own"


def tier_panel(matrix: Matrix, tier: Tier) -> RenderableType:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    index = matrix.tier_index(tier.id)
    above = matrix.tiers[index + 1].name if index + 1 < len(matrix.tiers) else None
    head = Text.assemble(
        ("held by ", "dim"),
        safe(tier.held_by),
        ("  ·  respond within ", "dim"),
        format_duration(tier.response_time),
        ("  ·  coverage ", "dim"),
        tier.coverage,
        ("\nthe sweep escalates when: ", "dim"),
        _auto(tier),
        ("  ·  next: ", "dim"),
        safe(above or "the top of the ladder"),
    )
    parts: list[RenderableType] = [head]
    for title, items in (
        ("Responsibilities", tier.responsibilities),
        ("Escalate when", tier.escalate_when),
    ):
        parts.append(Text(f"\n{title}", "bold"))
        if items:
            parts.extend(Text.assemble("  • ", safe(item)) for item in items)
        else:
            parts.append(Text("  (none written in matrix/ladder.yaml)", "dim"))
    return Panel(
        Group(*parts),
        title=Text.assemble(safe(tier.name), (f"  ({tier.id})", "dim")),
        title_align="left",
    )


def ladder(matrix: Matrix, only: str | None = None) -> RenderableType:
    from rich.console import Group

    tiers = [t for t in matrix.tiers if only is None or t.id == only]
    return Group(*(tier_panel(matrix, t) for t in tiers))
