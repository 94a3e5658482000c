"""What each field of the matrix files and event files means, for the JSON schemas' `description`
(editors show it on hover). A field's own `Field(description=...)` in its model wins; these fill
in the rest, by model name, then by field name alone. A test requires one for every field."""

from __future__ import annotations

ID = "short id: lowercase letters, digits and '-'; unique in its file, and how other files name it"
NAME = "the name people read"
TZ = "IANA timezone, such as 'Europe/Berlin' or 'UTC'"
PERSON = "a person id from matrix/people.yaml"

COMMON: dict[str, str] = {
    "id": ID,
    "name": NAME,
    "timezone": TZ,
    "actor": "who did it: a person id from matrix/people.yaml, or 'automation' for the sweep",
    "at": "when it happened (UTC, ISO 8601)",
    "event": "the kind of event",
    "matrix": "the matrix commit the decision was made under",
    "note": "an optional note, in a sentence",
    "reason": "why, in a sentence",
    # a jargon entry's schema carries no title (it may also be written as a bare term)
    "term": "the term to flag in customer, partner and executive drafts",
    "instead": "what to say instead, in words a customer understands",
}

BY_MODEL: dict[str, dict[str, str]] = {
    "IntakeFile": {
        "rules": "how payloads become issues: the first rule whose source and `when` match wins",
    },
    "IntakeRule": {
        "description": "what the rule is for, in a sentence",
        "category": "the category id (matrix/categories.yaml) the issue opens in",
        "severity": "the severity id it opens with (or give impact)",
        "impact": "impact dimension -> level, for the severity thresholds to rate",
        "customer": "the customer id (matrix/accounts.yaml) when the payload does not name one",
        "partner": "the partner id (matrix/accounts.yaml) the issue involves",
        "tags": "tags put on the issue",
    },
    "AccountsFile": {
        "customers": "customers with special terms (contract targets, a liaison, what we share)",
        "partners": "partners with special terms, as for customers",
    },
    "Account": {
        "liaison": f"who speaks to them during an issue: {PERSON}",
        "shares": "what may be told to them in updates (status, next-update, ...); nothing else",
        "strategic": "true routes their issues by `when: {strategic: true}` rules in routing.yaml",
        "targets": "contract targets per severity id, replacing the severity defaults they set",
    },
    "ContractTargets": {
        "calendar": "the calendar the contract's clocks count in ('24x7' or a calendars.yaml id)",
        "first_response": "time to first response, e.g. '15m'",
        "resolution": "time to resolution, e.g. '4h'",
        "update_every": "status update cadence, e.g. '30m'",
    },
    "CalendarsFile": {"calendars": "working calendars that business-hours clocks count in"},
    "Calendar": {
        "closures": "dates the business is closed (holidays); no clock counts on them",
        "days": "working weekdays, e.g. [mon, tue, wed, thu, fri]",
        "hours": "local working hours, e.g. '09:00-17:00'",
    },
    "CategoriesFile": {"categories": "the kinds of issue, each with its owner and backups"},
    "Category": {
        "backups": f"who takes over when the primary is out of office (each {PERSON})",
        "description": "what belongs in this category, in a sentence or two",
        "playbook": "the playbook file under playbooks/ with the steps to follow",
        "primary": f"the primary owner: {PERSON}",
        "specialists": "people to pull in for this category",
    },
    "CommsFile": {
        "by_severity": "channel ids to notify, per severity id",
        "channels": "where notifications go: Slack, email, webhooks, paging, the dashboard",
        "status_update": "what a status update must hold, and how long it may be",
    },
    "Channel": {
        "kind": "slack, email, webhook, pagerduty or dashboard",
        "secret_env": "the environment variable holding the key (never the key itself)",
        "sender": "the From address of email",
        "smtp_host": "the mail server to send through",
        "smtp_port": "the mail server's port (587 with starttls)",
        "starttls": "upgrade the SMTP connection to TLS",
        "target": "the channel, address or service people recognise",
        "url": "the webhook URL, when it is no secret (else url_env)",
        "url_env": "the environment variable holding the webhook URL",
        "username_env": "the environment variable holding the SMTP user name",
    },
    "StatusTemplate": {
        "max_length": "the longest a status update may be, in characters",
        "required": "what every status update must say",
    },
    "Jargon": {
        "instead": "what to say instead, in words a customer understands",
        "term": "the term to flag in customer, partner and executive drafts",
    },
    "GovernanceFile": {
        "automation": "the identity the sweep commits as",
        "overrides": "who may route an issue elsewhere than the matrix says, and how it is reconciled",
        "review": "how often the matrix is reviewed, by whom, and when it last was",
    },
    "Automation": {"email": "the automation's git email", "name": "the automation's git name"},
    "OverridePolicy": {
        "allowed": "roles (people.yaml) that may override routing",
        "circumstances": "when an override is expected, in words",
        "reconcile_within": "how soon an override must be reconciled, e.g. '2d'",
        "reconcilers": "roles that may reconcile an override",
    },
    "ReviewPolicy": {
        "last_reviewed": "the date of the last review",
        "owners": "people who own the review",
        "period": "how often the matrix is reviewed, e.g. '90d'",
    },
    "LadderFile": {"tiers": "the escalation ladder, lowest tier first"},
    "Tier": {
        "auto_escalate": "when the sweep moves an issue up from this tier on its own",
        "escalate_when": "signs that a person should escalate from this tier early",
        "held_by": "who holds the tier: the owner, or the owner's team lead, manager or sponsor",
        "response_time": "how soon this tier must acknowledge an issue, e.g. '30m'",
        "responsibilities": "what the holder of this tier does",
    },
    "PeopleFile": {"people": "everyone who can own, receive or act on an escalation"},
    "Absence": {
        "from": "the first day away (inclusive)",
        "until": "the last day away (inclusive)",
    },
    "Person": {
        "channels": "how to reach them, per channel kind (e.g. slack: '@sam')",
        "email": "their git email: commands act as the person with that email",
        "out_of_office": "stretches away; their work goes to the category backup",
        "roles": "what they may do (governance.yaml grants overrides by role)",
        "team": "their team id (teams.yaml)",
    },
    "RoutingFile": {"rules": "who gets a new issue; the first rule that matches wins"},
    "Match": {
        "category": "category id(s) the rule applies to (a list means any of them)",
        "customer": "customer id(s) the rule applies to",
        "partner": "partner id(s) the rule applies to",
        "severity": "severity id(s) the rule applies to",
        "strategic": "only issues of strategic customers (accounts.yaml)",
        "tags": "tags an issue must carry",
    },
    "Rule": {
        "description": "why the rule exists, in a sentence",
        "owner": "a person id, a team id, or 'primary' (the category's primary owner)",
        "tier": "the tier the issue starts at (default: the severity's start tier)",
        "when": "what an issue must match; none matches everything",
    },
    "SchedulesFile": {"schedules": "on-call schedules: who answers, hour by hour"},
    "Schedule": {"overrides": "someone covering a dated stretch instead of the layers"},
    "ScheduleOverride": {
        "from": "when the cover starts",
        "until": "when the cover ends",
        "person": f"who covers: {PERSON}",
    },
    "SeverityFile": {
        "dimensions": "impact dimensions, each rated at a level; weight x level sums to a score",
        "severities": "the severities, each with a score range, a start tier and targets",
    },
    "Dimension": {
        "description": "what the dimension measures",
        "levels": "each level's name and its value",
        "weight": "what a level of this dimension is multiplied by",
    },
    "Severity": {
        "first_response": "time to first response, e.g. '15m'",
        "max_score": "the highest impact score that maps to this severity",
        "min_score": "the lowest impact score that maps to this severity",
        "resolution": "time to resolution, e.g. '4h'",
        "start_tier": "the ladder tier a new issue of this severity starts at",
        "update_every": "how often a status update is due, e.g. '30m'",
    },
    "TeamsFile": {"teams": "the teams people belong to"},
    "Team": {
        "channel": "the team's channel, e.g. '#support'",
        "lead": f"the team lead: {PERSON}",
        "manager": f"the team's manager: {PERSON}",
        "members": "the team's members (person ids)",
        "sponsor": f"the team's executive sponsor: {PERSON}",
    },
    # events (issues/ID/*.yaml)
    "Opened": {
        "category": "the category id",
        "customer": "the customer id, if any",
        "description": "what is wrong, in more words",
        "engaged": "the person engaged at the starting tier",
        "impact": "the impact level per dimension, when the severity was scored",
        "owner": "who owns the issue",
        "partner": "the partner id, if any",
        "rule": "the routing rule that matched",
        "score": "the impact score, when the severity was scored",
        "severity": "the severity id",
        "tags": "free tags routing rules can match",
        "tier": "the starting tier",
        "title": "a one-line title",
    },
    "Acknowledged": {},
    "Updated": {
        "dependencies": "who or what the issue waits on",
        "next_steps": "what happens next",
        "owner": "the new owner, when the update hands the issue over",
        "status": "where things stand, in a sentence",
    },
    "Assigned": {"owner": "the new owner", "previous": "the owner before"},
    "Escalated": {
        "automatic": "made by the sweep, not a person",
        "engaged": "who is engaged at the new tier",
        "previous": "the tier before",
        "tier": "the new tier",
    },
    "Deescalated": {
        "engaged": "who is engaged at the new tier",
        "previous": "the tier before",
        "tier": "the new tier",
    },
    "Overridden": {
        "engaged": "who is engaged after the override",
        "owner": "the owner the override chose",
        "previous_owner": "the owner the matrix had chosen",
        "previous_tier": "the tier the matrix had chosen",
        "tier": "the tier the override chose",
    },
    "Reconciled": {"learning": "what the override taught about the matrix"},
    "Rerouted": {
        "engaged": "who is engaged now",
        "owner": "the owner under the current matrix",
        "rule": "the routing rule that matched",
        "severity": "the severity under the current thresholds",
        "tier": "the tier under the current matrix",
    },
    "Paused": {"waiting_on": "customer or partner: whom the issue waits on (clocks stop)"},
    "Resumed": {},
    "Resolved": {"root_cause": "why it happened", "summary": "what fixed it"},
    "Reopened": {},
    "Closed": {
        "customer_satisfaction": "the customer's rating, 1 to 5",
        "partner_satisfaction": "the partner's rating, 1 to 5",
    },
    "Alerted": {
        "alert": "at-risk, breached or update-due",
        "clock": "the clock that crossed the line",
        "due": "when the clock is or was due",
    },
    "Commented": {"text": "the comment"},
    "Noted": {"text": "the internal note (never shared outside)"},
    "Communicated": {
        "audience": "customer, partner or executive",
        "recipient": "the account or person it went to",
        "sha256": "the SHA-256 of the text as sent",
        "text": "the update as sent",
    },
    "RepairAction": {
        "action": "what will be done for the relationship",
        "by": "the date it is due",
        "contact": "the account contacted (default: the issue's customer or partner)",
        "who": f"who does it: {PERSON}",
    },
    "FollowUpItem": {
        "due": "the date it is due",
        "item": "what is to be done",
        "owner": f"who does it: {PERSON}",
    },
    "Debriefed": {
        "follow_ups": "follow-up items, numbered from 1 across the issue's debriefs",
        "repair": "relationship repair actions",
        "root_cause": "why it happened",
        "went_badly": "what did not go well",
        "went_well": "what went well",
    },
    "Fulfilled": {"item": "the number of the follow-up that is done"},
}


def describe_field(model: str | None, field: str) -> str | None:
    """The description of `field` of the model titled `model`, if this table has one."""
    return BY_MODEL.get(model or "", {}).get(field) or COMMON.get(field)
