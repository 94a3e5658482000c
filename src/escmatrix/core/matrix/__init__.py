"""The escalation matrix: pydantic models for each matrix file and the assembled `Matrix`.

One model per file under `matrix/`, all with unknown keys forbidden, in a module named after the
file (people and teams share one). `Matrix` (in `assembled`) joins them; `dangling` checks every
cross-reference (people, teams, tiers, categories, severities, channels), reporting each broken
one with the file and the path inside it, so the loader can name the line.

This package's names are the matrix's public API: import them from `escmatrix.core.matrix`.
"""

from __future__ import annotations

from escmatrix.core.matrix.accounts import Account, AccountsFile, ContractTargets
from escmatrix.core.matrix.assembled import MATRIX_FILES, OPTIONAL_FILES, Matrix
from escmatrix.core.matrix.base import ALWAYS, M, Model
from escmatrix.core.matrix.calendars import WEEKDAYS, Calendar, CalendarsFile, Weekday
from escmatrix.core.matrix.categories import CategoriesFile, Category
from escmatrix.core.matrix.comms import (
    CHANNEL_FIELDS,
    ENV_NAME,
    PAGERDUTY_EVENTS_URL,
    Channel,
    ChannelKind,
    CommsFile,
    Jargon,
    JargonItem,
    StatusTemplate,
)
from escmatrix.core.matrix.dangling import Dangling
from escmatrix.core.matrix.governance import (
    Automation,
    GovernanceFile,
    OverridePolicy,
    ReviewPolicy,
)
from escmatrix.core.matrix.intake import INTAKE_SOURCES, IntakeFile, IntakeRule, IntakeSource
from escmatrix.core.matrix.ladder import AutoEscalate, LadderFile, Tier, TierHolder
from escmatrix.core.matrix.people import (
    WORKING_HOURS_PATTERN,
    Absence,
    PeopleFile,
    Person,
    Team,
    TeamsFile,
)
from escmatrix.core.matrix.routing import Match, PoolStrategy, RoutingFile, Rule
from escmatrix.core.matrix.schedules import Layer, Schedule, ScheduleOverride, SchedulesFile
from escmatrix.core.matrix.severity import Dimension, Severity, SeverityFile

__all__ = [
    "ALWAYS",
    "CHANNEL_FIELDS",
    "ENV_NAME",
    "INTAKE_SOURCES",
    "MATRIX_FILES",
    "OPTIONAL_FILES",
    "PAGERDUTY_EVENTS_URL",
    "WEEKDAYS",
    "WORKING_HOURS_PATTERN",
    "Absence",
    "Account",
    "AccountsFile",
    "AutoEscalate",
    "Automation",
    "Calendar",
    "CalendarsFile",
    "CategoriesFile",
    "Category",
    "Channel",
    "ChannelKind",
    "CommsFile",
    "ContractTargets",
    "Dangling",
    "Dimension",
    "GovernanceFile",
    "IntakeFile",
    "IntakeRule",
    "IntakeSource",
    "Jargon",
    "JargonItem",
    "LadderFile",
    "Layer",
    "M",
    "Match",
    "Matrix",
    "Model",
    "OverridePolicy",
    "PeopleFile",
    "Person",
    "PoolStrategy",
    "ReviewPolicy",
    "RoutingFile",
    "Rule",
    "Schedule",
    "ScheduleOverride",
    "SchedulesFile",
    "Severity",
    "SeverityFile",
    "StatusTemplate",
    "Team",
    "TeamsFile",
    "Tier",
    "TierHolder",
    "Weekday",
]
