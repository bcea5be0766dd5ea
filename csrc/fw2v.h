/* fw2v.h: the word2vec training kernels of fastw2v.
 *
 * The kernels never see a Python object: they take one read-only parameter struct
 * (shapes, tables, the shared weight matrices) and one state struct per thread (RNG,
 * scratch buffers, loss and word tallies). Several threads may run fw2v_train_sentences
 * at once on disjoint shards of a chunk; they update w_in / w_out_ns / w_out_hs / w_out_sm
 * without locks (Hogwild): rows collide rarely and a lost update only costs a little progress.
 * Everything else a thread writes lives in its own state.
 */
#ifndef FW2V_H
#define FW2V_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The batched skip-gram kernel steps on at most this many context words of a window at
 * once, each block against its own draw of noise words. Every output row of a block (the
 * centre's, the noise words', the Huffman nodes') moves by the sum of the block's context
 * gradients, all taken from the same old values: a step that grows with the block, where
 * the pair kernel's successive steps damp themselves (each sees the row the last one
 * moved). With a whole window of 2 x 100 contexts and one noise word that sum diverged at
 * alpha 0.05; 10 is the default window's 2 x 5, so default settings keep one block. */
#define FW2V_BATCH_CONTEXTS 10

enum {
    FW2V_OK = 0,
    FW2V_ERR_NONFINITE = 1, /* a dot product became NaN/inf: training diverged */
};

/* Read-only for the duration of a call; shared by all threads. */
typedef struct {
    int64_t vocab_size;
    int dim;
    int sg;               /* 1: skip-gram, 0: CBOW */
    int cbow_mean;        /* CBOW hidden layer: 1 mean of context rows, 0 their sum */
    int window;           /* maximal window; the effective one is drawn from 1..window */
    int shrink_windows;   /* 1: draw the effective window (word2vec.c); 0: always `window` */
    int whole_sequence;   /* 1: every other word of the sentence is a context word (an
                           * unordered basket of items); window and shrink_windows unused */
    int negative;         /* noise words per positive example (0: no negative sampling) */
    int hs;               /* 1: hierarchical softmax output layer */
    int softmax;          /* 1: full softmax over the vocabulary (small vocabularies only) */
    int batched;          /* skip-gram only: share one set of negatives across a window */
    int compute_loss;     /* accumulate the training objective in the thread tallies */
    int max_code_len;     /* longest Huffman code (0 without hs) */

    const float *keep_prob;     /* [V] probability of keeping each word (NULL: keep all) */
    const float *noise_prob;    /* [V] alias table: acceptance probability */
    const int32_t *noise_alias; /* [V] alias table: alternative word */
    const uint8_t *codes;       /* Huffman codes, concatenated */
    const int32_t *points;      /* inner-node rows of w_out_hs along each word's path */
    const int64_t *code_offsets;/* [V+1] word w's code is codes[code_offsets[w] .. [w+1]) */

    float *w_in;      /* [V, dim]   input vectors: the word vectors users keep */
    float *w_out_ns;  /* [V, dim]   output vectors for negative sampling */
    float *w_out_hs;  /* [V-1, dim] inner-node vectors for hierarchical softmax */
    float *w_out_sm;  /* [V, dim]   output vectors for the full softmax */
    /* [V] per-input-row lock factors (gensim's vectors_lockf): each update of input row w
     * (skip-gram's context row, CBOW's context rows) is multiplied by lockf[w], 0 keeping
     * the row fixed, 1 training it freely. Output rows are never locked. NULL: all 1, and
     * the updates are exactly those without this field. */
    const float *lockf;

    /* The learning rate (fw2v_rate): linear decay from alpha to min_alpha over
     * total_words words, or over each epoch_words-word epoch in turn when epoch_words > 0
     * (restarts); during the first warmup (a fraction of total_words) it rises linearly
     * from min_alpha to the decayed value. epoch_words 0 and warmup 0 are word2vec.c's. */
    double alpha;
    double min_alpha;
    int64_t total_words;
    int64_t epoch_words;
    double warmup;

    /* Hot rows: the last hot_hs_rows rows of w_out_hs, the top inner nodes of the Huffman
     * tree (the root is on every word's path, its children on about half, ...). Every
     * thread writes them at nearly every example, so shared they would move between the
     * cores' caches at every update. Each thread state updates private copies instead,
     * and adds the copies' change to the shared rows every hot_sync_words centre words
     * and when its shard ends. 0: none, every row is shared (always so for one thread). */
    int64_t hot_hs_rows;
    int64_t hot_sync_words;

    /* Polled by every thread before each centre word: once it is nonzero, each thread
     * finishes the word in progress and returns, recording where it stopped (see
     * fw2v_thread_t.stop_sentence). NULL: never stop. */
    const volatile int32_t *stop;
} fw2v_params_t;

/* A thread's private copy of a block of hot rows (see fw2v_params_t.hot_hs_rows). */
typedef struct {
    float *shared;        /* the rows in the shared matrix */
    float *mine;          /* this state's copy */
    float *base;          /* the copy's value at the last merge */
    int64_t n;            /* floats in the block */
} fw2v_hot_t;

/* Per-thread state. Allocated with fw2v_thread_new so that each one starts on its own
 * cache line and its scratch buffers are never shared between threads. */
typedef struct {
    uint64_t rng;
    int status;
    /* tallies, summed by the caller after the parallel region */
    double loss;          /* sum over output terms of -log p(label) */
    int64_t loss_terms;   /* number of (input, output-row) terms in loss */
    int64_t words;        /* in-vocabulary words of the sentences finished (before subsampling) */
    int64_t kept_words;   /* words of those sentences left after subsampling */
    int64_t examples;     /* training examples: (context, centre) pairs, or CBOW windows */
    /* scratch */
    int64_t sentence_cap;
    int32_t *sentence;    /* [sentence_cap] the current sentence after subsampling */
    int32_t *ctx;         /* [2 * window] context word ids */
    int32_t *negs;        /* [blocks * negative] noise word ids (blocks: see fw2v_sg_batch) */
    float *neu1;          /* [dim] CBOW hidden layer */
    float *neu1e;         /* [dim] gradient for the input side */
    float *grad_in;       /* [2 * window * dim] batched skip-gram input gradients */
    float *g;             /* [2 * window * max_targets + 16] output-term gradients */
    float **rows;         /* [max_targets] output rows of the current example */
    float *labels;        /* [max_targets + 16] 1 for the true word / code bit 0, else 0 */
    float *lab;           /* [2 * window * max_targets + 16] labels of a batched block */
    float **in_rows;      /* [2 * window] input rows of a batched block */
    float **grad_rows;    /* [2 * window] their gradients: rows of grad_in */
    float *logits;        /* [V] full softmax scores (only with softmax) */
    int max_targets;
    /* hot rows (see fw2v_params_t.hot_hs_rows) */
    int64_t hot_hs_first; /* the first hot row of w_out_hs (vocab_size - 1: none) */
    fw2v_hot_t hot_hs;    /* their private copy (n == 0: none) */
    int64_t since_merge;  /* centre words since the last merge */
    /* Stopping and resuming within a shard. A call stopped by fw2v_params_t.stop sets
     * (stop_sentence, stop_word) to the next sentence and subsampled centre position it
     * would have trained ((s_end, 0) when it finished); its tallies hold the sentences it
     * finished and the examples it trained. Given those as (resume_sentence, resume_word)
     * (set by the caller; zero from fw2v_thread_new), a new state with the same seed
     * replays the random draws up to there without updating anything and trains the rest:
     * with one thread, the weights of an uninterrupted call to the bit. */
    int64_t resume_sentence, resume_word;
    int64_t stop_sentence, stop_word;
} fw2v_thread_t;

/* Allocate a thread state for params p, seeded with seed; NULL on allocation failure. */
fw2v_thread_t *fw2v_thread_new(const fw2v_params_t *p, uint64_t seed, int64_t sentence_cap);
void fw2v_thread_free(fw2v_thread_t *t);

/* Train on sentences [s_begin, s_end) of a chunk: tokens[offsets[s] .. offsets[s+1]) are
 * the in-vocabulary word ids of sentence s. words_before is the number of words trained
 * (over all epochs and threads) before tokens[offsets[s_begin]], which fixes the learning
 * rate without any shared counter. Stops early when p->stop is raised; resumes from
 * (t->resume_sentence, t->resume_word) (see fw2v_thread_t). */
void fw2v_train_sentences(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *tokens,
                          const int64_t *offsets, int64_t s_begin, int64_t s_end,
                          int64_t words_before);

/* One training example with explicit noise words: exactly the updates that
 * fw2v_train_sentences applies, exposed so that tests can compare with a reference.
 *   skip-gram, one pair at a time (word2vec.c's order): context ctx predicts centre;
 *   skip-gram, batched: the n_ctx context words predict centre in fw2v_batch_blocks(n_ctx)
 *     blocks of at most FW2V_BATCH_CONTEXTS, one simultaneous step per block, block b
 *     against the shared noise words negs[b * negative .. (b + 1) * negative);
 *   CBOW: the mean (or sum) of the context rows predicts centre.
 * With the full softmax the skip-gram kernel is always the pair one (every example
 * touches every output row anyway, so there is nothing to share).
 * negs holds `negative` noise ids; ids equal to centre are skipped, as in word2vec.c. */
void fw2v_sg_pair(const fw2v_params_t *p, fw2v_thread_t *t, int32_t ctx, int32_t centre,
                  const int32_t *negs, float alpha);
void fw2v_sg_batch(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                   int32_t centre, const int32_t *negs, float alpha);
void fw2v_cbow(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
               int32_t centre, const int32_t *negs, float alpha);

/* Blocks of the batched skip-gram kernel for n_ctx context words: ceil(n_ctx / B) of
 * nearly equal size, block b holding contexts [b * n_ctx / blocks, (b + 1) * n_ctx / blocks). */
static inline int fw2v_batch_blocks(int n_ctx) {
    return (n_ctx + FW2V_BATCH_CONTEXTS - 1) / FW2V_BATCH_CONTEXTS;
}

/* Which instruction-set clone of the kernels runs on this CPU ("x86-64-v4", ...). */
const char *fw2v_cpu_target(void);

#ifdef __cplusplus
}
#endif
#endif /* FW2V_H */
