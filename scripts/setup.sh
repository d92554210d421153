#!/usr/bin/env bash
# Installs what Framewise needs on a Debian machine: the FFmpeg development packages, redis-server and
# postgresql (the tests start their own servers on free ports), Chromium for the report tests
# (system, via apt, only when missing) and a project-local Python virtualenv (.venv) holding
# ONNX Runtime (its libonnxruntime.so is what the Swift code loads) plus onnx/numpy/pillow for
# the asset scripts, and the test tools (schemathesis). Idempotent: a second run does nothing and returns in about a second.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# chromium: the report tests open reports in headless Chromium (DOM and screenshots).
APT_PACKAGES=(ffmpeg libavformat-dev libavcodec-dev libswscale-dev libavutil-dev pkg-config fonts-dejavu-core redis-server postgresql chromium)
REQUIREMENTS="scripts/requirements.txt"
TEST_REQUIREMENTS="scripts/requirements-test.txt"
VENV=".venv"
STAMP="$VENV/.framewise-requirements"
TEST_STAMP="$VENV/.framewise-test-requirements"
PYTHON="${PYTHON:-python3}"

did=()

# --- Debian packages -------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg -s "$pkg" >/dev/null 2>&1; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    did+=("apt: ${missing[*]}")
fi

# --- Python virtualenv -----------------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
    did+=("venv created")
fi
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$want" != "$have" ]]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$want" >"$STAMP"
    did+=("pip: $(tr '\n' ' ' <"$REQUIREMENTS" | sed 's/ *$//')")
fi
# Test tools (schemathesis for the server's API test), with their own stamp.
want="$(sha256sum "$TEST_REQUIREMENTS" | cut -d' ' -f1)"
have="$(cat "$TEST_STAMP" 2>/dev/null || true)"
if [[ "$want" != "$have" ]]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$TEST_REQUIREMENTS"
    echo "$want" >"$TEST_STAMP"
    did+=("pip (tests): $(grep -v '^#' "$TEST_REQUIREMENTS" | tr '\n' ' ' | sed 's/ *$//')")
fi

if ((${#did[@]})); then
    (IFS=';'; echo "setup.sh: ${did[*]}")
else
    echo "setup.sh: everything present (apt packages, .venv)"
fi
