/* fw2v_kernel.c: skip-gram / CBOW updates with negative sampling and hierarchical softmax.
 *
 * Update rule (gradient ascent on log-likelihood, as word2vec.c): for an input vector h
 * and an output row o with label y (1 for the true word or Huffman code bit 0, else 0),
 *     f = h . o,   g = (y - sigmoid(f)) * alpha,   dh += g * o,   o += g * h,
 * all dot products of an example taken before any row moves, and the input rows get dh
 * once the output rows are done. The sigmoid is exact to float precision (a polynomial exp,
 * no table, no clipping), so the kernel agrees with the float64 NumPy reference in
 * tests/reference.py.
 *
 * The hot loops are dot products and axpys of length dim. A plain `s += a[i] * b[i]` is
 * not vectorised by the compiler because that would reorder a float sum; `omp simd
 * reduction` gives it that permission for these loops only (no -ffast-math anywhere).
 * The exported functions are compiled for several x86-64 levels, the best one picked
 * when the library loads (FW2V_DISPATCH, fw2v_dispatch.h).
 */
#include "fw2v.h"
#include "fw2v_dispatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define FW2V_INLINE static inline __attribute__((always_inline))
#define FW2V_RESTRICT __restrict__
#else
#define FW2V_INLINE static inline
#define FW2V_RESTRICT
#endif

#define FW2V_ALIGN 64

/* ------------------------------------------------------------------ vector helpers */

#if defined(__GNUC__) || defined(__clang__)
/* Eight floats as one value (GCC/clang vector extension): SSE2 pairs in the baseline clone,
 * one AVX register in the others. */
typedef float fw2v_v8 __attribute__((vector_size(32)));

FW2V_INLINE fw2v_v8 load8(const float *p) {
    fw2v_v8 v;
    memcpy(&v, p, sizeof v); /* unaligned load */
    return v;
}

/* Dot product with two 8-wide partial sums and a tree reduction at the end. An `omp simd`
 * reduction vectorises the loop too, but GCC then adds the lanes one after the other, a
 * chain of 16 dependent additions that cost more than the products at dim 100. */
FW2V_INLINE float dot(const float *FW2V_RESTRICT a, const float *FW2V_RESTRICT b, int n) {
    fw2v_v8 s0 = {0.0f}, s1 = {0.0f};
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 += load8(a + i) * load8(b + i);
        s1 += load8(a + i + 8) * load8(b + i + 8);
    }
    if (i + 8 <= n) {
        s0 += load8(a + i) * load8(b + i);
        i += 8;
    }
    s0 += s1;
    float s = ((s0[0] + s0[4]) + (s0[1] + s0[5])) + ((s0[2] + s0[6]) + (s0[3] + s0[7]));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}
#else
FW2V_INLINE float dot(const float *FW2V_RESTRICT a, const float *FW2V_RESTRICT b, int n) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
#endif

#if defined(__GNUC__) || defined(__clang__)
typedef float fw2v_v4 __attribute__((vector_size(16)));
typedef int32_t fw2v_v8i __attribute__((vector_size(32)));
typedef int32_t fw2v_v4i __attribute__((vector_size(16)));

FW2V_INLINE void store8(float *p, fw2v_v8 v) { memcpy(p, &v, sizeof v); }

FW2V_INLINE fw2v_v4 load4(const float *p) {
    fw2v_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

FW2V_INLINE void store4(float *p, fw2v_v4 v) { memcpy(p, &v, sizeof v); }

/* Two-vector lane shuffle with constant indices: clang's builtin, or GCC's (which only has
 * clang's spelling from GCC 12 on). */
#if defined(__clang__)
#define FW2V_SHUF8(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#define FW2V_SHUF4(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define FW2V_SHUF8(a, b, ...) __builtin_shuffle(a, b, (fw2v_v8i){__VA_ARGS__})
#define FW2V_SHUF4(a, b, ...) __builtin_shuffle(a, b, (fw2v_v4i){__VA_ARGS__})
#endif

/* The lane sums of s0..s3, as one vector: a transposing tree of shuffles and adds, cheaper
 * than four separate horizontal sums. */
FW2V_INLINE fw2v_v4 reduce4x8(fw2v_v8 s0, fw2v_v8 s1, fw2v_v8 s2, fw2v_v8 s3) {
    /* t0 = [s0 01, s1 01, s0 23, s1 23, s0 45, s1 45, s0 67, s1 67], t1 likewise for s2, s3 */
    const fw2v_v8 t0 = FW2V_SHUF8(s0, s1, 0, 8, 2, 10, 4, 12, 6, 14) +
                       FW2V_SHUF8(s0, s1, 1, 9, 3, 11, 5, 13, 7, 15);
    const fw2v_v8 t1 = FW2V_SHUF8(s2, s3, 0, 8, 2, 10, 4, 12, 6, 14) +
                       FW2V_SHUF8(s2, s3, 1, 9, 3, 11, 5, 13, 7, 15);
    /* u = [s0 0-3, s1 0-3, s2 0-3, s3 0-3, s0 4-7, s1 4-7, s2 4-7, s3 4-7] */
    const fw2v_v8 u = FW2V_SHUF8(t0, t1, 0, 1, 8, 9, 4, 5, 12, 13) +
                      FW2V_SHUF8(t0, t1, 2, 3, 10, 11, 6, 7, 14, 15);
    fw2v_v4 a, b;
    memcpy(&a, &u, sizeof a);
    memcpy(&b, (const char *)&u + sizeof a, sizeof b);
    return a + b;
}

FW2V_INLINE fw2v_v4 reduce4x4(fw2v_v4 s0, fw2v_v4 s1, fw2v_v4 s2, fw2v_v4 s3) {
    const fw2v_v4 t0 = FW2V_SHUF4(s0, s1, 0, 4, 2, 6) + FW2V_SHUF4(s0, s1, 1, 5, 3, 7);
    const fw2v_v4 t1 = FW2V_SHUF4(s2, s3, 0, 4, 2, 6) + FW2V_SHUF4(s2, s3, 1, 5, 3, 7);
    return FW2V_SHUF4(t0, t1, 0, 1, 4, 5) + FW2V_SHUF4(t0, t1, 2, 3, 6, 7);
}

/* out[a * ldo + b] = h[a] . r[b] for a < nh <= 2, b < nr <= 4 (constants once inlined).
 * The nh * nr partial sums stay in registers: eight independent multiply-add chains for a
 * 2 x 4 tile, enough to hide the latency of the FMA unit, and each load feeds two (row) or
 * four (input) products. A remainder of 4 (dim 100, 300) is done 4 wide, not one by one. */
FW2V_INLINE void dot_tile(float *const *h, const int nh, float *const *r, const int nr, int n,
                          float *out, int ldo) {
    fw2v_v8 s[2][4];
    fw2v_v4 q[2][4];
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 4; b++) {
            s[a][b] = (fw2v_v8){0.0f};
            q[a][b] = (fw2v_v4){0.0f};
        }
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        fw2v_v8 x[2];
        for (int a = 0; a < nh; a++) x[a] = load8(h[a] + i);
        for (int b = 0; b < nr; b++) {
            const fw2v_v8 y = load8(r[b] + i);
            for (int a = 0; a < nh; a++) s[a][b] += x[a] * y;
        }
    }
    if (i + 4 <= n) {
        fw2v_v4 x[2];
        for (int a = 0; a < nh; a++) x[a] = load4(h[a] + i);
        for (int b = 0; b < nr; b++) {
            const fw2v_v4 y = load4(r[b] + i);
            for (int a = 0; a < nh; a++) q[a][b] += x[a] * y;
        }
        i += 4;
    }
    for (int a = 0; a < nh; a++) {
        const fw2v_v4 sum = reduce4x8(s[a][0], s[a][1], s[a][2], s[a][3]) +
                            reduce4x4(q[a][0], q[a][1], q[a][2], q[a][3]);
        for (int b = 0; b < nr; b++) {
            float v = sum[b];
            for (int k = i; k < n; k++) v += h[a][k] * r[b][k];
            out[a * ldo + b] = v;
        }
    }
}

/* y[a] (+)= sum_j c[a * cy + j * cj] * rows[j] for a < ny <= 2 (a constant once inlined);
 * y[a] is overwritten when accumulate is 0. Blocks of 64 floats of one output or 32 of two,
 * the sums over j held in eight registers: eight independent chains, and one load per two
 * multiply-adds with two outputs. */
FW2V_INLINE void combine_tile(float *const *y, const int ny, float *const *rows, int n_rows,
                              const float *c, int cy, int cj, int n, const int accumulate) {
    const int nv = ny == 1 ? 8 : 4; /* vectors of 8 per output in a block */
    int i = 0;
    for (; i + 8 * nv <= n; i += 8 * nv) {
        fw2v_v8 acc[2][8];
        for (int a = 0; a < ny; a++)
            for (int v = 0; v < nv; v++)
                acc[a][v] = accumulate ? load8(y[a] + i + 8 * v) : (fw2v_v8){0.0f};
        for (int j = 0; j < n_rows; j++) {
            const float *rj = rows[j] + i;
            float cc[2];
            for (int a = 0; a < ny; a++) cc[a] = c[a * cy + j * cj];
            for (int v = 0; v < nv; v++) {
                const fw2v_v8 x = load8(rj + 8 * v);
                for (int a = 0; a < ny; a++) acc[a][v] += cc[a] * x;
            }
        }
        for (int a = 0; a < ny; a++)
            for (int v = 0; v < nv; v++) store8(y[a] + i + 8 * v, acc[a][v]);
    }
    for (; i + 8 <= n; i += 8) {
        fw2v_v8 acc[2];
        for (int a = 0; a < ny; a++) acc[a] = accumulate ? load8(y[a] + i) : (fw2v_v8){0.0f};
        for (int j = 0; j < n_rows; j++) {
            const fw2v_v8 x = load8(rows[j] + i);
            for (int a = 0; a < ny; a++) acc[a] += c[a * cy + j * cj] * x;
        }
        for (int a = 0; a < ny; a++) store8(y[a] + i, acc[a]);
    }
    if (i + 4 <= n) {
        fw2v_v4 acc[2];
        for (int a = 0; a < ny; a++) acc[a] = accumulate ? load4(y[a] + i) : (fw2v_v4){0.0f};
        for (int j = 0; j < n_rows; j++) {
            const fw2v_v4 x = load4(rows[j] + i);
            for (int a = 0; a < ny; a++) acc[a] += c[a * cy + j * cj] * x;
        }
        for (int a = 0; a < ny; a++) store4(y[a] + i, acc[a]);
        i += 4;
    }
    for (; i < n; i++)
        for (int a = 0; a < ny; a++) {
            float v = accumulate ? y[a][i] : 0.0f;
            for (int j = 0; j < n_rows; j++) v += c[a * cy + j * cj] * rows[j][i];
            y[a][i] = v;
        }
}
#else
FW2V_INLINE void dot_tile(float *const *h, int nh, float *const *r, int nr, int n, float *out,
                          int ldo) {
    for (int a = 0; a < nh; a++)
        for (int b = 0; b < nr; b++) out[a * ldo + b] = dot(h[a], r[b], n);
}

FW2V_INLINE void combine_tile(float *const *y, int ny, float *const *rows, int n_rows,
                              const float *c, int cy, int cj, int n, int accumulate) {
    for (int a = 0; a < ny; a++) {
        if (!accumulate) memset(y[a], 0, sizeof(float) * n);
        for (int j = 0; j < n_rows; j++)
            for (int i = 0; i < n; i++) y[a][i] += c[a * cy + j * cj] * rows[j][i];
    }
}
#endif

/* out[a * ldo + b] = h[a] . rows[b] for a < n_h, b < n_rows: 2 x 4 tiles, and the edges
 * with tiles of constant smaller shapes (so that each one keeps its sums in registers). */
FW2V_INLINE void dots(float *const *h, int n_h, float *const *rows, int n_rows, int n, float *out,
                      int ldo) {
    int a = 0;
    for (; a + 2 <= n_h; a += 2) {
        int b = 0;
        for (; b + 4 <= n_rows; b += 4) dot_tile(h + a, 2, rows + b, 4, n, out + a * ldo + b, ldo);
        switch (n_rows - b) {
        case 3: dot_tile(h + a, 2, rows + b, 3, n, out + a * ldo + b, ldo); break;
        case 2: dot_tile(h + a, 2, rows + b, 2, n, out + a * ldo + b, ldo); break;
        case 1: dot_tile(h + a, 2, rows + b, 1, n, out + a * ldo + b, ldo); break;
        }
    }
    if (a < n_h) {
        int b = 0;
        for (; b + 4 <= n_rows; b += 4) dot_tile(h + a, 1, rows + b, 4, n, out + a * ldo + b, ldo);
        switch (n_rows - b) {
        case 3: dot_tile(h + a, 1, rows + b, 3, n, out + a * ldo + b, ldo); break;
        case 2: dot_tile(h + a, 1, rows + b, 2, n, out + a * ldo + b, ldo); break;
        case 1: dot_tile(h + a, 1, rows + b, 1, n, out + a * ldo + b, ldo); break;
        }
    }
}

/* y[a] (+)= sum_j c[a * cy + j * cj] * rows[j] for a < n_y: two outputs at a time.
 * Two equal outputs (a noise word drawn twice) are done one after the other: a tile holds
 * both sums in registers and the second store would drop the first update. */
FW2V_INLINE void combine(float *const *y, int n_y, float *const *rows, int n_rows, const float *c,
                         int cy, int cj, int n, const int accumulate) {
    int a = 0;
    for (; a + 2 <= n_y; a += 2) {
        if (y[a] != y[a + 1]) {
            combine_tile(y + a, 2, rows, n_rows, c + a * cy, cy, cj, n, accumulate);
        } else {
            combine_tile(y + a, 1, rows, n_rows, c + a * cy, cy, cj, n, accumulate);
            combine_tile(y + a + 1, 1, rows, n_rows, c + (a + 1) * cy, cy, cj, n, accumulate);
        }
    }
    if (a < n_y) combine_tile(y + a, 1, rows, n_rows, c + a * cy, cy, cj, n, accumulate);
}

/* y += a * x */
FW2V_INLINE void axpy(float a, const float *FW2V_RESTRICT x, float *FW2V_RESTRICT y, int n) {
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

/* step_rows (below) on elements [from, dim), one at a time. */
FW2V_INLINE void step_rows_from(float *FW2V_RESTRICT neu1e, float *const *rows, int n,
                                const float *FW2V_RESTRICT g, const float *FW2V_RESTRICT h,
                                int from, int dim) {
    for (int i = from; i < dim; i++) {
        float acc = neu1e[i];
        for (int j = 0; j < n; j++) {
            const float x = rows[j][i];
            acc += g[j] * x;
            rows[j][i] = x + g[j] * h[i];
        }
        neu1e[i] = acc;
    }
}

#if defined(__GNUC__) || defined(__clang__)
/* neu1e += sum_j g[j] * rows[j] (the rows as they were), then rows[j] += g[j] * h: one pass
 * over the rows instead of two (combine, then an axpy per row), each block of a row loaded
 * once for both. The rows must be distinct: a repeated row would feed neu1e its new value.
 * Per element, the sums are taken in the order of combine's, so the result is the same. */
FW2V_INLINE void step_rows(float *FW2V_RESTRICT neu1e, float *const *rows, int n,
                           const float *FW2V_RESTRICT g, const float *FW2V_RESTRICT h, int dim) {
    int i = 0;
    for (; i + 32 <= dim; i += 32) {
        fw2v_v8 acc[4], hv[4];
        for (int v = 0; v < 4; v++) {
            acc[v] = load8(neu1e + i + 8 * v);
            hv[v] = load8(h + i + 8 * v);
        }
        for (int j = 0; j < n; j++) {
            float *r = rows[j] + i;
            const float gj = g[j];
            for (int v = 0; v < 4; v++) {
                const fw2v_v8 x = load8(r + 8 * v);
                acc[v] += gj * x;
                store8(r + 8 * v, x + gj * hv[v]);
            }
        }
        for (int v = 0; v < 4; v++) store8(neu1e + i + 8 * v, acc[v]);
    }
    for (; i + 8 <= dim; i += 8) {
        fw2v_v8 acc = load8(neu1e + i);
        const fw2v_v8 hv = load8(h + i);
        for (int j = 0; j < n; j++) {
            const fw2v_v8 x = load8(rows[j] + i);
            acc += g[j] * x;
            store8(rows[j] + i, x + g[j] * hv);
        }
        store8(neu1e + i, acc);
    }
    if (i + 4 <= dim) {
        fw2v_v4 acc = load4(neu1e + i);
        const fw2v_v4 hv = load4(h + i);
        for (int j = 0; j < n; j++) {
            const fw2v_v4 x = load4(rows[j] + i);
            acc += g[j] * x;
            store4(rows[j] + i, x + g[j] * hv);
        }
        store4(neu1e + i, acc);
        i += 4;
    }
    step_rows_from(neu1e, rows, n, g, h, i, dim);
}
#else
FW2V_INLINE void step_rows(float *neu1e, float *const *rows, int n, const float *g, const float *h,
                           int dim) {
    step_rows_from(neu1e, rows, n, g, h, 0, dim);
}
#endif

/* ------------------------------------------------------------------ random numbers */

/* splitmix64: turns (seed, shard) into well-spread starting states. */
static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* xorshift64*: one multiply per draw, per-thread state, good enough for sampling. */
FW2V_INLINE uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform integer in [0, n) from the top 32 bits (Lemire's multiply-shift; n < 2^32). */
FW2V_INLINE uint32_t rng_below(uint64_t r, uint32_t n) {
    return (uint32_t)(((r >> 32) * (uint64_t)n) >> 32);
}

/* Uniform float in [0, 1) from 24 low-order bits. */
FW2V_INLINE float rng_unit24(uint64_t r) { return (float)(r & 0xFFFFFFu) * (1.0f / 16777216.0f); }

/* Draw a noise word from the alias table: one 64-bit draw gives both the column and the coin. */
FW2V_INLINE int32_t sample_noise(const fw2v_params_t *p, uint64_t *rng) {
    uint64_t r = rng_next(rng);
    uint32_t i = rng_below(r, (uint32_t)p->vocab_size);
    return rng_unit24(r) < p->noise_prob[i] ? (int32_t)i : p->noise_alias[i];
}

/* ------------------------------------------------------------------ the output layer */

/* Collect the output rows of one example: the Huffman path of `centre` (hs), then centre
 * itself and the noise words (negative sampling). Returns how many; *n_path is the length
 * of the path. */
FW2V_INLINE int gather_targets(const fw2v_params_t *p, fw2v_thread_t *t, int32_t centre,
                               const int32_t *negs, int *n_path) {
    const int64_t dim = p->dim;
    int n = 0;
    if (p->hs) {
        for (int64_t d = p->code_offsets[centre]; d < p->code_offsets[centre + 1]; d++) {
            const int64_t node = p->points[d];
            t->rows[n] = node < t->hot_hs_first
                             ? p->w_out_hs + node * dim
                             : t->hot_hs.mine + (node - t->hot_hs_first) * dim;
            t->labels[n] = 1.0f - (float)p->codes[d];
            n++;
        }
    }
    *n_path = n;
    if (p->negative > 0) {
        t->rows[n] = p->w_out_ns + (int64_t)centre * dim;
        t->labels[n] = 1.0f;
        n++;
        for (int k = 0; k < p->negative; k++) {
            if (negs[k] == centre) continue; /* as word2vec.c: a noise draw of the true word is dropped */
            t->rows[n] = p->w_out_ns + (int64_t)negs[k] * dim;
            t->labels[n] = 0.0f;
            n++;
        }
    }
    return n;
}

/* exp(-x) for x >= 0, to about 2 ulp: Cody-Waite reduction to r in [-ln2/2, ln2/2], a
 * degree-6 polynomial for exp(r), and 2^n put into the exponent bits. x is clamped to 87
 * (inf and NaN too), so the result stays a normal float. Written with plain arithmetic (no
 * libm call, no branch) so that loops calling it vectorise. The clamp compares the bit
 * patterns (ordered like the values for x >= 0, NaN above inf) rather than the floats: a
 * float `x < 87 ? x : 87` is kept as a branch (its NaN case), which GCC then threads,
 * folding exp(-87) to a constant on one side, and the loop is left with control flow
 * around a float-to-int conversion that may trap, which the vectoriser refuses. */
FW2V_INLINE float exp_neg(float x) {
    union {
        float f;
        uint32_t u;
    } c = {x};
    c.u = c.u < 0x42AE0000u ? c.u : 0x42AE0000u; /* 87.0f */
    const float y = -c.f;
    const float n = (float)(int32_t)(y * 1.44269504088896341f - 0.5f); /* round(y / ln2) */
    const float r = (y - n * 0.693359375f) - n * -2.12194440e-4f;
    float q = 1.9875691500e-4f;
    q = q * r + 1.3981999507e-3f;
    q = q * r + 8.3334519073e-3f;
    q = q * r + 4.1665795894e-2f;
    q = q * r + 1.6666665459e-1f;
    q = q * r + 5.0000001201e-1f;
    q = q * (r * r) + r + 1.0f;
    union {
        uint32_t u;
        float f;
    } scale;
    scale.u = (uint32_t)((int32_t)n + 127) << 23; /* n >= -126: a normal float */
    return q * scale.f;
}

/* log(1 + e) for 0 <= e <= 1, as 2 atanh(e / (2 + e)): the series in s^2 <= 1/9 converges
 * to float precision in seven terms. */
FW2V_INLINE float log1p_unit(float e) {
    const float s = e / (2.0f + e);
    const float s2 = s * s;
    float q = 1.0f / 13.0f;
    q = q * s2 + 1.0f / 11.0f;
    q = q * s2 + 1.0f / 9.0f;
    q = q * s2 + 1.0f / 7.0f;
    q = q * s2 + 1.0f / 5.0f;
    q = q * s2 + 1.0f / 3.0f;
    q = q * s2 + 1.0f;
    return 2.0f * s * q;
}

/* sigmoid(f) from e = exp(-|f|): 1 / (1 + e) for f >= 0, e / (1 + e) below. The choice is
 * made on the bits, not with `f >= 0 ? inv : e * inv`: GCC moves the product into a branch
 * of its own, and that control flow keeps the gradient loop from vectorising. */
FW2V_INLINE float sigmoid_from(float f, float e) {
    const float inv = 1.0f / (1.0f + e);
    union {
        float f;
        uint32_t u;
    } pos = {inv}, neg = {e * inv};
    const uint32_t m = -(uint32_t)(f >= 0.0f);
    pos.u = (pos.u & m) | (neg.u & ~m);
    return pos.f;
}

/* Terms per block of the gradient pass; the term buffers (g, labels, lab) hold this many
 * floats beyond their last term. */
#define FW2V_GBLOCK 16

/* Turn the dot products fg[k] of n output terms into gradients, in place:
 * fg[k] = (label[k] - sigmoid(fg[k])) * alpha, and add each term's -log p(label) to the
 * loss: softplus(f) for label 0, softplus(-f) for label 1, from the same exp(-|f|).
 * Returns 0 (and flags the state: training diverged) if a dot product is not finite.
 *
 * The terms are processed in whole blocks of FW2V_GBLOCK, with the block's tail padded
 * (f = 0, label 0; the padding's loss is masked out and its gradient never read): a loop
 * of unknown length leaves up to 15 terms to a scalar remainder loop, and with the 50-100
 * terms of a skip-gram window those scalar exps and divisions took a third of the time of
 * hierarchical softmax. The loss (one more division and a polynomial per term) is only
 * computed when it is asked for. */
FW2V_INLINE int gradients(fw2v_thread_t *t, int compute_loss, float *FW2V_RESTRICT fg,
                          float *FW2V_RESTRICT label, int n, float alpha) {
    const int n_pad = (n + FW2V_GBLOCK - 1) / FW2V_GBLOCK * FW2V_GBLOCK;
    for (int k = n; k < n_pad; k++) {
        fg[k] = 0.0f;
        label[k] = 0.0f;
    }
    int bad = 0;
    float loss = 0.0f;
    if (compute_loss) {
        for (int b = 0; b < n_pad; b += FW2V_GBLOCK) {
#pragma omp simd reduction(+ : loss) reduction(| : bad)
            for (int k = b; k < b + FW2V_GBLOCK; k++) {
                const float f = fg[k];
                const int nonfinite = !(fabsf(f) <= 3.0e38f);
                const float e = exp_neg(fabsf(f));
                const float sig = sigmoid_from(f, e);
                const float z = label[k] > 0.5f ? -f : f;
                fg[k] = (label[k] - sig) * alpha;
                const float term = (z > 0.0f ? z : 0.0f) + log1p_unit(e);
                loss += k < n ? term : 0.0f;
                bad |= nonfinite;
            }
        }
    } else {
        for (int b = 0; b < n_pad; b += FW2V_GBLOCK) {
#pragma omp simd reduction(| : bad)
            for (int k = b; k < b + FW2V_GBLOCK; k++) {
                const float f = fg[k];
                const int nonfinite = !(fabsf(f) <= 3.0e38f);
                const float e = exp_neg(fabsf(f));
                const float sig = sigmoid_from(f, e);
                fg[k] = (label[k] - sig) * alpha;
                bad |= nonfinite;
            }
        }
    }
    if (bad) {
        t->status = FW2V_ERR_NONFINITE;
        return 0;
    }
    if (compute_loss) {
        t->loss += (double)loss;
        t->loss_terms += n;
    }
    return 1;
}

/* Full softmax over the vocabulary: p = softmax(W_sm h), loss -log p[centre]; each output
 * row j moves by g_j h with g_j = (y_j - p_j) alpha, and dh collects g_j * (old row j).
 * Costs V dot products per example: meant for small vocabularies, which the Python side
 * enforces. */
FW2V_INLINE void softmax_step(const fw2v_params_t *p, fw2v_thread_t *t, const float *h,
                              int32_t centre, float alpha, float *neu1e) {
    const int dim = p->dim;
    const int64_t V = p->vocab_size;
    float *z = t->logits;
    float zmax = -INFINITY;
    for (int64_t j = 0; j < V; j++) {
        z[j] = dot(h, p->w_out_sm + j * dim, dim);
        if (!(fabsf(z[j]) <= 3.0e38f)) {
            t->status = FW2V_ERR_NONFINITE;
            return;
        }
        if (z[j] > zmax) zmax = z[j];
    }
    const float z_centre = z[centre] - zmax; /* kept: exp of it may underflow to 0 */
    double sum = 0.0;
    for (int64_t j = 0; j < V; j++) {
        z[j] = expf(z[j] - zmax);
        sum += z[j];
    }
    if (p->compute_loss) {
        t->loss += log(sum) - (double)z_centre;
        t->loss_terms += 1;
    }
    const float inv = (float)(1.0 / sum);
    for (int64_t j = 0; j < V; j++) {
        float *out = p->w_out_sm + j * dim;
        const float g = ((j == centre ? 1.0f : 0.0f) - z[j] * inv) * alpha;
        axpy(g, out, neu1e, dim);
        axpy(g, h, out, dim);
    }
}

/* Whether an output row occurs twice among rows[from .. n) (a noise word drawn twice; the
 * rows before `from` are a Huffman path: distinct, and in another matrix). */
FW2V_INLINE int has_repeats(float *const *rows, int from, int n) {
    for (int j = from + 1; j < n; j++)
        for (int i = from; i < j; i++)
            if (rows[i] == rows[j]) return 1;
    return 0;
}

/* The output side of one example for hidden vector h: all dot products first, then all
 * rows move together (one simultaneous gradient step; dh accumulates in neu1e from the rows
 * as they were before the step), in one pass over the rows unless one of them occurs
 * twice. */
FW2V_INLINE void output_layer(const fw2v_params_t *p, fw2v_thread_t *t, const float *h,
                              int32_t centre, const int32_t *negs, float alpha, float *neu1e) {
    const int dim = p->dim;
    int n_path;
    const int n = gather_targets(p, t, centre, negs, &n_path);
    float *g = t->g;
    float *hh = (float *)h;
    dots(&hh, 1, t->rows, n, dim, g, n);
    if (!gradients(t, p->compute_loss, g, t->labels, n, alpha)) return;
    if (p->negative > 0 && has_repeats(t->rows, n_path, n)) {
        combine(&neu1e, 1, t->rows, n, g, 0, 1, dim, 1);
        for (int j = 0; j < n; j++) axpy(g[j], h, t->rows[j], dim);
    } else {
        step_rows(neu1e, t->rows, n, g, h, dim);
    }
    if (p->softmax) softmax_step(p, t, h, centre, alpha, neu1e);
}

/* ------------------------------------------------------------------ one example */

/* word2vec.c's skip-gram step: the input row of `ctx` against the rows gathered for centre,
 * with fresh noise words for every pair. */
FW2V_INLINE void sg_pair(const fw2v_params_t *p, fw2v_thread_t *t, int32_t ctx, int32_t centre,
                         const int32_t *negs, float alpha) {
    const int dim = p->dim;
    float *in = p->w_in + (int64_t)ctx * dim;
    memset(t->neu1e, 0, sizeof(float) * dim);
    output_layer(p, t, in, centre, negs, alpha, t->neu1e);
    axpy(p->lockf ? p->lockf[ctx] : 1.0f, t->neu1e, in, dim);
    t->examples += 1;
}

/* Batched skip-gram (pWord2Vec's scheme) on one block of a window: the n_ctx context rows
 * share the centre's output rows and one set of noise words, so the output rows are loaded
 * once per block instead of once per pair. All dot products are taken before any row
 * changes, then every row receives its full gradient: one simultaneous step on the summed
 * loss of the block. */
FW2V_INLINE void sg_block(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                          int32_t centre, const int32_t *negs, float alpha) {
    const int dim = p->dim;
    int n_path;
    const int n = gather_targets(p, t, centre, negs, &n_path);
    float *g = t->g; /* g[m * n + j]: context row m against output row j */
    float **in = t->in_rows;
    for (int m = 0; m < n_ctx; m++) {
        in[m] = p->w_in + (int64_t)ctx[m] * dim;
        memcpy(t->lab + m * n, t->labels, sizeof(float) * n);
    }
    dots(in, n_ctx, t->rows, n, dim, g, n);
    if (!gradients(t, p->compute_loss, g, t->lab, n_ctx * n, alpha)) return;
    /* input gradients from the old output rows */
    float **gi = t->grad_rows;
    for (int m = 0; m < n_ctx; m++) gi[m] = t->grad_in + (int64_t)m * dim;
    combine(gi, n_ctx, t->rows, n, g, n, 1, dim, 0);
    /* output rows from the old input rows */
    combine(t->rows, n, in, n_ctx, g, 1, n, dim, 1);
    if (p->lockf)
        for (int m = 0; m < n_ctx; m++) axpy(p->lockf[ctx[m]], gi[m], in[m], dim);
    else
        for (int m = 0; m < n_ctx; m++) axpy(1.0f, gi[m], in[m], dim);
    t->examples += n_ctx;
}

/* Batched skip-gram on a whole window: blocks of at most FW2V_BATCH_CONTEXTS contexts
 * (see there for why), one after the other, block b against negs + b * negative. */
FW2V_INLINE void sg_batch(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                          int32_t centre, const int32_t *negs, float alpha) {
    if (n_ctx <= FW2V_BATCH_CONTEXTS) { /* one block: spare the divisions below */
        sg_block(p, t, ctx, n_ctx, centre, negs, alpha);
        return;
    }
    const int blocks = fw2v_batch_blocks(n_ctx);
    for (int b = 0; b < blocks && t->status == FW2V_OK; b++) {
        const int lo = b * n_ctx / blocks, hi = (b + 1) * n_ctx / blocks;
        sg_block(p, t, ctx + lo, hi - lo, centre, negs + (int64_t)b * p->negative, alpha);
    }
}

/* CBOW: the mean (or sum) of the context rows predicts the centre word. As in word2vec.c,
 * each context row then receives the full hidden-layer gradient (not divided by n_ctx). */
FW2V_INLINE void cbow(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                      int32_t centre, const int32_t *negs, float alpha) {
    const int dim = p->dim;
    float *h = t->neu1, *neu1e = t->neu1e;
    memset(h, 0, sizeof(float) * dim);
    memset(neu1e, 0, sizeof(float) * dim);
    for (int m = 0; m < n_ctx; m++) axpy(1.0f, p->w_in + (int64_t)ctx[m] * dim, h, dim);
    if (p->cbow_mean && n_ctx > 1) {
        const float inv = 1.0f / (float)n_ctx;
        for (int i = 0; i < dim; i++) h[i] *= inv;
    }
    output_layer(p, t, h, centre, negs, alpha, neu1e);
    for (int m = 0; m < n_ctx; m++)
        axpy(p->lockf ? p->lockf[ctx[m]] : 1.0f, neu1e, p->w_in + (int64_t)ctx[m] * dim, dim);
    t->examples += 1;
}

/* n * negative noise words into t->negs. */
FW2V_INLINE void draw_negatives(const fw2v_params_t *p, fw2v_thread_t *t, int n) {
    for (int k = 0; k < n * p->negative; k++) t->negs[k] = sample_noise(p, &t->rng);
}

/* ------------------------------------------------------------------ exported entry points */

FW2V_DISPATCH
void fw2v_sg_pair(const fw2v_params_t *p, fw2v_thread_t *t, int32_t ctx, int32_t centre,
                  const int32_t *negs, float alpha) {
    sg_pair(p, t, ctx, centre, negs, alpha);
}

FW2V_DISPATCH
void fw2v_sg_batch(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                   int32_t centre, const int32_t *negs, float alpha) {
    sg_batch(p, t, ctx, n_ctx, centre, negs, alpha);
}

FW2V_DISPATCH
void fw2v_cbow(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
               int32_t centre, const int32_t *negs, float alpha) {
    cbow(p, t, ctx, n_ctx, centre, negs, alpha);
}

/* The hot rows: start from the shared values, and add this state's change since the last
 * merge to them. Two states merging the same row at the same moment may lose one change,
 * as any Hogwild update may; a merge takes microseconds every few thousand words. */
static void hot_pull(fw2v_thread_t *t) {
    fw2v_hot_t *h = &t->hot_hs;
    memcpy(h->mine, h->shared, sizeof(float) * (size_t)h->n);
    memcpy(h->base, h->shared, sizeof(float) * (size_t)h->n);
    t->since_merge = 0;
}

static void hot_merge(fw2v_thread_t *t) {
    fw2v_hot_t *h = &t->hot_hs;
    float *FW2V_RESTRICT shared = h->shared, *FW2V_RESTRICT mine = h->mine,
                         *FW2V_RESTRICT base = h->base;
    for (int64_t i = 0; i < h->n; i++) {
        const float v = shared[i] + (mine[i] - base[i]);
        shared[i] = v;
        mine[i] = v;
        base[i] = v;
    }
    t->since_merge = 0;
}

/* Frequent-word subsampling of one sentence into t->sentence; returns the words kept. It
 * removes words before windows are formed, so windows reach further in text full of
 * frequent words (word2vec.c does the same). */
FW2V_INLINE int64_t subsample(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *words,
                              int64_t len) {
    if (!p->keep_prob) {
        memcpy(t->sentence, words, sizeof(int32_t) * (size_t)len);
        return len;
    }
    int64_t n = 0;
    for (int64_t i = 0; i < len; i++) {
        const int32_t w = words[i];
        const float keep = p->keep_prob[w];
        if (keep >= 1.0f || rng_unit24(rng_next(&t->rng)) < keep) t->sentence[n++] = w;
    }
    return n;
}

/* The updates of one centre word with its n_ctx context words in t->ctx; with dry, only the
 * random draws they make (replaying a shard up to where an interrupted call stopped). */
FW2V_INLINE void train_centre(const fw2v_params_t *p, fw2v_thread_t *t, int n_ctx, int32_t centre,
                              float alpha, const int dry) {
    if (!p->sg) {
        if (p->negative) draw_negatives(p, t, 1);
        if (!dry) cbow(p, t, t->ctx, n_ctx, centre, t->negs, alpha);
    } else if (p->batched && !p->softmax) {
        /* every block's draws first: the same stream as drawing before each block */
        if (p->negative) draw_negatives(p, t, fw2v_batch_blocks(n_ctx));
        if (!dry) sg_batch(p, t, t->ctx, n_ctx, centre, t->negs, alpha);
    } else {
        for (int m = 0; m < n_ctx; m++) {
            if (p->negative) draw_negatives(p, t, 1);
            if (!dry) sg_pair(p, t, t->ctx[m], centre, t->negs, alpha);
        }
    }
}

/* Centre words [from, to) of the n words in t->sentence. Polls the stop flag before each
 * centre word (one load of a line nobody writes until a stop: it stays in this core's
 * cache) and returns the position where it found the flag raised, else `to`. With dry,
 * only the draws and no polling. */
FW2V_INLINE int64_t train_span(const fw2v_params_t *p, fw2v_thread_t *t, int64_t n, int64_t from,
                               int64_t to, float alpha, const int dry) {
    for (int64_t i = from; i < to; i++) {
        if (!dry && p->stop && *p->stop) return i;
        /* Dynamic window: the effective size is uniform in 1..window, which weights near
         * context words more than far ones. Without shrinking every context word within
         * window counts alike (gensim's shrink_windows=False), and a whole sequence (a
         * basket, whose order means nothing) reaches every word; neither draws. */
        int64_t reach = p->window;
        if (p->whole_sequence)
            reach = n;
        else if (p->shrink_windows)
            reach -= (int64_t)rng_below(rng_next(&t->rng), (uint32_t)p->window);
        const int32_t centre = t->sentence[i];
        if (!dry && t->hot_hs.n && ++t->since_merge >= p->hot_sync_words) hot_merge(t);
        int n_ctx = 0;
        const int64_t lo = i - reach < 0 ? 0 : i - reach;
        const int64_t hi = i + reach >= n ? n - 1 : i + reach;
        for (int64_t j = lo; j <= hi; j++)
            if (j != i) t->ctx[n_ctx++] = t->sentence[j];
        if (n_ctx > 0) train_centre(p, t, n_ctx, centre, alpha, dry);
    }
    return to;
}

/* The rate after `done` words of the run (see fw2v_params_t.alpha). The plain linear
 * decay is written exactly as word2vec.c's, so that its runs are reproduced bit for bit. */
static float rate_at(const fw2v_params_t *p, int64_t done) {
    const double a0 = p->alpha, a1 = p->min_alpha;
    const double total = p->total_words > 0 ? (double)p->total_words : 1.0;
    double progress = (double)done / total;
    if (progress > 1.0) progress = 1.0;
    double decayed = progress;
    if (p->epoch_words > 0 && done < p->total_words)
        decayed = (double)(done % p->epoch_words) / (double)p->epoch_words;
    double rate = a0 - (a0 - a1) * decayed;
    if (p->warmup > 0.0 && progress < p->warmup) rate = a1 + (rate - a1) * (progress / p->warmup);
    return (float)rate;
}

FW2V_DISPATCH
void fw2v_train_sentences(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *tokens,
                          const int64_t *offsets, int64_t s_begin, int64_t s_end,
                          int64_t words_before) {
    int64_t done = words_before;
    t->stop_sentence = s_end;
    t->stop_word = 0;
    if (t->hot_hs.n) hot_pull(t);
    for (int64_t s = s_begin; s < s_end && t->status == FW2V_OK; s++) {
        const int32_t *words = tokens + offsets[s];
        const int64_t len = offsets[s + 1] - offsets[s];
        /* The rate is fixed per sentence (at most max_sentence_length words), from the
         * position of the sentence in the whole run: deterministic, no shared counter. */
        const float alpha = rate_at(p, done);
        done += len;
        const int64_t n = subsample(p, t, words, len);
        /* Before the resume point: the draws only, so that the rest continues the very
         * random stream the interrupted call was on. */
        if (s < t->resume_sentence) {
            train_span(p, t, n, 0, n, alpha, 1);
            continue;
        }
        int64_t i = 0;
        if (s == t->resume_sentence && t->resume_word > 0) {
            i = t->resume_word < n ? t->resume_word : n;
            train_span(p, t, n, 0, i, alpha, 1);
        }
        const int64_t at = train_span(p, t, n, i, n, alpha, 0);
        if (at < n) {
            /* Stopped: the sentence is counted by the call that finishes it. */
            t->stop_sentence = s;
            t->stop_word = at;
            break;
        }
        t->words += len;
        t->kept_words += n;
    }
    if (t->hot_hs.n) hot_merge(t);
}

/* ------------------------------------------------------------------ thread state */

static void *aligned_zalloc(size_t bytes) {
    size_t rounded = (bytes + FW2V_ALIGN - 1) / FW2V_ALIGN * FW2V_ALIGN;
    if (rounded == 0) rounded = FW2V_ALIGN;
    void *ptr = aligned_alloc(FW2V_ALIGN, rounded);
    if (ptr) memset(ptr, 0, rounded);
    return ptr;
}

static int hot_alloc(fw2v_hot_t *h, float *shared, int64_t n) {
    h->shared = shared;
    h->n = n;
    h->mine = aligned_zalloc(sizeof(float) * (size_t)n);
    h->base = aligned_zalloc(sizeof(float) * (size_t)n);
    return h->mine && h->base;
}

fw2v_thread_t *fw2v_thread_new(const fw2v_params_t *p, uint64_t seed, int64_t sentence_cap) {
    fw2v_thread_t *t = aligned_zalloc(sizeof(fw2v_thread_t));
    if (!t) return NULL;
    /* scratch for 2 * window context words; a whole sequence has up to sentence_cap - 1 */
    int window = p->window > 0 ? p->window : 1;
    if (p->whole_sequence) window = sentence_cap > 1 ? (int)((sentence_cap + 1) / 2) : 1;
    t->max_targets = (p->hs ? p->max_code_len : 0) + (p->negative > 0 ? 1 + p->negative : 0);
    if (t->max_targets < 1) t->max_targets = 1;
    t->sentence_cap = sentence_cap > 0 ? sentence_cap : 1;
    t->sentence = aligned_zalloc(sizeof(int32_t) * (size_t)t->sentence_cap);
    t->ctx = aligned_zalloc(sizeof(int32_t) * 2 * (size_t)window);
    const size_t blocks = (size_t)fw2v_batch_blocks(2 * window);
    t->negs = aligned_zalloc(sizeof(int32_t) * blocks * (size_t)(p->negative > 0 ? p->negative : 1));
    t->neu1 = aligned_zalloc(sizeof(float) * (size_t)p->dim);
    t->neu1e = aligned_zalloc(sizeof(float) * (size_t)p->dim);
    t->grad_in = aligned_zalloc(sizeof(float) * 2 * (size_t)window * (size_t)p->dim);
    /* the gradient pass pads the terms to whole blocks (see gradients) */
    const size_t n_terms = 2 * (size_t)window * (size_t)t->max_targets + FW2V_GBLOCK;
    t->g = aligned_zalloc(sizeof(float) * n_terms);
    t->rows = aligned_zalloc(sizeof(float *) * (size_t)t->max_targets);
    t->labels = aligned_zalloc(sizeof(float) * ((size_t)t->max_targets + FW2V_GBLOCK));
    t->lab = aligned_zalloc(sizeof(float) * n_terms);
    t->in_rows = aligned_zalloc(sizeof(float *) * 2 * (size_t)window);
    t->grad_rows = aligned_zalloc(sizeof(float *) * 2 * (size_t)window);
    if (p->softmax) {
        t->logits = aligned_zalloc(sizeof(float) * (size_t)p->vocab_size);
        if (!t->logits) {
            fw2v_thread_free(t);
            return NULL;
        }
    }
    t->hot_hs_first = p->vocab_size - 1;
    if (p->hs && p->hot_hs_rows > 0) {
        t->hot_hs_first = p->vocab_size - 1 - p->hot_hs_rows;
        if (!hot_alloc(&t->hot_hs, p->w_out_hs + t->hot_hs_first * p->dim,
                       p->hot_hs_rows * p->dim)) {
            fw2v_thread_free(t);
            return NULL;
        }
    }
    if (!t->sentence || !t->ctx || !t->negs || !t->neu1 || !t->neu1e || !t->grad_in || !t->g ||
        !t->rows || !t->labels || !t->lab || !t->in_rows || !t->grad_rows) {
        fw2v_thread_free(t);
        return NULL;
    }
    /* xorshift must not start at zero */
    t->rng = splitmix64(seed) | 1ULL;
    return t;
}

void fw2v_thread_free(fw2v_thread_t *t) {
    if (!t) return;
    free(t->sentence);
    free(t->ctx);
    free(t->negs);
    free(t->neu1);
    free(t->neu1e);
    free(t->grad_in);
    free(t->g);
    free(t->rows);
    free(t->labels);
    free(t->lab);
    free(t->in_rows);
    free(t->grad_rows);
    free(t->logits);
    free(t->hot_hs.mine);
    free(t->hot_hs.base);
    free(t);
}

const char *fw2v_cpu_target(void) {
#ifdef FW2V_HAVE_CLONES
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4";
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3";
    return "x86-64 (baseline)";
#elif defined(__x86_64__)
    return "x86-64 (compile-time flags)";
#elif defined(__aarch64__)
    return "aarch64";
#else
    return "generic";
#endif
}
