#!/usr/bin/env bash
# Offline register estimate of the streamed decode attention (decoder.cl attention_stream, attention_stream_last) on a
# machine without a GPU but with CUDA's nvcc and ptxas: the kernels' section of decoder.cl, compiled as CUDA through a
# few macros (OpenCL's __kernel, __local, barrier, ... as CUDA's), for sm_90 (H100/H200), printing ptxas's registers,
# spills and shared memory per kernel. An estimate only: NVIDIA's OpenCL compiler is another front end (on the H200 it
# gave attention_stream 159-162 registers, this 157; attention_stream_last 72, this 159), so the device's own
# -cl-nv-verbose log (scripts/attention-sweep-run.sh prints it) is the measurement.
# Usage: bash scripts/stream-registers.sh [MAXREG] [-D...]: MAXREG (a number, or 0 for none) as -maxrregcount, the
# -D constants of a variant (e.g. -DSI=1 -DSR=5 -DSTREAM_PREFETCH=1 -DSD=4), on top of this model's (head dim 32,
# K = 10) and the defaults (SL=32 SD=8 SE=1).
set -eu
maxreg=${1:-0}
shift || true
here=$(cd "$(dirname "$0")/.." && pwd)
cl=$here/kernels/src/main/resources/io/autogaze4j/kernels/decoder.cl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(grep -n '^#if defined(SQ) && HEAD_DIM % SD' "$cl" | cut -d: -f1)
end=$(grep -n '^#endif // streamed attention' "$cl" | cut -d: -f1)
{
  cat <<'SHIM'
#include <math.h>
typedef unsigned char uchar;
#define __kernel extern "C" __global__
#define __global
#define __local
#define inline __device__ inline
#define get_local_id(i) ((int) threadIdx.x)
#define get_group_id(i) ((int) ((i) == 0 ? blockIdx.x : blockIdx.y))
#define barrier(x) __syncthreads()
#define CLK_LOCAL_MEM_FENCE 0
#define fmax fmaxf
SHIM
  # kernel-scope __local arrays are CUDA __shared__ ones
  sed -n "${start},${end}p" "$cl" | sed 's/__local \(float4\|float\) \([a-z]*\)\[/__shared__ \1 \2[/'
} > "$work/stream.cu"
cap=()
[ "$maxreg" != 0 ] && cap=(-maxrregcount="$maxreg")
nvcc -arch=sm_90 -cubin -o "$work/stream.cubin" -DHIDDEN=192 -DHEADS=6 -DHEAD_DIM=32 -DP_PER_ROW=0 -DP_FIRST=1 \
  -DP_SPLITS=7 -DSQ=10 -DSL=32 -DSD=8 -DSE=1 "$@" "${cap[@]}" -Xptxas -v "$work/stream.cu" 2>&1 \
  | awk '/Compiling entry function/ { fn = $0; sub(/.*function .?/, "", fn); sub(/[^a-z_].*/, "", fn) }
         /spill stores/ { spill = $0; sub(/^ */, "", spill) }
         /Used [0-9]+ registers/ { r = $0; sub(/.*Used /, "", r); print fn ": " r "; " spill }
         /error/ { print }'
