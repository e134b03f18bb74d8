#!/usr/bin/env bash
# Builds everything and shows the extension working on the bundled demo composer: starts the demo
# server on 127.0.0.1 and opens Chromium with SafePost loaded (headed when a display exists;
# headless otherwise, saving a screenshot under dist/).
source "$(dirname "$0")/lib.sh"
ensure_all
build_extension
node scripts/demo.mjs
