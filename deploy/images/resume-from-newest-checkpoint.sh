#!/bin/bash
# Entry point of the memory job image: the Flink image's own entry point, except that a
# "standalone-job" (the application's JobManager) without an explicit --fromSavepoint resumes
# from the newest completed checkpoint under the checkpoint directory, if there is one. Flink
# restarts a job from its checkpoints by itself while the JobManager lives (a TaskManager or
# Kafka outage); this covers the JobManager's own restart without a HA service (ZooKeeper or
# Kubernetes, which the Flink Kubernetes Operator sets up instead). The directory is
# execution.checkpointing.dir from FLINK_PROPERTIES (a local path or file:// URI: a volume);
# LONGWATCH_CHECKPOINT_DIR overrides it.
set -euo pipefail

entrypoint=/docker-entrypoint.sh
if [ "${1:-}" = "standalone-job" ]; then
  explicit=false
  for arg in "$@"; do
    case "$arg" in -s|--fromSavepoint) explicit=true ;; esac
  done
  dir=${LONGWATCH_CHECKPOINT_DIR:-$(printf '%s\n' "${FLINK_PROPERTIES:-}" \
    | sed -n 's/^[[:space:]]*execution\.checkpointing\.dir:[[:space:]]*//p' | tail -1)}
  dir=${dir#file://}
  if [ "$explicit" = false ] && [ -n "$dir" ] && [ -d "$dir" ]; then
    # A checkpoint is complete once its _metadata is written; the newest by that file's time.
    newest=$(find "$dir" -path '*/chk-*/_metadata' -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)
    if [ -n "$newest" ]; then
      echo "longwatch: resuming from the newest checkpoint, $newest" >&2
      # Before the job's own arguments, which end the entry point's options. An operator removed
      # since that checkpoint must not block the start.
      shift
      set -- standalone-job --fromSavepoint "$newest" --allowNonRestoredState "$@"
    else
      echo "longwatch: no completed checkpoint under $dir; starting afresh" >&2
    fi
  fi
fi
exec "$entrypoint" "$@"
