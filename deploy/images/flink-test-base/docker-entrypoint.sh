#!/bin/bash
# TEST ONLY entry point of the Flink stand-in image (see Containerfile): the commands of the
# official image that Longwatch uses, started the way Flink's scripts start them (memory sizes
# and JVM flags from Flink's own BashJavaUtils), in the foreground so the JVM gets the signals.
set -euo pipefail
conf=$FLINK_CONF_DIR/config.yaml
classpath="$FLINK_LIB_DIR/*"
# Java 17: Flink's runtime reflects into java.base (the distribution's env.java.default-opts.all).
opens=()
for p in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time \
         java.util java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
logging=("-Dlog4j.configurationFile=file:$FLINK_CONF_DIR/log4j-console.properties" "-Dlog.file=/opt/flink/log/flink.log")

# FLINK_PROPERTIES: "key: value" lines that override the configuration, as in the official
# image; a key already there is dropped first (Flink 2 reads config.yaml as YAML: no duplicates).
if [ -n "${FLINK_PROPERTIES:-}" ]; then
  while IFS= read -r line; do
    key=${line%%:*}
    [ -n "$key" ] && [ "$key" != "$line" ] || continue
    awk -v k="$key:" 'index($0, k) != 1' "$conf" > "$conf.new"
    mv "$conf.new" "$conf"
    printf '%s\n' "$line" >> "$conf"
  done <<< "$FLINK_PROPERTIES"
fi

# BashJavaUtils prints its results on lines starting with this marker: JVM flags, then dynamic
# configuration (-D key=value ...).
results() {
  java "${opens[@]}" -cp "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" \
    --configDir "$FLINK_CONF_DIR" 2>/dev/null | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

command=${1:-help}
shift || true
case "$command" in
  jobmanager|standalone-job)
    mapfile -t out < <(results GET_JM_RESOURCE_PARAMS)
    read -r -a jvm <<< "${out[0]}"
    read -r -a dynamic <<< "${out[1]:-}"
    if [ "$command" = jobmanager ]; then
      main=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
    else
      main=org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint
    fi
    exec java "${jvm[@]}" "${opens[@]}" "${logging[@]}" ${JVM_ARGS:-} -cp "$classpath" "$main" \
      --configDir "$FLINK_CONF_DIR" "${dynamic[@]}" "$@"
    ;;
  taskmanager)
    mapfile -t out < <(results GET_TM_RESOURCE_PARAMS)
    read -r -a jvm <<< "${out[0]}"
    read -r -a dynamic <<< "${out[1]:-}"
    exec java "${jvm[@]}" "${opens[@]}" "${logging[@]}" ${JVM_ARGS:-} -cp "$classpath" \
      org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$FLINK_CONF_DIR" "${dynamic[@]}" "$@"
    ;;
  *)
    echo "usage: jobmanager | standalone-job --job-classname CLASS [options] [job arguments] | taskmanager" >&2
    exit 64
    ;;
esac
