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
 * The exported functions are compiled for several x86-64 levels and the best one is
 * picked when the library loads (GCC target_clones), so the default build runs on any
 * x86-64 and still uses AVX2/AVX-512 where the CPU has them.
 */
#include "fw2v.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(FW2V_NO_CLONES) && (__GNUC__ >= 11)
#define FW2V_DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define FW2V_HAVE_CLONES 1
#else
#define FW2V_DISPATCH
#endif

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
FW2V_INLINE void store8(float *p, fw2v_v8 v) { memcpy(p, &v, sizeof v); }

FW2V_INLINE float hsum8(fw2v_v8 s) {
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

/* Four dot products of h with r0..r3, sharing the loads of h. */
FW2V_INLINE void dot4(const float *FW2V_RESTRICT h, const float *r0, const float *r1,
                      const float *r2, const float *r3, int n, float *out) {
    fw2v_v8 s0 = {0.0f}, s1 = {0.0f}, s2 = {0.0f}, s3 = {0.0f};
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const fw2v_v8 x = load8(h + i);
        s0 += x * load8(r0 + i);
        s1 += x * load8(r1 + i);
        s2 += x * load8(r2 + i);
        s3 += x * load8(r3 + i);
    }
    float a0 = hsum8(s0), a1 = hsum8(s1), a2 = hsum8(s2), a3 = hsum8(s3);
    for (; i < n; i++) {
        a0 += h[i] * r0[i];
        a1 += h[i] * r1[i];
        a2 += h[i] * r2[i];
        a3 += h[i] * r3[i];
    }
    out[0] = a0;
    out[1] = a1;
    out[2] = a2;
    out[3] = a3;
}

/* y += sum_j c[j] * rows[j], 32 floats at a time with the sum over j held in registers:
 * one load per multiply-add instead of an axpy's two loads and a store. */
FW2V_INLINE void combine(float *FW2V_RESTRICT y, float *const *rows, const float *c, int n_rows,
                         int n) {
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        fw2v_v8 a0 = load8(y + i), a1 = load8(y + i + 8), a2 = load8(y + i + 16),
                a3 = load8(y + i + 24);
        for (int j = 0; j < n_rows; j++) {
            const float *r = rows[j] + i;
            const float cj = c[j];
            a0 += cj * load8(r);
            a1 += cj * load8(r + 8);
            a2 += cj * load8(r + 16);
            a3 += cj * load8(r + 24);
        }
        store8(y + i, a0);
        store8(y + i + 8, a1);
        store8(y + i + 16, a2);
        store8(y + i + 24, a3);
    }
    for (; i + 8 <= n; i += 8) {
        fw2v_v8 a = load8(y + i);
        for (int j = 0; j < n_rows; j++) a += c[j] * load8(rows[j] + i);
        store8(y + i, a);
    }
    for (; i < n; i++) {
        float a = y[i];
        for (int j = 0; j < n_rows; j++) a += c[j] * rows[j][i];
        y[i] = a;
    }
}
#else
FW2V_INLINE void dot4(const float *h, const float *r0, const float *r1, const float *r2,
                      const float *r3, int n, float *out) {
    out[0] = dot(h, r0, n);
    out[1] = dot(h, r1, n);
    out[2] = dot(h, r2, n);
    out[3] = dot(h, r3, n);
}

FW2V_INLINE void combine(float *y, float *const *rows, const float *c, int n_rows, int n) {
    for (int j = 0; j < n_rows; j++)
        for (int i = 0; i < n; i++) y[i] += c[j] * rows[j][i];
}
#endif

/* out[j] = h . rows[j] for j < n_rows, four rows at a time. */
FW2V_INLINE void dots(const float *h, float *const *rows, int n_rows, int n, float *out) {
    int j = 0;
    for (; j + 4 <= n_rows; j += 4) dot4(h, rows[j], rows[j + 1], rows[j + 2], rows[j + 3], n, out + j);
    for (; j < n_rows; j++) out[j] = dot(h, rows[j], n);
}

/* y += a * x */
FW2V_INLINE void axpy(float a, const float *FW2V_RESTRICT x, float *FW2V_RESTRICT y, int n) {
#pragma omp simd
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

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
 * itself and the noise words (negative sampling). Returns how many. */
FW2V_INLINE int gather_targets(const fw2v_params_t *p, fw2v_thread_t *t, int32_t centre,
                               const int32_t *negs) {
    const int64_t dim = p->dim;
    int n = 0;
    if (p->hs) {
        for (int64_t d = p->code_offsets[centre]; d < p->code_offsets[centre + 1]; d++) {
            t->rows[n] = p->w_out_hs + (int64_t)p->points[d] * dim;
            t->labels[n] = 1.0f - (float)p->codes[d];
            n++;
        }
    }
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

/* exp(-x) for 0 <= x <= 87, to about 2 ulp: Cody-Waite reduction to r in [-ln2/2, ln2/2],
 * a degree-6 polynomial for exp(r), and 2^n put into the exponent bits. Written with plain
 * arithmetic (no libm call, no branch) so that loops calling it vectorise. */
FW2V_INLINE float exp_neg(float x) {
    const float y = -(x < 87.0f ? x : 87.0f);
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

/* Turn the dot products fg[k] of n output terms into gradients, in place:
 * fg[k] = (label[k] - sigmoid(fg[k])) * alpha, and add each term's -log p(label) to the
 * loss: softplus(f) for label 0, softplus(-f) for label 1, from the same exp(-|f|). One
 * pass over all the terms of an example, which the compiler vectorises. Returns 0 (and
 * flags the state: training diverged) if a dot product is not finite. */
FW2V_INLINE int gradients(fw2v_thread_t *t, int compute_loss, float *FW2V_RESTRICT fg,
                          const float *FW2V_RESTRICT label, int n, float alpha) {
    int bad = 0;
    float loss = 0.0f;
#pragma omp simd reduction(+ : loss) reduction(| : bad)
    for (int k = 0; k < n; k++) {
        const float f = fg[k];
        const int nonfinite = !(fabsf(f) <= 3.0e38f);
        const float a = nonfinite ? 0.0f : fabsf(f);
        const float e = exp_neg(a);
        const float inv = 1.0f / (1.0f + e);
        const float sig = f >= 0.0f ? inv : e * inv;
        const float z = label[k] > 0.5f ? -f : f;
        fg[k] = (label[k] - sig) * alpha;
        loss += (z > 0.0f ? z : 0.0f) + log1p_unit(e);
        bad |= nonfinite;
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

/* The output side of one example for hidden vector h: all dot products first, then all
 * rows move together (one simultaneous gradient step; dh accumulates in neu1e from the rows
 * as they were before the step). */
FW2V_INLINE void output_layer(const fw2v_params_t *p, fw2v_thread_t *t, const float *h,
                              int32_t centre, const int32_t *negs, float alpha, float *neu1e) {
    const int dim = p->dim;
    const int n = gather_targets(p, t, centre, negs);
    float *g = t->g;
    dots(h, t->rows, n, dim, g);
    if (!gradients(t, p->compute_loss, g, t->labels, n, alpha)) return;
    combine(neu1e, t->rows, g, n, dim);
    for (int j = 0; j < n; j++) axpy(g[j], h, t->rows[j], dim);
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
    axpy(1.0f, t->neu1e, in, dim);
    t->examples += 1;
}

/* Batched skip-gram (pWord2Vec's scheme): the n_ctx context rows of one window share the
 * centre's output rows and one set of noise words, so the output rows are loaded once per
 * window instead of once per pair. All dot products are taken before any row changes,
 * then every row receives its full gradient: one simultaneous step on the summed loss of
 * the window. */
FW2V_INLINE void sg_batch(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                          int32_t centre, const int32_t *negs, float alpha) {
    const int dim = p->dim;
    const int n = gather_targets(p, t, centre, negs);
    float *g = t->g, *gt = t->gt;
    float **in = t->in_rows;
    for (int m = 0; m < n_ctx; m++) {
        in[m] = p->w_in + (int64_t)ctx[m] * dim;
        dots(in[m], t->rows, n, dim, g + m * n);
        for (int j = 0; j < n; j++) t->lab[m * n + j] = t->labels[j];
    }
    if (!gradients(t, p->compute_loss, g, t->lab, n_ctx * n, alpha)) return;
    /* input gradients from the old output rows */
    for (int m = 0; m < n_ctx; m++) {
        float *gi = t->grad_in + (int64_t)m * dim;
        memset(gi, 0, sizeof(float) * dim);
        combine(gi, t->rows, g + m * n, n, dim);
    }
    /* output rows from the old input rows (g transposed: one row's coefficients together) */
    for (int m = 0; m < n_ctx; m++)
        for (int j = 0; j < n; j++) gt[j * n_ctx + m] = g[m * n + j];
    for (int j = 0; j < n; j++) combine(t->rows[j], in, gt + j * n_ctx, n_ctx, dim);
    for (int m = 0; m < n_ctx; m++) axpy(1.0f, t->grad_in + (int64_t)m * dim, in[m], dim);
    t->examples += n_ctx;
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
    for (int m = 0; m < n_ctx; m++) axpy(1.0f, neu1e, p->w_in + (int64_t)ctx[m] * dim, dim);
    t->examples += 1;
}

FW2V_INLINE void draw_negatives(const fw2v_params_t *p, fw2v_thread_t *t) {
    for (int k = 0; k < p->negative; k++) t->negs[k] = sample_noise(p, &t->rng);
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

FW2V_DISPATCH
void fw2v_train_sentences(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *tokens,
                          const int64_t *offsets, int64_t s_begin, int64_t s_end,
                          int64_t words_before) {
    const double a0 = p->alpha, a1 = p->min_alpha;
    const double total = p->total_words > 0 ? (double)p->total_words : 1.0;
    int64_t done = words_before;
    for (int64_t s = s_begin; s < s_end && t->status == FW2V_OK; s++) {
        const int32_t *words = tokens + offsets[s];
        const int64_t len = offsets[s + 1] - offsets[s];
        /* The rate is fixed per sentence (at most max_sentence_length words), from the
         * position of the sentence in the whole run: deterministic, no shared counter. */
        double progress = (double)done / total;
        if (progress > 1.0) progress = 1.0;
        const float alpha = (float)(a0 - (a0 - a1) * progress);
        done += len;
        t->words += len;

        /* Frequent-word subsampling removes words before windows are formed, so windows
         * reach further in text full of frequent words (word2vec.c does the same). */
        int64_t n = 0;
        if (p->keep_prob) {
            for (int64_t i = 0; i < len; i++) {
                const int32_t w = words[i];
                const float keep = p->keep_prob[w];
                if (keep >= 1.0f || rng_unit24(rng_next(&t->rng)) < keep) t->sentence[n++] = w;
            }
        } else {
            memcpy(t->sentence, words, sizeof(int32_t) * (size_t)len);
            n = len;
        }
        t->kept_words += n;

        for (int64_t i = 0; i < n; i++) {
            /* Dynamic window: the effective size is uniform in 1..window, which weights
             * near context words more than far ones. */
            const int b = (int)rng_below(rng_next(&t->rng), (uint32_t)p->window);
            const int reach = p->window - b;
            const int32_t centre = t->sentence[i];
            int n_ctx = 0;
            const int64_t lo = i - reach < 0 ? 0 : i - reach;
            const int64_t hi = i + reach >= n ? n - 1 : i + reach;
            for (int64_t j = lo; j <= hi; j++)
                if (j != i) t->ctx[n_ctx++] = t->sentence[j];
            if (n_ctx == 0) continue;

            if (!p->sg) {
                if (p->negative) draw_negatives(p, t);
                cbow(p, t, t->ctx, n_ctx, centre, t->negs, alpha);
            } else if (p->batched && !p->softmax) {
                if (p->negative) draw_negatives(p, t);
                sg_batch(p, t, t->ctx, n_ctx, centre, t->negs, alpha);
            } else {
                for (int m = 0; m < n_ctx; m++) {
                    if (p->negative) draw_negatives(p, t);
                    sg_pair(p, t, t->ctx[m], centre, t->negs, alpha);
                }
            }
        }
    }
}

/* ------------------------------------------------------------------ thread state */

static void *aligned_zalloc(size_t bytes) {
    size_t rounded = (bytes + FW2V_ALIGN - 1) / FW2V_ALIGN * FW2V_ALIGN;
    if (rounded == 0) rounded = FW2V_ALIGN;
    void *ptr = aligned_alloc(FW2V_ALIGN, rounded);
    if (ptr) memset(ptr, 0, rounded);
    return ptr;
}

fw2v_thread_t *fw2v_thread_new(const fw2v_params_t *p, uint64_t seed, int64_t sentence_cap) {
    fw2v_thread_t *t = aligned_zalloc(sizeof(fw2v_thread_t));
    if (!t) return NULL;
    const int window = p->window > 0 ? p->window : 1;
    t->max_targets = (p->hs ? p->max_code_len : 0) + (p->negative > 0 ? 1 + p->negative : 0);
    if (t->max_targets < 1) t->max_targets = 1;
    t->sentence_cap = sentence_cap > 0 ? sentence_cap : 1;
    t->sentence = aligned_zalloc(sizeof(int32_t) * (size_t)t->sentence_cap);
    t->ctx = aligned_zalloc(sizeof(int32_t) * 2 * (size_t)window);
    t->negs = aligned_zalloc(sizeof(int32_t) * (size_t)(p->negative > 0 ? p->negative : 1));
    t->neu1 = aligned_zalloc(sizeof(float) * (size_t)p->dim);
    t->neu1e = aligned_zalloc(sizeof(float) * (size_t)p->dim);
    t->grad_in = aligned_zalloc(sizeof(float) * 2 * (size_t)window * (size_t)p->dim);
    t->g = aligned_zalloc(sizeof(float) * 2 * (size_t)window * (size_t)t->max_targets);
    t->rows = aligned_zalloc(sizeof(float *) * (size_t)t->max_targets);
    t->labels = aligned_zalloc(sizeof(float) * (size_t)t->max_targets);
    t->lab = aligned_zalloc(sizeof(float) * 2 * (size_t)window * (size_t)t->max_targets);
    t->gt = aligned_zalloc(sizeof(float) * 2 * (size_t)window * (size_t)t->max_targets);
    t->in_rows = aligned_zalloc(sizeof(float *) * 2 * (size_t)window);
    if (p->softmax) {
        t->logits = aligned_zalloc(sizeof(float) * (size_t)p->vocab_size);
        if (!t->logits) {
            fw2v_thread_free(t);
            return NULL;
        }
    }
    if (!t->sentence || !t->ctx || !t->negs || !t->neu1 || !t->neu1e || !t->grad_in || !t->g ||
        !t->rows || !t->labels || !t->lab || !t->gt || !t->in_rows) {
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
    free(t->gt);
    free(t->in_rows);
    free(t->logits);
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
