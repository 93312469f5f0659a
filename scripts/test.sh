#!/usr/bin/env bash
# Builds the solution, runs every test project (on SQLite), the Core and dashboard tests again on a throwaway
# PostgreSQL cluster with the replicas journey behind Caddy, then the publish check (scripts/publish-check.sh, which runs
# the published app as the Docker image would), the alert rules and the benchmark harness. Ends with one line:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
# Where the time goes: each stage's wall-clock seconds, printed at the end (README, "Where the time goes").
stages=""
stage_started=$SECONDS
stage_done() { stages="$stages$(printf '%-44s %4ds' "$1" $((SECONDS - stage_started)))\n"; stage_started=$SECONDS; }
published=$(mktemp -d /tmp/otpwall-published.XXXXXX)
chmod 755 "$published" # the publish check runs the app as an unprivileged user when run as root
source scripts/postgres.sh
trap 'rm -rf "$log" "$published"; postgres_stop' EXIT

# The browser journeys drive Debian's Chromium; on a fresh machine it is installed here (this needs root).
if [ -z "${OTPWALL_E2E_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "Chromium is missing: run this script as root once (it installs the chromium package), or set OTPWALL_E2E_CHROMIUM." >&2
  fi
fi
rm -rf artifacts/browser

dotnet build OtpWall.sln --nologo -v q 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
stage_done "build"
if [ "$status" -eq 0 ]; then
  # The five-minute working day (a browser journey that mostly waits for SMS at a person's pace) runs beside the rest.
  workday_log=$(mktemp)
  dotnet test OtpWall.BrowserTests/OtpWall.BrowserTests.csproj --no-build --nologo --filter "Category=Workday" >"$workday_log" 2>&1 &
  workday=$!
  # One test project at a time: the browser journeys time things (a code within 3 s) and should not share the CPU.
  dotnet test OtpWall.sln --no-build --nologo -m:1 --filter "Category!=Workday" 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  wait "$workday" || status=1
  echo "Working-day journey (run beside the others):"
  tee -a "$log" <"$workday_log"
  rm -f "$workday_log"
fi
stage_done "SQLite: xUnit/bUnit, browser journeys, workday"

# The tests whose outcome can depend on the database engine (trait Database=BothEngines: raw SQL, ExecuteUpdate/Delete,
# gates, the poller's lease and the relay, migrations, paging and date arithmetic in queries, concurrency, what is
# stored encrypted) run again on PostgreSQL (a throwaway cluster: scripts/postgres.sh); then the replicas journey: two
# dashboards on that PostgreSQL behind Debian's Caddy (installed here when missing). README: "Which engine a test runs on".
postgres_filter="Database=BothEngines&Database!=SqliteOnly"
if [ "$status" -eq 0 ]; then
  if ! command -v caddy >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends caddy) >/dev/null 2>&1 || true
    # The package may start its own service on port 80: the tests start their own Caddy.
    (systemctl stop caddy || service caddy stop || pkill -x caddy) >/dev/null 2>&1 || true
  fi
  if postgres_start; then
    echo "PostgreSQL pass (a throwaway cluster on port $POSTGRES_PORT)…"
    dotnet test OtpWall.Tests/OtpWall.Tests.csproj --no-build --nologo \
      --filter "$postgres_filter" \
      2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    dotnet test OtpWall.BrowserTests/OtpWall.BrowserTests.csproj --no-build --nologo --filter "FullyQualifiedName~ReplicaJourneys" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    postgres_stop
  else
    echo "PostgreSQL pass: FAILED (no cluster could be started)" | tee -a "$log"
    status=1
  fi
fi
stage_done "PostgreSQL pass and replicas journey"

if [ -n "$(ls -A artifacts/browser 2>/dev/null)" ]; then
  echo "Browser test failures: screenshots and HTML in $(pwd)/artifacts/browser"
fi

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 117, Skipped: 0, Total: 117, ..."
count() { grep -E '^\s*(Passed|Failed)!' "$log" | grep -oE "$1: *[0-9]+" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count Passed)
failed=$(count Failed)
# A build error or a crashed test host fails the run even when no test was counted as failed.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# The Docker image, reproduced without a Docker engine: it counts as one more test.
if OTPWALL_PUBLISH_DIR="$published/app" bash scripts/publish-check.sh >"$log" 2>&1; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  status=1
fi
tail -n 20 "$log"
stage_done "publish check"

# The alert rules: promtool (Debian's prometheus package) checks them and runs their unit tests; one more test.
if ! command -v promtool >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus) >/dev/null 2>&1 || true
fi
if command -v promtool >/dev/null 2>&1 && promtool check rules monitoring/prometheus/alerts.yml >"$log" 2>&1 \
  && (cd monitoring/prometheus && promtool test rules alerts.test.yml) >>"$log" 2>&1; then
  passed=$((passed + 1))
  echo "alert rules (promtool check rules, test rules): passed"
else
  failed=$((failed + 1))
  status=1
  echo "alert rules (promtool): FAILED$(command -v promtool >/dev/null 2>&1 || echo ' (promtool is missing: run as root once to install the prometheus package)')"
  cat "$log"
fi
stage_done "alert rules"

# The benchmark harness, with small numbers: it must run and print its table (the figures are not judged here).
if OTPWALL_PUBLISH_DIR="$published/app" bash scripts/bench.sh --quick >"$log" 2>&1 && grep -q '^| Cold start to the sign-in page' "$log"; then
  passed=$((passed + 1))
  echo "bench harness (--quick): ran and printed its table"
else
  failed=$((failed + 1))
  status=1
  echo "bench harness (--quick): FAILED"
  tail -n 30 "$log"
fi

stage_done "bench harness (--quick)"
printf "Where the time went (wall clock):\n$stages"
echo "$passed passed, $failed failed"
exit "$status"
