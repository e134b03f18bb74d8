#!/usr/bin/env bash
# Installs Request Tracker 5 from Debian (SQLite, standalone server), unattended, if it is missing.
# The Report-to-IT end-to-end tests start their own RT on 127.0.0.1 with a fresh database
# (tests/support/rt.mjs); this script only makes sure the packages are there. Idempotent: it does
# nothing when RT 5 is already installed. Recipe: ../shared/notes/request-tracker.md.
set -euo pipefail

PACKAGES=(request-tracker5 rt5-db-sqlite rt5-standalone)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ -x /usr/share/request-tracker5/libexec/rt-server ] && [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

printf '\033[1;34m==>\033[0m %s\n' "installing Request Tracker 5 for the tickets tests: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

# Answers for every debconf question the packages ask, so the install never prompts.
$sudo debconf-set-selections <<'EOF'
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/initial-root-password password safepost-test-root
request-tracker5 request-tracker5/rtname string safepost-test
request-tracker5 request-tracker5/organization string safepost.test
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:8080
request-tracker5 request-tracker5/correspondaddress string rt@127.0.0.1
request-tracker5 request-tracker5/commentaddress string rt-comment@127.0.0.1
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/handle-siteconfig-permissions boolean true
EOF

if ! apt-cache policy request-tracker5 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  $sudo apt-get update -qq
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
[ -x /usr/share/request-tracker5/libexec/rt-server ] || { echo "rt.sh: RT 5 installed but rt-server is missing" >&2; exit 1; }
