# Shared by bench/serve_load.sh and bench/api_overhead.sh (sourced, not run): a scratch folder with
# N copies of $CLIP in $WORK/media, and a `framewise serve` on a free loopback port over a fresh
# SQLite store there. Needs B, PIPELINE, CLIP set; start_server takes extra serve arguments.
WORK=$(mktemp -d /tmp/fw-serve-XXXXXX)
SERVER=""
STARTS=0
cleanup() {
  if [[ -n "$SERVER" ]] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# copy_clips N: N copies of $CLIP as $WORK/media/vNN.ext.
copy_clips() {
  mkdir -p "$WORK/media"
  local ext="${CLIP##*.}"
  for i in $(seq -w 1 "$1"); do cp "$CLIP" "$WORK/media/v$i.$ext"; done
}

# start_server [serve arguments...]: sets SERVER (pid), URL and LOG.
start_server() {
  rm -rf "$WORK/db.sqlite"* "$WORK/data"
  STARTS=$((STARTS + 1))
  LOG="$WORK/serve-$STARTS.log"
  : >"$LOG"
  "$B" serve "$PIPELINE" --bind 127.0.0.1:0 --db "$WORK/db.sqlite" --data-dir "$WORK/data" --allow-root "$WORK/media" \
    --max-in-flight 4 --max-queued 100000 "$@" >>"$LOG" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do
    URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$LOG" | head -1)
    [[ -n "$URL" ]] && return 0
    sleep 0.1
  done
  echo "serve did not start: $(cat "$LOG")" >&2
  exit 1
}

stop_server() { kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""; }
