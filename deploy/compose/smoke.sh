#!/usr/bin/env bash
# The compose stack end to end: builds the images, brings the stack up, registers the shared
# 70 s clip (copied into the media folder), waits until every sampled frame is in memory, asks a
# question, stops the stack with SIGTERM (every service must exit by itself: 143, or 0 for the
# one-shot topics) and takes it down with its volumes. The last line on stdout is the ask
# response JSON.
#
#   deploy/compose/smoke.sh [--local-bases] [--skip-build]
#
# --local-bases: build on the local base images (no registry; see deploy/images/build.sh) and
# use the local apache/kafka:4.2.1 from ../shared/containers/container-runtime.sh.
set -euo pipefail
source "$(dirname "$0")/stack.sh"

build_args=() skip_build=false
for arg in "$@"; do
  case "$arg" in
    --local-bases) build_args+=(--local-bases); export LONGWATCH_KAFKA_IMAGE=${LONGWATCH_KAFKA_IMAGE:-localhost/apache/kafka:4.2.1} ;;
    --skip-build) skip_build=true ;;
    *) die "unknown option $arg" ;;
  esac
done

clip=$root/../shared/data/video/malmm-example-70s.mp4
[ -r "$clip" ] || die "missing $clip"
if ! $skip_build; then
  log "building the images"
  "$root/deploy/images/build.sh" "${build_args[@]}" >&2
fi

stack_env longwatch-smoke
cp "$clip" "$LONGWATCH_MEDIA/"
chmod 644 "$LONGWATCH_MEDIA"/*
trap 'compose down -v -t 40 >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

log "starting the stack (${compose_cmd[*]})"
compose up -d >&2
wait_until 300 "the query service is ready" ready
log "query service ready"

api POST /v1/streams '{"id":"clip","uri":"/media/malmm-example-70s.mp4","sampleFps":1}' >/dev/null
deadline=$(( $(date +%s) + 600 ))
until stream_done clip; do
  [ "$(date +%s)" -lt "$deadline" ] || die "the clip was not all in memory after 600 s: $(stream_progress clip)"
  log "clip: $(stream_progress clip)"
  sleep 5
done
log "clip: $(stream_progress clip)"

answer=$(api POST /v1/streams/clip/ask '{"question":"What is being cooked, and when does the dish appear?"}')
echo "$answer" | json "len(d['evidence'])" | grep -qv '^0$' || die "the answer cites no evidence: $answer"

log "stopping with SIGTERM"
compose stop -t 40 >/dev/null 2>&1
bad=0
for service in ingest encoder query jobmanager taskmanager; do
  for name in $(containers_of "$service"); do
    code=$("$engine" inspect --format '{{.State.ExitCode}}' "$name")
    # 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited; 137 would be the SIGKILL
    # that follows a missed grace period.
    log "$name exited $code"
    case "$code" in 143|0) ;; *) bad=1 ;; esac
  done
done
[ "$bad" = 0 ] || die "a service did not stop cleanly on SIGTERM"
log "done in $(( $(date +%s) - started )) s"
echo "$answer"
