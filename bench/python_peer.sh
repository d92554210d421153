#!/usr/bin/env bash
# The fair Python peer of the engine: installs bench/requirements.txt (OpenCV) into the project's
# .venv when that file changed since the last install (a stamp holds its hash, as scripts/setup.sh
# does), then runs bench/python_moderation.py with the given arguments. Paths are taken as given
# (relative to the current directory). Run scripts/setup.sh first on a fresh machine.
#   bench/python_peer.sh --install-only
#   bench/python_peer.sh assets/videos/bikes.mp4 ... --videos 20 --in-flight 4 --json out.json
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
REQ="$ROOT/bench/requirements.txt"
STAMP="$ROOT/.venv/.framewise-bench-requirements"
if [[ ! -x "$PY" ]]; then echo "python_peer.sh: no $ROOT/.venv: run scripts/setup.sh first" >&2; exit 1; fi
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ "$want" != "$(cat "$STAMP" 2>/dev/null || true)" ]]; then
    "$PY" -m pip install -q --disable-pip-version-check -r "$REQ"
    echo "$want" >"$STAMP"
    echo "python_peer.sh: pip: $(grep -v '^#' "$REQ" | tr '\n' ' ' | sed 's/ *$//')" >&2
fi
if [[ "${1:-}" == "--install-only" ]]; then exit 0; fi
exec "$PY" "$ROOT/bench/python_moderation.py" "$@"
