/* fw2v_walk.c: see fw2v_walk.h. */
#include "fw2v_walk.h"

#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* splitmix64: one 64-bit state per walk, seeded from (seed, walk index). */
static inline uint64_t fw2v_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1), 53 bits. */
static inline double fw2v_uniform(uint64_t *s) {
    return (double)(fw2v_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [0, n), n >= 1 (bias below n / 2^53). */
static inline int64_t fw2v_below(uint64_t *s, int64_t n) {
    int64_t k = (int64_t)(fw2v_uniform(s) * (double)n);
    return k < n ? k : n - 1;
}

/* The first e in [lo, hi) with cumw[e] > r (hi - 1 if rounding leaves none). */
static inline int64_t fw2v_search_cum(const double *cumw, int64_t lo, int64_t hi, double r) {
    int64_t last = hi - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cumw[mid] > r)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < last ? lo : last;
}

/* Whether x is an out-neighbour of t. */
static inline int fw2v_has_edge(const fw2v_graph_t *g, int32_t t, int32_t x) {
    int64_t lo = g->indptr[t], hi = g->indptr[t + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int32_t y = g->indices[mid];
        if (y == x) return 1;
        if (y < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* A first-order step from v (deg(v) >= 1): the edge index. */
static inline int64_t fw2v_first_edge(const fw2v_graph_t *g, int32_t v, uint64_t *rng) {
    int64_t lo = g->indptr[v], hi = g->indptr[v + 1];
    if (!g->cumw) return lo + fw2v_below(rng, hi - lo);
    return fw2v_search_cum(g->cumw, lo, hi, fw2v_uniform(rng) * g->cumw[hi - 1]);
}

static inline double fw2v_bias(const fw2v_graph_t *g, const fw2v_walk_params_t *p, int32_t t,
                               int32_t x) {
    if (x == t) return p->inv_p;
    return fw2v_has_edge(g, t, x) ? 1.0 : p->inv_q;
}

/* The weight of edge v -> t (0 if there is none). */
static double fw2v_edge_weight(const fw2v_graph_t *g, int32_t v, int32_t t) {
    int64_t lo = g->indptr[v], hi = g->indptr[v + 1], row = lo;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        int32_t y = g->indices[mid];
        if (y == t) {
            if (!g->cumw) return 1.0;
            return mid > row ? g->cumw[mid] - g->cumw[mid - 1] : g->cumw[mid];
        }
        if (y < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0.0;
}

/* Rejection sampling with an envelope of height m = max(1, 1/q) over the first-order
 * weights, plus, when 1/p is above m, an extra strip of mass w(v, t) (1/p - m) that
 * returns to t at once (KnightKing's outlier strip): the return edge alone no longer
 * raises the envelope for every neighbour, so a small p costs no extra retries. */
static int32_t fw2v_step_reject(const fw2v_graph_t *g, const fw2v_walk_params_t *p,
                                int32_t t, int32_t v, uint64_t *rng) {
    double m = p->inv_q > 1.0 ? p->inv_q : 1.0;
    int64_t lo = g->indptr[v], hi = g->indptr[v + 1];
    double total = g->cumw ? g->cumw[hi - 1] : (double)(hi - lo);
    double extra = p->inv_p > m ? fw2v_edge_weight(g, v, t) * (p->inv_p - m) : 0.0;
    for (;;) {
        double r = fw2v_uniform(rng) * (m * total + extra);
        if (r >= m * total) return t;
        double r1 = r / m; /* uniform on [0, total): a first-order proposal */
        int64_t e;
        if (g->cumw) {
            e = fw2v_search_cum(g->cumw, lo, hi, r1);
        } else {
            e = lo + (int64_t)r1;
            e = e < hi ? e : hi - 1;
        }
        int32_t x = g->indices[e];
        double a = fw2v_bias(g, p, t, x);
        if (a >= m || fw2v_uniform(rng) * m < a) return x;
    }
}

static int32_t fw2v_step_exact(const fw2v_graph_t *g, const fw2v_walk_params_t *p, int32_t t,
                               int32_t v, double *scratch, uint64_t *rng) {
    int64_t lo = g->indptr[v], d = g->indptr[v + 1] - lo;
    double total = 0.0, prev = 0.0;
    for (int64_t k = 0; k < d; k++) {
        double cw = g->cumw ? g->cumw[lo + k] : (double)(k + 1);
        total += (cw - prev) * fw2v_bias(g, p, t, g->indices[lo + k]);
        prev = cw;
        scratch[k] = total;
    }
    return g->indices[lo + fw2v_search_cum(scratch, 0, d, fw2v_uniform(rng) * total)];
}

/* One step of a walk whose last nodes are out[n - 2], out[n - 1] (n >= 1); -1 when the
 * last node has no out-neighbours. */
static inline int32_t fw2v_step(const fw2v_graph_t *g, const fw2v_walk_params_t *p,
                                const int32_t *out, int64_t n, double *scratch, uint64_t *rng) {
    int32_t v = out[n - 1];
    if (g->indptr[v + 1] == g->indptr[v]) return -1;
    if (n == 1 || p->method == FW2V_WALK_FIRST) return g->indices[fw2v_first_edge(g, v, rng)];
    if (p->method == FW2V_WALK_REJECT) return fw2v_step_reject(g, p, out[n - 2], v, rng);
    return fw2v_step_exact(g, p, out[n - 2], v, scratch, rng);
}

#define FW2V_GROUP 16

/* Walks first .. first + k - 1 (k <= FW2V_GROUP), advanced one step each in turn: the
 * cache misses of different walks overlap instead of each waiting for the last (a walk
 * is a chain of dependent random reads). Each walk keeps its own RNG, so the result is
 * that of walking them one after the other. */
static void fw2v_walk_group(const fw2v_graph_t *g, const fw2v_walk_params_t *p,
                            const int32_t *starts, int64_t first, int k, double *scratch,
                            int32_t *out, int64_t *lengths) {
    uint64_t rng[FW2V_GROUP];
    int alive[FW2V_GROUP];
    int32_t *walk[FW2V_GROUP];
    for (int j = 0; j < k; j++) {
        int64_t w = first + j;
        rng[j] = p->seed * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)w * 0xD1B54A32D192ED03ULL);
        fw2v_next(&rng[j]);
        walk[j] = out + w * p->walk_length;
        walk[j][0] = starts[w];
        lengths[w] = 1;
        alive[j] = 1;
    }
    for (int64_t n = 1, live = k; n < p->walk_length && live > 0; n++) {
        for (int j = 0; j < k; j++) {
            if (!alive[j]) continue;
            int32_t x = fw2v_step(g, p, walk[j], n, scratch, &rng[j]);
            if (x < 0) {
                alive[j] = 0;
                live--;
                continue;
            }
            walk[j][n] = x;
            lengths[first + j] = n + 1;
#if defined(__GNUC__) || defined(__clang__)
            __builtin_prefetch(&g->indptr[x]);
#endif
        }
    }
}

int fw2v_random_walks(const fw2v_graph_t *g, const fw2v_walk_params_t *p,
                      const int32_t *starts, int64_t n_walks, int64_t max_degree,
                      int32_t *out, int64_t *lengths, int n_threads) {
    int failed = 0; /* shared: set by any thread, read by all after the barrier */
    (void)n_threads;
#ifdef _OPENMP
#pragma omp parallel num_threads(n_threads)
#endif
    {
        double *scratch = NULL;
        if (p->method == FW2V_WALK_EXACT) {
            scratch = malloc((size_t)(max_degree > 0 ? max_degree : 1) * sizeof(double));
            if (!scratch) {
#ifdef _OPENMP
#pragma omp atomic write
#endif
                failed = 1;
            }
        }
#ifdef _OPENMP
#pragma omp barrier
#endif
        int skip; /* the same for every thread, so all or none reach the loop */
#ifdef _OPENMP
#pragma omp atomic read
#endif
        skip = failed;
        if (!skip) {
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 4)
#endif
            for (int64_t first = 0; first < n_walks; first += FW2V_GROUP) {
                int64_t k = n_walks - first < FW2V_GROUP ? n_walks - first : FW2V_GROUP;
                fw2v_walk_group(g, p, starts, first, (int)k, scratch, out, lengths);
            }
        }
        free(scratch);
    }
    return failed ? -1 : 0;
}

int64_t fw2v_walks_compact(int32_t *out, const int64_t *lengths, int64_t n_walks,
                           int64_t walk_length, int64_t *indptr) {
    int64_t at = 0;
    indptr[0] = 0;
    for (int64_t w = 0; w < n_walks; w++) {
        if (at != w * walk_length)
            memmove(out + at, out + w * walk_length, (size_t)lengths[w] * sizeof(int32_t));
        at += lengths[w];
        indptr[w + 1] = at;
    }
    return at;
}

int fw2v_walk_openmp(void) {
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}
