"""Communication: every severity names the channels to tell (`severity-no-channel`)."""

from __future__ import annotations

from collections.abc import Iterator

from escmatrix.core.lint.findings import Finding
from escmatrix.core.lint.lookups import matrix_file
from escmatrix.core.matrix import Matrix, SeverityFile


def lint_channels(m: Matrix) -> Iterator[Finding]:
    has_comms = "comms" in m.files
    for i, sev in enumerate(matrix_file(m, "severity", SeverityFile).severities):
        if m.comms.by_severity.get(sev.id):
            continue
        hint = f"add `{sev.id}: [CHANNEL]` under by_severity in matrix/comms.yaml"
        message = f"severity {sev.id!r} names no channel to tell"
        if not has_comms:
            yield Finding("severity-no-channel", "severity", ("severities", i), message, hint)
        elif sev.id in m.comms.by_severity:
            yield Finding("severity-no-channel", "comms", ("by_severity", sev.id), message, hint)
        else:
            yield Finding(
                "severity-no-channel", "comms", ("by_severity",), message, hint, at_key=True
            )
