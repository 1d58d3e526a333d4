# Sourced by smoke.sh and chaos.sh: the compose command, the stack's environment and helpers.
# Not a program of its own.

compose_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$compose_dir/../.." && pwd)

log() { printf '[%s %5ds] %s\n' "$(basename "$0")" "$(( $(date +%s) - started ))" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
started=$(date +%s)

# podman-compose where podman is (this machine), else docker compose; COMPOSE overrides.
if [ -n "${COMPOSE:-}" ]; then
  read -r -a compose_cmd <<< "$COMPOSE"
elif command -v podman-compose >/dev/null; then
  compose_cmd=(podman-compose)
elif docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
else
  die "neither podman-compose nor docker compose is installed"
fi
engine=$(command -v podman >/dev/null && echo podman || echo docker)

# Environment of the stack under test: its own project, port, media, models and token.
stack_env() {
  export COMPOSE_PROJECT_NAME=$1
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  export LONGWATCH_MEDIA=$work/media LONGWATCH_MODELS=$work/models
  mkdir -p "$LONGWATCH_MEDIA" "$LONGWATCH_MODELS"
  chmod 755 "$work" "$LONGWATCH_MEDIA" "$LONGWATCH_MODELS"
  export LONGWATCH_PORT=${LONGWATCH_PORT:-18080} LONGWATCH_FLINK_UI_PORT=${LONGWATCH_FLINK_UI_PORT:-18081}
  token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  export LONGWATCH_API_TOKENS="$token=*" LONGWATCH_PEER_TOKEN=$token
  base="http://127.0.0.1:$LONGWATCH_PORT"
}

compose() { "${compose_cmd[@]}" -p "$COMPOSE_PROJECT_NAME" -f "$compose_dir/compose.yaml" "$@"; }

# The containers of one service of this project (by the labels both compose tools set).
containers_of() {
  "$engine" ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | sort
}

api() { # METHOD PATH [BODY]: the response body; fails on a non-2xx status
  local out status
  out=$(curl -sS -m 60 -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} -w '\n%{http_code}' "$base$2") || return 1
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  [[ $status == 2* ]] || { log "$1 $2 -> $status $out"; return 1; }
  printf '%s\n' "$out"
}

json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

wait_until() { # SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "gave up after ${limit}s waiting until $what"
    sleep 2
  done
}

ready() { curl -sf -m 5 "$base/readyz" >/dev/null; }

# 0 when the stream's every produced frame is in memory and ingest has finished it.
stream_done() {
  api GET "/v1/streams/$1" | json "0 if d['state']=='COMPLETED' and d['framesProduced']>0 and d['framesInMemory']==d['framesProduced'] else 1" \
    | grep -qx 0
}

stream_progress() {
  api GET "/v1/streams/$1" | json "'%s produced=%d inMemory=%d' % (d['state'], d['framesProduced'], d['framesInMemory'])" 2>/dev/null || echo "(no answer)"
}
