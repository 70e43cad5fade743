#!/usr/bin/env bash
# A quarterly run with the CLI, end to end, on the bundled example data (checked in CI).
#
#   examples/walkthrough.sh [OUTPUT_DIR]
#
# Set SALESFORECAST to a built binary to skip `swift run`.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
sf() { if [ -n "${SALESFORECAST:-}" ]; then "$SALESFORECAST" "$@"; else swift run -q salesforecast "$@"; fi; }
history="$out/sales_history.csv"
model="revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')"

echo "== 0. From the CRM exports to the panel: one row per rep and month (the note on stderr says what was counted)"
sf panel --activities examples/data/crm/activities.csv --results examples/data/crm/deals.csv \
   --roster examples/data/crm/roster.csv --timezone America/New_York \
   --type-map "Call=calls,Inbound Call=calls,Email=emails,Meeting=meetings,Demo=demos,Proposal=proposals" \
   --output "$history" 2> "$out/panel-note.txt"
head -2 "$out/panel-note.txt"
# The panel is the example history (its columns in another order, without region), to the cent.
diff <(awk -F, -v OFS=, '{print $1,$2,$3,$5,$6,$7,$8,$9,$10,$11,$12}' examples/data/sales_history.csv) \
     <(awk -F, -v OFS=, '{print $1,$2,$3,$11,$4,$5,$6,$7,$8,$9,$10}' "$history") && echo "panel = examples/data/sales_history.csv"

echo "== 1. Which activities lead results, and by how long?"
sf leads --history "$history" --response revenue --activities calls,emails,meetings,demos,proposals --max-lag 3 \
   --controls "season(period, 'quarter')"

echo "== 2. Fit the model with errors clustered by rep; test whether emails matter at any lag; save it"
sf fit "$history" --formula "$model + lag(emails, 1)" --cluster rep --test "emails, lag(emails, 1)" | tail -4
sf fit "$history" --formula "$model" --cluster rep --save "$out/model.json" --format json --output "$out/fit.json"

echo "== 3. Would this model have beaten naive forecasts?"
sf backtest --history "$history" --formula "$model" --cluster rep | head -9

echo "== 4. Next quarter per rep, team and total, with the chance of reaching quota"
sf forecast --history "$history" --model "$out/model.json" --horizon 2026-Q4 --quota examples/data/quotas.csv \
   --format csv --output "$out/forecast.csv" --record "$out/forecasts.sqlite"
grep -E "^(team|total)," "$out/forecast.csv" | cut -d, -f2,5,10,11,13

echo "== 5. What drives results, and who is busy without being productive?"
sf drivers --history "$history" --formula "$model" --cluster rep --funnel meetings,demos,proposals,deals_won | grep -E "^ *[0-9]\.|^Busy"

echo "== 6. What if: more demos, fewer calls, two hires; and what reaches 12M with 80% confidence?"
sf whatif --history "$history" --model "$out/model.json" --scenarios examples/scenarios.json | grep -E "^[A-Z]|change:"
sf goalseek --history "$history" --model "$out/model.json" --scale demos,proposals --target 12000000 --confidence 0.8

echo "== 7. The report for leadership"
sf report --history "$history" --formula "$model" --cluster rep --quota examples/data/quotas.csv \
   --scenarios examples/scenarios.json --output "$out/report.html"
echo "== 8. The forecast ledger: last quarter's run, recorded then, scored now that its results are in"
grep -vE "^2026-0[789]" "$history" > "$out/history_to_june.csv"
sf forecast --history "$out/history_to_june.csv" --formula "$model" --cluster rep --quota examples/data/quotas.csv \
   --record "$out/forecasts.sqlite" > /dev/null
sf ledger actuals "$out/forecasts.sqlite" "$history"
sf ledger score "$out/forecasts.sqlite" | head -9
sf ledger list "$out/forecasts.sqlite"
echo "walkthrough: done; files in $out"
