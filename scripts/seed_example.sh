#!/usr/bin/env bash
# Seed the example repository with a handful of issues that have realistic histories.
#
#   scripts/seed_example.sh REPO_DIR
#
# REPO_DIR must be a git repository holding matrix/ (and playbooks/) with at least one commit.
# Every step runs the real escmatrix CLI with a fixed clock (--now, UTC) and acts as a person
# from matrix/people.yaml by setting the git author and committer for that one command, so
# `escmatrix log ID` shows who did what and when. Each command makes one commit.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 REPO_DIR" >&2
  exit 2
fi
REPO_DIR=$(cd "$1" && pwd)
if [[ ! -d "$REPO_DIR/matrix" ]]; then
  echo "error: $REPO_DIR has no matrix/ folder" >&2
  exit 2
fi

# Person id -> display name; the email is firstname.lastname@ledgerline.example.
declare -A NAMES=(
  [lena]="Lena Vogel" [jack]="Jack Nguyen" [marcus]="Marcus Hill" [chloe]="Chloe Martin"
  [daniel]="Daniel Okafor" [maria]="Maria Santos" [arjun]="Arjun Mehta" [emily]="Emily Carter"
  [sofia]="Sofia Lindqvist" [hannah]="Hannah Weiss" [stefan]="Stefan Braun"
  [noah]="Noah Fischer" [grace]="Grace Kim" [amelia]="Amelia Brooks" [felix]="Felix Wagner"
  [rebecca]="Rebecca Shaw" [olivia]="Olivia Chen" [tariq]="Tariq Hassan"
)

# esc PERSON TIME ARGS...: run one escmatrix command as PERSON at TIME (UTC, ISO 8601).
esc() {
  local who=$1 at=$2
  shift 2
  local name=${NAMES[$who]:?unknown person $who}
  local first=${name%% *} last=${name##* }
  local email
  email="$(tr '[:upper:]' '[:lower:]' <<<"$first.$last")@ledgerline.example"
  GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" \
    GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" \
    escmatrix --repo "$REPO_DIR" --now "$at" "$@"
}

# run PERSON TIME ARGS...: like esc, output hidden (errors still show and stop the script).
run() {
  esc "$@" >/dev/null
}

# open_issue PERSON TIME OPEN-ARGS...: open an issue and print its id.
open_issue() {
  local who=$1 at=$2
  shift 2
  local out
  out=$(esc "$who" "$at" open "$@" --format json) || return 1
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out"
}

# -- 1. Closed, with customer and partner satisfaction --------------------------------------
# Card payouts for a strategic customer stuck at the payment partner. Routed to the
# enterprise engineer (strategic-customers rule), partner liaison pulled in.
ID=$(open_issue lena 2026-10-05T09:12:00Z \
  --title "Card payouts for Brightwater stores delayed by a day" \
  --category partner-integration-failure \
  --impact customers=one --impact money=major --impact reputation=limited \
  --customer brightwater-retail --partner kestrel-payments \
  --description "Brightwater finance sees no card payouts for 4 Oct in their reconciliation; Kestrel settlement file for 4 Oct missing." \
  --tag payouts)
run marcus 2026-10-05T09:24:00Z ack "$ID" --note "On it; checking the Kestrel settlement feed."
run marcus 2026-10-05T09:55:00Z update "$ID" \
  --status "Kestrel's settlement file for 4 Oct never arrived; our import is healthy." \
  --next "Noah is raising it with Kestrel; we re-import as soon as the file lands." \
  --owner noah --dependencies "Kestrel settlement file"
run noah 2026-10-05T10:20:00Z comment "$ID" \
  "Kestrel ticket KP-88213 opened; they confirm a stuck batch job on their side."
run marcus 2026-10-05T12:40:00Z update "$ID" \
  --status "Kestrel re-sent the file; payouts for 4 Oct are imported and matched." \
  --next "Brightwater finance to confirm their ledger balances today."
run marcus 2026-10-05T15:05:00Z resolve "$ID" \
  --summary "Kestrel re-sent the 4 Oct settlement file; all Brightwater payouts imported and reconciled." \
  --root-cause "A stuck batch job at Kestrel skipped one day's settlement file; nothing alerted on the missing file."
run marcus 2026-10-07T14:00:00Z close "$ID" \
  --customer-satisfaction 4 --partner-satisfaction 5 \
  --note "Brightwater asked for an alert when a settlement file is late; follow-up agreed with Kestrel."
echo "closed:     $ID  card payouts delayed (Brightwater, Kestrel)"

# -- 2. Resolved (not yet closed) -----------------------------------------------------------
ID=$(open_issue lena 2026-10-20T08:30:00Z \
  --title "October invoices show 19% VAT instead of 20% for UK account" \
  --category billing-error --severity sev3 --customer maple-finch \
  --description "Maple & Finch's October invoice used the German VAT rate.")
run olivia 2026-10-20T13:10:00Z ack "$ID"
run olivia 2026-10-20T16:45:00Z update "$ID" \
  --status "Confirmed: the account's tax country was set to DE after an address change." \
  --next "Fix the tax country and issue a corrected invoice." --owner olivia
run tariq 2026-10-21T09:15:00Z comment "$ID" \
  "Checked all accounts changed that week: Maple & Finch is the only one affected."
run olivia 2026-10-21T15:20:00Z resolve "$ID" \
  --summary "Tax country corrected to GB; corrected invoice and credit note sent." \
  --root-cause "The address form reset the tax country when the billing address was edited."
echo "resolved:   $ID  wrong VAT on invoice (Maple & Finch)"

# -- 3. Reopened ----------------------------------------------------------------------------
# A deletion request for a strategic customer: privacy rule wins over the strategic rule.
ID=$(open_issue marcus 2026-10-27T14:05:00Z \
  --title "Former employee's personal data still visible after deletion request" \
  --category data-privacy-concern \
  --impact data=customer-data --impact customers=one --impact reputation=limited \
  --customer brightwater-retail \
  --description "Brightwater asked on 12 Oct to erase a former employee's records; an auditor still found them in the expense export.")
run felix 2026-10-27T14:20:00Z ack "$ID" --note "Export switched off for this account while we look."
run amelia 2026-10-27T16:00:00Z update "$ID" \
  --status "Not a breach: only Brightwater's own admins could see the records. Erasure job had failed halfway." \
  --next "Re-run the erasure job and confirm with Brightwater's privacy team." --owner felix
run felix 2026-10-28T11:30:00Z resolve "$ID" \
  --summary "Erasure job re-run; records gone from the app and the expense export." \
  --root-cause "The erasure job stopped on a timeout and nobody was told it failed."
run felix 2026-10-30T10:00:00Z close "$ID" --customer-satisfaction 3
run amelia 2026-11-10T09:40:00Z reopen "$ID" \
  --reason "Brightwater's auditor found the same records in the monthly archive export."
run felix 2026-11-10T10:05:00Z ack "$ID" --note "Checking the archive exports and the backups."
run felix 2026-11-10T15:30:00Z update "$ID" \
  --status "The monthly archive keeps its own copy; the erasure job does not cover it." \
  --next "SRE to purge the archive copies; privacy team to confirm in writing." \
  --owner sofia --dependencies "SRE change window on 12 Nov"
run sofia 2026-11-12T19:00:00Z comment "$ID" \
  "Archive copies purged in tonight's change window; the erasure job now covers the archive too."
run felix 2026-11-25T11:00:00Z update "$ID" \
  --status "Records purged from the archive on 12 Nov; the last backup holding them expires on 1 Dec." \
  --next "Send Brightwater's privacy team written confirmation after 1 Dec, then resolve." \
  --owner felix --dependencies "Backup expiry on 1 Dec"
echo "reopened:   $ID  deletion request incomplete (Brightwater)"

# -- 4. Overridden by a manager, then reconciled ---------------------------------------------
# Critical regional outage: routed to the first SRE with the lead engaged; the manager
# overrides to the engineer who knows the gateway, and the COO reconciles afterwards.
ID=$(open_issue jack 2026-11-02T21:40:00Z \
  --title "Reconciliation API down in the Sydney region" \
  --category service-downtime \
  --impact uptime=full-outage --impact customers=many --impact reputation=public \
  --customer orion-health \
  --description "All API calls in ap-southeast-2 return 502 since 21:31 UTC; Orion Health reports a stalled month-end close.")
run hannah 2026-11-02T21:52:00Z override "$ID" --owner emily \
  --reason "Arjun is already leading the database failover; Emily built the API gateway and is awake in California."
run emily 2026-11-02T21:55:00Z ack "$ID"
run emily 2026-11-02T22:10:00Z update "$ID" \
  --status "The gateway lost its certificate after the 21:30 rotation; requests fail at the edge." \
  --next "Roll back to the previous certificate, then fix the rotation job." \
  --owner emily --dependencies "none"
run jack 2026-11-02T22:30:00Z comment "$ID" \
  "Orion Health's finance lead told; they will hold the month-end close until we confirm."
run emily 2026-11-02T23:05:00Z resolve "$ID" \
  --summary "Previous certificate restored at 22:48 UTC; API healthy, Orion's backlog processed." \
  --root-cause "The certificate rotation job deployed a certificate without the intermediate chain in one region."
run maria 2026-11-04T16:00:00Z reconcile "$ID" \
  --learning "Emily's gateway knowledge was right for this outage. Add gateway outages as a tag routed to Emily's rotation at the next matrix review."
run emily 2026-11-05T09:00:00Z close "$ID" --customer-satisfaction 4 \
  --note "Orion Health thanked the team for the phone updates."
echo "overridden: $ID  Sydney API outage (override reconciled)"

# -- 5. Escalated to manager, still open ----------------------------------------------------
# Routed to Marcus (strategic customer); Jack, in Orion's timezone, takes it over, then it
# climbs to the support lead and the manager as the customer's deadline nears.
ID=$(open_issue jack 2026-11-16T03:15:00Z \
  --title "Dashboard exports time out for Orion Health's group reports" \
  --category product-defect --severity sev2 --customer orion-health \
  --description "Group-level CSV exports over 12 months fail after 60 s; Orion's board pack is due 27 Nov.")
run jack 2026-11-16T03:20:00Z assign "$ID" --to jack \
  --reason "Marcus is offline (22:20 in New York); I am Orion's liaison and in their timezone."
run jack 2026-11-16T03:30:00Z ack "$ID" --note "Reproduced on a copy of Orion's workspace."
run jack 2026-11-16T05:10:00Z update "$ID" \
  --status "Exports over about 2 million rows time out; smaller date ranges work." \
  --next "Workaround sent: export quarter by quarter. Engineering to look at the export job." \
  --owner jack
run jack 2026-11-18T10:00:00Z escalate "$ID" \
  --reason "No fix date from engineering after two days and the board pack is due 27 Nov."
run chloe 2026-11-18T10:40:00Z ack "$ID" --note "Asked the reporting team for a fix date."
run chloe 2026-11-20T09:00:00Z update "$ID" \
  --status "The fix needs a change to how exports are split; the reporting team cannot ship it before December." \
  --next "Ask Daniel to free up an engineer this week." --owner chloe
run chloe 2026-11-20T09:05:00Z escalate "$ID" \
  --reason "Fix cannot ship before Orion's 27 Nov deadline without moving people; strategic account at risk."
run daniel 2026-11-20T13:30:00Z ack "$ID" --note "Talking to Hannah about lending an engineer."
run daniel 2026-11-20T15:00:00Z update "$ID" \
  --status "Hannah lends a platform engineer from Monday 23 Nov to split large exports." \
  --next "Ship the export fix by 26 Nov; Jack to walk Orion through the quarterly workaround meanwhile." \
  --owner jack --dependencies "Platform engineer from Hannah's team"
echo "escalated:  $ID  exports time out (Orion Health), at manager"

# -- 6. Paused, waiting on a partner --------------------------------------------------------
ID=$(open_issue noah 2026-11-18T16:45:00Z \
  --title "Harborline connector drops journal entries with more than 500 lines" \
  --category partner-integration-failure --severity sev2 --partner harborline-erp \
  --description "Three customers report month-end journals missing in Harborline after the nightly sync.")
run noah 2026-11-18T17:05:00Z ack "$ID"
run noah 2026-11-18T19:30:00Z update "$ID" \
  --status "Our side sends all lines; Harborline's API accepts only the first 500 and returns success." \
  --next "Harborline to confirm the limit and ship a fix; customers told to split large journals." \
  --owner noah --dependencies "Harborline engineering"
run noah 2026-11-18T21:10:00Z pause "$ID" --waiting-on partner \
  --reason "Harborline engineering is fixing the 500-line limit; they committed to a fix build by 27 Nov."
echo "paused:     $ID  connector drops journal lines (Harborline)"

# -- 7. Freshly opened sev2, not yet acknowledged ---------------------------------------------
# Lena is on leave, so the product-defect backup (Jack) gets it.
ID=$(open_issue chloe 2026-11-26T07:45:00Z \
  --title "Scheduled reports not sent to several EU customers this morning" \
  --category product-defect \
  --impact customers=several --impact uptime=partial-outage \
  --description "The 06:00 CET scheduled report run finished without sending emails for EU workspaces.")
echo "new:        $ID  scheduled reports not sent (sev2, waiting for acknowledgement)"
