"""import/export of PagerDuty and Opsgenie: read saved API JSON, write matrix files (laying out a
starter repository first when the folder has none), say what a re-import would change, and write
the vendor JSON for a matrix. The mapping itself is pure (core/vendors)."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from escmatrix.core.errors import InvalidInput, Location, Problem, UsageError
from escmatrix.core.schemas import schema_name
from escmatrix.core.vendors.common import OWNED_FILES, Imported, NotMapped, playbook
from escmatrix.core.vendors.opsgenie import from_opsgenie, to_opsgenie
from escmatrix.core.vendors.pagerduty import from_pagerduty, to_pagerduty
from escmatrix.core.vendors.reading import Document

Vendor = Literal["pagerduty", "opsgenie"]
VENDOR_NAMES = {"pagerduty": "PagerDuty", "opsgenie": "Opsgenie"}
NOTES_FILE = "import-notes.md"


@dataclass
class ImportResult:
    vendor: str
    root: Path
    notes: list[NotMapped]
    changes: dict[str, str] = field(default_factory=dict)  # matrix/<kind>.yaml: unified diff
    written: list[str] = field(default_factory=list)
    laid_out: bool = False


def read_documents(paths: list[Path]) -> list[Document]:
    """Each file's parsed JSON; a file that is missing or not JSON is a problem naming it."""
    documents: list[Document] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise InvalidInput(
                [
                    Problem(
                        f"cannot read file: {reason}",
                        Location(str(path)),
                        hint="give saved API responses (JSON)",
                    )
                ]
            ) from None
        try:
            documents.append((str(path), json.loads(text)))
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                [
                    Problem(
                        f"not JSON: {exc.msg}",
                        Location(str(path), exc.lineno, exc.colno),
                        hint="save the API response body as it came",
                    )
                ]
            ) from None
    return documents


def imported(vendor: Vendor, paths: list[Path]) -> Imported:
    documents = read_documents(paths)
    return from_pagerduty(documents) if vendor == "pagerduty" else from_opsgenie(documents)


def file_text(vendor: Vendor, kind: str, data: dict[str, Any]) -> str:
    from escmatrix.store.yamlio import dump_yaml

    return (
        f"# yaml-language-server: $schema=../schemas/{schema_name(kind)}\n"
        f"# Imported from {VENDOR_NAMES[vendor]} by `escmatrix import`; re-import with --check to "
        "see what changed there.\n" + dump_yaml(data)
    )


def notes_text(vendor: Vendor, notes: list[NotMapped]) -> str:
    lines = [
        f"# What did not map from {VENDOR_NAMES[vendor]}",
        "",
        "Written by `escmatrix import`. Each row is a vendor setting the matrix cannot hold, and "
        "what the import did instead.",
        "",
        "| where | field | instead |",
        "|---|---|---|",
    ]
    lines += [f"| {n.where} | {n.field} | {n.instead} |".replace("\n", " ") for n in notes]
    return "\n".join(lines) + "\n"


def run_import(
    vendor: Vendor, paths: list[Path], root: Path, *, check: bool, today: date
) -> ImportResult:
    """Import into `root` (or with `check`, only say which matrix files would change)."""
    from escmatrix.store.scaffold import lay_out
    from escmatrix.store.yamlio import write_atomic

    found = imported(vendor, paths)
    result = ImportResult(vendor, root, found.notes)
    texts = {kind: file_text(vendor, kind, found.files[kind]) for kind in OWNED_FILES}
    for kind, text in texts.items():
        path = root / "matrix" / f"{kind}.yaml"
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old != text:
            diff = difflib.unified_diff(
                old.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"a/matrix/{kind}.yaml",
                f"b/matrix/{kind}.yaml",
            )
            result.changes[f"matrix/{kind}.yaml"] = "".join(diff)
    if check:
        return result
    if not (root / "matrix").exists():
        lay_out(root, today=today)
        result.laid_out = True
        _fit_starter(root, found)
    for kind, text in texts.items():
        write_atomic(root / "matrix" / f"{kind}.yaml", text)
        result.written.append(f"matrix/{kind}.yaml")
    first_tier = found.files["ladder"]["tiers"][0]
    for category in found.files["categories"]["categories"]:
        path = root / "playbooks" / str(category["playbook"])
        if not path.exists():
            write_atomic(path, playbook(category, first_tier, today.isoformat()))
            result.written.append(f"playbooks/{category['playbook']}")
    if result.laid_out:
        _accept_gaps(vendor, root, found, today)
    write_atomic(root / NOTES_FILE, notes_text(vendor, found.notes))
    result.written.append(NOTES_FILE)
    return result


def _fit_starter(root: Path, found: Imported) -> None:
    """Point the starter's governance at an imported manager and drop its example playbook links."""
    from escmatrix.store.yamlio import write_atomic

    wanted = {c["playbook"] for c in found.files["categories"]["categories"]}
    for starter in ("product-defect.md", "service-downtime.md"):
        if starter not in wanted:
            (root / "playbooks" / starter).unlink(missing_ok=True)
    tiers = [tier["id"] for tier in found.files["ladder"]["tiers"]]
    if "team-lead" not in tiers:  # the starter's sev1 starts at the team lead
        path = root / "matrix" / "severity.yaml"
        text = path.read_text(encoding="utf-8").replace(
            "start_tier: team-lead", f"start_tier: {tiers[-1]}"
        )
        write_atomic(path, text)
    teams = found.files["teams"]["teams"]
    path = root / "matrix" / "governance.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "owners: [pat]", f"owners: [{teams[0]['manager']}]"
    )
    gaps = text.find("# Hours where nobody engaged")  # the starter's gaps name its categories
    write_atomic(path, text if gaps < 0 else text[:gaps])


def _accept_gaps(vendor: Vendor, root: Path, found: Imported, today: date) -> None:
    """Hours where nobody the imported routing engages is at work or on call (e.g. a vendor's
    default route to a team rather than a schedule): accepted in governance.yaml with a reason
    that says so, and listed in the import notes for review."""
    from datetime import UTC, datetime, time

    from escmatrix.core.lint.cell_coverage import cell_gaps
    from escmatrix.store.matrix_loader import load_matrix
    from escmatrix.store.yamlio import write_atomic

    cells: dict[str, set[str]] = {}
    for gap in cell_gaps(load_matrix(root), datetime.combine(today, time(0), tzinfo=UTC)):
        cells.setdefault(gap.category, set()).add(gap.severity)
    if not cells:
        return
    lines = ["accepted_gaps:  # from the import: review, then route these hours to a schedule"]
    for category, severities in sorted(cells.items()):
        listed = ", ".join(sorted(severities))
        lines += [
            f"  - category: {category}",
            f"    severities: [{listed}]",
            f"    reason: Imported from {VENDOR_NAMES[vendor]}; nobody on call for it at some hours (see "
            "import-notes.md)",
        ]
        found.notes.append(
            NotMapped(
                f"category {category}",
                f"coverage of {listed}",
                "nobody the imported routing engages is at work or on call at some hours; "
                "accepted in governance.yaml accepted_gaps for review (remove the entry and "
                "`escmatrix validate` names the hours)",
            )
        )
    path = root / "matrix" / "governance.yaml"
    write_atomic(
        path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    )


def run_export(vendor: Vendor, root: Path, out: Path) -> tuple[list[str], list[NotMapped]]:
    """Write the vendor JSON for the matrix at `root` into `out`; the files written and notes."""
    from escmatrix.store.yamlio import read_yaml, write_atomic

    files: dict[str, dict[str, Any]] = {}
    for kind in OWNED_FILES:
        path = root / "matrix" / f"{kind}.yaml"
        if path.exists():
            files[kind] = _plain(read_yaml(path, f"matrix/{kind}.yaml")) or {}
    missing = [k for k in ("people", "teams", "ladder", "routing") if k not in files]
    if missing:
        raise UsageError(
            f"no matrix/{missing[0]}.yaml under {root}",
            hint="run export in a matrix repository, or give --repo",
        )
    documents, notes = to_pagerduty(files) if vendor == "pagerduty" else to_opsgenie(files)
    written = []
    for name, data in documents.items():
        write_atomic(out / name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        written.append(str(out / name))
    return written, notes


def _plain(value: Any) -> Any:
    """YAML as plain JSON-like values (dates as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
