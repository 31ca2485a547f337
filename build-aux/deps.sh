# build-aux/deps.sh — sourced by build-aux/run and build-aux/test: installs
# what a fresh Debian 12 machine lacks, and nothing when all is present.
SYNTH_BUILD_DEPS=(
  meson ninja-build pkg-config gcc gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libsecret-1-dev libsqlite3-dev libcairo2-dev
)
SYNTH_TEST_DEPS=(
  xvfb xauth dbus dbus-x11 gnome-keyring at-spi2-core python3-dogtail
  desktop-file-utils appstream libglib2.0-bin sqlite3 imagemagick
  libclang-rt-14-dev clang flatpak-builder libreoffice-calc-nogui glib-networking
)

synth_install_deps () {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "error: missing packages ${missing[*]}; run as root or install them with apt-get" >&2
      return 1
    fi
  fi
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
