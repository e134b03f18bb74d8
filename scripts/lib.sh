# Shared steps for scripts/demo.sh and scripts/test.sh: install what is missing, then build.
# Sourced, not run. Every step is idempotent and cheap when its work is already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# Debian packages the build, the demo and the tests need.
APT_PACKAGES=(chromium chromium-driver firefox-esr firefox-esr-l10n-de firefox-esr-l10n-fr libimage-exiftool-perl imagemagick ffmpeg libheif-examples webp zip unzip)

ensure_apt() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
  local want have
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (takes a few minutes, once)"
    # --locked first, as upstream intends; the registry may lack a locked dependency version,
    # in which case resolve afresh within the same wasm-bindgen-cli release.
    cargo install --locked wasm-bindgen-cli --version "$want" 2>/dev/null \
      || cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_npm() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_all() {
  ensure_apt
  ensure_rust
  ensure_npm
}

# Builds the wasm core and assembles dist/chrome, dist/firefox and their packages.
build_wasm() {
  log "building the core (release wasm)"
  cargo build --quiet --release --target wasm32-unknown-unknown --lib
  local pkg="target/pkg"
  rm -rf "$pkg" && mkdir -p "$pkg"
  wasm-bindgen --target web --no-typescript --out-dir "$pkg" --out-name safepost \
    target/wasm32-unknown-unknown/release/safepost.wasm
  # Size-optimise; Debian's old binaryen breaks the module, the npm one (pinned) does not.
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$pkg/safepost_bg.wasm" -o "$pkg/safepost_bg.wasm"
}

build_extension() {
  local pkg="target/pkg"
  # SAFEPOST_REUSE_WASM=1 re-packages the extension around the last built core (for JavaScript work).
  if [ "${SAFEPOST_REUSE_WASM:-}" = 1 ] && [ -f "$pkg/safepost_bg.wasm" ]; then
    log "reusing the core built earlier ($pkg)"
  else
    build_wasm
  fi

  log "checking the extension's JavaScript"
  node scripts/check-js.mjs extension

  # dist/chrome, dist/firefox: what ships. dist/test-chrome, dist/test-firefox: the same files,
  # plus content scripts on http://127.0.0.1 and http://localhost (the demo and the e2e tests).
  for browser in chrome firefox test-chrome test-firefox; do
    local out="dist/$browser"
    rm -rf "$out" && mkdir -p "$out"
    node scripts/merge-locales.mjs extension/_locales "$out/_locales"
    cp -r extension "$out/extension"
    rm -rf "$out/extension/_locales"
    mkdir -p "$out/extension/core/pkg"
    cp "$pkg/safepost.js" "$pkg/safepost_bg.wasm" "$out/extension/core/pkg/"
    local flavour=""
    case "$browser" in test-*) flavour="--test" ;; esac
    node scripts/manifest-for.mjs "${browser#test-}" "$out/manifest.json" $flavour
  done
  node scripts/build-fixtures.mjs # the e2e editor fixture pages (real Lexical, Draft.js, ProseMirror, Quill)

  rm -f dist/safepost-chrome.zip dist/safepost-firefox.xpi dist/safepost-test-firefox.xpi
  (cd dist/chrome && zip -qrX ../safepost-chrome.zip .)
  (cd dist/firefox && zip -qrX ../safepost-firefox.xpi .)
  (cd dist/test-firefox && zip -qrX ../safepost-test-firefox.xpi .) # for the force-install tests

  local raw gz
  raw=$(stat -c %s "$pkg/safepost_bg.wasm")
  gz=$(gzip -9 -c "$pkg/safepost_bg.wasm" | wc -c)
  awk -v r="$raw" -v g="$gz" 'BEGIN { printf "wasm: %d bytes raw (%.1f KB), %d bytes gzipped (%.1f KB)\n", r, r/1024, g, g/1024 }' \
    | tee dist/wasm-size.txt >&2
}
