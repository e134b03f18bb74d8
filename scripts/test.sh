#!/usr/bin/env bash
# Runs every test: the core's (cargo test) and the end-to-end tests that drive the real extension
# in real headless Chromium and Firefox ESR. Installs what is missing first, builds once, and the
# browser tests share that build. Every stage runs even when an earlier one fails; the exit status
# says whether all passed.
source "$(dirname "$0")/lib.sh"
ensure_all
build_extension
failed=()
log "core tests (cargo test)"
cargo test --quiet --all-targets || failed+=("cargo test")
bash scripts/rt.sh || failed+=("Request Tracker install (tickets tests)")
log "end-to-end tests (Chromium, Firefox ESR)"
node --test --test-concurrency=1 tests/e2e/ || failed+=("end-to-end tests")
if ((${#failed[@]})); then
  log "FAILED: ${failed[*]}"
  exit 1
fi
log "all tests passed"
