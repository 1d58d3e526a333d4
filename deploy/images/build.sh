#!/usr/bin/env bash
# Builds Longwatch's container images with podman or docker, whichever exists (ENGINE=... to
# choose). Run from anywhere; it builds the Maven modules it packages first (skip with
# --skip-maven when they are built).
#
#   deploy/images/build.sh [--local-bases] [--gpu] [--skip-maven] [--tag TAG] [IMAGE...]
#   deploy/images/build.sh --list [--gpu] [--local-bases]     # the image names, nothing built
#
# IMAGE: topics ingest encoder query memory-job (default: all of them), encoder-gpu (with --gpu).
# Names: ${LONGWATCH_IMAGE_PREFIX:-longwatch}/<image>:<tag>, tag = the project version unless
# --tag. Base images are build arguments that default to the public images users pull:
#   JRE_IMAGE   eclipse-temurin:17-jre                       (topics, ingest, encoder, query)
#   CUDA_IMAGE  nvidia/cuda:13.1.0-cudnn-runtime-ubuntu24.04 (encoder-gpu)
#   FLINK_IMAGE flink:2.2.1-java17                           (memory-job)
# --local-bases is the test-only path for machines without a registry: the JRE base that
# ../shared/containers/container-runtime.sh leaves (localhost/tc-local/debian-jre17:bookworm),
# and a Flink stand-in built here from Flink's Maven jars (flink-test-base/, flink-dist is not on
# Maven Central), tagged ${LONGWATCH_IMAGE_PREFIX}/flink-test-base:2.2.1-java17; encoder-gpu is
# then built on the JRE base without CUDA or TensorRT, to check its Containerfile.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

local_bases=false gpu=false skip_maven=false list=false tag="" requested=()
while [ $# -gt 0 ]; do
  case "$1" in
    --local-bases) local_bases=true ;;
    --gpu) gpu=true ;;
    --skip-maven) skip_maven=true ;;
    --list) list=true ;;
    --tag) tag=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown option $1" >&2; exit 64 ;;
    *) requested+=("$1") ;;
  esac
  shift
done

version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$root/pom.xml" | head -1)
tag=${tag:-$version}
prefix=${LONGWATCH_IMAGE_PREFIX:-longwatch}
flink_version=2.2.1

# image -> Maven module whose runtime classpath it carries
declare -A module=(
  [topics]=kafka-embedded
  [ingest]=ingest
  [encoder]=encoder-worker/encoder-core
  [encoder-gpu]=encoder-worker/encoder-tensorrt
  [query]=query-service
  [memory-job]=memory
)
all=(topics ingest encoder query memory-job)
$gpu && all+=(encoder-gpu)
images=("${requested[@]:-${all[@]}}")
for image in "${images[@]}"; do
  [ -n "${module[$image]:-}" ] || { echo "build.sh: unknown image $image (known: ${!module[*]})" >&2; exit 64; }
done

if $list; then
  $local_bases && echo "$prefix/flink-test-base:$flink_version-java17"
  for image in "${images[@]}"; do echo "$prefix/$image:$tag"; done
  exit 0
fi

if [ -n "${ENGINE:-}" ]; then engine=$ENGINE
elif command -v podman >/dev/null; then engine=podman
elif command -v docker >/dev/null; then engine=docker
else echo "build.sh: neither podman nor docker is installed" >&2; exit 1
fi
# podman writes OCI images by default, which have no HEALTHCHECK; the docker format keeps it.
format=(); [ "$(basename "$engine")" = podman ] && format=(--format docker)

base_args=()
if $local_bases; then
  # The GPU image on the JRE base without NVIDIA's repository: no CUDA or TensorRT inside, so it
  # cannot encode on a GPU, but every step of its Containerfile runs (a check, not a product).
  base_args=(--build-arg JRE_IMAGE=localhost/tc-local/debian-jre17:bookworm
             --build-arg FLINK_IMAGE="$prefix/flink-test-base:$flink_version-java17"
             --build-arg CUDA_IMAGE=localhost/tc-local/debian-jre17:bookworm
             --build-arg TENSORRT_PACKAGES=)
fi
labels=(--build-arg VERSION="$version"
        --build-arg REVISION="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
        --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)")

# --- Maven: the modules, each module's runtime classpath, the logging backend, Flink's jars ----
modules=$(for image in "${images[@]}"; do echo "${module[$image]}"; done | sort -u | paste -sd,)
if ! $skip_maven; then
  echo "build.sh: packaging $modules" >&2
  (cd "$root" && ./mvnw -B -q -DskipTests package \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DexcludeGroupIds=org.apache.flink -DoutputDirectory=target/image-lib \
      -pl "$modules" -am)
  (cd "$root" && ./mvnw -B -q -f deploy/images/pom.xml package)
fi
stage=$here/target/stage
[ -d "$stage/logging" ] || { echo "build.sh: $stage/logging missing: run without --skip-maven once" >&2; exit 1; }

# A build context per image: app/ (Longwatch's jars), lib/ (the rest), the shared files.
context() {
  local image=$1 dir=$here/target/context/$1 mod=$root/${module[$1]}
  rm -rf "$dir"; mkdir -p "$dir/app" "$dir/lib"
  if [ "$image" = memory-job ]; then
    cp "$mod/target/longwatch-memory-$version-job.jar" "$dir/app/longwatch-memory-job.jar"
    cp "$here/resume-from-newest-checkpoint.sh" "$dir/"
  else
    [ -d "$mod/target/image-lib" ] || { echo "build.sh: $mod/target/image-lib missing" >&2; exit 1; }
    cp "$mod"/target/*-"$version".jar "$dir/app/"
    for jar in "$mod"/target/image-lib/*.jar; do
      case "$(basename "$jar")" in
        longwatch-*) cp -l "$jar" "$dir/app/" 2>/dev/null || cp "$jar" "$dir/app/" ;;
        # One logging backend: the staged one (some dependencies bring their own binding).
        log4j-*|slf4j-reload4j-*|logback-*) ;;
        *) cp -l "$jar" "$dir/lib/" 2>/dev/null || cp "$jar" "$dir/lib/" ;;
      esac
    done
    cp "$stage"/logging/*.jar "$dir/lib/"
    cp "$here/log4j2.properties" "$dir/"
  fi
  cp "$here/healthcheck.sh" "$dir/"
  echo "$dir"
}

build() { # image-name containerfile context
  echo "build.sh: $engine build $1" >&2
  "$engine" build "${format[@]}" "${base_args[@]}" "${labels[@]}" -f "$2" -t "$1" "$3" >&2
}

if $local_bases && printf '%s\n' "${images[@]}" | grep -qx memory-job; then
  flink=$here/target/context/flink-test-base
  rm -rf "$flink"; mkdir -p "$flink/conf"
  cp -r "$stage/flink/lib" "$stage/flink/plugins" "$flink/"
  cp "$here/flink-test-base/config.yaml" "$here/flink-test-base/log4j-console.properties" "$flink/conf/"
  cp "$here/flink-test-base/docker-entrypoint.sh" "$flink/"
  build "$prefix/flink-test-base:$flink_version-java17" "$here/flink-test-base/Containerfile" "$flink"
fi
for image in "${images[@]}"; do
  dir=$(context "$image")
  build "$prefix/$image:$tag" "$here/$image.Containerfile" "$dir"
  echo "$prefix/$image:$tag"
done
