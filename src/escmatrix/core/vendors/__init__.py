"""Moving between the matrix and PagerDuty or Opsgenie: pure mapping of their REST API JSON.

`from_pagerduty` / `from_opsgenie` turn saved API responses into matrix files (plain dicts in
the YAML files' shape) plus a report of what did not map; `to_pagerduty` / `to_opsgenie` go the
other way for the people, teams, schedules, ladder and routing.
"""
