// The gaze decoder, device resident: one decoder step is qkv_rope (layer 0, which also applies the step's
// mask and forbidden-id updates; feed_qkv_rope in a frame's decode steps, which also gathers the fed ids), then
// per layer attention -> mlp_qkv (this layer's MLP fused with the next layer's q/k/v), the last layer's mlp, then
// heads_logits (final norm, logits, task losses) and heads_choose (the greedy choice). Plain data-parallel OpenCL C 1.2 (no extensions), so the kernels port to other runtimes as they
// are. Each kernel names its plain-Java twin and the test that holds them equal (KernelTwinsTest checks that they
// exist).
//
// Compile-time constants (-D): HIDDEN, HEADS, HEAD_DIM, INTER, VOCAB, NHEADS (multi-token heads K),
// PAD_ID, EPS (RMSNorm epsilon), ROWS and KS (rows and k slices per work-group of qkv_rope / mlp), QB (query rows per
// attention work-group), ATT_WG and SEL_WG (work-group sizes of attention and heads_choose, powers of two), LOGIT_WG
// and LOGIT_ROWS (work-items and batch rows of a heads_logits work-group; LOGIT_ROWS is 4, a float4); the tiled
// attention's shapes TQ x TK (score tile), OQ x OD (output share), KC (keys per chunk), PQ and DQ (query rows per
// prefill and decode work-group); the streamed decode attention's SQ (most queries: the model's K), SL (key lanes), SD
// (head dimensions per work-item), SR (queries whose output shares stay in registers, the rest in local memory; SQ
// unless set), SE (1: each lane's probabilities computed once; 0 unless set), SI (1: the queries' loops branch-free
// and interleaved; 0 unless set) and STREAM_PREFETCH (0 unless set: the streamed attention loads each key and value
// right before its use; 1: a chunk's values and the next chunk's keys a phase ahead, which on the H200 ran 20% slower
// before SE: more registers per work-item, fewer work-groups in flight), set by the host from its properties
// (kernels/StreamShape.java), not through the options; the register prefill's PW (work-items per work-group), PQI
// (queries per work-item), PB (keys per score block) and PKC (keys per staged chunk), likewise
// (kernels/PrefillShape.java; absent: attention_prefill_reg is not built). Optional (compile-time knobs for A/B runs
// through -Dautogaze.opencl.options="-D K_UNROLL=4"): K_UNROLL and LOGIT_UNROLL, the unroll counts of the row kernels'
// and heads_logits' k loops (less unrolling compiles faster, may run slower).
//
// Layouts: activations [row][HIDDEN] with row = b * perRow + s; KV caches per layer
// [b][head][d][cap] (dimension-major, so neighbouring work-items read neighbouring keys); masks
// [b][cap] bytes; linear weights [in][out] (transposed at load, as on the CPU). Attention leaves, per
// query row, head and key split, its unnormalised output [HEAD_DIM] and {max score, exp sum}; the mlp
// kernels merge the splits as they load them.
//
// Host <-> device contract (kernels/StepLayout.java, which passes these names as -D constants; they are not
// defined here so the two sides cannot drift apart): per-step parameters live in the int buffer `st` (written
// once per step with everything else): header slots P_PER_ROW (new tokens per batch row), P_FIRST (cache index
// of the first new token), P_MASK_LO / P_MASK_SPAN (mask entries uploaded this step), P_RESET (1: a frame's first
// step, forget forbidden ids; 0: forbid the fed ids), P_ROWS (batch * perRow), P_BATCH, P_SPLITS (key splits per
// attention query block), P_INPUT (int index of the new embeddings [rows][HIDDEN], float bits), P_STEP (the step's
// index in its frame, 0 outside frames), then from P_HEADER: positions [rows], fed ids [rows], mask entries
// [batch][span], the embeddings. heads_logits and heads_choose write, from word P_STEP * R_SECTIONS * batch * NHEADS
// of `res` (a frame's results: every step's, in order), R_SECTIONS sections of [batch][NHEADS] words: R_TASK_LOSS
// (the former), R_MARGIN, R_ID (ints), R_PROBABILITY (the latter).
//
// Builds (kernels/ClDecoderSession.builds): the file is compiled several times, the step kernels (attention, feed_step,
// heads_logits, heads_choose; -D STEP_KERNELS) once, the tiled attention kernels (attention_prefill, attention_decode,
// attention_stream, attention_stream_last, attention_prefill_reg; -D TILED_KERNELS) once and the row kernels (qkv_rope,
// feed_qkv_rope, mlp_qkv, mlp; -D ROW_KERNELS with ROWS and KS) once per row variant, so no kernel is compiled twice,
// the builds can run side by side and a session waits only for the ones it runs (cold start: the NVIDIA compiler takes
// seconds per build; a single batch row runs the strided
// `attention` alone, never the tiled kernels). Each section below is guarded by the build it belongs to. Contract of
// the row kernels with KS=1: every output is one fused multiply-add chain over k in increasing order and no kernel
// sums across rows, so ROWS=1 gives ROWS=8's bits; the host runs ROWS=1 KS=1 in place of the wide build while that
// still compiles (test: OpenClDecoderTest.standInRowKernelsGiveTheWideOnesBits). The split row kernels (split_o,
// split_gate_up, split_down, split_qkv; -D SPLIT_KERNELS with KS, SC and ROWS, built only when
// -Dautogaze.opencl.splitRows is set) do the narrow build's layer work for calls of few rows over many work-groups,
// each a block of output columns of one row, with the narrow kernels' KS-slice sums (same bits; test:
// OpenClDecoderTest.splitRowKernelsGiveTheNarrowOnesBits). The persistent step kernel (persistent_step; -D
// PERSISTENT_KERNELS with KS, SC, ROWS, PWG and LAYERS, built only when -Dautogaze.opencl.persistent is on) runs a
// whole step of few rows in one launch: the step and split kernels' bodies (each of those kernels is a thin wrapper around a
// body function of its ids, which that build leaves out) as phases between grid barriers (grid_barrier.cl).
//
// Fresh loads (the persistent build's memory rule): a load of a value another work-group of the same launch wrote
// (the phase outputs x, q, po/pml, hs, logits and the results, the step's fed ids and embeddings, mask and forbidden-id
// entries, and the cache rows of the step's new tokens) is FRESH_LOAD(type, lvalue): volatile in persistent_step's
// build, so it bypasses the compute unit's L1, which is not coherent across compute units (plain loads after a grid
// barrier read stale lines of other groups' outputs: wrong ids on the H200); the writer's side is the grid barrier's
// fences. Values written before the launch (weights, RoPE tables, the cache rows of earlier steps) stay plain cached
// loads: a kernel boundary makes them coherent. In every other build FRESH_LOAD is a plain load (a launch boundary
// separates each writer from its readers). -D VOLATILE_GLOBALS (fallback for A/B runs) makes every global access of
// the persistent build volatile instead.
#if defined(VOLATILE_GLOBALS) && defined(PERSISTENT_KERNELS)
#define __global volatile __global
#endif
#if defined(PERSISTENT_KERNELS) && !defined(VOLATILE_GLOBALS)
#define FRESH volatile __global
#else
#define FRESH __global
#endif
#define FRESH_LOAD(T, lvalue) (*(FRESH const T*) &(lvalue))
// Cache entry `at` of key or value j, read by the attention: fresh for the rows written in this launch (j >= written).
#ifdef PERSISTENT_KERNELS
#define CACHE_LOAD(cache, at, j, written) ((j) >= (written) ? FRESH_LOAD(float, (cache)[at]) : (cache)[at])
#else
#define CACHE_LOAD(cache, at, j, written) ((cache)[at])
#endif

#ifndef P_HEADER
#error "build decoder.cl with StepLayout.defines()"
#endif
#if defined(ROW_KERNELS) + defined(STEP_KERNELS) + defined(TILED_KERNELS) + defined(SPLIT_KERNELS) + defined(PERSISTENT_KERNELS) != 1
#error "build decoder.cl with exactly one of -D ROW_KERNELS (and ROWS, KS), -D STEP_KERNELS, -D TILED_KERNELS, -D SPLIT_KERNELS (and KS, SC, ROWS) or -D PERSISTENT_KERNELS (and KS, SC, ROWS, PWG, LAYERS)"
#endif
#ifdef PERSISTENT_KERNELS // its phases are the step and split kernels' bodies (their kernels come along)
#define STEP_KERNELS
#define SPLIT_KERNELS
#endif
// (the defaults are spelled out as literals below, so a compiler that does not expand macros in a pragma builds them
// exactly as before)
#ifndef K_UNROLL
#define K_UNROLL 16
#endif
#ifndef LOGIT_UNROLL
#define LOGIT_UNROLL 16
#endif

/** Whether task loss `tl` meets the stop (`stop` 1: on, at or below `threshold`). */
inline bool meets(int stop, float threshold, float tl) {
    return stop && tl <= threshold;
}

/**
 * The id a decode step feeds as new token j of batch row b after step `s` of its frame (`res`: every step's results so
 * far, step t at word t * R_SECTIONS * batch * NHEADS): head j's id of row b in step s (-1, every id forbidden, is fed
 * as 0), or PAD_ID when the head meets the task-loss stop (never head 0 of step 0) or row b met it in an earlier step
 * (all steps before s chose NHEADS ids).
 * CPU twin: model/FrameGenerator.feed (after FrameGenerator.step).
 */
inline int fed_id(__global const int* res, int s, int stop, float threshold, int batch, int b, int j) {
    int words = R_SECTIONS * batch * NHEADS;
    __global const float* loss = (__global const float*) res;
    bool finished = false;
    for (int t = 0; t < s && stop; t++) {
        for (int i = t == 0 ? 1 : 0; i < NHEADS; i++) {
            float tl = FRESH_LOAD(float, loss[t * words + R_TASK_LOSS * batch * NHEADS + b * NHEADS + i]);
            finished |= meets(stop, threshold, tl);
        }
    }
    int at = s * words + b * NHEADS + j;
    int id = FRESH_LOAD(int, res[at + R_ID * batch * NHEADS]);
    id = id < 0 ? 0 : id;
    if (finished
        || (!(s == 0 && j == 0) && meets(stop, threshold, FRESH_LOAD(float, loss[at + R_TASK_LOSS * batch * NHEADS])))) {
        id = PAD_ID;
    }
    return id;
}

/**
 * Work item g of the step's bookkeeping: mask entries first, then one forbidden-id update per batch row. The fed ids
 * come from the parameter buffer, or with `fed` >= 0 (feed_qkv_rope) from step `fed`'s results in `res` (fed_id).
 */
inline void prepare_item(__global const int* st, __global uchar* mask, __global uchar* forb, int cap, int g,
                         __global const int* res, int fed, int stop, float threshold) {
    int rows = st[P_ROWS], batch = st[P_BATCH], span = st[P_MASK_SPAN];
    if (g < batch * span) {
        int b = g / span;
        mask[b * cap + st[P_MASK_LO] + g % span] = (uchar) st[P_HEADER + 2 * rows + g];
    } else if (g < batch * span + batch) {
        int b = g - batch * span;
        __global uchar* f = forb + b * VOCAB;
        if (st[P_RESET]) {
            for (int v = 0; v < VOCAB; v++) {
                f[v] = 0;
            }
        } else {
            int perRow = st[P_PER_ROW];
            for (int j = 0; j < perRow; j++) {
                int id = fed >= 0 ? fed_id(res, fed, stop, threshold, batch, b, j)
                                  : FRESH_LOAD(int, st[P_HEADER + rows + b * perRow + j]);
                f[id] = 1;
            }
        }
    }
}

/** Inverse RMS of a local row: 1 / sqrt(mean(x^2) + EPS), summed in index order. */
inline float inv_rms(__local const float* row) {
    float ss = 0.0f;
    for (int i = 0; i < HIDDEN; i++) {
        ss += row[i] * row[i];
    }
    return 1.0f / sqrt(ss / HIDDEN + EPS);
}

#if defined(ROW_KERNELS) || defined(SPLIT_KERNELS)
/**
 * out[rr] = sum_i in[rr * K + i] * w[i * ld + col] for the ROWS rows, k split in KS slices (K % KS == 0), each slice
 * one fused multiply-add chain in increasing k, the slices added in order; work-item (t, part) of a group of `cols`
 * columns, red [KS][ROWS][cols]. Every work-item must call it (it holds barriers); every work-item gets the full sums.
 */
inline void rows_times(__local const float* in, int K, __global const float* w, int ld, int col, int t, int part,
                       int cols, __local float* red, float* out) {
    float acc[ROWS];
    for (int rr = 0; rr < ROWS; rr++) {
        acc[rr] = 0.0f;
    }
    int k0 = part * (K / KS), k1 = k0 + K / KS;
#if K_UNROLL == 16
#pragma unroll 16
#else
#pragma unroll K_UNROLL
#endif
    for (int i = k0; i < k1; i++) {
        float wv = w[i * ld + col];
        for (int rr = 0; rr < ROWS; rr++) {
            acc[rr] = fma(in[rr * K + i], wv, acc[rr]);
        }
    }
    if (KS == 1) {
        for (int rr = 0; rr < ROWS; rr++) {
            out[rr] = acc[rr];
        }
        return;
    }
    for (int rr = 0; rr < ROWS; rr++) {
        red[(part * ROWS + rr) * cols + t] = acc[rr];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int rr = 0; rr < ROWS; rr++) {
        float sum = red[rr * cols + t];
        for (int p = 1; p < KS; p++) {
            sum += red[(p * ROWS + rr) * cols + t];
        }
        out[rr] = sum;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
}
#endif // ROW_KERNELS || SPLIT_KERNELS

#ifdef ROW_KERNELS
// Work-group layout of qkv_rope and mlp: HIDDEN x KS work-items for ROWS rows; work-item (t, part)
// owns output column t and the part-th slice of every k loop (KS > 1 gives a decode step's few rows
// more work-items and more loads in flight); slices are summed in order through local memory.
#define WG_ROWS (HIDDEN * KS)
#define RED_SIZE (KS > 1 ? KS * ROWS * HIDDEN : 1)

/**
 * RMSNorm, q/k/v projections and rotary embedding of the ROWS rows in local `a` (loaded, behind a barrier);
 * q to `q`, k and v into the layer's caches. `a` is overwritten; `qk` is [2][ROWS][HIDDEN] scratch.
 */
inline void qkv_rows(__global const int* st, __local float* a, __local float* qk, __local float* red,
                     __global const float* normW, __global const float* wq, __global const float* wk,
                     __global const float* wv, __global const float* ropeCos, __global const float* ropeSin,
                     __global float* q, __global float* kc, __global float* vc, int cap, int r0, int t, int part) {
    int rows = st[P_ROWS], perRow = st[P_PER_ROW], first = st[P_FIRST];
    float normed[ROWS];
    for (int rr = 0; rr < ROWS; rr++) {
        normed[rr] = normW[t] * (a[rr * HIDDEN + t] * inv_rms(a + rr * HIDDEN));
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (part == 0) {
        for (int rr = 0; rr < ROWS; rr++) {
            a[rr * HIDDEN + t] = normed[rr];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    float aq[ROWS], ak[ROWS], av[ROWS];
    rows_times(a, HIDDEN, wq, HIDDEN, t, t, part, HIDDEN, red, aq);
    rows_times(a, HIDDEN, wk, HIDDEN, t, t, part, HIDDEN, red, ak);
    rows_times(a, HIDDEN, wv, HIDDEN, t, t, part, HIDDEN, red, av);
    if (part == 0) {
        for (int rr = 0; rr < ROWS; rr++) {
            qk[rr * HIDDEN + t] = aq[rr];
            qk[(ROWS + rr) * HIDDEN + t] = ak[rr];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (part != 0) {
        return;
    }
    int halfDim = HEAD_DIM / 2;
    int head = t / HEAD_DIM, d = t % HEAD_DIM, i = d % halfDim;
    int partner = d < halfDim ? t + halfDim : t - halfDim;
    for (int rr = 0; rr < ROWS; rr++) {
        int r = r0 + rr;
        if (r < rows) {
            int b = r / perRow, s = r % perRow;
            int pos = st[P_HEADER + r];
            float cosA = ropeCos[pos * halfDim + i], sinA = ropeSin[pos * halfDim + i];
            float pq = qk[rr * HIDDEN + partner], pk = qk[(ROWS + rr) * HIDDEN + partner];
            float rq = d < halfDim ? aq[rr] * cosA + (-pq) * sinA : aq[rr] * cosA + pq * sinA;
            float rk = d < halfDim ? ak[rr] * cosA + (-pk) * sinA : ak[rr] * cosA + pk * sinA;
            q[r * HIDDEN + t] = rq;
            int at = ((b * HEADS + head) * HEAD_DIM + d) * cap + first + s;
            kc[at] = rk;
            vc[at] = av[rr];
        }
    }
}

/**
 * Layer 0 of a step: the step's mask and forbidden-id updates (work-groups past the rows), the rows' new embeddings
 * into x, then q/k/v of the rows. The embeddings come from the parameter buffer, or with `fed` >= 0 (feed_qkv_rope)
 * from the rows of `embed` at the ids fed_id gives for step `fed`'s results in `res`.
 */
inline void layer_inputs(__global const int* st, __global uchar* mask, __global uchar* forb, __global float* x,
                         __global const float* normW, __global const float* wq, __global const float* wk,
                         __global const float* wv, __global const float* ropeCos, __global const float* ropeSin,
                         __global float* q, __global float* kc, __global float* vc, int cap, __global const int* res,
                         __global const float* embed, int fed, int stop, float threshold, __local float* a,
                         __local float* qk, __local float* red, __local int* ids) {
    int lt = get_local_id(0), t = lt % HIDDEN, part = lt / HIDDEN;
    int rows = st[P_ROWS];
    int rowGroups = (rows + ROWS - 1) / ROWS;
    if ((int) get_group_id(0) >= rowGroups) {
        prepare_item(st, mask, forb, cap, (get_group_id(0) - rowGroups) * WG_ROWS + lt, res, fed, stop, threshold);
        return;
    }
    int r0 = get_group_id(0) * ROWS;
    if (fed >= 0) {
        if (lt < ROWS && r0 + lt < rows) {
            int perRow = st[P_PER_ROW], r = r0 + lt;
            ids[lt] = fed_id(res, fed, stop, threshold, st[P_BATCH], r / perRow, r % perRow);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    __global const int* input = st + st[P_INPUT];
    for (int e = lt; e < ROWS * HIDDEN; e += WG_ROWS) {
        int rr = e / HIDDEN;
        float v = 0.0f;
        if (r0 + rr < rows) {
            v = fed >= 0 ? embed[ids[rr] * HIDDEN + e % HIDDEN] : as_float(input[r0 * HIDDEN + e]);
            x[r0 * HIDDEN + e] = v;
        }
        a[e] = v;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    qkv_rows(st, a, qk, red, normW, wq, wk, wv, ropeCos, ropeSin, q, kc, vc, cap, r0, t, part);
}

// Layer 0: the step's mask and forbidden-id updates (work-groups past the rows); the rows' new embeddings
// from the parameter buffer into x; then q/k/v of the rows.
// CPU twin: tensor/CpuDecoderSession.attentionInputs.
// Test: OpenClDecoderTest.deviceSessionMatchesHostSession.
__kernel void qkv_rope(__global const int* st, __global uchar* mask, __global uchar* forb, __global float* x,
                       __global const float* normW, __global const float* wq, __global const float* wk,
                       __global const float* wv, __global const float* ropeCos, __global const float* ropeSin,
                       __global float* q, __global float* kc, __global float* vc, int cap) {
    __local float a[ROWS * HIDDEN];
    __local float qk[2 * ROWS * HIDDEN];
    __local float red[RED_SIZE];
    __local int ids[ROWS];
    layer_inputs(st, mask, forb, x, normW, wq, wk, wv, ropeCos, ropeSin, q, kc, vc, cap, 0, 0, -1, 0, 0.0f, a, qk, red,
                 ids);
}

// feed_step and qkv_rope of a decode step in one launch (a frame on the device, FrameSteps; one launch less per step):
// the fed ids are step st[P_STEP] - 1's choices in `res` (every step's results of the frame so far), gathered by each
// row's work-group and by the forbidden-id updates themselves, so the parameter buffer's fed ids and embeddings are
// neither written nor read; the same ids, embeddings and sums as feed_step then qkv_rope.
// CPU twin: model/FrameGenerator.feed, then tensor/CpuDecoderSession.attentionInputs.
// Test: OpenClDecoderTest.frameOnDeviceEqualsStepByStep (fused and not).
__kernel void feed_qkv_rope(__global const int* st, __global uchar* mask, __global uchar* forb, __global float* x,
                            __global const float* normW, __global const float* wq, __global const float* wk,
                            __global const float* wv, __global const float* ropeCos, __global const float* ropeSin,
                            __global float* q, __global float* kc, __global float* vc, int cap,
                            __global const int* res, __global const float* embed, int stop, float threshold) {
    __local float a[ROWS * HIDDEN];
    __local float qk[2 * ROWS * HIDDEN];
    __local float red[RED_SIZE];
    __local int ids[ROWS];
    layer_inputs(st, mask, forb, x, normW, wq, wk, wv, ropeCos, ropeSin, q, kc, vc, cap, res, embed, st[P_STEP] - 1,
                 stop, threshold, a, qk, red, ids);
}
#endif // ROW_KERNELS

#ifdef STEP_KERNELS
#define MERGE_PARTS 4 // row runs summed in parallel when a work-group merges its work-items (ATT_WG % 4 == 0)

/**
 * The body of `attention` for work-group (g, h) and work-item t: what the kernel does, for a kernel that runs many
 * groups' work in turn (persistent_step). Work-items past ATT_WG (a larger work-group's) only meet the barriers. Cache
 * entries from `written` on were written in the same launch (CACHE_LOAD; persistent build only).
 */
inline void attend_strided(__global const int* st, __global const float* q, __global const float* kc,
                           __global const float* vc, __global const uchar* mask, __global float* po,
                           __global float* pml, int cap, float scale, int lastOnly, int written, int g, int h, int t,
                           __local float (*qs)[HEAD_DIM], __local float* red, __local float (*acc)[HEAD_DIM + 1],
                           __local float (*partSums)[HEAD_DIM + 1]) {
    bool on = t < ATT_WG;
    int perRow = st[P_PER_ROW], first = st[P_FIRST], splits = st[P_SPLITS];
    int blocks = lastOnly ? 1 : (perRow + QB - 1) / QB;
    int sp = g % splits;
    g /= splits;
    int b = g / blocks, s0 = lastOnly ? perRow - 1 : (g % blocks) * QB;
    int nq = min(QB, perRow - s0);
    for (int e = t; on && e < QB * HEAD_DIM; e += ATT_WG) {
        int qq = e / HEAD_DIM;
        qs[qq][e % HEAD_DIM] =
                qq < nq ? FRESH_LOAD(float, q[(b * perRow + s0 + qq) * HIDDEN + h * HEAD_DIM + e % HEAD_DIM]) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    __global const float* kb = kc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const float* vb = vc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const uchar* mk = mask + b * cap;
    float m[QB], l[QB], o[QB][HEAD_DIM];
    for (int qq = 0; qq < QB; qq++) {
        m[qq] = -INFINITY;
        l[qq] = 0.0f;
        for (int d = 0; d < HEAD_DIM; d++) {
            o[qq][d] = 0.0f;
        }
    }
    int visible = first + s0 + nq; // keys seen by the block's last query
    int chunk = (visible + splits - 1) / splits;
    int hi = min(visible, (sp + 1) * chunk);
    for (int j = sp * chunk + t; on && j < hi; j += ATT_WG) {
        // keys are loaded before the mask is looked at, so the loads do not wait for it
        float kv[HEAD_DIM];
#pragma unroll
        for (int d = 0; d < HEAD_DIM; d++) {
            kv[d] = CACHE_LOAD(kb, d * cap + j, j, written);
        }
        if (FRESH_LOAD(uchar, mk[j]) == 0) {
            continue;
        }
        float sc[QB];
        for (int qq = 0; qq < QB; qq++) {
            float dot = 0.0f;
#pragma unroll
            for (int d = 0; d < HEAD_DIM; d++) {
                dot = fma(qs[qq][d], kv[d], dot);
            }
            sc[qq] = j <= first + s0 + qq ? dot * scale : -INFINITY;
            if (sc[qq] > m[qq]) {
                float corr = exp(m[qq] - sc[qq]);
                l[qq] *= corr;
                for (int d = 0; d < HEAD_DIM; d++) {
                    o[qq][d] *= corr;
                }
                m[qq] = sc[qq];
            }
        }
#pragma unroll
        for (int d = 0; d < HEAD_DIM; d++) {
            kv[d] = CACHE_LOAD(vb, d * cap + j, j, written);
        }
        for (int qq = 0; qq < QB; qq++) {
            if (sc[qq] > -INFINITY) {
                float p = exp(sc[qq] - m[qq]);
                l[qq] += p;
                for (int d = 0; d < HEAD_DIM; d++) {
                    o[qq][d] = fma(p, kv[d], o[qq][d]);
                }
            }
        }
    }
    for (int qq = 0; qq < QB; qq++) {
        if (on) {
            red[t] = m[qq];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int stride = ATT_WG / 2; stride > 0; stride >>= 1) {
            if (t < stride) {
                red[t] = fmax(red[t], red[t + stride]);
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        float f = m[qq] == -INFINITY ? 0.0f : exp(m[qq] - red[0]);
        if (on) {
            for (int d = 0; d < HEAD_DIM; d++) {
                acc[t][d] = o[qq][d] * f;
            }
            acc[t][HEAD_DIM] = l[qq] * f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        // sum the work-items' rows column by column: MERGE_PARTS runs of rows in parallel, then the parts in order
        for (int task = t; on && task < MERGE_PARTS * (HEAD_DIM + 1); task += ATT_WG) {
            int col = task % (HEAD_DIM + 1), part = task / (HEAD_DIM + 1);
            float sum = 0.0f;
            for (int r = part * (ATT_WG / MERGE_PARTS); r < (part + 1) * (ATT_WG / MERGE_PARTS); r++) {
                sum += acc[r][col];
            }
            partSums[part][col] = sum;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int col = t; on && qq < nq && col <= HEAD_DIM; col += ATT_WG) {
            float sum = partSums[0][col];
            for (int part = 1; part < MERGE_PARTS; part++) {
                sum += partSums[part][col];
            }
            int at = ((b * perRow + s0 + qq) * HEADS + h) * splits + sp;
            if (col < HEAD_DIM) {
                po[at * HEAD_DIM + col] = sum;
            } else {
                pml[2 * at] = red[0];
                pml[2 * at + 1] = sum;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// Scaled dot-product attention of QB consecutive query rows of one batch row and one head against one split
// of the visible unmasked keys: each work-item runs QB online softmaxes over a strided subset of the split's
// keys (each key is loaded once for the QB queries), then the work-group merges them query by query and
// writes the unnormalised output with its max score and exp sum. Splits (P_SPLITS) give decode steps, whose
// few query blocks would leave most of a GPU idle, enough work-groups.
// Work-group (batch row, query block, split; head): ATT_WG work-items; query s sees keys j <= first + s.
// lastOnly: only each batch row's last query (the last layer, whose other rows reach no head).
// CPU twin: tensor/AttentionKernel.attendRows.
// Test: OpenClDecoderTest.keySplitAttentionOverALongCacheMatchesHostSession.
__kernel void attention(__global const int* st, __global const float* q, __global const float* kc,
                        __global const float* vc, __global const uchar* mask, __global float* po,
                        __global float* pml, int cap, float scale, int lastOnly) {
    __local float qs[QB][HEAD_DIM];
    __local float red[ATT_WG];
    __local float acc[ATT_WG][HEAD_DIM + 1];
    __local float partSums[MERGE_PARTS][HEAD_DIM + 1];
    attend_strided(st, q, kc, vc, mask, po, pml, cap, scale, lastOnly, 0, get_group_id(0), get_group_id(1),
                   get_local_id(0), qs, red, acc, partSums);
}
#endif

/** Work-groups of the attention kernel over a step's query blocks and key splits, per head (its grid's first axis). */
inline int attention_groups(int batch, int perRow, int splits, int lastOnly) {
    return batch * (lastOnly ? 1 : (perRow + QB - 1) / QB) * splits;
}
#endif // STEP_KERNELS

#ifdef TILED_KERNELS
// Tiled attention (from two batch rows on; -Dautogaze.opencl.attention=strided keeps the kernel above): a work-group takes up to
// NQ query rows of one batch row and head and walks one key split in chunks of KC keys staged in local memory, so
// every key and value is read from global memory once for all its queries. Per chunk: (1) stage keys, values and
// which keys are visible; (2) score tiles of TQ queries x TK keys in registers, written with each tile's row maxima;
// (3) each query's running max and the chunk's exp(score - max); (4) output owners of OQ queries x 4 dimensions
// rescale and add probabilities x values. Local rows are float4 (one 16-byte load for four values); query and score
// rows are padded by one float4 and key and value rows swizzled (KV_AT), so neighbouring work-items hit different
// banks and the prefill kernel's scratch stays under 32 KB (the OpenCL 1.2 minimum of local memory). Shapes come
// from the host (-D TQ, TK, OQ, OD, KC, PQ, DQ); the work-group has TILE_WG(NQ) work-items, one per output owner.
// The unnormalised output, max and exp sum per query row, head and split are written as by `attention`, so the MLP
// kernels merge either.
#if OD != 4 || KC % 4 != 0 || KC % TK != 0
#error "tiled attention: OD must be 4, KC a multiple of 4 and of TK"
#endif
#if HEAD_DIM % 4 == 0 // (other head sizes: the host uses the strided kernel for every step)
#define TILE_WG(nq) ((nq) / OQ * (HEAD_DIM / OD))
#define D4 (HEAD_DIM / 4 + 1) // float4s per staged query row
#define C4 (KC / 4 + 1)       // float4s per row of scores
#if HEAD_DIM / 4 % 8 == 0
#define SWIZZLE 7 // float4 d4 of key row r sits at d4 ^ (r & 7): eight neighbouring rows, eight different bank groups
#else
#define SWIZZLE 0
#endif
#define KV_AT(r, d4) ((r) * (HEAD_DIM / 4) + ((d4) ^ ((r) & SWIZZLE)))

/**
 * Stages the n keys and values from key c0 of one batch row and head (kb, vb: its [HEAD_DIM][cap] caches) as
 * [n][HEAD_DIM] rows (KV_AT) and which of them are visible (before hi and unmasked in mk; zeros and 0 from hi on):
 * work-item t of wg takes (key jj, dimensions 4 d4 ..), four loads per array, each coalesced over the keys, and one
 * 16-byte local store.
 */
inline void stage_chunk(int n, __global const float* kb, __global const float* vb, __global const uchar* mk, int cap,
                        int c0, int hi, int t, int wg, __local float4* ks, __local float4* vs, __local uchar* vis) {
    for (int e = t; e < n * (HEAD_DIM / 4); e += wg) {
        int jj = e % n, d4 = e / n, j = c0 + jj;
        float4 kv = (float4) (0.0f), vv = (float4) (0.0f);
        if (j < hi) {
            int at = 4 * d4 * cap + j;
            kv = (float4) (kb[at], kb[at + cap], kb[at + 2 * cap], kb[at + 3 * cap]);
            vv = (float4) (vb[at], vb[at + cap], vb[at + 2 * cap], vb[at + 3 * cap]);
        }
        ks[KV_AT(jj, d4)] = kv;
        vs[KV_AT(jj, d4)] = vv;
    }
    for (int jj = t; jj < n; jj += wg) {
        vis[jj] = c0 + jj < hi && mk[c0 + jj] != 0;
    }
}

/**
 * Tiled attention of the work-group's queries (at most NQ, a multiple of TQ and OQ); see above. Local scratch:
 * qs [NQ][D4], ks and vs [KC][HEAD_DIM / 4] (KV_AT), sc [NQ][C4] (float4s), pm [KC / TK][NQ], mrow [2][NQ], vis [KC].
 */
inline void attend_tiled(int NQ, __global const int* st, __global const float* q, __global const float* kc,
                         __global const float* vc, __global const uchar* mask, __global float* po,
                         __global float* pml, int cap, float scale, __local float4* qs, __local float4* ks,
                         __local float4* vs, __local float4* sc, __local float* pm, __local float* mrow,
                         __local uchar* vis) {
    const int wg = TILE_WG(NQ), ktiles = KC / TK;
    __local float* qf = (__local float*) qs;
    __local float* sf = (__local float*) sc;
    int t = get_local_id(0);
    int h = get_group_id(1);
    int perRow = st[P_PER_ROW], first = st[P_FIRST], splits = st[P_SPLITS];
    int blocks = (perRow + NQ - 1) / NQ;
    int g = get_group_id(0);
    int sp = g % splits;
    g /= splits;
    int b = g / blocks, s0 = (g % blocks) * NQ;
    int nq = min(NQ, perRow - s0);
    for (int e = t; e < NQ * HEAD_DIM; e += wg) {
        int qq = e / HEAD_DIM, d = e % HEAD_DIM;
        qf[qq * 4 * D4 + d] = qq < nq ? q[(b * perRow + s0 + qq) * HIDDEN + h * HEAD_DIM + d] : 0.0f;
    }
    for (int e = t; e < 2 * NQ; e += wg) {
        mrow[e] = -INFINITY;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    __global const float* kb = kc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const float* vb = vc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const uchar* mk = mask + b * cap;
    // keys seen by the block's last query, split in runs of whole chunks
    int visible = first + s0 + nq;
    int run = ((visible + splits - 1) / splits + KC - 1) / KC * KC;
    int lo = sp * run, hi = min(visible, lo + run);
    // output owner t: queries oq * OQ .. + OQ - 1 (rows past nq repeat the last one, never written), dimensions
    // 4 od .. 4 od + 3
    int oq = t / (HEAD_DIM / 4), od = t % (HEAD_DIM / 4);
    bool owns = oq * OQ < nq;
    int orow[OQ];
    float4 o[OQ];
    float l[OQ];
    for (int i = 0; i < OQ; i++) {
        orow[i] = min(oq * OQ + i, nq - 1);
        o[i] = (float4) (0.0f);
        l[i] = 0.0f;
    }
    int cur = 0; // mrow[cur]: each query's max over the chunks so far
    for (int c0 = lo; c0 < hi; c0 += KC) {
        // (1) keys and values, and which keys are visible
        stage_chunk(KC, kb, vb, mk, cap, c0, hi, t, wg, ks, vs, vis);
        barrier(CLK_LOCAL_MEM_FENCE);
        // (2) score tiles: queries qt * TQ + i, keys kt + jj * ktiles (strided, so neighbouring tiles read neighbouring
        // rows); query s sees key j when j <= first + s
        for (int tile = t; tile < NQ / TQ * ktiles; tile += wg) {
            int qt = tile / ktiles, kt = tile % ktiles;
            if (qt * TQ >= nq) {
                continue;
            }
            float acc[TQ][TK];
            for (int i = 0; i < TQ; i++) {
                for (int jj = 0; jj < TK; jj++) {
                    acc[i][jj] = 0.0f;
                }
            }
            for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
                float4 qv[TQ], kv[TK];
                for (int i = 0; i < TQ; i++) {
                    qv[i] = qs[(qt * TQ + i) * D4 + d4];
                }
                for (int jj = 0; jj < TK; jj++) {
                    kv[jj] = ks[KV_AT(kt + jj * ktiles, d4)];
                }
                for (int i = 0; i < TQ; i++) {
                    for (int jj = 0; jj < TK; jj++) {
                        float a = fma(qv[i].x, kv[jj].x, acc[i][jj]);
                        a = fma(qv[i].y, kv[jj].y, a);
                        a = fma(qv[i].z, kv[jj].z, a);
                        acc[i][jj] = fma(qv[i].w, kv[jj].w, a);
                    }
                }
            }
            for (int i = 0; i < TQ; i++) {
                int qq = qt * TQ + i;
                float top = -INFINITY;
                for (int jj = 0; jj < TK; jj++) {
                    int kk = kt + jj * ktiles;
                    bool seen = qq < nq && vis[kk] && c0 + kk <= first + s0 + qq;
                    float s = seen ? acc[i][jj] * scale : -INFINITY;
                    sf[qq * 4 * C4 + kk] = s;
                    top = fmax(top, s);
                }
                pm[kt * NQ + qq] = top;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        // (3) each query's new max (old max and the tiles' maxima), then the chunk's probabilities in place
        int perQuery = max(1, wg / NQ);
        for (int e = t; e < NQ * perQuery; e += wg) {
            int qq = e / perQuery, part = e % perQuery; // neighbours: other keys or rows, other banks
            if (qq < nq) {
                float top = mrow[cur * NQ + qq];
                for (int kt = 0; kt < ktiles; kt++) {
                    top = fmax(top, pm[kt * NQ + qq]);
                }
                for (int kk = part; kk < KC; kk += perQuery) {
                    float s = sf[qq * 4 * C4 + kk];
                    sf[qq * 4 * C4 + kk] = s == -INFINITY ? 0.0f : exp(s - top);
                }
                if (part == 0) {
                    mrow[(1 - cur) * NQ + qq] = top;
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        // (4) the owners rescale by exp(old max - new max) and add the chunk's probabilities x values, key by key
        if (owns) {
            for (int i = 0; i < OQ; i++) {
                float was = mrow[cur * NQ + orow[i]];
                float corr = was == -INFINITY ? 0.0f : exp(was - mrow[(1 - cur) * NQ + orow[i]]);
                l[i] *= corr;
                o[i] *= corr;
            }
            for (int k4 = 0; k4 < KC / 4; k4++) {
                float4 p[OQ];
                for (int i = 0; i < OQ; i++) {
                    p[i] = sc[orow[i] * C4 + k4];
                }
                float4 v0 = vs[KV_AT(4 * k4, od)], v1 = vs[KV_AT(4 * k4 + 1, od)];
                float4 v2 = vs[KV_AT(4 * k4 + 2, od)], v3 = vs[KV_AT(4 * k4 + 3, od)];
                for (int i = 0; i < OQ; i++) {
                    o[i] = fma((float4) (p[i].x), v0, o[i]);
                    o[i] = fma((float4) (p[i].y), v1, o[i]);
                    o[i] = fma((float4) (p[i].z), v2, o[i]);
                    o[i] = fma((float4) (p[i].w), v3, o[i]);
                    l[i] += p[i].x;
                    l[i] += p[i].y;
                    l[i] += p[i].z;
                    l[i] += p[i].w;
                }
            }
        }
        cur = 1 - cur;
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; owns && i < OQ; i++) {
        int qq = oq * OQ + i;
        if (qq < nq) {
            int at = ((b * perRow + s0 + qq) * HEADS + h) * splits + sp;
            vstore4(o[i], 0, po + at * HEAD_DIM + 4 * od);
            if (od == 0) {
                pml[2 * at] = mrow[cur * NQ + qq];
                pml[2 * at + 1] = l[i];
            }
        }
    }
}

// The body of a tiled attention kernel for NQ queries: attend_tiled's local scratch, declared at kernel scope as
// OpenCL C 1.2 requires, then the call.
#define ATTEND_TILED(NQ)                                                                                             \
    __local float4 qs[NQ * D4];                                                                                      \
    __local float4 ks[KC * HEAD_DIM / 4];                                                                            \
    __local float4 vs[KC * HEAD_DIM / 4];                                                                            \
    __local float4 sc[NQ * C4];                                                                                      \
    __local float pm[KC / TK * NQ];                                                                                  \
    __local float mrow[2 * NQ];                                                                                      \
    __local uchar vis[KC];                                                                                           \
    attend_tiled(NQ, st, q, kc, vc, mask, po, pml, cap, scale, qs, ks, vs, sc, pm, mrow, vis)

// Tiled attention of a prefill (more than DQ new tokens per batch row): PQ queries per work-group, so each staged
// key serves PQ queries. Work-group (batch row, query block, split; head): TILE_WG(PQ) work-items.
// CPU twin: tensor/AttentionKernel.attendRows.
// Test: OpenClDecoderTest.tiledAttentionMatchesHostSession.
__kernel void attention_prefill(__global const int* st, __global const float* q, __global const float* kc,
                                __global const float* vc, __global const uchar* mask, __global float* po,
                                __global float* pml, int cap, float scale) {
    ATTEND_TILED(PQ);
}

// Tiled attention of a decode step (at most DQ new tokens per batch row, K = 10 at most in a model): one query block
// per batch row, so each key is read once for all the row's queries; key splits give the step enough work-groups.
// Work-group (batch row, split; head): TILE_WG(DQ) work-items.
// CPU twin: tensor/AttentionKernel.attendRows.
// Test: OpenClDecoderTest.tiledAttentionMatchesHostSession.
__kernel void attention_decode(__global const int* st, __global const float* q, __global const float* kc,
                               __global const float* vc, __global const uchar* mask, __global float* po,
                               __global float* pml, int cap, float scale) {
    ATTEND_TILED(DQ);
}
#endif // HEAD_DIM % 4 == 0

#if defined(PW) && HEAD_DIM % 4 == 0
// Prefill attention with the queries in registers (-Dautogaze.opencl.registerPrefill, on by default): a work-group
// of PW work-items takes PW x PQI query rows of one batch row and head (work-item t: rows t * PQI .. + PQI - 1, its
// queries and their outputs in registers) and walks one key split in chunks of PKC keys staged in local memory; each
// work-item scores blocks of PB keys against its PQI queries, rescales its outputs when a query's max grows and adds
// the block's probabilities x values. All work-items read a staged key or value row at one address (a broadcast, no
// bank conflicts), each 16-byte local load serving 4 x PQI multiply-adds, with no local stores: attend_tiled loads 8
// times per 64 multiply-adds of its score tiles, 6 per 32 of its output owners, and passes its scores and
// probabilities through local memory. Two barriers per chunk (the staging), none between scores and outputs (a
// work-item's scores are its own). Blocks of keys no query sees (masked, past the split) are skipped whole (a uniform
// branch: one batch row per work-group). Shapes from the host (kernels/PrefillShape.java: -D PW, PQI, PB, PKC).
#if PKC % PB != 0
#error "register prefill: PB must divide PKC"
#endif
#define PQB (PW * PQI)                                                                     // query rows per work-group

// Prefill attention, queries in registers (above). Work-group (batch row, query block, split; head): PW
// work-items. The unnormalised output, max and exp sum per query row, head and split are written as by `attention`.
// CPU twin: tensor/AttentionKernel.attendRows.
// Test: OpenClDecoderTest.tiledAttentionMatchesHostSession, OpenClDecoderTest.prefillShapesMatchHostSession.
__kernel __attribute__((reqd_work_group_size(PW, 1, 1)))
void attention_prefill_reg(__global const int* st, __global const float* q, __global const float* kc,
                           __global const float* vc, __global const uchar* mask, __global float* po,
                           __global float* pml, int cap, float scale) {
    __local float4 ks[PKC * HEAD_DIM / 4];
    __local float4 vs[PKC * HEAD_DIM / 4];
    __local uchar vis[PKC];
    int t = get_local_id(0);
    int h = get_group_id(1);
    int perRow = st[P_PER_ROW], first = st[P_FIRST], splits = st[P_SPLITS];
    int blocks = (perRow + PQB - 1) / PQB;
    int g = get_group_id(0);
    int sp = g % splits;
    g /= splits;
    int b = g / blocks, s0 = (g % blocks) * PQB;
    int nq = min(PQB, perRow - s0);
    // this work-item's queries: block rows t * PQI + i (rows past nq repeat the last one, never written); query s sees
    // key j when j <= first + s
    bool live = t * PQI < nq;
    float4 qv[PQI][HEAD_DIM / 4];
    float4 o[PQI][HEAD_DIM / 4];
    float m[PQI], l[PQI];
    int seenTo[PQI];
#pragma unroll
    for (int i = 0; i < PQI; i++) {
        int row = min(t * PQI + i, nq - 1);
        seenTo[i] = first + s0 + row;
        __global const float* qr = q + (b * perRow + s0 + row) * HIDDEN + h * HEAD_DIM;
#pragma unroll
        for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
            qv[i][d4] = vload4(d4, qr);
            o[i][d4] = (float4) (0.0f);
        }
        m[i] = -INFINITY;
        l[i] = 0.0f;
    }
    __global const float* kb = kc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const float* vb = vc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const uchar* mk = mask + b * cap;
    // keys seen by the block's last query, split in runs of whole chunks
    int visible = first + s0 + nq;
    int run = ((visible + splits - 1) / splits + PKC - 1) / PKC * PKC;
    int lo = sp * run, hi = min(visible, lo + run);
    for (int c0 = lo; c0 < hi; c0 += PKC) {
        stage_chunk(PKC, kb, vb, mk, cap, c0, hi, t, PW, ks, vs, vis);
        barrier(CLK_LOCAL_MEM_FENCE);
        int n = min(PKC, hi - c0);
        for (int kb0 = 0; live && kb0 < n; kb0 += PB) {
            bool any = false;
#pragma unroll
            for (int u = 0; u < PB; u++) {
                any |= vis[kb0 + u] != 0;
            }
            if (!any) {
                continue;
            }
            // the block's scores (scaled; -INFINITY where the query does not see the key)
            float s[PQI][PB];
#pragma unroll
            for (int i = 0; i < PQI; i++) {
#pragma unroll
                for (int u = 0; u < PB; u++) {
                    s[i][u] = 0.0f;
                }
            }
#pragma unroll
            for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
#pragma unroll
                for (int u = 0; u < PB; u++) {
                    float4 kv = ks[KV_AT(kb0 + u, d4)];
#pragma unroll
                    for (int i = 0; i < PQI; i++) {
                        float a = fma(qv[i][d4].x, kv.x, s[i][u]);
                        a = fma(qv[i][d4].y, kv.y, a);
                        a = fma(qv[i][d4].z, kv.z, a);
                        s[i][u] = fma(qv[i][d4].w, kv.w, a);
                    }
                }
            }
#pragma unroll
            for (int i = 0; i < PQI; i++) {
                float top = m[i];
#pragma unroll
                for (int u = 0; u < PB; u++) {
                    bool seen = vis[kb0 + u] != 0 && c0 + kb0 + u <= seenTo[i];
                    s[i][u] = seen ? s[i][u] * scale : -INFINITY;
                    top = fmax(top, s[i][u]);
                }
                if (top > m[i]) { // the max grew: rescale what the earlier keys added (nothing yet: corr 0)
                    float corr = m[i] == -INFINITY ? 0.0f : exp(m[i] - top);
                    l[i] *= corr;
#pragma unroll
                    for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
                        o[i][d4] *= corr;
                    }
                    m[i] = top;
                }
#pragma unroll
                for (int u = 0; u < PB; u++) {
                    s[i][u] = s[i][u] == -INFINITY ? 0.0f : exp(s[i][u] - m[i]);
                    l[i] += s[i][u];
                }
            }
#pragma unroll
            for (int u = 0; u < PB; u++) {
#pragma unroll
                for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
                    float4 vv = vs[KV_AT(kb0 + u, d4)];
#pragma unroll
                    for (int i = 0; i < PQI; i++) {
                        o[i][d4] = fma((float4) (s[i][u]), vv, o[i][d4]);
                    }
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#pragma unroll
    for (int i = 0; i < PQI; i++) {
        int row = t * PQI + i;
        if (row < nq) {
            int at = ((b * perRow + s0 + row) * HEADS + h) * splits + sp;
            __global float* out = po + at * HEAD_DIM;
#pragma unroll
            for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
                vstore4(o[i][d4], d4, out);
            }
            pml[2 * at] = m[i];
            pml[2 * at + 1] = l[i];
        }
    }
}
#endif // register prefill

#if defined(SQ) && HEAD_DIM % SD == 0 && HEAD_DIM % 4 == 0 && SL * HEAD_DIM / SD > HEAD_DIM
#define SG (HEAD_DIM / SD)       // dimension groups of the value phase (= keys per lane and chunk)
#define SWG (SL * SG)            // work-items, keys per chunk
#define SCOL (HEAD_DIM + 1)      // a merged row: the output's dimensions, then the exp sum
#define SMQ (SWG / SCOL)         // queries merged per round
#ifndef SR
#define SR SQ                    // queries whose output shares stay in registers (the rest: local memory)
#endif
#if SR < 0 || SR > SQ
#error "SR (queries of the streamed attention whose output shares stay in registers) must be in 0..SQ"
#endif
#ifndef SE
#define SE 0                     // 1: each lane's probabilities computed once, not by each of its SG work-items
#endif
#ifndef SI
#define SI 0                     // 1: the per-chunk loops run every query of NQ, branch-free (see attend_stream)
#endif
#ifndef STREAM_PREFETCH
#define STREAM_PREFETCH 0
#endif
// Local floats of a streamed kernel for at most NQ queries: two score blocks [NQ][SWG] while walking the keys, the
// merge rows of min(SMQ, NQ) queries after; the output shares of queries SR .. NQ - 1 (at least one float: OpenCL C
// has no empty arrays).
#define STREAM_MERGED(NQ) (SMQ < (NQ) ? SMQ : (NQ))
#define STREAM_POOL(NQ) (2 * (NQ) * SWG > STREAM_MERGED(NQ) * SL * SCOL ? 2 * (NQ) * SWG : STREAM_MERGED(NQ) * SL * SCOL)
#define STREAM_SHARES(NQ) ((NQ) > SR ? ((NQ) - SR) * SD * SWG : 1)
// SE: whether a kernel for NQ queries shares the probabilities (one query has no work to share); local floats of its
// corrections [NQ][SL] (the lane maxima at the end)
#define STREAM_SHARED(NQ) (SE && (NQ) > 1)
#define STREAM_CORRS(NQ) (STREAM_SHARED(NQ) ? (NQ) * SL : 1)
// Where work-item t keeps dimension dd of query qq's share (qq >= SR): neighbouring work-items, neighbouring banks.
#define SHARE_AT(qq, dd, t) ((((qq) - SR) * SD + (dd)) * SWG + (t))

/** Key j's HEAD_DIM values into kv (zero past the split: nothing is read outside the written cache); whether the mask has it. */
inline bool stream_keys(__global const float* kb, __global const uchar* mk, int cap, int j, int hi, float* kv) {
#pragma unroll
    for (int d = 0; d < HEAD_DIM; d++) {
        kv[d] = j < hi ? kb[d * cap + j] : 0.0f;
    }
    return j < hi && mk[j] != 0;
}

/** The values of keys j + SL * i (i < SG), head dimensions dg * SD .. + SD - 1, into vv (zero past the split). */
inline void stream_values(__global const float* vb, int cap, int j, int dg, int hi, float (*vv)[SD]) {
#pragma unroll
    for (int i = 0; i < SG; i++) {
#pragma unroll
        for (int dd = 0; dd < SD; dd++) {
            vv[i][dd] = j + SL * i < hi ? vb[(dg * SD + dd) * cap + j + SL * i] : 0.0f;
        }
    }
}

// Streamed attention for at most NQ queries per batch row (a literal at each kernel: the loops over queries unroll, so
// a kernel holds registers for its NQ queries only): keys and values go from the dimension-major cache straight into
// registers, never through local memory, and each chunk of SWG keys costs one barrier. Work-group (batch row, split;
// head): SWG = SL x SG work-items. Per chunk: (1) work-item t scores key c0 + t against every query (its HEAD_DIM key
// values in registers, the queries read from local memory at one address for the whole work-group) into a
// double-buffered score block; (2) work-item (dimension group dg, lane) takes keys c0 + lane + SL * i (loads coalesced
// over the lanes) and head dimensions dg * SD .. + SD - 1 of every query's output, with its own online softmax over its
// lane's keys (the SG work-items of a lane keep equal maxima). Queries below SR keep that share of the output in
// registers, the others in local memory (`shares`, loaded and stored around each chunk's update: fewer registers per
// work-item, more work-groups in flight; the same operations, so the same bits). With SE (and NQ > 1) the lane's max,
// correction and probabilities of query qq are computed once, by the lane's work-item of dimension group qq % SG, which
// also keeps the lane's max and exp sum of qq (a quarter of the exps, fewer registers, one more barrier per chunk; the
// same operations on the same values, so the same bits). With SI the per-chunk loops run all NQ queries without a
// branch per query (queries past nq score -inf, so their probabilities are 0 and their outputs, never written, stay
// 0), the dot products with dimensions outer, the corrections multiplied in always (x 1 changes no bits) and each exp
// computed then selected: straight-line code whose NQ independent chains the compiler can interleave, where the
// branches made each query's 32-long chain of multiply-adds wait on the previous one (more registers; the same bits).
// At the end the lanes are merged to the max over them and written as by `attention`, so the MLP kernels merge either.
// Local scratch from the kernel (OpenCL C 1.2 declares it at kernel scope): qs [NQ][HEAD_DIM], pool STREAM_POOL(NQ),
// top [NQ], shares STREAM_SHARES(NQ), corrs STREAM_CORRS(NQ). Every output is the same sequence of operations whatever
// NQ, SR, SE, SI and STREAM_PREFETCH, so every kernel built from it gives the same bits for the same query.
inline void attend_stream(const int NQ, __global const int* st, __global const float* q, __global const float* kc,
                          __global const float* vc, __global const uchar* mask, __global float* po,
                          __global float* pml, int cap, float scale, int lastOnly, __local float4* qs,
                          __local float* pool, __local float* top, __local float* shares, __local float* corrs) {
    const bool shared = STREAM_SHARED(NQ);
    __local float* qf = (__local float*) qs;
    int t = get_local_id(0);
    int h = get_group_id(1);
    int perRow = st[P_PER_ROW], first = st[P_FIRST], splits = st[P_SPLITS];
    int sp = get_group_id(0) % splits, b = get_group_id(0) / splits;
    int s0 = lastOnly ? perRow - 1 : 0;
    int nq = lastOnly ? 1 : min(NQ, perRow);
    for (int e = t; e < NQ * HEAD_DIM; e += SWG) {
        int qq = e / HEAD_DIM;
        qf[e] = qq < nq ? q[(b * perRow + s0 + qq) * HIDDEN + h * HEAD_DIM + e % HEAD_DIM] : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    __global const float* kb = kc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const float* vb = vc + (b * HEADS + h) * HEAD_DIM * cap;
    __global const uchar* mk = mask + b * cap;
    // keys seen by the last query, split in runs of whole chunks
    int visible = first + s0 + nq;
    int run = ((visible + splits - 1) / splits + SWG - 1) / SWG * SWG;
    int lo = sp * run, hi = min(visible, lo + run);
    int dg = t / SL, lane = t % SL;
    // m, l: each query's max and exp sum over the lane's keys so far; with SE those of the queries this work-item owns,
    // query qq at qq / SG
    float o[SR > 0 ? SR : 1][SD], m[SQ], l[SQ];
#pragma unroll
    for (int qq = 0; qq < NQ; qq++) {
        m[qq] = -INFINITY;
        l[qq] = 0.0f;
        for (int dd = 0; dd < SD; dd++) {
            if (qq < SR) {
                o[qq][dd] = 0.0f;
            } else {
                shares[SHARE_AT(qq, dd, t)] = 0.0f;
            }
        }
    }
    float kv[HEAD_DIM], vv[SG][SD];
    bool on;
#if STREAM_PREFETCH
    on = stream_keys(kb, mk, cap, lo + t, hi, kv);
#endif
    int buf = 0;
    for (int c0 = lo; c0 < hi; c0 += SWG) {
        __local float* sc = pool + buf * NQ * SWG;
        // STREAM_PREFETCH 1: this chunk's values load while its keys are scored, the next chunk's keys while the
        // values are summed, so every load has a phase's work to hide behind; 0: each load right before its use
#if STREAM_PREFETCH
        stream_values(vb, cap, c0 + lane, dg, hi, vv);
#else
        on = stream_keys(kb, mk, cap, c0 + t, hi, kv);
#endif
        // (1) scores of key j; query s sees key j when the mask has it and j <= first + s
        int j = c0 + t;
#if SI
        // every query's dot at once, dimensions outer: NQ independent chains (each over d in order: the same bits);
        // queries past nq score -inf (their rows of sc then give zero probabilities)
        float dots[SQ];
#pragma unroll
        for (int qq = 0; qq < NQ; qq++) {
            dots[qq] = 0.0f;
        }
#pragma unroll
        for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
#pragma unroll
            for (int qq = 0; qq < NQ; qq++) {
                float4 qv = qs[qq * (HEAD_DIM / 4) + d4];
                dots[qq] = fma(qv.x, kv[4 * d4], dots[qq]);
                dots[qq] = fma(qv.y, kv[4 * d4 + 1], dots[qq]);
                dots[qq] = fma(qv.z, kv[4 * d4 + 2], dots[qq]);
                dots[qq] = fma(qv.w, kv[4 * d4 + 3], dots[qq]);
            }
        }
#pragma unroll
        for (int qq = 0; qq < NQ; qq++) {
            sc[qq * SWG + t] = qq < nq && on && j <= first + s0 + qq ? dots[qq] * scale : -INFINITY;
        }
#else
#pragma unroll
        for (int qq = 0; qq < NQ; qq++) {
            if (qq < nq) {
                float dot = 0.0f;
#pragma unroll
                for (int d4 = 0; d4 < HEAD_DIM / 4; d4++) {
                    float4 qv = qs[qq * (HEAD_DIM / 4) + d4];
                    dot = fma(qv.x, kv[4 * d4], dot);
                    dot = fma(qv.y, kv[4 * d4 + 1], dot);
                    dot = fma(qv.z, kv[4 * d4 + 2], dot);
                    dot = fma(qv.w, kv[4 * d4 + 3], dot);
                }
                sc[qq * SWG + t] = on && j <= first + s0 + qq ? dot * scale : -INFINITY;
            }
        }
#endif
        barrier(CLK_LOCAL_MEM_FENCE);
        // (2) the lane's keys: online softmax and values
#if STREAM_PREFETCH
        on = stream_keys(kb, mk, cap, c0 + SWG + t, hi, kv);
#else
        stream_values(vb, cap, c0 + lane, dg, hi, vv);
#endif
        if (shared) {
            // (2a) query qq's max, correction and probabilities for the lane, by its owner: corrections to corrs, the
            // probabilities in place of the scores
#if SI
            // SI: the owner's queries dg, dg + SG, ... one after another without branches (each exp computed, then
            // selected: the same values), so their chains interleave
#pragma unroll
            for (int k = 0; k < (NQ + SG - 1) / SG; k++) {
                int qq = dg + SG * k;
                if (k < NQ / SG || qq < NQ) {
                    float s[SG];
                    float mx = m[k];
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        s[i] = sc[qq * SWG + lane + SL * i];
                        mx = fmax(mx, s[i]);
                    }
                    float grow = m[k] == -INFINITY ? 0.0f : exp(m[k] - mx);
                    float corr = mx > m[k] ? grow : 1.0f;
                    l[k] *= corr; // (x 1 changes no bits)
                    m[k] = mx > m[k] ? mx : m[k];
                    corrs[qq * SL + lane] = corr;
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        float e = exp(s[i] - mx);
                        float p = s[i] == -INFINITY ? 0.0f : e;
                        l[k] += p;
                        sc[qq * SWG + lane + SL * i] = p;
                    }
                }
            }
#else
#pragma unroll
            for (int qq = 0; qq < NQ; qq++) {
                if (qq < nq && qq % SG == dg) {
                    float s[SG];
                    float mx = m[qq / SG];
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        s[i] = sc[qq * SWG + lane + SL * i];
                        mx = fmax(mx, s[i]);
                    }
                    float corr = 1.0f;
                    if (mx > m[qq / SG]) {
                        corr = m[qq / SG] == -INFINITY ? 0.0f : exp(m[qq / SG] - mx);
                        l[qq / SG] *= corr;
                        m[qq / SG] = mx;
                    }
                    corrs[qq * SL + lane] = corr;
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        float p = s[i] == -INFINITY ? 0.0f : exp(s[i] - mx);
                        l[qq / SG] += p;
                        sc[qq * SWG + lane + SL * i] = p;
                    }
                }
            }
#endif
            barrier(CLK_LOCAL_MEM_FENCE);
        }
#pragma unroll
        for (int qq = 0; qq < NQ; qq++) {
            if (SI || qq < nq) {
                float s[SG], acc[SD];
                for (int dd = 0; dd < SD; dd++) {
                    acc[dd] = qq < SR ? o[qq][dd] : shares[SHARE_AT(qq, dd, t)];
                }
                if (shared) {
                    // (2b) the owner's correction (1: the max did not grow; x 1 changes no bits) and probabilities
                    float corr = corrs[qq * SL + lane];
                    if (SI || corr != 1.0f) {
                        for (int dd = 0; dd < SD; dd++) {
                            acc[dd] *= corr;
                        }
                    }
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        float p = sc[qq * SWG + lane + SL * i];
                        for (int dd = 0; dd < SD; dd++) {
                            acc[dd] = fma(p, vv[i][dd], acc[dd]);
                        }
                    }
                } else {
                    float mx = m[qq];
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        s[i] = sc[qq * SWG + lane + SL * i];
                        mx = fmax(mx, s[i]);
                    }
                    if (mx > m[qq]) { // (also: mx stays -inf while the lane has seen nothing)
                        float corr = m[qq] == -INFINITY ? 0.0f : exp(m[qq] - mx);
                        l[qq] *= corr;
                        for (int dd = 0; dd < SD; dd++) {
                            acc[dd] *= corr;
                        }
                        m[qq] = mx;
                    }
#pragma unroll
                    for (int i = 0; i < SG; i++) {
                        float p = s[i] == -INFINITY ? 0.0f : exp(s[i] - mx);
                        l[qq] += p;
                        for (int dd = 0; dd < SD; dd++) {
                            acc[dd] = fma(p, vv[i][dd], acc[dd]);
                        }
                    }
                }
                for (int dd = 0; dd < SD; dd++) {
                    if (qq < SR) {
                        o[qq][dd] = acc[dd];
                    } else {
                        shares[SHARE_AT(qq, dd, t)] = acc[dd];
                    }
                }
            }
        }
        buf = 1 - buf; // the next chunk scores into the other block: its barrier also ends this chunk's reads
    }
    // (3) merge the lanes: each query's max over them, then STREAM_MERGED(NQ) queries per round, every work-item
    // leaving its share scaled to that max in a merge row and work-item (query, column) summing the rows in lane order
    // (with SE the lane maxima stay in corrs, which the merge rows do not overwrite: every work-item reads its queries')
    const int merged = STREAM_MERGED(NQ);
    __local float* laneMax = shared ? corrs : pool;
    barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
    for (int qq = 0; qq < NQ; qq++) {
        if (shared ? qq % SG == dg : dg == 0) {
            laneMax[qq * SL + lane] = m[shared ? qq / SG : qq];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (t < nq) {
        float mx = -INFINITY;
        for (int ln = 0; ln < SL; ln++) {
            mx = fmax(mx, laneMax[t * SL + ln]);
        }
        top[t] = mx;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int q0 = 0; q0 < nq; q0 += merged) {
#pragma unroll
        for (int qq = 0; qq < NQ; qq++) {
            if (qq >= q0 && qq < q0 + merged && qq < nq) {
                float mq = shared ? laneMax[qq * SL + lane] : m[qq];
                float f = mq == -INFINITY ? 0.0f : exp(mq - top[qq]);
                __local float* row = pool + ((qq - q0) * SL + lane) * SCOL;
                for (int dd = 0; dd < SD; dd++) {
                    row[dg * SD + dd] = (qq < SR ? o[qq][dd] : shares[SHARE_AT(qq, dd, t)]) * f;
                }
                if (shared ? qq % SG == dg : dg == 0) {
                    row[HEAD_DIM] = l[shared ? qq / SG : qq] * f;
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        int qq = q0 + t / SCOL, col = t % SCOL;
        if (t < merged * SCOL && qq < nq) {
            float sum = 0.0f;
            for (int ln = 0; ln < SL; ln++) {
                sum += pool[((t / SCOL) * SL + ln) * SCOL + col];
            }
            int at = ((b * perRow + s0 + qq) * HEADS + h) * splits + sp;
            if (col < HEAD_DIM) {
                po[at * HEAD_DIM + col] = sum;
            } else {
                pml[2 * at] = top[qq];
                pml[2 * at + 1] = sum;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

// Streamed attention of a decode step (at most SQ new tokens per batch row, the model's K) or, with lastOnly, of each
// batch row's last token (attend_stream). Shapes from the host (-D SQ, SL, SD, SR, SE, SI).
// CPU twin: tensor/AttentionKernel.attendRows.
// Test: OpenClDecoderTest.streamAttentionMatchesHostSession; its variants (SR, SE, SI, STREAM_PREFETCH, the one-query
// kernel below): OpenClDecoderTest.streamVariantsGiveTheDefaultBits.
__kernel void attention_stream(__global const int* st, __global const float* q, __global const float* kc,
                               __global const float* vc, __global const uchar* mask, __global float* po,
                               __global float* pml, int cap, float scale, int lastOnly) {
    __local float4 qs[SQ * HEAD_DIM / 4];
    __local float pool[STREAM_POOL(SQ)];
    __local float top[SQ];
    __local float shares[STREAM_SHARES(SQ)];
    __local float corrs[STREAM_CORRS(SQ)];
    attend_stream(SQ, st, q, kc, vc, mask, po, pml, cap, scale, lastOnly, qs, pool, top, shares, corrs);
}

// The last layer's attention of each batch row's last token: attention_stream with lastOnly, built for one query (its
// registers and local memory for one query, not SQ: more work-groups in flight), the same bits.
// CPU twin: tensor/AttentionKernel.attendRows.
// Test: OpenClDecoderTest.streamVariantsGiveTheDefaultBits.
__kernel void attention_stream_last(__global const int* st, __global const float* q, __global const float* kc,
                                    __global const float* vc, __global const uchar* mask, __global float* po,
                                    __global float* pml, int cap, float scale) {
    __local float4 qs[HEAD_DIM / 4];
    __local float pool[STREAM_POOL(1)];
    __local float top[1];
    __local float shares[STREAM_SHARES(1)];
    __local float corrs[STREAM_CORRS(1)];
    attend_stream(1, st, q, kc, vc, mask, po, pml, cap, scale, 1, qs, pool, top, shares, corrs);
}
#endif // streamed attention
#endif // TILED_KERNELS

#if defined(ROW_KERNELS) || defined(SPLIT_KERNELS)
/** Attention output of row r, column c: the key splits merged (one split: its output over its exp sum). */
inline float merged_attention(__global const float* po, __global const float* pml, int splits, int r, int c) {
    int at = (r * HEADS + c / HEAD_DIM) * splits, d = c % HEAD_DIM;
    if (splits == 1) {
        return FRESH_LOAD(float, po[at * HEAD_DIM + d]) / FRESH_LOAD(float, pml[2 * at + 1]);
    }
    float top = -INFINITY;
    for (int s = 0; s < splits; s++) {
        top = fmax(top, FRESH_LOAD(float, pml[2 * (at + s)]));
    }
    float num = 0.0f, den = 0.0f;
    for (int s = 0; s < splits; s++) {
        float ms = FRESH_LOAD(float, pml[2 * (at + s)]);
        float f = ms == -INFINITY ? 0.0f : exp(ms - top);
        num = fma(FRESH_LOAD(float, po[(at + s) * HEAD_DIM + d]), f, num);
        den = fma(FRESH_LOAD(float, pml[2 * (at + s) + 1]), f, den);
    }
    return num / den;
}
#endif // ROW_KERNELS || SPLIT_KERNELS

#ifdef ROW_KERNELS
#define INTER_PER_ITEM ((INTER + HIDDEN - 1) / HIDDEN)
#define MLP_SCRATCH (INTER > 2 * HIDDEN ? INTER : 2 * HIDDEN)

// Output projection + residual, RMSNorm, SiLU-gated MLP + residual of the rows r0 .. r0+valid-1 (ROWS at most,
// the rest zero), into x; the new rows are also left in local `a` (behind a barrier) for a fused next layer.
// `hs` is [ROWS][INTER] scratch.
inline void mlp_rows(__global const int* st, __global float* x, __global const float* po, __global const float* pml,
                     __global const float* wo, __global const float* normW, __global const float* wg,
                     __global const float* wu, __global const float* wd, __local float* a, __local float* xs,
                     __local float* hs, __local float* red, int r0, int valid, int lt, int t, int part) {
    int splits = st[P_SPLITS];
    for (int e = lt; e < ROWS * HIDDEN; e += WG_ROWS) {
        int rr = e / HIDDEN;
        a[e] = rr < valid ? merged_attention(po, pml, splits, r0 + rr, e % HIDDEN) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    float acc[ROWS];
    rows_times(a, HIDDEN, wo, HIDDEN, t, t, part, HIDDEN, red, acc);
    if (part == 0) {
        for (int rr = 0; rr < ROWS; rr++) {
            xs[rr * HIDDEN + t] = (rr < valid ? x[(r0 + rr) * HIDDEN + t] : 0.0f) + acc[rr];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int rr = 0; rr < ROWS; rr++) {
        acc[rr] = normW[t] * (xs[rr * HIDDEN + t] * inv_rms(xs + rr * HIDDEN));
    }
    if (part == 0) {
        for (int rr = 0; rr < ROWS; rr++) {
            a[rr * HIDDEN + t] = acc[rr];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int p2 = 0; p2 < INTER_PER_ITEM; p2++) {
        int col = min(p2 * HIDDEN + t, INTER - 1);
        float g[ROWS], u[ROWS];
        rows_times(a, HIDDEN, wg, INTER, col, t, part, HIDDEN, red, g);
        rows_times(a, HIDDEN, wu, INTER, col, t, part, HIDDEN, red, u);
        if (part == 0 && p2 * HIDDEN + t < INTER) {
            for (int rr = 0; rr < ROWS; rr++) {
                hs[rr * INTER + col] = g[rr] / (1.0f + exp(-g[rr])) * u[rr];
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    rows_times(hs, INTER, wd, HIDDEN, t, t, part, HIDDEN, red, acc);
    if (part == 0) {
        for (int rr = 0; rr < ROWS; rr++) {
            float v = xs[rr * HIDDEN + t] + acc[rr];
            a[rr * HIDDEN + t] = v;
            if (rr < valid) {
                x[(r0 + rr) * HIDDEN + t] = v;
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE); // also: every work-item is done reading hs before a fused layer reuses it
}

// The last layer's output projection and MLP, in place on x. lastOnly (ROWS == 1): work-group b takes batch
// row b's last token only.
// CPU twin: tensor/CpuDecoderSession.attentionOutputAndMlp.
// Test: OpenClDecoderTest.deviceSessionMatchesHostSession.
__kernel void mlp(__global const int* st, __global float* x, __global const float* po, __global const float* pml,
                  __global const float* wo, __global const float* normW, __global const float* wg,
                  __global const float* wu, __global const float* wd, int lastOnly) {
    __local float a[ROWS * HIDDEN];
    __local float xs[ROWS * HIDDEN];
    __local float hs[ROWS * MLP_SCRATCH];
    __local float red[RED_SIZE];
    int lt = get_local_id(0), t = lt % HIDDEN, part = lt / HIDDEN;
    int perRow = st[P_PER_ROW], g = get_group_id(0);
    int r0 = lastOnly ? (g + 1) * perRow - 1 : g * ROWS;
    int valid = lastOnly ? 1 : min(ROWS, st[P_ROWS] - r0);
    mlp_rows(st, x, po, pml, wo, normW, wg, wu, wd, a, xs, hs, red, r0, valid, lt, t, part);
}

// A layer's output projection and MLP fused with the next layer's RMSNorm, q/k/v and rotary embedding.
// CPU twin: tensor/CpuDecoderSession.attentionOutputAndMlp (then attentionInputs of the next layer).
// Test: OpenClDecoderTest.deviceSessionMatchesHostSession.
__kernel void mlp_qkv(__global const int* st, __global float* x, __global const float* po, __global const float* pml,
                      __global const float* wo, __global const float* normW, __global const float* wg,
                      __global const float* wu, __global const float* wd,
                      __global const float* nextNormW, __global const float* wq, __global const float* wk,
                      __global const float* wv, __global const float* ropeCos, __global const float* ropeSin,
                      __global float* q, __global float* kc, __global float* vc, int cap) {
    __local float a[ROWS * HIDDEN];
    __local float xs[ROWS * HIDDEN];
    __local float hs[ROWS * MLP_SCRATCH];
    __local float red[RED_SIZE];
    int lt = get_local_id(0), t = lt % HIDDEN, part = lt / HIDDEN;
    int r0 = get_group_id(0) * ROWS;
    mlp_rows(st, x, po, pml, wo, normW, wg, wu, wd, a, xs, hs, red, r0, min(ROWS, st[P_ROWS] - r0), lt, t, part);
    qkv_rows(st, a, hs, red, nextNormW, wq, wk, wv, ropeCos, ropeSin, q, kc, vc, cap, r0, t, part);
}
#endif // ROW_KERNELS

#ifdef STEP_KERNELS
/** Work-item g of feed_step (nothing past rows x HIDDEN). */
inline void feed_item(__global int* st, __global const int* res, __global const float* embed, int s, int stop,
                      float threshold, int g) {
    int rows = st[P_ROWS], perRow = st[P_PER_ROW], batch = st[P_BATCH];
    if (g >= rows * HIDDEN) {
        return;
    }
    int r = g / HIDDEN, d = g % HIDDEN;
    int id = fed_id(res, s, stop, threshold, batch, r / perRow, r % perRow);
    if (d == 0) {
        st[P_HEADER + rows + r] = id;
    }
    __global float* input = (__global float*) (st + st[P_INPUT]);
    input[r * HIDDEN + d] = embed[id * HIDDEN + d];
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// A decode step's fed ids and embeddings gathered on the device from the step just chosen (FrameSteps: a whole frame
// enqueued without a host round trip per step). feed_qkv_rope does the same inside layer 0; this kernel serves the
// carried tokens and -Dautogaze.opencl.fuseFeed=off. `res` holds every step's results so far; this is step `s` + 1.
// Work-item (r, d) of rows x HIDDEN: new token r = b * perRow + j is fed_id(s, b, j). It writes embedding column d into
// the step's input and, for d == 0, the id into the fed-id slots that qkv_rope forbids.
// CPU twin: model/FrameGenerator.feed (after FrameGenerator.step).
// Test: OpenClDecoderTest.frameOnDeviceEqualsStepByStep; end to end: model OpenClGenerationParityTest.
__kernel void feed_step(__global int* st, __global const int* res, __global const float* embed, int s, int stop,
                        float threshold) {
    feed_item(st, res, embed, s, stop, threshold, get_global_id(0));
}
#endif

#if LOGIT_ROWS != 4
#error "heads_logits keeps LOGIT_ROWS = 4 rows in a float4"
#endif
/**
 * The body of heads_logits for column block `block` of `wg` columns (work-item t: column block * wg + t) and row group
 * `rowGroup`: what the kernel does with wg = LOGIT_WG; the columns' sums do not depend on wg.
 */
inline void logits_block(__global const int* st, __global const float* x, __global const float* normW,
                         __global const float* lm, __global const float* tlw, __global float* logits,
                         __global float* res, int block, int rowGroup, int t, int wg, __local float* raw,
                         __local float* inv, __local float4* hn) {
    int c = block * wg + t;
    int batch = st[P_BATCH], perRow = st[P_PER_ROW];
    res += st[P_STEP] * R_SECTIONS * batch * NHEADS; // this step's results
    int b0 = rowGroup * LOGIT_ROWS;
    int rows = min(LOGIT_ROWS, batch - b0);
    for (int e = t; e < LOGIT_ROWS * HIDDEN; e += wg) {
        int rr = e / HIDDEN;
        raw[e] = rr < rows ? FRESH_LOAD(float, x[((b0 + rr + 1) * perRow - 1) * HIDDEN + e % HIDDEN]) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (t < LOGIT_ROWS) {
        inv[t] = inv_rms(raw + t * HIDDEN);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int i = t; i < HIDDEN; i += wg) {
        float4 r4 = (float4) (raw[i], raw[HIDDEN + i], raw[2 * HIDDEN + i], raw[3 * HIDDEN + i]);
        hn[i] = normW[i] * (r4 * vload4(0, inv));
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    int logitColumns = NHEADS * VOCAB;
    bool isColumn = c < logitColumns + NHEADS; // (no early return: a kernel that loops over groups goes on)
    bool isLogit = c < logitColumns;
    __global const float* col = isLogit ? lm + min(c, logitColumns - 1) : tlw + min(c - logitColumns, NHEADS - 1);
    int stride = isLogit ? logitColumns : NHEADS;
    float4 acc = (float4) (0.0f);
#if LOGIT_UNROLL == 16
#pragma unroll 16
#else
#pragma unroll LOGIT_UNROLL
#endif
    for (int i = 0; i < HIDDEN; i++) {
        acc = fma(hn[i], (float4) (col[i * stride]), acc);
    }
    float out[LOGIT_ROWS];
    vstore4(acc, 0, out);
    int bk = batch * NHEADS;
#pragma unroll
    for (int rr = 0; rr < LOGIT_ROWS; rr++) { // (a constant trip count: out stays in registers)
        int b = b0 + rr;
        if (rr < rows && isLogit) {
            logits[b * logitColumns + c] = out[rr];
        } else if (rr < rows && isColumn) {
            res[R_TASK_LOSS * bk + b * NHEADS + c - logitColumns] = out[rr];
        }
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// Final RMSNorm of the last new token of LOGIT_ROWS batch rows (side by side in a float4: each weight loaded once
// for the four rows), then one column each: column c < NHEADS * VOCAB is logit c to `logits` [b][K][VOCAB], column
// NHEADS * VOCAB + i is head i's task loss to word b*K + i of section R_TASK_LOSS of res. Every value is one fused
// multiply-add chain over the hidden index in increasing order, so its bits do not depend on how the columns and rows
// are spread over work-groups.
// Work-group (column block, row group): LOGIT_WG work-items.
// CPU twin: tensor/HostDecoderSession.forward (its rmsNorm and the lm / task-loss head linears).
// Test: OpenClDecoderTest.deviceSessionMatchesHostSession.
__kernel void heads_logits(__global const int* st, __global const float* x, __global const float* normW,
                           __global const float* lm, __global const float* tlw, __global float* logits,
                           __global float* res) {
    __local float raw[LOGIT_ROWS * HIDDEN];
    __local float inv[LOGIT_ROWS];
    __local float4 hn[HIDDEN]; // hn[i].sN: normed input i of row N of the group
    logits_block(st, x, normW, lm, tlw, logits, res, get_group_id(0), get_group_id(1), get_local_id(0), LOGIT_WG, raw,
                 inv, hn);
}
#endif

#define CHOICE_TAIL 16 // lanes of a choice reduction that every work-item merges itself (fewer barriers)

/**
 * Merges candidate (o, oid, oSecond) into (top, id, second), each the first maximal value of a set of ids with its id
 * (-1: empty set) and the largest value of the rest. Max is exact and ties go to the lower id, so any merge order of
 * disjoint sets gives the same triple.
 */
inline void merge_best(float* top, int* id, float* second, float o, int oid, float oSecond) {
    if (oid >= 0 && (*id < 0 || o > *top || (o == *top && oid < *id))) {
        *second = *top > oSecond ? *top : oSecond;
        *top = o;
        *id = oid;
    } else if (o > *second) {
        *second = o;
    }
}

/**
 * Pairwise sums of each head's SEL_WG lanes `s` [NHEADS][SEL_WG] into lane 0, stride SEL_WG / 2 first (the order of
 * the one-head tree the choice used before); the last CHOICE_TAIL lanes of head i summed by work-item i alone, in the
 * same order; work-item t of `wg` (at least NHEADS) takes every wg-th sum of a level. Starts and ends with a barrier.
 */
inline void sum_lanes(__local float* s, int t, int wg) {
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = SEL_WG / 2; stride >= CHOICE_TAIL; stride >>= 1) {
        for (int g = t; g < NHEADS * stride; g += wg) {
            int i = g / stride, l = g % stride;
            s[i * SEL_WG + l] += s[i * SEL_WG + l + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t < NHEADS) {
        for (int stride = min(SEL_WG, CHOICE_TAIL) / 2; stride > 0; stride >>= 1) {
            for (int l = 0; l < stride; l++) {
                s[t * SEL_WG + l] += s[t * SEL_WG + l + stride];
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
}

/**
 * Loads batch row b's logits of every head into lg [NHEADS][VOCAB], the pad id and the forbidden ids at -inf; work-item
 * t of `wg` loads the ids of lanes t, t + wg, ... (lane l: ids l + j * SEL_WG), so it alone reads them until a barrier.
 */
inline void load_choice_logits(__global const float* logits, __global const uchar* forb, int b, int t, int wg,
                               __local float* lg) {
    for (int lane = t; lane < SEL_WG; lane += wg) {
        for (int v = lane; v < VOCAB; v += SEL_WG) {
            bool out = v == PAD_ID || FRESH_LOAD(uchar, forb[b * VOCAB + v]);
            for (int i = 0; i < NHEADS; i++) {
                lg[i * VOCAB + v] = out ? -INFINITY : FRESH_LOAD(float, logits[(b * NHEADS + i) * VOCAB + v]);
            }
        }
    }
}

/**
 * The body of heads_choose for batch row b, work-item t of `wg`: the kernel's SEL_WG lanes (lane l: ids l + j * SEL_WG)
 * taken by work-item l % wg, so a work-group of another size (persistent_step's) makes the same sums in the same order;
 * with wg = SEL_WG each work-item is its lane. Local scratch as heads_choose declares it.
 */
inline void choose_row(__global const int* st, __global const float* logits, __global const uchar* forb,
                       __global float* res, int b, int t, int wg, __local float* lg, __local float* bestTop,
                       __local int* bestId, __local float* bestSecond, __local float* sums, __local int* chosen) {
    int bk = st[P_BATCH] * NHEADS;
    res += st[P_STEP] * R_SECTIONS * bk; // this step's results
    load_choice_logits(logits, forb, b, t, wg, lg);
    for (int i = 0; i < NHEADS; i++) {
        __local const float* row = lg + i * VOCAB;
        int slot = (i & 1) * SEL_WG;
        for (int lane = t; lane < SEL_WG; lane += wg) {
            float top = -INFINITY, second = -INFINITY;
            int id = -1;
            for (int v = lane; v < VOCAB; v += SEL_WG) {
                merge_best(&top, &id, &second, row[v], row[v] > -INFINITY ? v : -1, -INFINITY);
            }
            bestTop[slot + lane] = top;
            bestId[slot + lane] = id;
            bestSecond[slot + lane] = second;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int stride = SEL_WG / 2; stride >= CHOICE_TAIL; stride >>= 1) {
            for (int lane = t; lane < stride; lane += wg) {
                float top = bestTop[slot + lane], second = bestSecond[slot + lane];
                int id = bestId[slot + lane];
                int o = slot + lane + stride;
                merge_best(&top, &id, &second, bestTop[o], bestId[o], bestSecond[o]);
                bestTop[slot + lane] = top;
                bestId[slot + lane] = id;
                bestSecond[slot + lane] = second;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        float top = bestTop[slot], second = bestSecond[slot];
        int id = bestId[slot];
        for (int l = 1; l < min(SEL_WG, CHOICE_TAIL); l++) {
            merge_best(&top, &id, &second, bestTop[slot + l], bestId[slot + l], bestSecond[slot + l]);
        }
        // softmax probability of the chosen id over this head's processed logits: 1 / sum exp(l - top)
        for (int lane = t; lane < SEL_WG; lane += wg) {
            float part = 0.0f;
            for (int v = lane; v < VOCAB; v += SEL_WG) {
                if (row[v] > -INFINITY) {
                    part += exp(row[v] - top);
                }
            }
            sums[i * SEL_WG + lane] = part;
        }
        if (t == 0) {
            chosen[i] = id;
            res[R_MARGIN * bk + b * NHEADS + i] = id >= 0 ? top - second : NAN;
            ((__global int*) res)[R_ID * bk + b * NHEADS + i] = id;
        }
        // the id's owner (the work-item of its lane, which alone reads it) takes it out of the later heads
        if (id >= 0 && id % SEL_WG % wg == t) {
            for (int later = i + 1; later < NHEADS; later++) {
                lg[later * VOCAB + id] = -INFINITY;
            }
        }
    }
    sum_lanes(sums, t, wg);
    if (t < NHEADS) {
        res[R_PROBABILITY * bk + b * NHEADS + t] = chosen[t] >= 0 ? 1.0f / sums[t * SEL_WG] : NAN;
    }
}

#ifndef SEQUENTIAL_CHOICE
// The choice of all heads at once (the default; -D SEQUENTIAL_CHOICE through -Dautogaze.opencl.options builds
// choose_row's head-after-head reductions instead, for A/B runs): the same ids, margins and probabilities, bit for
// bit. Head i can lose at most i ids to the heads before it, so its best CHOICE_LIST = NHEADS + 1 ids (ordered by
// logit, ties to the lower id) hold its best and runner-up after the exclusions: every head's list is found at once
// (segment scans, then one tree of list merges), one work-item resolves the heads in order on the short lists, and the
// exp sums of all heads are the lane sums of before.
#define CHOICE_LIST (NHEADS + 1)
// Local scratch of the choice past lg (floats): choose_row's bestTop, bestId, bestSecond, sums and chosen.
#define CHOICE_REST ((6 + NHEADS) * SEL_WG + NHEADS)
#if 2 * NHEADS * CHOICE_LIST > CHOICE_REST - 2 * NHEADS
#error "parallel choice: SEL_WG too small for one candidate list per head"
#endif

/** Whether candidate (x, xi) ranks before (y, yi): a larger logit, or the same and a lower id (yi < 0: empty slot). */
inline bool ranks_before(float x, int xi, float y, int yi) {
    return yi < 0 || x > y || (x == y && xi < yi);
}

/**
 * choose_row's results from all heads at once, for batch row b by work-item t of `wg` (at least NHEADS). Local scratch:
 * lg [NHEADS][VOCAB] and `rest` (CHOICE_REST floats: the candidate lists, later the lane sums; the heads' best logits
 * and ids at its end).
 */
inline void choose_row_parallel(__global const int* st, __global const float* logits, __global const uchar* forb,
                                __global float* res, int b, int t, int wg, __local float* lg, __local float* rest) {
    int bk = st[P_BATCH] * NHEADS;
    res += st[P_STEP] * R_SECTIONS * bk; // this step's results
    __local float* tops = rest + CHOICE_REST - 2 * NHEADS;
    __local int* chosen = (__local int*) (tops + NHEADS);
    // segments per head: a power of two, one work-item each, their lists (values, then ids) before tops
    int segments = 1;
    while (2 * segments * NHEADS <= wg && 2 * (2 * segments) * NHEADS * CHOICE_LIST <= CHOICE_REST - 2 * NHEADS) {
        segments *= 2;
    }
    int listWords = segments * NHEADS * CHOICE_LIST;
    __local float* candTop = rest;
    __local int* candId = (__local int*) (rest + listWords);
    load_choice_logits(logits, forb, b, t, wg, lg);
    barrier(CLK_LOCAL_MEM_FENCE);
    // each (head, segment) work-item: its head's best CHOICE_LIST ids among v = segment + j * segments
    if (t < segments * NHEADS) {
        int i = t / segments, seg = t % segments;
        float top[CHOICE_LIST];
        int id[CHOICE_LIST];
        for (int k = 0; k < CHOICE_LIST; k++) {
            top[k] = -INFINITY;
            id[k] = -1;
        }
        for (int v = seg; v < VOCAB; v += segments) {
            float x = lg[i * VOCAB + v];
            if (x > -INFINITY && ranks_before(x, v, top[CHOICE_LIST - 1], id[CHOICE_LIST - 1])) {
                for (int k = CHOICE_LIST - 1; k > 0; k--) { // insertion from the back: slot k takes k-1 or v
                    if (ranks_before(x, v, top[k - 1], id[k - 1])) {
                        top[k] = top[k - 1];
                        id[k] = id[k - 1];
                    } else if (ranks_before(x, v, top[k], id[k])) {
                        top[k] = x;
                        id[k] = v;
                    }
                }
                if (ranks_before(x, v, top[0], id[0])) {
                    top[0] = x;
                    id[0] = v;
                }
            }
        }
        for (int k = 0; k < CHOICE_LIST; k++) {
            candTop[t * CHOICE_LIST + k] = top[k];
            candId[t * CHOICE_LIST + k] = id[k];
        }
    }
    // the tree: list seg takes the best CHOICE_LIST of itself and list seg + width (disjoint ids: a strict order)
    for (int width = 1; width < segments; width *= 2) {
        barrier(CLK_LOCAL_MEM_FENCE);
        int pairs = segments / (2 * width);
        for (int g = t; g < pairs * NHEADS; g += wg) {
            int a = ((g / pairs) * segments + g % pairs * 2 * width) * CHOICE_LIST, c = a + width * CHOICE_LIST;
            float top[CHOICE_LIST];
            int id[CHOICE_LIST];
            int ia = 0, ic = 0;
            for (int k = 0; k < CHOICE_LIST; k++) { // both lists have CHOICE_LIST entries: neither runs out
                bool fromA = ranks_before(candTop[a + ia], candId[a + ia], candTop[c + ic], candId[c + ic]);
                top[k] = fromA ? candTop[a + ia] : candTop[c + ic];
                id[k] = fromA ? candId[a + ia] : candId[c + ic];
                ia += fromA;
                ic += !fromA;
            }
            for (int k = 0; k < CHOICE_LIST; k++) {
                candTop[a + k] = top[k];
                candId[a + k] = id[k];
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    // in head order: the first and second of head i's list not chosen by a head before it
    if (t == 0) {
        int picked[NHEADS]; // (in registers: the head loop unrolled, every index a constant)
#pragma unroll
        for (int i = 0; i < NHEADS; i++) {
            int at = i * segments * CHOICE_LIST;
            float top = -INFINITY, second = -INFINITY;
            int id = -1;
            for (int k = 0; k < CHOICE_LIST && candId[at + k] >= 0; k++) {
                int c = candId[at + k];
                bool taken = false;
                for (int j = 0; j < i; j++) {
                    taken |= picked[j] == c;
                }
                if (!taken && id < 0) {
                    top = candTop[at + k];
                    id = c;
                } else if (!taken) {
                    second = candTop[at + k];
                    break;
                }
            }
            picked[i] = id;
            tops[i] = top;
            chosen[i] = id;
            res[R_MARGIN * bk + b * NHEADS + i] = id >= 0 ? top - second : NAN;
            ((__global int*) res)[R_ID * bk + b * NHEADS + i] = id;
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (t < NHEADS && chosen[t] >= 0) { // the heads' ids differ: no two work-items write one word
        for (int later = t + 1; later < NHEADS; later++) {
            lg[later * VOCAB + chosen[t]] = -INFINITY;
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    // softmax probability of head i's id over its remaining logits: choose_row's lane sums, in its order
    for (int lane = t; lane < SEL_WG; lane += wg) {
        for (int i = 0; i < NHEADS; i++) {
            float part = 0.0f, top = tops[i];
            for (int v = lane; v < VOCAB; v += SEL_WG) {
                if (lg[i * VOCAB + v] > -INFINITY) {
                    part += exp(lg[i * VOCAB + v] - top);
                }
            }
            rest[i * SEL_WG + lane] = part;
        }
    }
    sum_lanes(rest, t, wg);
    if (t < NHEADS) {
        res[R_PROBABILITY * bk + b * NHEADS + t] = chosen[t] >= 0 ? 1.0f / rest[t * SEL_WG] : NAN;
    }
}
#endif

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// The greedy multi-head choice of batch row b (spec 4.3) on its logits (heads_logits): with the forbidden ids and the
// pad id at -inf, head i takes the first maximal logit; its id becomes -inf for heads i+1..K-1. Writes the margin
// (best - second best), the id (an int) and its softmax probability of head i to word b*K + i of sections R_MARGIN,
// R_ID and R_PROBABILITY of res. Work-item t owns ids v = t + j * SEL_WG of every head (loads them, applies the
// exclusions and sums their exps itself: no barrier for those); the probabilities' exp sums of all heads in one
// reduction at the end, in the order of the single-head tree before (the same bits when VOCAB <= 2 * SEL_WG: the lanes
// past the vocabulary only added zeros). The best ids: all heads at once (choose_row_parallel, the default) or, with
// -D SEQUENTIAL_CHOICE, per head one reduction of (best, id, runner-up) triples (choose_row); the same bits.
// Work-group b: SEL_WG work-items.
// CPU twin: model/FrameGenerator.chooseOnHost.
// Test: OpenClDecoderTest.deviceChoiceEqualsHostChoiceOnTheSameLogits, parallelChoiceGivesTheSequentialChoicesBits;
// end to end: model OpenClGenerationParityTest.
__kernel void heads_choose(__global const int* st, __global const float* logits, __global const uchar* forb,
                           __global float* res) {
    __local float lg[NHEADS * VOCAB];
#ifndef SEQUENTIAL_CHOICE
    __local float rest[CHOICE_REST];
    choose_row_parallel(st, logits, forb, res, get_group_id(0), get_local_id(0), SEL_WG, lg, rest);
#else
    __local float bestTop[2 * SEL_WG]; // two halves, head i in half i & 1: the next head's stores cannot race
    __local int bestId[2 * SEL_WG];    // the reads of the last
    __local float bestSecond[2 * SEL_WG];
    __local float sums[NHEADS * SEL_WG];
    __local int chosen[NHEADS];
    choose_row(st, logits, forb, res, get_group_id(0), get_local_id(0), SEL_WG, lg, bestTop, bestId, bestSecond, sums,
               chosen);
#endif
}
#endif
#endif // STEP_KERNELS

#ifdef SPLIT_KERNELS
// The layer work of the narrow row kernels (ROWS=1) split over output columns, for calls of few rows (decode steps at
// batch 1-4): split_input and layer 0's split_qkv, then per layer split_o (o-proj + residual), split_gate_up
// (RMSNorm + gate/up + SiLU into the global scratch hs [row][INTER]), split_down (down + residual) and the next
// layer's split_qkv (RMSNorm + q/k/v + rotary + cache write); grid (column blocks x work-group, row groups). Every
// launch has tens of work-groups, where the fused narrow kernels run one work-group per row over a whole layer's
// weights. Work-group layout: SC columns (split_qkv: one head of q, k or v, HEAD_DIM columns) x KS k slices, for ROWS
// rows (here a knob: each weight load serves ROWS rows, so ROWS = the step's rows reads each weight once per step and
// ROWS = 1 gives the most work-groups); rows_times sums each output as in the narrow kernels (KS chains over k in
// increasing order, added in slice order), so the bits are theirs, whatever ROWS.
#define SPLIT_WG (SC * KS)
#define QKV_WG (HEAD_DIM * KS)

/** Rows of the call the split kernels take: every row, or with lastOnly one (the last token) per batch row. */
inline int split_count(__global const int* st, int lastOnly) {
    return lastOnly ? st[P_BATCH] : st[P_ROWS];
}

/** Row j of the call: j itself, or with lastOnly batch row j's last token. */
inline int split_row(__global const int* st, int lastOnly, int j) {
    return lastOnly ? (j + 1) * st[P_PER_ROW] - 1 : j;
}

/** x[row][col] += acc[rr] for the group's valid rows (the residual add of the narrow kernels). */
inline void split_residual(__global const int* st, __global float* x, int lastOnly, int j0, int valid, int col,
                           float* acc) {
    for (int rr = 0; rr < valid; rr++) {
        int at = split_row(st, lastOnly, j0 + rr) * HIDDEN + col;
        x[at] = FRESH_LOAD(float, x[at]) + acc[rr];
    }
}

/**
 * Loads the group's rows of x (j0 .. j0+valid-1 of the call, the rest zero) into local `a` [ROWS][HIDDEN] and
 * RMS-normalises each with normW (the narrow kernels' expression), behind barriers.
 */
inline void split_norm_rows(__global const int* st, __global const float* x, __global const float* normW,
                            int lastOnly, int j0, int valid, int lt, int wg, __local float* a) {
    for (int e = lt; e < ROWS * HIDDEN; e += wg) {
        int rr = e / HIDDEN;
        a[e] = rr < valid ? FRESH_LOAD(float, x[split_row(st, lastOnly, j0 + rr) * HIDDEN + e % HIDDEN]) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    float inv[ROWS];
    for (int rr = 0; rr < ROWS; rr++) {
        inv[rr] = inv_rms(a + rr * HIDDEN);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int e = lt; e < ROWS * HIDDEN; e += wg) {
        a[e] = normW[e % HIDDEN] * (a[e] * inv[e / HIDDEN]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
}

/** Work-item g of split_input. */
inline void input_item(__global const int* st, __global uchar* mask, __global uchar* forb, __global float* x, int cap,
                       int g) {
    int n = st[P_ROWS] * HIDDEN;
    if (g < n) {
        x[g] = as_float(FRESH_LOAD(int, st[st[P_INPUT] + g]));
    } else {
        prepare_item(st, mask, forb, cap, g - n, 0, -1, 0, 0.0f);
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// Layer 0's inputs (before its split_qkv): the rows' new embeddings from the parameter buffer into x, then, past them,
// the step's mask and forbidden-id updates (as qkv_rope does); one work-item per element or update.
// CPU twin: tensor/CpuDecoderSession.attentionInputs.
// Test: OpenClDecoderTest.splitRowKernelsGiveTheNarrowOnesBits.
__kernel void split_input(__global const int* st, __global uchar* mask, __global uchar* forb, __global float* x,
                          int cap) {
    input_item(st, mask, forb, x, cap, get_global_id(0));
}
#endif

/** Work-items of split_input a step needs: one per element of its embeddings, per mask entry, per batch row. */
inline int input_items(__global const int* st) {
    return st[P_ROWS] * HIDDEN + st[P_BATCH] * st[P_MASK_SPAN] + st[P_BATCH];
}

/** The body of split_o for work-group (columns, rowGroup), work-item lt. */
inline void split_o_group(__global const int* st, __global float* x, __global const float* po, __global const float* pml,
                          __global const float* wo, int lastOnly, int columns, int rowGroup, int lt, __local float* a,
                          __local float* red) {
    int c = lt % SC, part = lt / SC;
    int j0 = rowGroup * ROWS, valid = min(ROWS, split_count(st, lastOnly) - j0), splits = st[P_SPLITS];
    for (int e = lt; e < ROWS * HIDDEN; e += SPLIT_WG) {
        int rr = e / HIDDEN;
        a[e] = rr < valid ? merged_attention(po, pml, splits, split_row(st, lastOnly, j0 + rr), e % HIDDEN) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    int col = columns * SC + c;
    float acc[ROWS];
    rows_times(a, HIDDEN, wo, HIDDEN, min(col, HIDDEN - 1), c, part, SC, red, acc);
    if (part == 0 && col < HIDDEN) {
        split_residual(st, x, lastOnly, j0, valid, col, acc);
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// Output projection of the merged attention + residual, in place on x; lastOnly: batch row b's last token.
// CPU twin: tensor/CpuDecoderSession.attentionOutputAndMlp.
// Test: OpenClDecoderTest.splitRowKernelsGiveTheNarrowOnesBits.
__kernel void split_o(__global const int* st, __global float* x, __global const float* po, __global const float* pml,
                      __global const float* wo, int lastOnly) {
    __local float a[ROWS * HIDDEN];
    __local float red[KS * ROWS * SC];
    split_o_group(st, x, po, pml, wo, lastOnly, get_group_id(0), get_group_id(1), get_local_id(0), a, red);
}
#endif

/** The body of split_gate_up for work-group (columns, rowGroup), work-item lt. */
inline void split_gate_up_group(__global const int* st, __global const float* x, __global const float* normW,
                                __global const float* wg, __global const float* wu, __global float* hs, int lastOnly,
                                int columns, int rowGroup, int lt, __local float* a, __local float* red) {
    int c = lt % SC, part = lt / SC;
    int j0 = rowGroup * ROWS, valid = min(ROWS, split_count(st, lastOnly) - j0);
    split_norm_rows(st, x, normW, lastOnly, j0, valid, lt, SPLIT_WG, a);
    int col = columns * SC + c, at = min(col, INTER - 1);
    float g[ROWS], u[ROWS];
    rows_times(a, HIDDEN, wg, INTER, at, c, part, SC, red, g);
    rows_times(a, HIDDEN, wu, INTER, at, c, part, SC, red, u);
    if (part == 0 && col < INTER) {
        for (int rr = 0; rr < valid; rr++) {
            hs[split_row(st, lastOnly, j0 + rr) * INTER + col] = g[rr] / (1.0f + exp(-g[rr])) * u[rr];
        }
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// RMSNorm, then SiLU(gate) * up of a block of intermediate columns, into hs [row][INTER].
// CPU twin: tensor/CpuDecoderSession.attentionOutputAndMlp.
// Test: OpenClDecoderTest.splitRowKernelsGiveTheNarrowOnesBits.
__kernel void split_gate_up(__global const int* st, __global const float* x, __global const float* normW,
                            __global const float* wg, __global const float* wu, __global float* hs, int lastOnly) {
    __local float a[ROWS * HIDDEN];
    __local float red[KS * ROWS * SC];
    split_gate_up_group(st, x, normW, wg, wu, hs, lastOnly, get_group_id(0), get_group_id(1), get_local_id(0), a, red);
}
#endif

/** The body of split_down for work-group (columns, rowGroup), work-item lt. */
inline void split_down_group(__global const int* st, __global float* x, __global const float* hs,
                             __global const float* wd, int lastOnly, int columns, int rowGroup, int lt,
                             __local float* a, __local float* red) {
    int c = lt % SC, part = lt / SC;
    int j0 = rowGroup * ROWS, valid = min(ROWS, split_count(st, lastOnly) - j0);
    for (int e = lt; e < ROWS * INTER; e += SPLIT_WG) {
        int rr = e / INTER;
        a[e] = rr < valid ? FRESH_LOAD(float, hs[split_row(st, lastOnly, j0 + rr) * INTER + e % INTER]) : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    int col = columns * SC + c;
    float acc[ROWS];
    rows_times(a, INTER, wd, HIDDEN, min(col, HIDDEN - 1), c, part, SC, red, acc);
    if (part == 0 && col < HIDDEN) {
        split_residual(st, x, lastOnly, j0, valid, col, acc);
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// Down projection of hs + residual, in place on x.
// CPU twin: tensor/CpuDecoderSession.attentionOutputAndMlp.
// Test: OpenClDecoderTest.splitRowKernelsGiveTheNarrowOnesBits.
__kernel void split_down(__global const int* st, __global float* x, __global const float* hs, __global const float* wd,
                         int lastOnly) {
    __local float a[ROWS * INTER];
    __local float red[KS * ROWS * SC];
    split_down_group(st, x, hs, wd, lastOnly, get_group_id(0), get_group_id(1), get_local_id(0), a, red);
}
#endif

/** The body of split_qkv for work-group (g: q, k or v and head, rowGroup), work-item lt. */
inline void split_qkv_group(__global const int* st, __global const float* x, __global const float* normW,
                            __global const float* wq, __global const float* wk, __global const float* wv,
                            __global const float* ropeCos, __global const float* ropeSin, __global float* q,
                            __global float* kc, __global float* vc, int cap, int g, int rowGroup, int lt,
                            __local float* a, __local float* red, __local float* out) {
    int d = lt % HEAD_DIM, part = lt / HEAD_DIM;
    int j0 = rowGroup * ROWS, valid = min(ROWS, st[P_ROWS] - j0);
    int which = g / HEADS, head = g % HEADS;
    split_norm_rows(st, x, normW, 0, j0, valid, lt, QKV_WG, a);
    __global const float* w = which == 0 ? wq : which == 1 ? wk : wv;
    int col = head * HEAD_DIM + d;
    float acc[ROWS];
    rows_times(a, HIDDEN, w, HIDDEN, col, d, part, HEAD_DIM, red, acc);
    if (part == 0) {
        for (int rr = 0; rr < ROWS; rr++) {
            out[rr * HEAD_DIM + d] = acc[rr];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    int perRow = st[P_PER_ROW], first = st[P_FIRST], halfDim = HEAD_DIM / 2, i = d % halfDim;
    int pd = d < halfDim ? d + halfDim : d - halfDim;
    for (int rr = 0; part == 0 && rr < valid; rr++) { // (no early return: a kernel that loops over groups goes on)
        int r = j0 + rr, b = r / perRow, s = r % perRow;
        int at = ((b * HEADS + head) * HEAD_DIM + d) * cap + first + s;
        if (which == 2) {
            vc[at] = acc[rr];
            continue;
        }
        int pos = st[P_HEADER + r];
        float cosA = ropeCos[pos * halfDim + i], sinA = ropeSin[pos * halfDim + i];
        float p = out[rr * HEAD_DIM + pd];
        float rot = d < halfDim ? acc[rr] * cosA + (-p) * sinA : acc[rr] * cosA + p * sinA;
        if (which == 0) {
            q[r * HIDDEN + col] = rot;
        } else {
            kc[at] = rot;
        }
    }
}

#ifndef PERSISTENT_KERNELS // (persistent_step runs its body)
// RMSNorm, then one head of q, k or v (group g of 3 * HEADS: q heads, k heads, v heads) with rotary embedding for q
// and k; q to `q`, k and v into the layer's caches. Every row of the call (no lastOnly).
// CPU twin: tensor/CpuDecoderSession.attentionInputs.
// Test: OpenClDecoderTest.splitRowKernelsGiveTheNarrowOnesBits.
__kernel void split_qkv(__global const int* st, __global const float* x, __global const float* normW,
                        __global const float* wq, __global const float* wk, __global const float* wv,
                        __global const float* ropeCos, __global const float* ropeSin, __global float* q,
                        __global float* kc, __global float* vc, int cap) {
    __local float a[ROWS * HIDDEN];
    __local float red[KS * ROWS * HEAD_DIM];
    __local float out[ROWS * HEAD_DIM];
    split_qkv_group(st, x, normW, wq, wk, wv, ropeCos, ropeSin, q, kc, vc, cap, get_group_id(0), get_group_id(1),
                    get_local_id(0), a, red, out);
}
#endif

#endif // SPLIT_KERNELS

#ifdef PERSISTENT_KERNELS
#include "grid_barrier.cl"

#if PWG != SC * KS || SC != HEAD_DIM || PWG < ATT_WG || PWG < NHEADS || PWG < LOGIT_ROWS
#error "persistent_step: PWG must be SC * KS with SC == HEAD_DIM (the split kernels' groups), at least ATT_WG, NHEADS and LOGIT_ROWS"
#endif

// A layer's weights in the layer stack (ClDecoderWeights.stack packs them in this order; linear weights [in][out]),
// LW_FLOATS per layer.
#define LW_INPUT_NORM 0
#define LW_Q (LW_INPUT_NORM + HIDDEN)
#define LW_K (LW_Q + HIDDEN * HIDDEN)
#define LW_V (LW_K + HIDDEN * HIDDEN)
#define LW_O (LW_V + HIDDEN * HIDDEN)
#define LW_POST_NORM (LW_O + HIDDEN * HIDDEN)
#define LW_GATE (LW_POST_NORM + HIDDEN)
#define LW_UP (LW_GATE + HIDDEN * INTER)
#define LW_DOWN (LW_UP + HIDDEN * INTER)
#define LW_FLOATS (LW_DOWN + INTER * HIDDEN)

// Local scratch of each phase (floats; the phases take turns on one pool).
#define MAX2(a, b) ((a) > (b) ? (a) : (b))
#define ATT_SCRATCH (QB * HEAD_DIM + ATT_WG + (ATT_WG + MERGE_PARTS) * (HEAD_DIM + 1))
#define SPLIT_SCRATCH (ROWS * INTER + KS * ROWS * SC + ROWS * HEAD_DIM)
#define LOGITS_SCRATCH (4 * HIDDEN + LOGIT_ROWS * HIDDEN + LOGIT_ROWS)
#define CHOOSE_SCRATCH (NHEADS * VOCAB + 6 * SEL_WG + NHEADS * SEL_WG + NHEADS)
#define POOL_FLOATS MAX2(MAX2(ATT_SCRATCH, SPLIT_SCRATCH), MAX2(LOGITS_SCRATCH, CHOOSE_SCRATCH))
// Phases of a step (the phase clock's slots; ClPersistentStep.phaseNames): feed, input, 5 per layer, logits, choice.
#define PHASE_COUNT (4 + 5 * LAYERS)

#ifdef PHASE_CLOCK
/** The GPU's global nanosecond timer (NVIDIA inline PTX: the phase clock is an NVIDIA-only profile build). */
inline ulong global_time(void) {
    ulong t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}
#endif

/**
 * The phase clock: with -D PHASE_CLOCK, work-item 0 of work-group 0 adds the time since the last mark to phase
 * `phase`'s sum in `phaseClock` (nanoseconds; ClPersistentStep.phaseNames names them) and restarts `since`; without it,
 * nothing (the default build has no clock).
 */
inline void phase_mark(__global ulong* phaseClock, ulong* since, int phase) {
#ifdef PHASE_CLOCK
    if (get_group_id(0) == 0 && get_local_id(0) == 0) {
        ulong now = global_time();
        phaseClock[phase] += now - *since;
        *since = now;
    }
#endif
}

/**
 * The grid barrier that ends phase `phase` of persistent_step (and its clock mark). A timed-out wait (work-groups not
 * all resident) is counted in state[2], which the host checks (ClPersistentStep), and sets *patience to 0: the launch's
 * results are wrong, so its later barriers give up at once rather than wait for groups that do not come. (No early
 * return: PoCL replicates the code after a conditional exit for each one, and its build of this kernel then took
 * minutes.) Its fences make each group's writes of the phase visible in global memory before any group goes on; the
 * readers' side is FRESH_LOAD.
 */
inline void phase_end(volatile __global int* state, int* patience, __local int* timedOut, __global ulong* phaseClock,
                      ulong* since, int phase) {
    if (grid_barrier(state, state + 1, get_num_groups(0), *patience, timedOut)) {
        if (get_local_id(0) == 0) {
            atomic_inc(state + 2);
        }
        *patience = 0;
    }
    phase_mark(phaseClock, since, phase);
}

/** Layer l's q/k/v phase over `rows` rows: split_qkv's work-groups (3 x HEADS heads, row groups) over the launch's. */
inline void qkv_phase(__global const int* st, int rows, __global const float* x, __global const float* lw, int l,
                      __global const float* ropeCos, __global const float* ropeSin, __global float* q,
                      __global float* kcAll, __global float* vcAll, int cacheStride, int cap, __local float* pool) {
    __global const float* w = lw + l * LW_FLOATS;
    int rowGroups = (rows + ROWS - 1) / ROWS;
    for (int vg = get_group_id(0); vg < 3 * HEADS * rowGroups; vg += get_num_groups(0)) {
        barrier(CLK_LOCAL_MEM_FENCE); // the scratch of the group before is read
        split_qkv_group(st, x, w + LW_INPUT_NORM, w + LW_Q, w + LW_K, w + LW_V, ropeCos, ropeSin, q,
                        kcAll + l * cacheStride, vcAll + l * cacheStride, cap, vg % (3 * HEADS), vg / (3 * HEADS),
                        get_local_id(0), pool, pool + ROWS * INTER, pool + ROWS * INTER + KS * ROWS * SC);
    }
}

/**
 * Layer l's attention (the strided kernel's `perHead` work-groups per head), then its output projection, gate/up and
 * down phases over `count` rows (the split kernels'), each ended by a grid barrier; lastOnly: each batch row's last
 * token.
 */
inline void layer_phases(__global const int* st, int perHead, int count, __global float* x, __global float* q, __global float* po,
                        __global float* pml, __global float* hs, __global const uchar* mask, __global const float* lw,
                        int l, __global float* kcAll, __global float* vcAll, int cacheStride, int cap, float scale,
                        int lastOnly, int written, volatile __global int* state, int* patience, __local float* pool,
                        __local int* timedOut, __global ulong* phaseClock, ulong* since, int phase) {
    __global const float* w = lw + l * LW_FLOATS;
    int group = get_group_id(0), groups = get_num_groups(0), lt = get_local_id(0);
    __local float* red = pool + QB * HEAD_DIM;
    __local float (*acc)[HEAD_DIM + 1] = (__local float (*)[HEAD_DIM + 1]) (red + ATT_WG);
    for (int vg = group; vg < perHead * HEADS; vg += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        attend_strided(st, q, kcAll + l * cacheStride, vcAll + l * cacheStride, mask, po, pml, cap, scale, lastOnly,
                       written, vg % perHead, vg / perHead, lt, (__local float (*)[HEAD_DIM]) pool, red, acc,
                       acc + ATT_WG);
    }
    phase_end(state, patience, timedOut, phaseClock, since, phase);
    int rowGroups = (count + ROWS - 1) / ROWS;
    int hiddenBlocks = (HIDDEN + SC - 1) / SC, interBlocks = (INTER + SC - 1) / SC;
    __local float* splitRed = pool + ROWS * INTER;
    for (int vg = group; vg < hiddenBlocks * rowGroups; vg += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        split_o_group(st, x, po, pml, w + LW_O, lastOnly, vg % hiddenBlocks, vg / hiddenBlocks, lt, pool, splitRed);
    }
    phase_end(state, patience, timedOut, phaseClock, since, phase + 1);
    for (int vg = group; vg < interBlocks * rowGroups; vg += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        split_gate_up_group(st, x, w + LW_POST_NORM, w + LW_GATE, w + LW_UP, hs, lastOnly, vg % interBlocks,
                            vg / interBlocks, lt, pool, splitRed);
    }
    phase_end(state, patience, timedOut, phaseClock, since, phase + 2);
    for (int vg = group; vg < hiddenBlocks * rowGroups; vg += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        split_down_group(st, x, hs, w + LW_DOWN, lastOnly, vg % hiddenBlocks, vg / hiddenBlocks, lt, pool, splitRed);
    }
    phase_end(state, patience, timedOut, phaseClock, since, phase + 3);
}

/** The buffers and values of a session that persistent_step and persistent_frame take (see persistent_step). */
typedef struct {
    __global float* res;
    __global const float* embed;
    int stop;
    float threshold;
    __global uchar* mask;
    __global uchar* forb;
    __global float* x;
    __global float* q;
    __global float* po;
    __global float* pml;
    __global float* hs;
    __global float* logits;
    __global const float* lw;
    __global const float* ropeCos;
    __global const float* ropeSin;
    __global float* kcAll;
    __global float* vcAll;
    int cacheStride;
    int cap;
    float scale;
    __global const float* finalNorm;
    __global const float* lm;
    __global const float* tlw;
    volatile __global int* barrierState;
    __global ulong* phaseClock;
} Persistent;

/**
 * One decoder step's phases (see persistent_step) of step `st` of shape (rows, batch, perRow, splits), fed from step
 * feedStep's results (-1: none); cache entries from `written` on were written in this launch. Ends after the choice,
 * without a grid barrier.
 */
inline void step_phases(__global int* st, int rows, int batch, int perRow, int splits, int feedStep, int written,
                        Persistent a, __local float4* pool4, __local int* timedOut, int* waits, ulong* since) {
    __local float* pool = (__local float*) pool4;
    int group = get_group_id(0), groups = get_num_groups(0), lt = get_local_id(0);
    int g0 = group * PWG + lt, items = groups * PWG;
    for (int g = g0; g < (feedStep >= 0 ? rows * HIDDEN : 0); g += items) {
        feed_item(st, (__global const int*) a.res, a.embed, feedStep, a.stop, a.threshold, g);
    }
    phase_end(a.barrierState, waits, timedOut, a.phaseClock, since, 0);
    for (int g = g0; g < input_items(st); g += items) {
        input_item(st, a.mask, a.forb, a.x, a.cap, g);
    }
    phase_end(a.barrierState, waits, timedOut, a.phaseClock, since, 1);
    for (int l = 0; l < LAYERS; l++) {
        qkv_phase(st, rows, a.x, a.lw, l, a.ropeCos, a.ropeSin, a.q, a.kcAll, a.vcAll, a.cacheStride, a.cap, pool);
        phase_end(a.barrierState, waits, timedOut, a.phaseClock, since, 2 + 5 * l);
        int lastOnly = l == LAYERS - 1 && perRow > 1;
        layer_phases(st, attention_groups(batch, perRow, splits, lastOnly), lastOnly ? batch : rows, a.x, a.q, a.po,
                     a.pml, a.hs, a.mask, a.lw, l, a.kcAll, a.vcAll, a.cacheStride, a.cap, a.scale, lastOnly, written,
                     a.barrierState, waits, pool, timedOut, a.phaseClock, since, 3 + 5 * l);
    }
    int columnBlocks = (NHEADS * VOCAB + NHEADS + PWG - 1) / PWG, rowGroups = (batch + LOGIT_ROWS - 1) / LOGIT_ROWS;
    for (int vg = group; vg < columnBlocks * rowGroups; vg += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        logits_block(st, a.x, a.finalNorm, a.lm, a.tlw, a.logits, a.res, vg % columnBlocks, vg / columnBlocks, lt, PWG,
                     pool + 4 * HIDDEN, pool + (4 + LOGIT_ROWS) * HIDDEN, pool4);
    }
    phase_end(a.barrierState, waits, timedOut, a.phaseClock, since, 2 + 5 * LAYERS);
#ifndef SEQUENTIAL_CHOICE
    for (int b = group; b < batch; b += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        choose_row_parallel(st, a.logits, a.forb, a.res, b, lt, PWG, pool, pool + NHEADS * VOCAB);
    }
#else
    __local float* bestTop = pool + NHEADS * VOCAB;
    __local int* bestId = (__local int*) (bestTop + 2 * SEL_WG);
    __local float* bestSecond = (__local float*) (bestId + 2 * SEL_WG);
    __local float* sums = bestSecond + 2 * SEL_WG;
    for (int b = group; b < batch; b += groups) {
        barrier(CLK_LOCAL_MEM_FENCE);
        choose_row(st, a.logits, a.forb, a.res, b, lt, PWG, pool, bestTop, bestId, bestSecond, sums,
                   (__local int*) (sums + NHEADS * SEL_WG));
    }
#endif
#ifdef PHASE_CLOCK
    barrier(CLK_LOCAL_MEM_FENCE); // (group 0's own choice done: the last phase's time is group 0's)
    phase_mark(a.phaseClock, since, 3 + 5 * LAYERS);
    if (group == 0 && lt == 0) {
        a.phaseClock[PHASE_COUNT] += 1;
    }
#endif
}

// The session's arguments of persistent_step and persistent_frame, after their own (ClPersistentStep.bindSession's
// order), and the Persistent they make with the kernel's results, embedding table and task-loss stop.
#define PERSISTENT_SESSION_ARGS                                                                                     \
    __global uchar* mask, __global uchar* forb, __global float* x, __global float* q, __global float* po,          \
        __global float* pml, __global float* hs, __global float* logits, __global const float* lw,                \
        __global const float* ropeCos, __global const float* ropeSin, __global float* kcAll, __global float* vcAll, \
        int cacheStride, int cap, float scale, __global const float* finalNorm, __global const float* lm,          \
        __global const float* tlw, volatile __global int* barrierState, int patience, __global ulong* phaseClock
#define PERSISTENT_SESSION(res, embed, stop, threshold)                                                                 \
    {res, embed, stop, threshold, mask, forb, x, q, po, pml, hs, logits, lw, ropeCos, ropeSin, kcAll, vcAll,          \
     cacheStride, cap, scale, finalNorm, lm, tlw, barrierState, phaseClock}

/** The phase clock's start (with -D PHASE_CLOCK; else 0). */
inline ulong clock_start(void) {
#ifdef PHASE_CLOCK
    return global_time();
#else
    return 0;
#endif
}

// A whole decoder step of few rows in one launch (-Dautogaze.opencl.persistent): one work-group of PWG work-items per
// compute unit, all resident, runs the step's kernels one after the other as phases separated by grid barriers, each
// phase giving the launch's work-groups the original kernel's work-groups in turn (work-group vg of a phase of n:
// groups g, g + groups, ...), through the same body functions, so every value has the separate kernels' bits. Phases
// (step_phases): feed_step (decode steps of a frame: feedStep >= 0 is the step whose results `res` holds),
// split_input, layer 0's split_qkv, then per layer attention, split_o, split_gate_up, split_down and the next layer's
// split_qkv (the last layer's last tokens alone when the step has several per row), heads_logits and heads_choose,
// whose results go to `res` from step st[P_STEP]'s words on (as the heads kernels write them). The step's parameters
// are `st` (a frame's step region: no copy); its shape (rows, batch, perRow, splits: the same as there) also comes as
// arguments, from which every loop that holds a barrier takes its bounds (PoCL then knows them uniform over the
// work-group: its build of the kernel took 3x as long with bounds read from memory). The layers' weights come from the
// layer stack lw, their caches from kcAll / vcAll at layer * cacheStride. Loads of other groups' phase outputs are
// FRESH_LOAD (see the file header). barrierState: {arrived, generation, timeouts}; patience: polls of a barrier wait
// before it counts a timeout; phaseClock: with -D PHASE_CLOCK, ns per phase summed over steps, then the step count
// (phase_mark).
// CPU twin: tensor/HostDecoderSession.forward (with model/FrameGenerator.feed before and chooseOnHost after).
// Test: OpenClDecoderTest.persistentStepGivesTheSeparateKernelsBits.
__kernel void persistent_step(__global int* st, int rows, int batch, int perRow, int splits, __global float* res,
                              int feedStep, int stop, float threshold, __global const float* embed,
                              PERSISTENT_SESSION_ARGS) {
    __local float4 pool4[(POOL_FLOATS + 3) / 4];
    __local int timedOut;
    Persistent a = PERSISTENT_SESSION(res, embed, stop, threshold);
    int waits = patience;
    ulong since = clock_start();
    step_phases(st, rows, batch, perRow, splits, feedStep, st[P_FIRST], a, pool4, &timedOut, &waits, &since);
}

// Steps from .. to - 1 of a frame in one launch (-Dautogaze.opencl.persistentFrames): persistent_step's phases for
// each, a grid barrier between them, each decode step fed from the one before (feed_step of step s - 1's results in
// `res`), so the host launches once per frame (once per round trip with a task-loss stop) where it launched once per
// step. Step s's parameters are at int params[stepsAt + s] of `params` (the frame's upload: ClFrameLoop), its shape
// read from its header; the cache entries from the first step's P_FIRST on are written in this launch (CACHE_LOAD).
// Other arguments as persistent_step's.
// CPU twin: tensor/HostDecoderSession.forward per step (with model/FrameGenerator.feed and chooseOnHost).
// Test: OpenClDecoderTest.persistentFrameOnDeviceEqualsStepByStep.
__kernel void persistent_frame(__global int* params, int stepsAt, int from, int to, __global float* res, int stop,
                               float threshold, __global const float* embed, PERSISTENT_SESSION_ARGS) {
    __local float4 pool4[(POOL_FLOATS + 3) / 4];
    __local int timedOut;
    Persistent a = PERSISTENT_SESSION(res, embed, stop, threshold);
    int waits = patience;
    ulong since = clock_start();
    int written = params[params[stepsAt + from] + P_FIRST];
    for (int s = from; s < to; s++) {
        __global int* st = params + params[stepsAt + s];
        step_phases(st, st[P_ROWS], st[P_BATCH], st[P_PER_ROW], st[P_SPLITS], s - 1, written, a, pool4, &timedOut,
                    &waits, &since);
        if (s + 1 < to) {
            phase_end(barrierState, &waits, &timedOut, phaseClock, &since, 3 + 5 * LAYERS);
        }
    }
}
#endif // PERSISTENT_KERNELS
