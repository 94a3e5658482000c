"""Write the bad-input corpus (matrix/<case>/<kind>.yaml, events/<case>.yaml,
playbooks/<case>/product-defect.md) and cases.yaml.

The files on disk are the corpus; this script is how they were made, kept so a case can be added
or changed in one place: `python tests/corpus_bad/make_corpus.py`. Each case starts from a valid
file (the starter matrix, or a valid event) with one thing broken. The expected line is the line
holding `at` (a piece of the broken text), found in the bytes written, never asked of escmatrix.
"""

from __future__ import annotations

import gzip
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SCAFFOLD = HERE.parent.parent / "src" / "escmatrix" / "scaffold" / "matrix"
PLAYBOOK = (SCAFFOLD.parent / "playbooks" / "product-defect.md").read_text(encoding="utf-8")

EVENT_HEADER = (
    "# escmatrix event: append-only; never edit or delete, record a correction as a new event\n"
)
UPDATED = EVENT_HEADER + (
    "event: updated\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: alex\n"
    "matrix: ''\n"
    "status: Rolled back the deploy\n"
    "next_steps: Watch the error rate\n"
    "owner: null\n"
    "dependencies: ''\n"
)
ASSIGNED = EVENT_HEADER + (
    "event: assigned\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: alex\n"
    "matrix: ''\n"
    "owner: sam\n"
    "previous: alex\n"
    "reason: Sam knows the checkout service\n"
)
ESCALATED = EVENT_HEADER + (
    "event: escalated\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: alex\n"
    "matrix: ''\n"
    "tier: team-lead\n"
    "previous: frontline\n"
    "engaged: kim\n"
    "reason: No fix in sight\n"
    "automatic: false\n"
)
CLOSED = EVENT_HEADER + (
    "event: closed\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: alex\n"
    "matrix: ''\n"
    "customer_satisfaction: 4\n"
    "partner_satisfaction: null\n"
    "note: ''\n"
)
PAUSED = EVENT_HEADER + (
    "event: paused\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: alex\n"
    "matrix: ''\n"
    "waiting_on: customer\n"
    "reason: Waiting for the customer's logs\n"
)
ALERTED = EVENT_HEADER + (
    "event: alerted\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: automation\n"
    "matrix: ''\n"
    "alert: at-risk\n"
    "clock: first response\n"
    "due: '2026-03-02T10:00:00Z'\n"
)
COMMENTED = EVENT_HEADER + (
    "event: commented\n"
    "at: '2026-03-02T09:30:00Z'\n"
    "actor: alex\n"
    "matrix: ''\n"
    "text: Customer confirmed the workaround\n"
)


@dataclass
class Case:
    file: str  # relative to tests/corpus_bad/
    data: bytes
    message: str | list[str]  # a fragment the message must contain (or one of several), any case
    at: bytes | None = None  # the expected line is the first line holding these bytes
    line: int | None = None  # or given outright
    name: str | None = None  # events: the event kind the test names the file with
    read: str = "refuse"  # "refuse": read commands exit 1 too; "any": only validate must refuse
    note: str = ""

    def expected_line(self) -> int | None:
        if self.line is not None:
            return self.line
        if self.at is None:
            return None
        data = gzip.decompress(self.data) if self.file.endswith(".gz") else self.data
        index = data.find(self.at)
        if index < 0:
            raise SystemExit(f"{self.file}: {self.at!r} is not in the file")
        return data[:index].count(b"\n") + 1


CASES: list[Case] = []


def base(kind: str) -> str:
    return (SCAFFOLD / f"{kind}.yaml").read_text(encoding="utf-8")


def sub(text: str, old: str, new: str) -> str:
    if old not in text:
        raise SystemExit(f"{old!r} not in the base text")
    return text.replace(old, new, 1)


def matrix(
    case: str,
    kind: str,
    text: str | bytes,
    message: str | list[str],
    at: str | bytes | None = None,
    *,
    line: int | None = None,
    read: str = "refuse",
    note: str = "",
    gz: bool = False,
) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    where = at.encode("utf-8") if isinstance(at, str) else at
    file = f"matrix/{case}/{kind}.yaml" + (".gz" if gz else "")
    if gz:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    CASES.append(Case(file, data, message, where, line, None, read, note))


def event(
    case: str,
    name: str,
    text: str | bytes,
    message: str | list[str],
    at: str | bytes | None = None,
    *,
    line: int | None = None,
    read: str = "refuse",
    note: str = "",
    gz: bool = False,
) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    where = at.encode("utf-8") if isinstance(at, str) else at
    file = f"events/{case}.yaml" + (".gz" if gz else "")
    if gz:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    CASES.append(Case(file, data, message, where, line, name, read, note))


def playbook(
    case: str,
    text: str | bytes,
    message: str | list[str],
    at: str | bytes | None = None,
    *,
    line: int | None = None,
    read: str = "refuse",
    note: str = "",
    gz: bool = False,
) -> None:
    """A playbook case: replaces playbooks/product-defect.md."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    where = at.encode("utf-8") if isinstance(at, str) else at
    file = "playbooks/" + case + "/product-defect.md" + (".gz" if gz else "")
    if gz:
        data = gzip.compress(data, compresslevel=9, mtime=0)
    CASES.append(Case(file, data, message, where, line, None, read, note))


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def nested_flow(depth: int, inner: str = "x") -> str:
    return "[" * depth + inner + "]" * depth


def nested_block(depth: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}leaf\n"


def junk(seed: int, size: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


# -- matrix: malformed YAML of many shapes ------------------------------------------------------

people = base("people")
teams = base("teams")
categories = base("categories")
ladder = base("ladder")
severity = base("severity")
routing = base("routing")
governance = base("governance")
comms = base("comms")
calendars = base("calendars")

matrix(
    "unclosed-flow-sequence",
    "people",
    sub(people, "roles: [team-lead]", "roles: [team-lead"),
    "malformed YAML",
    "  - id: pat",
    note="the parser notices at the next item",
)
matrix(
    "unclosed-double-quote",
    "people",
    sub(people, "name: Sam Roe", 'name: "Sam Roe'),
    "malformed YAML",
    'channels: {slack: "@sam"}',
    note="the quote runs on to the next quote, five lines down, where YAML first sees an error",
)
matrix(
    "unclosed-single-quote",
    "teams",
    sub(teams, 'channel: "#support"', "channel: '#support"),
    "malformed YAML",
    "'#support",
)
matrix(
    "tab-indentation",
    "people",
    sub(people, "    timezone: America/New_York\n", "\ttimezone: America/New_York\n"),
    "tab",
    "\ttimezone",
    note="a tab in block indentation",
)
matrix(
    "tab-before-value",
    "teams",
    sub(teams, "    lead: kim\n", "\tlead: kim\n"),
    "tab",
    "\tlead",
)
matrix(
    "bad-indentation",
    "categories",
    sub(categories, "    primary: sam\n", "      primary: sam\n"),
    "malformed YAML",
    "      primary: sam",
)
matrix(
    "sequence-inside-mapping",
    "categories",
    sub(categories, "    name: Service downtime\n", "    name: Service downtime\n  - backups\n"),
    "malformed YAML",
    "    primary: sam\n    backups: [alex]",
    note="YAML reads '- backups' and the next line as one text; its colon is the error",
)
matrix(
    "colon-in-plain-value",
    "ladder",
    sub(ladder, "name: Team lead", "name: Team: lead"),
    "mapping values are not allowed",
    "name: Team: lead",
)
matrix(
    "unclosed-flow-mapping",
    "routing",
    sub(routing, "when: {category: [service-downtime]}", "when: {category: [service-downtime]"),
    "malformed YAML",
    "    owner: support",
)
matrix(
    "stray-closing-bracket",
    "severity",
    sub(
        severity,
        "    levels: {none: 0, degraded: 1, down: 3}\n",
        "    levels: {none: 0, degraded: 1, down: 3}}\n",
    ),
    "malformed YAML",
    "down: 3}}",
)
matrix(
    "two-documents",
    "governance",
    governance + "---\noverrides:\n  allowed: [pat]\n",
    "single document",
    "---",
)
matrix(
    "incompatible-yaml-directive",
    "comms",
    "%YAML 9.9\n---\n" + comms,
    "incompatible YAML document",
    "%YAML",
)
matrix(
    "python-object-tag",
    "calendars",
    sub(
        calendars,
        "name: London office hours",
        "name: !!python/object/apply:os.system ['touch pwned']",
    ),
    "constructor for the tag",
    "!!python",
    note="a code-execution tag is never constructed",
)
matrix(
    "undefined-alias",
    "teams",
    sub(teams, "members: [alex, sam]", "members: *everyone"),
    "undefined alias",
    "*everyone",
)
matrix(
    "complex-mapping-key",
    "routing",
    sub(routing, "rules:\n", "? [a, b]\n: c\nrules:\n"),
    "plain value",
    "? [a, b]",
)
matrix(
    "bad-base64-binary",
    "people",
    sub(people, "name: Kim Lee", "name: !!binary 'zz'"),
    "base64",
    "!!binary",
)
matrix(
    "bad-merge-key",
    "ladder",
    sub(ladder, "    auto_escalate: {no_acknowledgement: true}\n", "    <<: 5\n"),
    "merging",
    "<<: 5",
)
matrix(
    "block-scalar-bad-indent",
    "severity",
    sub(severity, "    name: Minor\n", "    name: |\n  Minor\n"),
    "malformed YAML",
    "    min_score: 0",
    note="the block scalar ends empty; 'Minor' and the next line then make a broken key",
)
matrix(
    "missing-colon",
    "governance",
    sub(governance, "  period: 13w\n", "  period 13w\n"),
    "malformed YAML",
    "  last_reviewed",
    note="a key without its colon is read as text; the next key then breaks the mapping",
)
matrix(
    "lone-dash-at-top",
    "people",
    people + "-\n",
    "malformed YAML",
    line=people.count("\n") + 1,
)

# -- matrix: bytes that are not UTF-8 text, binary junk, control characters -----------------

matrix(
    "latin-1-name",
    "people",
    sub(people, "name: Kim Lee", "name: Zoë Lee").encode("latin-1"),
    "not valid UTF-8",
    b"Zo" + b"\xeb",
)
matrix(
    "lone-surrogate-utf8",
    "teams",
    sub(teams, "name: Customer Support", "name: Customer Support")
    .encode("utf-8")
    .replace(b"Customer Support", b"Customer \xed\xa0\x80Support"),
    "not valid UTF-8",
    b"\xed\xa0\x80",
)
matrix(
    "utf16-le-bom",
    "categories",
    categories.encode("utf-16"),
    "not valid UTF-8",
    line=1,
)
matrix(
    "utf16-be-bom",
    "ladder",
    b"\xfe\xff" + ladder.encode("utf-16-be"),
    "not valid UTF-8",
    line=1,
)
matrix(
    "utf32-bom",
    "routing",
    routing.encode("utf-32"),
    "not valid UTF-8",
    line=1,
)
matrix(
    "overlong-utf8-slash",
    "governance",
    sub(
        governance,
        "circumstances: [The routed owner cannot act in time]",
        "circumstances: [The routed owner cannot act in time]",
    )
    .encode()
    .replace(b"act in time", b"act \xc0\xafin time"),
    "not valid UTF-8",
    b"\xc0\xaf",
)
matrix(
    "truncated-multibyte-at-end",
    "comms",
    comms.encode() + "  # café".encode()[:-1],
    "not valid UTF-8",
    b"  # caf\xc3",
)
matrix(
    "five-byte-sequence",
    "calendars",
    calendars.encode().replace(b"London office hours", b"London \xf8\x88\x80\x80\x80office hours"),
    "not valid UTF-8",
    b"\xf8",
)
matrix(
    "nul-bytes",
    "people",
    sub(people, "name: Pat Kay", "name: Pat\0Kay"),
    "character",
    "Pat\0Kay",
    note="NUL is not allowed in YAML text",
)
matrix(
    "binary-junk",
    "teams",
    junk(1, 4096),
    "UTF-8",
    line=None,
)
matrix(
    "binary-junk-after-valid-text",
    "severity",
    severity.encode() + junk(2, 512),
    "UTF-8",
    line=None,
)
matrix(
    "png-header",
    "routing",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + junk(3, 200),
    "UTF-8",
    line=1,
)
matrix(
    "raw-escape-byte",
    "people",
    sub(people, "name: Jo Park", "name: \x1b[31mJo Park\x1b[0m"),
    "control characters",
    "\x1b[31m",
    note="a raw ESC byte in the file, not a YAML escape",
)
matrix(
    "bell-and-backspace",
    "categories",
    sub(categories, "name: Product defect", "name: Product\x07\x08 defect"),
    "control characters",
    "\x07",
)
matrix(
    "c1-control-csi",
    "ladder",
    sub(ladder, "name: Manager", "name: \x9b31mManager"),
    "character",
    "\x9b31m",
    note="U+009B, the one-character CSI some terminals obey",
)
matrix(
    "utf8-bom-then-latin-1",
    "governance",
    b"\xef\xbb\xbf" + governance.encode().replace(b"owners: [pat]", b"owners: [p\xe2t]"),
    "not valid UTF-8",
    b"p\xe2t",
)

# -- matrix: wrong types, unknown keys, duplicate keys --------------------------------------

matrix(
    "unknown-top-level-key",
    "people",
    sub(people, "people:\n", "persons:\n"),
    "unknown key 'persons'",
    "persons:",
)
matrix(
    "unknown-key-in-person",
    "people",
    sub(
        people,
        "    team: support\n    roles: [team-lead]\n",
        "    team: support\n    nickname: Kimmy\n    roles: [team-lead]\n",
    ),
    "unknown key 'nickname'",
    "nickname",
)
matrix(
    "unknown-key-in-absence",
    "people",
    sub(
        people,
        "    roles: [executive]\n",
        "    roles: [executive]\n    out_of_office:\n      - {from: 2026-03-01, until: 2026-03-10, cover: pat}\n",
    ),
    "unknown key 'cover'",
    "cover: pat",
)
matrix(
    "unknown-key-in-team",
    "teams",
    sub(teams, "    sponsor: jo\n", "    sponsor: jo\n    budget: 100\n"),
    "unknown key 'budget'",
    "budget",
)
matrix(
    "unknown-key-in-category",
    "categories",
    sub(categories, "    primary: sam\n", "    primary: sam\n    owner: sam\n"),
    "unknown key 'owner'",
    "    owner: sam",
)
matrix(
    "unknown-key-in-auto-escalate",
    "ladder",
    sub(
        ladder,
        "auto_escalate: {no_acknowledgement: true}",
        "auto_escalate: {no_acknowledgment: true}",
    ),
    "unknown key 'no_acknowledgment'",
    "no_acknowledgment",
)
matrix(
    "unknown-key-in-dimension",
    "severity",
    sub(severity, "    weight: 2\n", "    weight: 2\n    weighting: 3\n"),
    "unknown key 'weighting'",
    "weighting",
)
matrix(
    "unknown-key-in-when",
    "routing",
    sub(routing, "when: {category: [service-downtime]}", "when: {categories: [service-downtime]}"),
    "unknown key 'categories'",
    "categories:",
)
matrix(
    "unknown-key-in-review",
    "governance",
    sub(governance, "  owners: [pat]\n", "  owners: [pat]\n  cadence: quarterly\n"),
    "unknown key 'cadence'",
    "cadence",
)
matrix(
    "unknown-key-in-status-update",
    "comms",
    sub(comms, "  max_length: 600\n", "  max_length: 600\n  min_length: 10\n"),
    "unknown key 'min_length'",
    "min_length",
)
matrix(
    "unknown-key-in-calendar",
    "calendars",
    sub(calendars, "    holidays: GB\n", "    holidays: GB\n    lunch: 12:00-13:00\n"),
    "unknown key 'lunch'",
    "lunch",
)
matrix(
    "unknown-key-in-accounts",
    "accounts",
    "customers:\n  - id: acme\n    name: Acme\n    tier: gold\n",
    "unknown key 'tier'",
    "tier: gold",
)
matrix(
    "unexpected-matrix-file",
    "peoples",
    people,
    "unexpected matrix file",
    line=1,
    note="a file matrix/ does not know (a typo of people.yaml)",
)
matrix(
    "duplicate-top-level-key",
    "people",
    people + "people:\n  - id: zed\n",
    "duplicate key 'people'",
    "people:\n  - id: zed",
)
matrix(
    "duplicate-nested-key",
    "people",
    sub(
        people,
        "    timezone: America/New_York\n    team: support\n    roles: [manager]\n",
        "    timezone: America/New_York\n    team: support\n    timezone: UTC\n    roles: [manager]\n",
    ),
    "duplicate key 'timezone'",
    "timezone: UTC",
)
matrix(
    "duplicate-key-in-flow-mapping",
    "severity",
    sub(
        severity,
        "levels: {none: 0, few: 1, many: 2, all: 3}",
        "levels: {none: 0, few: 1, none: 2, all: 3}",
    ),
    "duplicate key 'none'",
    "levels: {none: 0, few: 1, none",
)
matrix(
    "duplicate-key-deep",
    "ladder",
    sub(
        ladder,
        "auto_escalate: {no_acknowledgement: true, resolution_percent: 75}",
        "auto_escalate:\n      no_acknowledgement: true\n      resolution_percent: 75\n      no_acknowledgement: false",
    ),
    "duplicate key 'no_acknowledgement'",
    "no_acknowledgement: false",
)
matrix(
    "duplicate-key-in-rule",
    "routing",
    sub(routing, "    owner: support\n", "    owner: support\n    when: {severity: [sev1]}\n"),
    "duplicate key 'when'",
    "when: {severity",
)
matrix(
    "duplicate-key-in-team",
    "teams",
    sub(teams, "    lead: kim\n", "    lead: kim\n    lead: pat\n"),
    "duplicate key 'lead'",
    "lead: pat",
)
matrix(
    "mapping-where-list-expected",
    "people",
    "people:\n  alex:\n    name: Alex Doe\n",
    "valid list",
    "  alex:",
)
matrix(
    "top-level-list",
    "teams",
    "- id: support\n  name: Customer Support\n",
    "expected a mapping",
    line=1,
)
matrix(
    "top-level-scalar",
    "categories",
    "just some text\n",
    "expected a mapping",
    line=1,
)
matrix(
    "weight-as-word",
    "severity",
    sub(severity, "    weight: 3\n", "    weight: three\n"),
    "integer",
    "weight: three",
)
matrix(
    "negative-min-score",
    "severity",
    sub(severity, "    min_score: 0\n", "    min_score: -1\n"),
    "greater than or equal",
    "min_score: -1",
)
matrix(
    "duration-as-number",
    "ladder",
    sub(ladder, "response_time: 1h\n", "response_time: 60\n"),
    "number",
    "response_time: 60",
)
matrix(
    "duration-as-word",
    "ladder",
    sub(ladder, "response_time: 2h\n", "response_time: soon\n"),
    "not a duration",
    "response_time: soon",
)
matrix(
    "empty-ladder",
    "ladder",
    "# no tiers at all\ntiers: []\n",
    "at least 1",
    "tiers: []",
)
matrix(
    "backups-as-text",
    "categories",
    sub(categories, "backups: [sam]", "backups: sam"),
    "valid list",
    "backups: sam",
)
matrix(
    "no-backups",
    "categories",
    sub(categories, "backups: [alex]", "backups: []"),
    "at least 1",
    "backups: []",
)
matrix(
    "smtp-port-out-of-range",
    "comms",
    sub(comms, "smtp_port: 587", "smtp_port: 70000"),
    "less than or equal",
    "smtp_port: 70000",
)
matrix(
    "max-length-too-small",
    "comms",
    sub(comms, "max_length: 600", "max_length: 10"),
    "greater than or equal",
    "max_length: 10",
)
matrix(
    "review-date-not-a-date",
    "governance",
    sub(governance, "last_reviewed: 2026-01-01", "last_reviewed: someday"),
    "date",
    "last_reviewed: someday",
)
matrix(
    "email-without-at",
    "people",
    sub(people, "email: sam@example.com", "email: sam.example.com"),
    "pattern",
    "email: sam.example.com",
)
matrix(
    "unknown-timezone",
    "people",
    sub(
        people,
        "timezone: Europe/London\n    team: support\n    roles: [team-lead]",
        "timezone: Mars/Olympus_Mons\n    team: support\n    roles: [team-lead]",
    ),
    "unknown timezone",
    "Mars/Olympus_Mons",
)
matrix(
    "unknown-weekday",
    "calendars",
    sub(calendars, "days: [mon, tue, wed, thu, fri]", "days: [mon, tue, funday]"),
    "'mon'",
    "funday",
    note="the message lists the valid days",
)
matrix(
    "channels-as-list",
    "people",
    sub(people, 'channels: {slack: "@alex"}', 'channels: ["@alex"]'),
    "valid dictionary",
    'channels: ["@alex"]',
)
matrix(
    "people-null",
    "people",
    "people:\n",
    "valid list",
    "people:",
)


# -- matrix: YAML 1.1 surprises -----------------------------------------------------------------

matrix(
    "yaml11-no-as-name", "people", sub(people, "name: Sam Roe", "name: no"), "boolean", "name: no"
)
matrix(
    "yaml11-on-as-name",
    "teams",
    sub(teams, "name: Customer Support", "name: on"),
    "boolean",
    "name: on",
)
matrix(
    "yaml11-off-as-id",
    "categories",
    sub(categories, "id: service-downtime", "id: off"),
    "boolean",
    "id: off",
)
matrix(
    "yaml11-yes-in-roles",
    "people",
    sub(people, "roles: [manager]", "roles: [yes]"),
    "boolean",
    "roles: [yes]",
)
matrix(
    "yaml11-sexagesimal-hours",
    "calendars",
    sub(calendars, 'hours: "09:00-17:00"', "hours: 9:00"),
    "number",
    "hours: 9:00",
    note="9:00 is read as 540",
)
matrix(
    "yaml11-sexagesimal-name",
    "ladder",
    sub(ladder, "name: Manager", "name: 1:30"),
    "number",
    "name: 1:30",
)
matrix(
    "yaml11-octal-name",
    "people",
    sub(people, "name: Pat Kay", "name: 0777"),
    "number",
    "name: 0777",
    note="0777 is read as 511",
)
matrix(
    "yaml11-hex-channel",
    "teams",
    sub(teams, 'channel: "#support"', "channel: 0x1F"),
    "number",
    "channel: 0x1F",
)
matrix(
    "yaml11-inf-name",
    "severity",
    sub(severity, "name: Minor", "name: .inf"),
    "number",
    "name: .inf",
)
matrix(
    "yaml11-nan-description",
    "routing",
    sub(
        routing,
        "description: Everything else goes to the category's primary owner",
        "description: .NaN",
    ),
    "number",
    "description: .NaN",
)
matrix(
    "yaml11-date-as-name",
    "people",
    sub(people, "name: Jo Park", "name: 2026-01-01"),
    "date",
    "name: 2026-01-01",
)
matrix(
    "yaml11-timestamp-as-target",
    "comms",
    sub(comms, "target: support@example.com", "target: 2026-01-01 09:00:00"),
    "datetime",
    "target: 2026-01-01",
)
matrix(
    "yaml11-null-name",
    "categories",
    sub(categories, "name: Product defect", "name: ~"),
    "name",
    "name: ~",
)
matrix(
    "yaml11-float-weight",
    "severity",
    sub(severity, "    weight: 2\n", "    weight: 2.5\n"),
    "integer",
    "weight: 2.5",
)

# -- matrix: anchors and aliases past the limit, oversize, deep nesting, empty --------------

matrix(
    "billion-laughs",
    "people",
    billion_laughs() + people,
    "over the limit",
    line=1,
    note="10^9 strings once expanded",
)
matrix(
    "billion-laughs-inside-value",
    "ladder",
    sub(
        ladder,
        "    responsibilities: [Acknowledge, triage, first status update]\n",
        "    responsibilities: &r0 [a, a, a, a, a, a, a, a, a, a]\n"
        "    escalate_when: &r1 [*r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0]\n"
        "    x1: &r2 [*r1, *r1, *r1, *r1, *r1, *r1, *r1, *r1, *r1, *r1]\n"
        "    x2: &r3 [*r2, *r2, *r2, *r2, *r2, *r2, *r2, *r2, *r2, *r2]\n"
        "    x3: &r4 [*r3, *r3, *r3, *r3, *r3, *r3, *r3, *r3, *r3, *r3]\n"
        "    x4: &r5 [*r4, *r4, *r4, *r4, *r4, *r4, *r4, *r4, *r4, *r4]\n",
    ),
    "over the limit",
    line=1,
)
matrix(
    "merge-key-bomb",
    "teams",
    "m0: &m0 {"
    + ", ".join(f"k{i}: v" for i in range(20))
    + "}\n"
    + "".join(
        f"m{i}: &m{i} {{" + ", ".join(f"c{j}: *m{i - 1}" for j in range(20)) + "}\n"
        for i in range(1, 5)
    )
    + teams,
    "over the limit",
    line=1,
)
matrix(
    "recursive-anchor",
    "categories",
    sub(categories, "backups: [sam]", "backups: &loop [*loop]"),
    "nesting deeper",
    "&loop",
)
matrix(
    "over-one-mebibyte-of-comments",
    "people",
    people + ("# " + "padding " * 12 + "\n") * 12000,
    "over the limit",
    gz=True,
)
matrix(
    "over-one-mebibyte-of-rules",
    "routing",
    "rules:\n"
    + "".join(
        f"  - id: rule-{i}\n    description: {'x' * 60}\n    when: {{category: [product-defect]}}\n    owner: primary\n"
        for i in range(9000)
    )
    + "  - id: catch-all\n    owner: primary\n",
    "over the limit",
    gz=True,
)
matrix(
    "nested-flow-100",
    "people",
    "people: " + nested_flow(100) + "\n",
    "nesting deeper",
    line=1,
)
matrix(
    "nested-block-100",
    "governance",
    "overrides:\n  allowed: [manager]\nreview:\n  period: 13w\n  last_reviewed: 2026-01-01\n"
    + "deep:\n"
    + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(100))
    + "  " * 101
    + "leaf\n",
    "nesting deeper",
    line=None,
)
matrix(
    "nested-flow-5000",
    "severity",
    "dimensions: " + nested_flow(5000) + "\n",
    "nest",
    line=1,
)
matrix(
    "nested-mappings-flow-200",
    "teams",
    "teams: " + "{a: " * 200 + "x" + "}" * 200 + "\n",
    "nesting deeper",
    line=1,
)
matrix("empty-file", "people", b"", "missing required key 'people'", line=None)
matrix(
    "only-comments",
    "teams",
    "# nothing here yet\n# still nothing\n",
    "missing required key 'teams'",
    line=None,
)
matrix("only-document-marker", "ladder", "---\n...\n", "missing required key 'tiers'", line=None)
matrix(
    "only-whitespace", "categories", "\n\n   \n\n", "missing required key 'categories'", line=None
)

# -- matrix: markup and escapes in values, ids that are paths or not ids ------------------------

matrix(
    "markup-in-id",
    "people",
    sub(people, "id: kim", 'id: "[red]kim[/red]"'),
    "pattern",
    "[red]kim",
)
matrix(
    "ansi-escape-in-unknown-key",
    "people",
    sub(
        people,
        "    team: support\n    roles: [manager]\n",
        '    team: support\n    "\\e[31mevil\\e[0m": 1\n    roles: [manager]\n',
    ),
    "unknown key",
    "\\e[31mevil",
    note="a YAML escape: the key holds a real ESC character, which output must not send raw",
)
matrix(
    "osc8-link-in-timezone",
    "people",
    sub(
        people,
        "timezone: Europe/London\n    team: support\n    roles: [team-lead]",
        'timezone: "\\e]8;;file:///etc/passwd\\e\\\\click\\e]8;;\\e\\\\"\n    team: support\n    roles: [team-lead]',
    ),
    "unknown timezone",
    "file:///etc/passwd",
)
matrix(
    "markup-link-in-unknown-key",
    "teams",
    sub(
        teams, "    sponsor: jo\n", "    sponsor: jo\n    '[link=file:///etc/passwd]x[/link]': 1\n"
    ),
    "[link=file:///etc/passwd]x[/link]",
    "[link=",
)
matrix(
    "id-parent-path",
    "categories",
    sub(categories, "id: product-defect", "id: ../x"),
    "pattern",
    "id: ../x",
)
matrix(
    "id-with-slash",
    "categories",
    sub(categories, "id: service-downtime", "id: a/b"),
    "pattern",
    "id: a/b",
)
matrix(
    "id-windows-path",
    "categories",
    sub(categories, "id: product-defect", "id: 'C:\\x'"),
    "pattern",
    "C:\\x",
)
matrix(
    "id-absolute-path",
    "ladder",
    sub(ladder, "id: manager", "id: /etc/passwd"),
    "pattern",
    "/etc/passwd",
)
matrix("id-dot-dot", "teams", sub(teams, "id: support", "id: '..'"), "pattern", "id: '..'")
matrix("id-upper-case", "people", sub(people, "id: alex", "id: Alex"), "pattern", "id: Alex")
matrix("id-with-space", "people", sub(people, "id: sam", "id: sam roe"), "pattern", "id: sam roe")
matrix(
    "id-too-long", "severity", sub(severity, "id: sev3", "id: " + "s" * 80), "at most 64", "s" * 80
)
matrix("id-empty", "routing", sub(routing, "id: catch-all", "id: ''"), "pattern", "id: ''")
matrix(
    "playbook-outside-playbooks",
    "categories",
    sub(categories, "playbook: service-downtime.md", "playbook: ../../../etc/passwd"),
    "playbook",
    "../../../etc/passwd",
    read="any",
    note="a policy finding; reading commands may still run",
)

# -- matrix: references to people, teams, categories, tiers that do not exist ----------------

matrix(
    "unknown-primary",
    "categories",
    sub(categories, "primary: alex", "primary: ghost"),
    "unknown person 'ghost'",
    "primary: ghost",
)
matrix(
    "unknown-backup",
    "categories",
    sub(categories, "backups: [alex]", "backups: [ghost]"),
    "unknown person 'ghost'",
    "backups: [ghost]",
)
matrix(
    "backup-is-primary",
    "categories",
    sub(categories, "backups: [sam]", "backups: [alex]"),
    "backup",
    "backups: [alex]",
)
matrix(
    "unknown-team-lead",
    "teams",
    sub(teams, "lead: kim", "lead: ghost"),
    "unknown person 'ghost'",
    "lead: ghost",
)
matrix(
    "unknown-team-member",
    "teams",
    sub(teams, "members: [alex, sam]", "members: [alex, ghost]"),
    "unknown person 'ghost'",
    "members: [alex, ghost]",
)
matrix(
    "unknown-team-of-person",
    "people",
    sub(
        people,
        "    team: support\n    roles: [executive]",
        "    team: nowhere\n    roles: [executive]",
    ),
    "nowhere",
    "team: nowhere",
)
matrix(
    "unknown-rule-owner",
    "routing",
    sub(routing, "owner: support", "owner: ghost"),
    "ghost",
    "owner: ghost",
)
matrix(
    "unknown-rule-category",
    "routing",
    sub(routing, "when: {category: [service-downtime]}", "when: {category: [no-such-category]}"),
    "no-such-category",
    "no-such-category",
)
matrix(
    "unknown-start-tier",
    "severity",
    sub(severity, "start_tier: team-lead", "start_tier: no-such-tier"),
    "no-such-tier",
    "no-such-tier",
)
matrix(
    "unknown-severity-calendar",
    "severity",
    sub(severity, "calendar: office", "calendar: no-such-calendar"),
    "no-such-calendar",
    "no-such-calendar",
)
matrix(
    "unknown-severity-in-comms",
    "comms",
    sub(comms, "  sev3: [support-email]", "  sev9: [support-email]"),
    "sev9",
    "sev9",
)
matrix(
    "unknown-channel-in-comms",
    "comms",
    sub(comms, "sev2: [support-chat]", "sev2: [no-such-channel]"),
    "no-such-channel",
    "no-such-channel",
)
matrix(
    "unknown-review-owner",
    "governance",
    sub(governance, "owners: [pat]", "owners: [ghost]"),
    "ghost",
    "owners: [ghost]",
)


# -- matrix and events: values PyYAML's own constructors choke on --------------------------------

matrix(
    "impossible-date",
    "governance",
    sub(governance, "last_reviewed: 2026-01-01", "last_reviewed: 2026-02-30"),
    ["2026-02-30", "day", "date"],
    "last_reviewed: 2026-02-30",
    note="looks like a date, is not one",
)
matrix(
    "impossible-month-in-list",
    "calendars",
    sub(calendars, "closures: [2026-12-24]", "closures: [2026-13-01]"),
    ["2026-13-01", "month", "date"],
    "2026-13-01",
)
matrix(
    "impossible-date-in-absence",
    "people",
    sub(
        people,
        "    roles: [executive]\n",
        "    roles: [executive]\n    out_of_office:\n      - {from: 2026-04-31, until: 2026-05-02}\n",
    ),
    ["2026-04-31", "day", "date"],
    "2026-04-31",
)
matrix(
    "explicit-timestamp-tag-on-text",
    "governance",
    sub(governance, "last_reviewed: 2026-01-01", "last_reviewed: !!timestamp soon"),
    ["timestamp", "soon"],
    "!!timestamp",
)
matrix(
    "explicit-int-tag-on-text",
    "severity",
    sub(severity, "    weight: 3\n", "    weight: !!int three\n"),
    ["int", "three"],
    "!!int",
)
matrix(
    "explicit-int-tag-on-empty",
    "comms",
    sub(comms, "max_length: 600", "max_length: !!int ''"),
    ["int"],
    "!!int",
)
matrix(
    "explicit-float-tag-on-text",
    "severity",
    sub(severity, "    min_score: 5\n", "    min_score: !!float high\n"),
    ["float", "high"],
    "!!float",
)
matrix(
    "explicit-bool-tag-on-text",
    "ladder",
    sub(
        ladder,
        "auto_escalate: {no_acknowledgement: true}",
        "auto_escalate: {no_acknowledgement: !!bool maybe}",
    ),
    ["bool", "maybe"],
    "!!bool",
)
matrix(
    "explicit-map-tag-on-list",
    "teams",
    sub(teams, "members: [alex, sam]", "members: !!map [alex, sam]"),
    ["map"],
    "!!map",
)
matrix(
    "explicit-seq-tag-on-map",
    "people",
    sub(people, 'channels: {slack: "@alex"}', 'channels: !!seq {slack: "@alex"}'),
    ["seq", "sequence", "list"],
    "!!seq",
)
matrix(
    "explicit-set-tag-on-list",
    "categories",
    sub(categories, "backups: [sam]", "backups: !!set [sam]"),
    ["!!set", " set"],
    "!!set",
)


# -- events ------------------------------------------------------------------------------------

event(
    "malformed-unclosed-bracket",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: [Rolled back"),
    "malformed YAML",
    "next_steps",
)
event(
    "malformed-unclosed-quote",
    "commented",
    sub(COMMENTED, "text: Customer", "text: 'Customer"),
    "malformed YAML",
    "'Customer",
)
event("tab-indentation", "updated", sub(UPDATED, "status:", "\tstatus:"), "tab", "\tstatus")
event(
    "duplicate-status",
    "updated",
    UPDATED + "status: Changed my mind\n",
    "duplicate key 'status'",
    "status: Changed",
)
event(
    "duplicate-event-key",
    "updated",
    sub(UPDATED, "at: '2026", "event: commented\nat: '2026"),
    "duplicate key 'event'",
    "event: commented",
)
event("unknown-key", "updated", UPDATED + "priority: high\n", "unknown key 'priority'", "priority")
event(
    "extra-signature-key",
    "commented",
    COMMENTED + "signature: trust me\n",
    "unknown key 'signature'",
    "signature",
)
event(
    "extra-nested-mapping",
    "closed",
    CLOSED + "meta: {source: email}\n",
    "unknown key 'meta'",
    "meta:",
)
event("kind-differs-from-file-name", "updated", COMMENTED, "file name says 'updated'", line=1)
event(
    "unknown-event-kind",
    "deleted",
    sub(COMMENTED, "event: commented", "event: deleted"),
    "deleted",
    "event: deleted",
)
event("no-event-key", "updated", UPDATED.replace("event: updated\n", ""), "event", line=None)
event(
    "missing-at",
    "updated",
    UPDATED.replace("at: '2026-03-02T09:30:00Z'\n", ""),
    "missing required key 'at'",
    line=None,
)
event(
    "missing-actor",
    "commented",
    COMMENTED.replace("actor: alex\n", ""),
    "missing required key 'actor'",
    line=None,
)
event(
    "naive-timestamp-unquoted",
    "updated",
    sub(UPDATED, "at: '2026-03-02T09:30:00Z'", "at: 2026-03-02 09:30:00"),
    "timezone",
    "at: 2026",
)
event(
    "naive-timestamp-quoted",
    "commented",
    sub(COMMENTED, "at: '2026-03-02T09:30:00Z'", "at: '2026-03-02T09:30:00'"),
    "timezone",
    "at: '2026",
)
event(
    "date-instead-of-time",
    "updated",
    sub(UPDATED, "at: '2026-03-02T09:30:00Z'", "at: 2026-03-02"),
    "at",
    "at: 2026",
)
event(
    "time-as-word",
    "commented",
    sub(COMMENTED, "at: '2026-03-02T09:30:00Z'", "at: yesterday"),
    "at",
    "at: yesterday",
)
event(
    "time-as-boolean",
    "updated",
    sub(UPDATED, "at: '2026-03-02T09:30:00Z'", "at: no"),
    "at",
    "at: no",
)
event(
    "naive-alert-due",
    "alerted",
    sub(ALERTED, "due: '2026-03-02T10:00:00Z'", "due: '2026-03-02T10:00:00'"),
    "timezone",
    "due:",
)
event(
    "actor-yaml11-no",
    "commented",
    sub(COMMENTED, "actor: alex", "actor: no"),
    "boolean",
    "actor: no",
)
event(
    "actor-path-traversal",
    "updated",
    sub(UPDATED, "actor: alex", "actor: ../../etc/passwd"),
    "pattern",
    "actor: ../",
)
event(
    "actor-upper-case",
    "commented",
    sub(COMMENTED, "actor: alex", "actor: Alex"),
    "pattern",
    "actor: Alex",
)
event(
    "actor-with-space",
    "commented",
    sub(COMMENTED, "actor: alex", "actor: alex doe"),
    "pattern",
    "actor: alex doe",
)
event(
    "actor-markup",
    "commented",
    sub(COMMENTED, "actor: alex", "actor: '[red]alex[/red]'"),
    "pattern",
    "actor: '[red]",
)
event(
    "actor-unknown-person",
    "commented",
    sub(COMMENTED, "actor: alex", "actor: mallory"),
    "unknown actor 'mallory'",
    "actor: mallory",
    read="any",
    note="well-formed; only the matrix says mallory is nobody",
)
event(
    "assigned-to-unknown-person",
    "assigned",
    sub(ASSIGNED, "owner: sam", "owner: ghost"),
    "unknown person 'ghost'",
    "owner: ghost",
    read="any",
    note="well-formed; validate knows ghost is nobody",
)
event(
    "assigned-owner-path",
    "assigned",
    sub(ASSIGNED, "owner: sam", "owner: ../x"),
    "pattern",
    "owner: ../x",
)
event(
    "escalated-tier-windows-path",
    "escalated",
    sub(ESCALATED, "tier: team-lead", "tier: 'C:\\x'"),
    "pattern",
    "tier: 'C:",
)
event(
    "escalated-automatic-maybe",
    "escalated",
    sub(ESCALATED, "automatic: false", "automatic: maybe"),
    "boolean",
    "automatic: maybe",
)
event(
    "status-sexagesimal",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: 1:30"),
    "number",
    "status: 1:30",
)
event(
    "status-octal",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: 0777"),
    "number",
    "status: 0777",
)
event(
    "status-inf",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: .inf"),
    "number",
    "status: .inf",
)
event(
    "status-date",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: 2026-03-02"),
    "date",
    "status: 2026",
)
event(
    "status-null",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: null"),
    "status",
    "status: null",
)
event(
    "status-list",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: [a, b]"),
    "status",
    "status: [a, b]",
)
event(
    "matrix-as-number",
    "commented",
    sub(COMMENTED, "matrix: ''", "matrix: 123"),
    "number",
    "matrix: 123",
)
event(
    "satisfaction-out-of-range",
    "closed",
    sub(CLOSED, "customer_satisfaction: 4", "customer_satisfaction: 9"),
    "less than or equal",
    "customer_satisfaction: 9",
)
event(
    "satisfaction-as-word",
    "closed",
    sub(CLOSED, "customer_satisfaction: 4", "customer_satisfaction: five"),
    "integer",
    "customer_satisfaction: five",
)
event(
    "paused-waiting-on-vendor",
    "paused",
    sub(PAUSED, "waiting_on: customer", "waiting_on: vendor"),
    "waiting_on",
    "waiting_on: vendor",
)
event(
    "empty-reason",
    "paused",
    sub(PAUSED, "reason: Waiting for the customer's logs", "reason: ''"),
    "at least 1",
    "reason: ''",
)
event(
    "event-is-a-list",
    "updated",
    "- event: updated\n- at: '2026-03-02T09:30:00Z'\n",
    "event",
    line=None,
)
event("event-is-a-scalar", "commented", "commented\n", "event", line=None)
event("empty-file", "commented", b"", "event", line=None)
event("only-header-comment", "updated", EVENT_HEADER, "event", line=None)
event("two-documents", "commented", COMMENTED + "---\n" + COMMENTED, "single document", "---")
event(
    "python-object-tag",
    "commented",
    sub(
        COMMENTED,
        "text: Customer confirmed the workaround",
        "text: !!python/object/apply:os.system ['touch pwned']",
    ),
    "constructor for the tag",
    "!!python",
)
event(
    "latin-1-bytes",
    "commented",
    sub(COMMENTED, "confirmed", "confirmé").encode("latin-1"),
    "not valid UTF-8",
    b"confirm\xe9",
)
event(
    "lone-surrogate-utf8",
    "updated",
    UPDATED.encode().replace(b"Rolled back", b"Rolled \xed\xb2\x80back"),
    "not valid UTF-8",
    b"\xed\xb2\x80",
)
event("utf16-bom", "commented", COMMENTED.encode("utf-16"), "not valid UTF-8", line=1)
event(
    "nul-bytes",
    "commented",
    sub(COMMENTED, "Customer confirmed", "Customer\0confirmed"),
    "character",
    "Customer\0",
)
event("binary-junk", "updated", junk(4, 2048), "UTF-8", line=None)
event(
    "raw-escape-byte",
    "commented",
    sub(COMMENTED, "text: Customer", "text: \x1b]0;pwned\x07Customer"),
    "control characters",
    "\x1b]0;",
)
event(
    "billion-laughs",
    "commented",
    billion_laughs() + COMMENTED.replace(EVENT_HEADER, ""),
    "over the limit",
    line=1,
)
event(
    "nested-flow-100",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: " + nested_flow(100)),
    "nesting deeper",
    "status: [",
)
event(
    "recursive-anchor",
    "updated",
    sub(UPDATED, "status: Rolled back the deploy", "status: &s [*s]"),
    "nesting deeper",
    "status: &s",
)
event(
    "over-one-mebibyte",
    "commented",
    COMMENTED + ("# " + "padding " * 12 + "\n") * 12000,
    "over the limit",
    gz=True,
)
event(
    "over-one-mebibyte-of-text",
    "commented",
    sub(COMMENTED, "text: Customer confirmed the workaround", "text: " + "y" * (1024 * 1024 + 10)),
    "over the limit",
    gz=True,
)
event(
    "markup-in-unknown-key",
    "commented",
    COMMENTED + "'[link=file:///etc/passwd]x[/link]': 1\n",
    "[link=file:///etc/passwd]x[/link]",
    "[link=",
)
event(
    "ansi-in-unknown-key",
    "commented",
    COMMENTED + '"\\e[2J\\e[Hgotcha": 1\n',
    "unknown key",
    "gotcha",
)
event(
    "opened-missing-title",
    "opened",
    EVENT_HEADER
    + "event: opened\nat: '2026-03-02T09:30:00Z'\nactor: alex\nmatrix: ''\ncategory: product-defect\nseverity: sev2\nrule: catch-all\nowner: alex\ntier: frontline\nengaged: alex\n",
    "missing required key 'title'",
    line=None,
)
event(
    "impossible-timestamp",
    "updated",
    sub(UPDATED, "at: '2026-03-02T09:30:00Z'", "at: 2026-02-30T09:30:00Z"),
    ["2026-02-30", "day", "date"],
    "at: 2026-02-30",
)
event(
    "impossible-month",
    "commented",
    sub(COMMENTED, "at: '2026-03-02T09:30:00Z'", "at: 2026-13-02"),
    ["2026-13-02", "month", "date"],
    "at: 2026-13-02",
)
event(
    "explicit-timestamp-tag-on-text",
    "commented",
    sub(COMMENTED, "at: '2026-03-02T09:30:00Z'", "at: !!timestamp now"),
    ["timestamp", "now"],
    "!!timestamp",
)
event(
    "explicit-int-tag-on-satisfaction",
    "closed",
    sub(CLOSED, "customer_satisfaction: 4", "customer_satisfaction: !!int +"),
    ["int", "+"],
    "!!int",
)
event(
    "explicit-bool-tag-on-automatic",
    "escalated",
    sub(ESCALATED, "automatic: false", "automatic: !!bool perhaps"),
    ["bool", "perhaps"],
    "!!bool",
)
event(
    "explicit-map-tag-on-scalar",
    "updated",
    sub(UPDATED, "dependencies: ''", "dependencies: !!map none"),
    ["map"],
    "!!map",
)


# -- playbooks: the YAML front matter of playbooks/product-defect.md -----------------------------

pb = PLAYBOOK
playbook(
    "front-matter-never-closed",
    pb.replace("---\n\n# Product defect", "\n# Product defect"),
    "never closed",
    line=1,
)
playbook("no-front-matter", pb.split("---\n", 2)[2], "no front matter", line=1)
playbook(
    "tab-in-front-matter", sub(pb, "    within: 4h\n", "\twithin: 4h\n"), "tab", "\twithin: 4h"
)
playbook(
    "duplicate-category",
    sub(pb, "category: product-defect\n", "category: product-defect\ncategory: service-downtime\n"),
    "duplicate key 'category'",
    "category: service-downtime",
)
playbook(
    "unknown-key-in-step",
    sub(pb, "    within: 2h\n", "    within: 2h\n    duration: 2h\n"),
    "unknown key 'duration'",
    "duration: 2h",
)
playbook(
    "duration-as-word",
    sub(pb, "    within: 4h\n", "    within: soon\n"),
    "not a duration",
    "within: soon",
)
playbook(
    "duration-sexagesimal",
    sub(pb, "    within: 4h\n", "    within: 1:30\n"),
    "number",
    "within: 1:30",
)
playbook(
    "impossible-review-date",
    sub(pb, "review: 2026-01-01", "review: 2026-02-30"),
    ["2026-02-30", "day", "date"],
    "review: 2026-02-30",
)
playbook("no-owners", sub(pb, "owners: [alex, sam]", "owners: []"), "at least 1", "owners: []")
playbook(
    "category-path-traversal",
    sub(pb, "category: product-defect", "category: ../../etc/passwd"),
    "pattern",
    "category: ../",
)
playbook(
    "audience-unknown",
    sub(pb, "    audience: customer", "    audience: everyone"),
    "audience",
    "audience: everyone",
)
playbook(
    "front-matter-is-a-list",
    pb.replace(pb.split("---\n")[1], "- step one\n- step two\n"),
    "not a mapping",
    line=2,
)
playbook(
    "latin-1-body", (pb + "\nCaf\u00e9 au lait\n").encode("latin-1"), "not valid UTF-8", b"Caf\xe9"
)
playbook(
    "nul-in-front-matter", sub(pb, "    within: 1d\n", "    within: 1d\0\n"), "character", "1d\0"
)
playbook(
    "billion-laughs", "---\n" + billion_laughs() + pb.split("---\n", 1)[1], "over the limit", line=2
)
playbook(
    "python-object-tag",
    sub(pb, "review: 2026-01-01", "review: !!python/object/apply:os.system ['touch pwned']"),
    "constructor for the tag",
    "!!python",
)
playbook("over-one-mebibyte", pb + ("padding " * 12 + "\n") * 12000, "too large", gz=True)


def write() -> None:
    for folder in ("matrix", "events", "playbooks"):
        shutil.rmtree(HERE / folder, ignore_errors=True)
    names = [c.file for c in CASES]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"duplicate case files: {sorted(duplicates)}")
    manifest = []
    for case in CASES:
        path = HERE / case.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)
        entry: dict[str, object] = {"file": case.file}
        if case.name:
            entry["name"] = case.name
        entry["line"] = case.expected_line()
        entry["message"] = case.message
        if case.read != "refuse":
            entry["read"] = case.read
        if case.note:
            entry["note"] = case.note
        manifest.append(entry)
    header = (
        "# The bad-input corpus: one entry per file under matrix/ and events/.\n"
        "# file: the case; matrix/<case>/<kind>.yaml replaces matrix/<kind>.yaml of a fresh\n"
        "#   repository, events/<case>.yaml goes into an opened issue's folder as event 2, named\n"
        "#   000002-<random>-<name>.yaml, playbooks/<case>/product-defect.md replaces that\n"
        "#   playbook. A .gz file is stored compressed and unpacked first.\n"
        "# line: the line the message must name (null: none required); message: a fragment the\n"
        "#   message must contain (a list: any one of them); read: refuse (default: `list`/`show`\n"
        "#   exit 1 too) or any (only `validate` must refuse; reading commands may succeed, but\n"
        "#   never crash).\n"
        "# Made by make_corpus.py.\n"
    )
    text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=False, width=100)
    (HERE / "cases.yaml").write_text(header + text, encoding="utf-8")
    print(f"{len(CASES)} cases written")


if __name__ == "__main__":
    write()
