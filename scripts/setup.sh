# Installs what the project needs and is missing. Sourced by scripts/run and scripts/test.
# Debian and Ubuntu only; other systems: see the README's prerequisites.

BUILD_PACKAGES=(build-essential pkg-config libssl-dev libdbus-1-dev libxdo-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev patchelf)
# A virtual display and session bus for the end-to-end suite, WebKit's WebDriver, a real Secret
# Service for keychain tests, ImageMagick for screenshots, xclip to read the clipboard and
# xwininfo (x11-utils) to see which windows are up, xdotool to press keys and click, trayer as
# a system tray the app's icon sits in, and openbox as a window manager where a test needs one.
TEST_PACKAGES=(xvfb xauth dbus-x11 webkit2gtk-driver gnome-keyring libsecret-tools imagemagick xclip xdotool
  x11-utils trayer openbox)
# The installer test (scripts/installer-test) reads which libraries the app links with dpkg-shlibdeps.
INSTALLER_PACKAGES=(dpkg-dev mmdebstrap curl util-linux)
# The footprint benchmark (scripts/bench) reads the virtual display from Python.
BENCH_PACKAGES=(python3-xlib)
TAURI_DRIVER_VERSION="^2"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "installing system packages needs root: run as root or install sudo"; fi
}

install_system_packages() {
  local wanted=("$@") missing=()
  command -v dpkg-query >/dev/null || die "this script installs packages on Debian or Ubuntu; elsewhere see the README"
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_toolchains() {
  command -v cargo >/dev/null || die "Rust is missing: install it from rustup.rs, then run this again"
  command -v npm >/dev/null || die "Node.js 20 or newer is missing: install it (e.g. apt-get install nodejs npm), then run this again"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die "Node.js $node_major is too old: install Node.js 20 or newer"
}

ensure_rust_components() {
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      step "Adding the Rust component $component"
      rustup component add "$component"
    fi
  done
}

ensure_tauri_driver() {
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  command -v tauri-driver >/dev/null && return 0
  step "Installing tauri-driver"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --quiet
}

# npm ci only when the lockfile changed since the last install: it is the slow part of a rerun.
ensure_ui_packages() {
  local stamp="$ROOT/ui/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/ui/package-lock.json" -nt "$stamp" ]; then
    step "Installing the UI's npm packages (npm ci)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

build_ui() {
  step "Building the UI"
  (cd "$ROOT/ui" && npm run --silent build)
}
