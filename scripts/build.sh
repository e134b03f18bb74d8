#!/usr/bin/env bash
# Builds everything: the wasm core, dist/chrome, dist/firefox and their packages, the CLI.
source "$(dirname "$0")/lib.sh"
ensure_all
build_extension
log "building the safepost command-line tool"
cargo build --quiet --release --bin safepost
log "built: dist/chrome, dist/firefox, dist/safepost-chrome.zip, dist/safepost-firefox.xpi (shipped), dist/test-chrome, dist/test-firefox, dist/safepost-test-firefox.xpi (test flavour), target/release/safepost"
