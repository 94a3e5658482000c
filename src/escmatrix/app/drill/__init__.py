"""Run a drill: a scenario played on a virtual clock in a throwaway copy of the repository.

matrix/ and playbooks/ are copied into a temporary folder with its own `git init`; the real
repository is never touched. Issues are opened and acted on through the same workspace calls the
commands use (one commit each), and at every moment that matters (a scripted event, a clock
coming due or at risk) the sweep runs with `apply`, as CI would. Notifications are worked out and
captured, never sent. What happened is collected in a `DrillResult`.

The scenario file is read in `scenario_file`, the throwaway repository and its workspace are in
`sandbox`, and `runner` plays the scenario.
"""

from escmatrix.app.drill.runner import run
from escmatrix.app.drill.sandbox import COPIED, DRILL_IDENTITY, DrillWorkspace, copy_repository
from escmatrix.app.drill.scenario_file import check, load_scenario

__all__ = [
    "COPIED",
    "DRILL_IDENTITY",
    "DrillWorkspace",
    "check",
    "copy_repository",
    "load_scenario",
    "run",
]
