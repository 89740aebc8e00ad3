// Matmul-shaped single operations and rectangle compositing. Plain OpenCL C 1.2.
//
// Compile-time constants (-D): VW (columns per work-item: 4 on GPUs, 16 on CPUs), VF (floatVW),
// VLOAD / VSTORE (vloadVW / vstoreVW), MR (rows per work-item).
// Every work-item computes an MR x VW block of C with explicit vectors and no local memory (the form
// PoCL turns into fast CPU code); N must be a multiple of VW. Each output is one fma chain over k in
// increasing order, then + bias, like the CPU kernels.

// Opens a kernel's MR x VW output block: columns j.. of rows i0.., accumulators acc[] at zero.
#define BLOCK_START(N) \
    int j = get_global_id(0) * VW, i0 = get_global_id(1) * MR; \
    if (j >= (N)) { \
        return; \
    } \
    VF acc[MR]; \
    for (int rr = 0; rr < MR; rr++) { \
        acc[rr] = (VF) (0.0f); \
    }

inline void store_block(VF* acc, int i0, int j, int M, int N, __global const float* bias, int hasBias,
                        __global float* C) {
    VF bv = hasBias ? VLOAD(0, bias + j) : (VF) (0.0f);
    for (int rr = 0; rr < MR; rr++) {
        if (i0 + rr < M) {
            VSTORE(acc[rr] + bv, 0, C + (i0 + rr) * N + j);
        }
    }
}

// C[M,N] = A[M,K] . B[K,N] (+ bias[N])
// CPU twin: tensor/MatmulKernel.matmul.
// Test: OpenClOpsTest.linearMatchesCpuAtModelShapes.
__kernel void matmul(int M, int N, int K, __global const float* A, __global const float* B,
                     __global const float* bias, int hasBias, __global float* C) {
    BLOCK_START(N);
    for (int k = 0; k < K; k++) {
        VF b = VLOAD(0, B + k * N + j);
        for (int rr = 0; rr < MR; rr++) {
            float lhs = i0 + rr < M ? A[(i0 + rr) * K + k] : 0.0f;
            acc[rr] = fma((VF) (lhs), b, acc[rr]);
        }
    }
    store_block(acc, i0, j, M, N, bias, hasBias, C);
}

// Non-overlapping P x P patch convolution of one image [C][H][W]: row = patch (row-major over the
// (H/P) x (W/P) grid), k = (c, y, x).
// CPU twin: tensor/CpuBackend.patchEmbed.
// Test: OpenClOpsTest.stemAndTrunkMatchCpu.
__kernel void patch_embed(int channels, int height, int width, int P, __global const float* img,
                          __global const float* B, __global const float* bias, int N, __global float* C) {
    int gw = width / P, M = (height / P) * gw;
    BLOCK_START(N);
    int base[MR];
    for (int rr = 0; rr < MR; rr++) {
        int tok = min(i0 + rr, M - 1);
        base[rr] = (tok / gw) * P * width + (tok % gw) * P;
    }
    int k = 0;
    for (int ch = 0; ch < channels; ch++) {
        for (int y = 0; y < P; y++) {
            for (int x = 0; x < P; x++, k++) {
                VF b = VLOAD(0, B + k * N + j);
                int off = (ch * height + y) * width + x;
                for (int rr = 0; rr < MR; rr++) {
                    acc[rr] = fma((VF) (img[base[rr] + off]), b, acc[rr]);
                }
            }
        }
    }
    store_block(acc, i0, j, M, N, bias, 1, C);
}

// One output frame of a causal 3-D convolution over token grids: `win` holds kt frames [gh*gw][C],
// oldest first (absent frames are zeros); k = (dt, dy, dx, c); spatial zero padding ks/2.
// CPU twin: tensor/CpuBackend.causalConv3d.
// Test: OpenClOpsTest.stemAndTrunkMatchCpu.
__kernel void causal_conv(int kt, int ks, int gh, int gw, int channels, __global const float* win,
                          __global const float* B, __global const float* bias, int N, __global float* C) {
    int M = gh * gw, pad = ks / 2;
    BLOCK_START(N);
    for (int dt = 0; dt < kt; dt++) {
        for (int dy = 0; dy < ks; dy++) {
            for (int dx = 0; dx < ks; dx++) {
                int src[MR];
                for (int rr = 0; rr < MR; rr++) {
                    int tok = min(i0 + rr, M - 1);
                    int y = tok / gw + dy - pad, x = tok % gw + dx - pad;
                    src[rr] = (y >= 0 && y < gh && x >= 0 && x < gw) ? (dt * M + y * gw + x) * channels : -1;
                }
                __global const float* bk = B + ((dt * ks + dy) * ks + dx) * channels * N + j;
                for (int ch = 0; ch < channels; ch++) {
                    VF b = VLOAD(0, bk + ch * N);
                    for (int rr = 0; rr < MR; rr++) {
                        float lhs = src[rr] >= 0 ? win[src[rr] + ch] : 0.0f;
                        acc[rr] = fma((VF) (lhs), b, acc[rr]);
                    }
                }
            }
        }
    }
    store_block(acc, i0, j, M, N, bias, 1, C);
}

// Copies the rectangles rects[4r..4r+3] = (x0, y0, x1, y1), end-exclusive, of `frame` into `canvas`
// (both packed RGBA, `width` pixels per row). One work-group per rectangle; overlapping rectangles
// write the same values, so their order does not matter.
// CPU twin: tensor/CpuRectCompositor.update.
// Test: OpenClOpsTest.compositorMatchesCpuTwin.
__kernel void composite_rects(__global uint* canvas, __global const uint* frame, int width,
                              __global const int* rects) {
    int r = get_group_id(0);
    int x0 = rects[4 * r], y0 = rects[4 * r + 1], x1 = rects[4 * r + 2], y1 = rects[4 * r + 3];
    int w = x1 - x0, n = w * (y1 - y0);
    for (int p = get_local_id(0); p < n; p += get_local_size(0)) {
        int at = (y0 + p / w) * width + x0 + p % w;
        canvas[at] = frame[at];
    }
}

// Split-K forms for GPUs, where one long k loop per work-item leaves the chip mostly idle: slice s of
// the k range writes partial[s][M][N]; sum_slices adds the slices in order, then the bias.

// Causal convolution, one slice per kernel tap (dt, dy, dx): k = channels of that tap.
// CPU twin: tensor/CpuBackend.causalConv3d.
// Test: OpenClOpsTest.splitKStemAndTrunkMatchCpu.
__kernel void causal_conv_tap(int ks, int gh, int gw, int channels, __global const float* win,
                              __global const float* B, int N, __global float* partial) {
    int s = get_global_id(2);
    int M = gh * gw, pad = ks / 2;
    int dt = s / (ks * ks), dy = (s / ks) % ks, dx = s % ks;
    BLOCK_START(N);
    int src[MR];
    for (int rr = 0; rr < MR; rr++) {
        int tok = min(i0 + rr, M - 1);
        int y = tok / gw + dy - pad, x = tok % gw + dx - pad;
        src[rr] = (y >= 0 && y < gh && x >= 0 && x < gw) ? (dt * M + y * gw + x) * channels : -1;
    }
    __global const float* bk = B + s * channels * N + j;
#pragma unroll 4
    for (int ch = 0; ch < channels; ch++) {
        VF b = VLOAD(0, bk + ch * N);
        for (int rr = 0; rr < MR; rr++) {
            float lhs = src[rr] >= 0 ? win[src[rr] + ch] : 0.0f;
            acc[rr] = fma((VF) (lhs), b, acc[rr]);
        }
    }
    store_block(acc, i0, j, M, N, B, 0, partial + (long) s * M * N);
}

// Patch convolution, one slice per (channel, patch row): k = the P pixels of that row.
// CPU twin: tensor/CpuBackend.patchEmbed.
// Test: OpenClOpsTest.splitKStemAndTrunkMatchCpu.
__kernel void patch_embed_rows(int channels, int height, int width, int P, __global const float* img,
                               __global const float* B, int N, __global float* partial) {
    int s = get_global_id(2);
    int gw = width / P, M = (height / P) * gw;
    int ch = s / P, y = s % P;
    BLOCK_START(N);
    int base[MR];
    for (int rr = 0; rr < MR; rr++) {
        int tok = min(i0 + rr, M - 1);
        base[rr] = (ch * height + (tok / gw) * P + y) * width + (tok % gw) * P;
    }
    for (int x = 0; x < P; x++) {
        VF b = VLOAD(0, B + (s * P + x) * N + j);
        for (int rr = 0; rr < MR; rr++) {
            acc[rr] = fma((VF) (img[base[rr] + x]), b, acc[rr]);
        }
    }
    store_block(acc, i0, j, M, N, B, 0, partial + (long) s * M * N);
}

// out[i] = sum over slices of partial[s][i] (in slice order) + bias[i % N]
// CPU twin: tensor/CpuBackend.causalConv3d and patchEmbed (the split-K forms' last step).
// Test: OpenClOpsTest.splitKStemAndTrunkMatchCpu.
__kernel void sum_slices(int slices, int count, int N, __global const float* partial, __global const float* bias,
                         __global float* out) {
    int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    float acc = 0.0f;
    for (int s = 0; s < slices; s++) {
        acc += partial[(long) s * count + i];
    }
    out[i] = acc + bias[i % N];
}
