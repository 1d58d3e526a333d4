#!/usr/bin/env bash
# Build an FP16, dynamic-batch TensorRT engine from an exported vision tower with trtexec.
# The Java backend can also build (and cache) the engine itself on first use; this script is for
# building ahead of deployment, on the same GPU model and TensorRT version that will run it.
#
#   ./build_engine.sh clip-vitl14.onnx clip-vitl14.engine 224 16
set -euo pipefail
onnx=${1:?usage: build_engine.sh MODEL.onnx OUT.engine [SIZE=224] [MAX_BATCH=16] [INPUT=pixel_values]}
engine=${2:?usage: build_engine.sh MODEL.onnx OUT.engine [SIZE=224] [MAX_BATCH=16] [INPUT=pixel_values]}
size=${3:-224}
max_batch=${4:-16}
input=${5:-pixel_values}
trtexec --onnx="$onnx" --saveEngine="$engine" --fp16 \
  --minShapes="$input:1x3x${size}x${size}" \
  --optShapes="$input:${max_batch}x3x${size}x${size}" \
  --maxShapes="$input:${max_batch}x3x${size}x${size}"
echo "engine: $engine (use LONGWATCH_ENCODER_ENGINE=$engine with LONGWATCH_ENCODER_MAX_BATCH<=$max_batch)"
