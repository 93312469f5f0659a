#!/usr/bin/env bash
# Reproduces what the Docker image does, without a Docker engine: a Release publish, run with the image's
# environment as an unprivileged user (when run as root, as in CI) who can write only a temporary data folder.
# Checks /healthz, the sign-in page, the container probe, JSON logs, a registration that survives a restart, the
# stylesheets and flags when started from another folder,
# and backup -> wipe -> restore. Last line: "publish check: passed" (exit 0) or what failed (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/otpwall-publish.XXXXXX)
# OTPWALL_PUBLISH_DIR: publish there and leave it (the test command hands it on to the benchmark harness).
# OTPWALL_PUBLISHED=1: it is published there already, as below (the test command publishes it early, in the background).
app="${OTPWALL_PUBLISH_DIR:-$work/app}"
data="$work/data"
pid=""
fail() { echo "publish check: FAILED: $*"; [ -f "$work/app.log" ] && tail -n 20 "$work/app.log"; exit 1; }
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

command -v curl >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq curl >/dev/null; } || fail "curl is missing"
# As the Dockerfile publishes: for this machine's architecture, precompiled (ReadyToRun).
rid=linux-$(case "$(uname -m)" in aarch64 | arm64) echo arm64 ;; *) echo x64 ;; esac)
if [ "${OTPWALL_PUBLISHED:-}" = 1 ] && [ -f "$app/OtpWall.Dashboard.dll" ]; then
  echo "publishing: done already in $app"
else
  dotnet publish OtpWall.Dashboard/OtpWall.Dashboard.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$app" \
    --nologo -v quiet >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log"; fail "dotnet publish"; }
fi
[ -z "$(find "$app" -name '*.db' -o -name 'data' -type d)" ] || fail "the publish output contains a database or a data folder"

mkdir -p "$data"
as_app=()
if [ "$(id -u)" = 0 ]; then
  id otpwall-check >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin otpwall-check
  chmod 755 "$work"
  chmod -R a+rX,go-w "$app"
  chown otpwall-check "$data"
  as_app=(setpriv --reuid=otpwall-check --regid=otpwall-check --clear-groups --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://localhost:$port"
# The image's environment (Dockerfile), with a HOME nobody can write: the data folder must be all the app needs.
image_env=(env -i PATH="$PATH" HOME=/nonexistent DOTNET_ROOT="${DOTNET_ROOT:-}" ASPNETCORE_ENVIRONMENT=Production
  ASPNETCORE_HTTP_PORTS="$port" DOTNET_NOLOGO=1 OtpWall__DataDirectory="$data" OtpWall__Sandbox__Enabled=false)

# Started from the app folder, as the image's WORKDIR /app; `start /` starts it from elsewhere, as a systemd unit may.
dashboard() { (cd "$app" && exec "${as_app[@]}" "${image_env[@]}" dotnet OtpWall.Dashboard.dll "$@"); }
start() {
  # One subshell that becomes the app (exec), so $! is the dashboard's own process.
  (cd "${1:-$app}" && exec "${as_app[@]}" "${image_env[@]}" dotnet "$app/OtpWall.Dashboard.dll") >>"$work/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do curl -fs "$base/healthz" >/dev/null 2>&1 && return 0; sleep 1; done
  fail "no healthy answer within 60 s"
}
stop() {
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  ! curl -fs "$base/healthz" >/dev/null 2>&1 || fail "the dashboard is still answering after it was stopped"
}
# Responses are captured before they are searched: `curl | grep -q` under pipefail fails whenever grep stops reading first.
get() { curl -fs "$@" || true; }
token() { python3 -c 'import re, sys; m = re.search(r"name=\"__RequestVerificationToken\" value=\"([^\"]+)\"", sys.stdin.read()); print(m.group(1) if m else "")'; }
post_form() { # path form-name cookie-jar fields... -> prints the redirect target
  local path=$1 form=$2 jar=$3; shift 3
  local page t
  page=$(get -c "$jar" -b "$jar" "$base$path")
  t=$(token <<<"$page")
  [ -n "$t" ] || fail "no form on $path"
  local args=(-s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-urlencode "_handler=$form" --data-urlencode "__RequestVerificationToken=$t")
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  curl "${args[@]}" "$base$path"
}
password="correct horse battery staple"

start
[[ "$(get "$base/healthz")" == *'"status":"Healthy"'* ]] || fail "/healthz is not healthy"
[[ "$(get "$base/Account/Login")" == *'Sign in'* ]] || fail "the sign-in page does not answer"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/sandbox/control/stats")" = 404 ] || fail "the sandbox is on in production"
[[ "$(get -D - -o /dev/null "$base/Account/Login")" == *"content-security-policy: default-src 'self'"* ]] \
  || [[ "$(get -D - -o /dev/null "$base/Account/Login")" == *"Content-Security-Policy: default-src 'self'"* ]] || fail "no Content-Security-Policy"
dashboard --probe >/dev/null || fail "the container probe says unhealthy"
head -n 1 "$work/app.log" | python3 -c 'import json, sys; json.loads(sys.stdin.readline())' || fail "the logs are not JSON"
[[ "$(post_form /Account/Register register "$work/jar1" Input.Email=admin@example.com "Input.Password=$password" "Input.ConfirmPassword=$password")" == */settings/api-key ]] \
  || fail "registering the administrator"

stop
start
[[ "$(post_form /Account/Login login "$work/jar2" Input.Email=admin@example.com "Input.Password=$password")" == "$base/" ]] \
  || fail "signing in after a restart"

dashboard backup "$data/backups/otpwall.zip" >/dev/null || fail "backup while running"
stop
mv "$data/backups/otpwall.zip" "$work/otpwall.zip"
chmod a+r "$work/otpwall.zip"
find "$data" -mindepth 1 -delete
dashboard restore "$work/otpwall.zip" >/dev/null || fail "restore"
ls "$data"/keys/*.xml >/dev/null 2>&1 || fail "the key ring was not restored"
start
[[ "$(post_form /Account/Login login "$work/jar3" Input.Email=admin@example.com "Input.Password=$password")" == "$base/" ]] \
  || fail "signing in after backup, wipe and restore"
stop

# A systemd unit without WorkingDirectory starts it from /: the stylesheets and the flags (beside the binary, not
# static web assets) must still be served, not empty answers.
start /
css=$(get "$base/app.css")
mud=$(get "$base/_content/MudBlazor/MudBlazor.min.css")
[ "${#css}" -gt 500 ] && [ "${#mud}" -gt 10000 ] || fail "started from another folder, the stylesheets are empty (${#css} and ${#mud} characters)"
[[ "$(get "$base/flags/4x3/pk.svg")" == *'<svg'* ]] || fail "started from another folder, the country flags are not served"
stop
echo "publish check: passed"
