#!/usr/bin/env bash
# The benchmarks behind the README's table: a Release publish of the dashboard and of the standalone sandbox (the
# OTPWALL stand-in, with a latency fault), people, keys and open activations seeded through the product's own
# services, then one markdown table: poll intervals and CPU/memory at 200, 1,000 and 2,000 activations and 0 or 150 ms
# round trips, SMS-to-screen time in Chromium, memory per open tab, cold start beside the .NET template, first-page bytes.
# Usage: scripts/bench.sh [--quick]   (--quick: small N and short windows, to prove the harness works; CI runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work=$(mktemp -d /tmp/otpwall-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || { echo "Chromium is missing: run this once as root (it installs the chromium package)." >&2; exit 1; }
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi

echo "Publishing (Release)…" >&2
# OTPWALL_BENCH_SANDBOX_DIR, OTPWALL_BENCH_HARNESS_DIR: the sandbox and the harness already built (the test command's
# --quick run uses the solution's build; its figures are not judged). Otherwise both are published in Release.
sandbox=${OTPWALL_BENCH_SANDBOX_DIR:-$work/sandbox}
harness=${OTPWALL_BENCH_HARNESS_DIR:-$work/bench}
[ -f "$sandbox/OtpWall.Sandbox.dll" ] || dotnet publish OtpWall.Sandbox/OtpWall.Sandbox.csproj -c Release -o "$sandbox" --nologo -v quiet >&2
[ -f "$harness/OtpWall.Bench.dll" ] || dotnet publish OtpWall.Bench/OtpWall.Bench.csproj -c Release -o "$harness" --nologo -v quiet >&2
# The dashboard as the Dockerfile publishes it: for this architecture, precompiled (ReadyToRun).
rid=linux-$(case "$(uname -m)" in aarch64 | arm64) echo arm64 ;; *) echo x64 ;; esac)
# OTPWALL_PUBLISH_DIR: the dashboard already published that way (the test command's publish check did it).
if [ -n "${OTPWALL_PUBLISH_DIR:-}" ] && [ -f "$OTPWALL_PUBLISH_DIR/OtpWall.Dashboard.dll" ]; then
  cp -r "$OTPWALL_PUBLISH_DIR" "$work/app"
else
  dotnet publish OtpWall.Dashboard/OtpWall.Dashboard.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$work/app" \
    --nologo -v quiet >&2
fi
# The .NET 10 Blazor Web App template with Individual accounts, published the same way: the yardstick for cold start.
# --quick (the test command) proves the harness and skips it: its cold-start row has no comparison.
template=()
if [[ " $* " != *" --quick "* ]]; then
  (cd "$work" && dotnet new blazor --auth Individual --interactivity Server --all-interactive -n Template -o template >/dev/null \
    && dotnet publish template/Template.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o template-app \
      --nologo -v quiet) >&2
  template=(--template "$work/template-app")
fi

echo "Measuring…" >&2
dotnet "$harness/OtpWall.Bench.dll" --app "$work/app" --sandbox "$sandbox" "${template[@]}" "$@"
