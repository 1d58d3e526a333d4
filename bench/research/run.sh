#!/usr/bin/env bash
# Compiles the research harness against the built bench module and runs one of its classes:
#   bench/research/run.sh EncodeShots onnx /tmp/onnx.bin
#   bench/research/run.sh Research /tmp/onnx.bin 20261122 5 3 all whole,hours
# Needs `./mvnw -q -B install -DskipTests` first (for bench/target). See README.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/bench/target/research"
cp_file="$root/bench/target/runtime-classpath.txt"
mkdir -p "$out/classes"
javac -d "$out/classes" -cp "$root/bench/target/classes:$(cat "$cp_file")" "$root"/bench/research/*.java
# A manifest-only jar, as ./longwatch does: ONNX Runtime crashes on a long -cp.
manifest=$(mktemp)
{
  echo "Manifest-Version: 1.0"
  { printf 'file:%s/ file:%s/ ' "$out/classes" "$root/bench/target/classes"; tr ':' '\n' < "$cp_file" | sed 's/ /%20/g; s|^|file:|' | paste -sd' '; } \
    | sed 's/^/Class-Path: /' | fold -w 70 | sed '2,$s/^/ /'
} > "$manifest"
jar cfm "$out/research.jar" "$manifest"
rm -f "$manifest"
exec java -Xmx8g -cp "$out/research.jar" "$@"
