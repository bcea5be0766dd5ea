/* fw2v_walk.h: DeepWalk and node2vec random walks on a CSR graph, multithreaded.
 *
 * The graph is read-only CSR: the out-neighbours of node v are indices[indptr[v] ..
 * indptr[v + 1]), sorted increasingly (node2vec asks "is x a neighbour of t?" by binary
 * search), with positive edge weights or none (every weight 1). For weighted graphs the
 * caller also gives cumw, the running sum of the weights within each row, so that a
 * first-order step is one binary search.
 *
 * Walk w starts at starts[w] and draws from its own RNG, seeded from (seed, w): the walks
 * do not depend on the number of threads or on scheduling. A walk stops early at a node
 * without out-neighbours. Each thread advances groups of walks one step each in turn, so
 * that their cache misses overlap.
 *
 * node2vec (Grover & Leskovec 2016) moves from v, having come from t, to a neighbour x
 * with probability proportional to w(v, x) * a(t, x), a = 1/p if x == t, 1 if x is a
 * neighbour of t, 1/q otherwise. Two exact ways to draw it:
 *   FW2V_WALK_REJECT: draw x from the first-order distribution w(v, .) and accept it with
 *     probability a(t, x) / max(1, 1/q), the return to t getting an extra strip of its
 *     own when 1/p is larger (KnightKing's rejection sampling with an outlier): a few
 *     binary searches per trial, whatever the degree;
 *   FW2V_WALK_EXACT: compute w(v, x) a(t, x) for every neighbour (PecanPy's SparseOTF):
 *     O(deg(v) log deg(t)) per step, no retries.
 * Nothing here touches Python objects; no globals.
 */
#ifndef FW2V_WALK_H
#define FW2V_WALK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int64_t n_nodes;
    const int64_t *indptr;  /* n_nodes + 1 */
    const int32_t *indices; /* sorted within each row */
    const double *cumw;     /* running weight sums within each row; NULL: unweighted */
} fw2v_graph_t;

enum { FW2V_WALK_FIRST = 0, FW2V_WALK_REJECT = 1, FW2V_WALK_EXACT = 2 };

typedef struct {
    int64_t walk_length; /* nodes per walk, >= 1 */
    double inv_p, inv_q; /* 1/p, 1/q */
    int method;          /* FW2V_WALK_FIRST (DeepWalk, p = q = 1), _REJECT or _EXACT */
    uint64_t seed;
} fw2v_walk_params_t;

/* Walk from each of starts[0..n_walks): walk w is written to out[w * walk_length ..] and
 * its length (<= walk_length) to lengths[w]. Returns 0, or -1 when a thread could not
 * allocate its scratch buffer (FW2V_WALK_EXACT needs max_degree doubles). */
int fw2v_random_walks(const fw2v_graph_t *g, const fw2v_walk_params_t *p,
                      const int32_t *starts, int64_t n_walks, int64_t max_degree,
                      int32_t *out, int64_t *lengths, int n_threads);

/* Move the walks of fw2v_random_walks together (walk w to out[indptr[w] ..]), in place,
 * and fill indptr (n_walks + 1 entries). Returns the total length. */
int64_t fw2v_walks_compact(int32_t *out, const int64_t *lengths, int64_t n_walks,
                           int64_t walk_length, int64_t *indptr);

/* 1 if the library was built with OpenMP. */
int fw2v_walk_openmp(void);

#ifdef __cplusplus
}
#endif
#endif
