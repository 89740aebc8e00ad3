// Matmul-shaped single operations, the vision encoder's row-wise steps and rectangle compositing. Plain OpenCL C 1.2.
//
// Compile-time constants (-D): VW (columns per work-item: 4 on GPUs, 16 on CPUs), VF (floatVW),
// VLOAD / VSTORE (vloadVW / vstoreVW), MR (rows per work-item).
// Every work-item computes an MR x VW block of C with explicit vectors and no local memory (the form
// PoCL turns into fast CPU code); N must be a multiple of VW. Each output is one fma chain over k in
// increasing order, then + bias, like the CPU kernels.
//
// Vision layouts (kernels/ClVisionSession.java): frames are frame-major, f = row * T + t over a call's rows and
// frames; pixels [f][C][H][W]; token grids [f][gh*gw][C]. A trunk input is "extended": each row's H = kt - 1
// history frames, then its T new frames, [row][H + T][gh*gw][C], so the tap dt of output frame (row, t) reads
// extended frame row * (H + T) + t + dt and a window is never copied.

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

// Offset of token tok's top-left pixel in frame-major images [frames][channels][height][width] (P x P patches,
// gw patches per grid row, per patches per frame).
inline int patch_origin(int tok, int per, int gw, int P, int channels, int height, int width) {
    int f = tok / per, p = tok % per;
    return f * channels * height * width + (p / gw) * P * width + (p % gw) * P;
}

// Non-overlapping P x P patch convolution of `frames` images [C][H][W] stored one after the other: row = patch
// (frame-major, then row-major over each (H/P) x (W/P) grid), k = (c, y, x).
// CPU twin: tensor/CpuBackend.patchEmbed.
// Test: OpenClOpsTest.stemAndTrunkMatchCpu.
__kernel void patch_embed(int frames, int channels, int height, int width, int P, __global const float* img,
                          __global const float* B, __global const float* bias, int N, __global float* C) {
    int gw = width / P, per = (height / P) * gw, M = frames * per;
    BLOCK_START(N);
    int base[MR];
    for (int rr = 0; rr < MR; rr++) {
        base[rr] = patch_origin(min(i0 + rr, M - 1), per, gw, P, channels, height, width);
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

// Offset of the input token that tap (dt, dy, dx) of output token tok reads in an extended trunk input (see the
// vision layouts above), or -1 in the spatial zero padding (ks / 2 on each side). Output tokens are frame-major over
// a call's rows x T frames of gh x gw tokens.
inline int tap_source(int tok, int gh, int gw, int T, int kt, int ks, int dt, int dy, int dx, int channels) {
    int M = gh * gw, f = tok / M, p = tok % M, pad = ks / 2;
    int y = p / gw + dy - pad, x = p % gw + dx - pad;
    if (y < 0 || y >= gh || x < 0 || x >= gw) {
        return -1;
    }
    int frame = (f / T) * (kt - 1 + T) + f % T + dt;
    return (frame * M + y * gw + x) * channels;
}

// Causal 3-D convolution over token grids of `frames` output frames (T per row) from the extended input `win`;
// k = (dt, dy, dx, c), dt = 0 the oldest frame.
// CPU twin: tensor/CpuBackend.causalConv3d.
// Test: OpenClOpsTest.stemAndTrunkMatchCpu.
__kernel void causal_conv(int frames, int T, int kt, int ks, int gh, int gw, int channels, __global const float* win,
                          __global const float* B, __global const float* bias, int N, __global float* C) {
    int M = frames * gh * gw;
    BLOCK_START(N);
    for (int dt = 0; dt < kt; dt++) {
        for (int dy = 0; dy < ks; dy++) {
            for (int dx = 0; dx < ks; dx++) {
                int src[MR];
                for (int rr = 0; rr < MR; rr++) {
                    src[rr] = tap_source(min(i0 + rr, M - 1), gh, gw, T, kt, ks, dt, dy, dx, channels);
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

// LayerNorm of each row of x [rows][dim] (biased variance, sums in index order, no fused multiply-adds: the CPU
// twin's arithmetic).
// CPU twin: tensor/CpuBackend.layerNorm.
// Test: OpenClVisionTest.visionEncoderMatchesCpuOperations.
__kernel void layer_norm(int rows, int dim, float eps, __global const float* x, __global const float* gamma,
                         __global const float* beta, __global float* y) {
#pragma OPENCL FP_CONTRACT OFF
    int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global const float* a = x + r * dim;
    float mean = 0.0f;
    for (int i = 0; i < dim; i++) {
        mean += a[i];
    }
    mean /= dim;
    float var = 0.0f;
    for (int i = 0; i < dim; i++) {
        float d = a[i] - mean;
        var += d * d;
    }
    var /= dim;
    float inv = 1.0f / sqrt(var + eps);
    for (int i = 0; i < dim; i++) {
        y[r * dim + i] = (a[i] - mean) * inv * gamma[i] + beta[i];
    }
}

// x[i] = max(x[i], 0) for i < n.
// CPU twin: tensor/CpuBackend.reluInPlace.
// Test: OpenClVisionTest.visionEncoderMatchesCpuOperations.
__kernel void relu(int n, __global float* x) {
    int i = get_global_id(0);
    if (i < n) {
        x[i] = fmax(x[i], 0.0f);
    }
}

// x[i] += table[i % period] for i < n (the position table added to every frame).
// CPU twin: tensor/CpuBackend.addInPlace.
// Test: OpenClVisionTest.visionEncoderMatchesCpuOperations.
__kernel void add_periodic(int n, int period, __global float* x, __global const float* table) {
    int i = get_global_id(0);
    if (i < n) {
        x[i] += table[i % period];
    }
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

// Causal convolution, one slice per kernel tap (dt, dy, dx): k = channels of that tap. Output frames
// first .. first + frames - 1 of the extended input `win` (T per row); partial holds this range only.
// CPU twin: tensor/CpuBackend.causalConv3d.
// Test: OpenClOpsTest.splitKStemAndTrunkMatchCpu.
__kernel void causal_conv_tap(int first, int frames, int T, int kt, int ks, int gh, int gw, int channels,
                              __global const float* win, __global const float* B, int N, __global float* partial) {
    int s = get_global_id(2);
    int M = frames * gh * gw, skip = first * gh * gw;
    int dt = s / (ks * ks), dy = (s / ks) % ks, dx = s % ks;
    BLOCK_START(N);
    int src[MR];
    for (int rr = 0; rr < MR; rr++) {
        src[rr] = tap_source(skip + min(i0 + rr, M - 1), gh, gw, T, kt, ks, dt, dy, dx, channels);
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

// Patch convolution, one slice per (channel, patch row): k = the P pixels of that row. Images first ..
// first + frames - 1 of the frame-major stack `img`; partial holds this range only.
// CPU twin: tensor/CpuBackend.patchEmbed.
// Test: OpenClOpsTest.splitKStemAndTrunkMatchCpu.
__kernel void patch_embed_rows(int first, int frames, int channels, int height, int width, int P,
                               __global const float* img, __global const float* B, int N, __global float* partial) {
    int s = get_global_id(2);
    int gw = width / P, per = (height / P) * gw, M = frames * per;
    int ch = s / P, y = s % P;
    BLOCK_START(N);
    int base[MR];
    for (int rr = 0; rr < MR; rr++) {
        int tok = first * per + min(i0 + rr, M - 1);
        base[rr] = patch_origin(tok, per, gw, P, channels, height, width) + (ch * height + y) * width;
    }
    for (int x = 0; x < P; x++) {
        VF b = VLOAD(0, B + (s * P + x) * N + j);
        for (int rr = 0; rr < MR; rr++) {
            acc[rr] = fma((VF) (img[base[rr] + x]), b, acc[rr]);
        }
    }
    store_block(acc, i0, j, M, N, B, 0, partial + (long) s * M * N);
}

// out[at + i] = sum over slices of partial[s][i] (in slice order) + bias[i % N], for i < count
// CPU twin: tensor/CpuBackend.causalConv3d and patchEmbed (the split-K forms' last step).
// Test: OpenClOpsTest.splitKStemAndTrunkMatchCpu.
__kernel void sum_slices(int slices, int count, int N, __global const float* partial, __global const float* bias,
                         int at, __global float* out) {
    int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    float acc = 0.0f;
    for (int s = 0; s < slices; s++) {
        acc += partial[(long) s * count + i];
    }
    out[at + i] = acc + bias[i % N];
}
