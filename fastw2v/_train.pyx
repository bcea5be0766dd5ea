# cython: language_level=3
"""The only Cython in fastw2v: check arguments, release the GIL, call the C kernels.

Nothing here sees the model object: callers pass typed arrays and scalars, this module
fills the C parameter struct, splits the chunk into one contiguous shard per thread and
runs the shards in an OpenMP parallel loop without the GIL. The weight matrices are
updated by all threads without locks (Hogwild); every other piece of state (RNG, scratch,
loss and word tallies) belongs to one thread and is summed here afterwards.
"""

import numpy as np

from fastw2v.seeds import shard_seed

from cython.parallel import prange
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libc.stdlib cimport calloc, free

cdef extern from "fw2v.h" nogil:
    enum:
        FW2V_OK
        FW2V_ERR_NONFINITE
        FW2V_BATCH_CONTEXTS

    ctypedef struct fw2v_params_t:
        int64_t vocab_size
        int dim
        int sg
        int cbow_mean
        int window
        int shrink_windows
        int whole_sequence
        int negative
        int hs
        int softmax
        int batched
        int compute_loss
        int max_code_len
        const float *keep_prob
        const float *noise_prob
        const int32_t *noise_alias
        const uint8_t *codes
        const int32_t *points
        const int64_t *code_offsets
        float *w_in
        float *w_out_ns
        float *w_out_hs
        float *w_out_sm
        const float *lockf
        double alpha
        double min_alpha
        int64_t total_words
        int64_t epoch_words
        double warmup
        int64_t hot_hs_rows
        int64_t hot_sync_words
        const int32_t *stop

    ctypedef struct fw2v_thread_t:
        uint64_t rng
        int status
        double loss
        int64_t loss_terms
        int64_t words
        int64_t kept_words
        int64_t examples
        int64_t resume_sentence
        int64_t resume_word
        int64_t stop_sentence
        int64_t stop_word

    fw2v_thread_t *fw2v_thread_new(const fw2v_params_t *p, uint64_t seed, int64_t sentence_cap)
    void fw2v_thread_free(fw2v_thread_t *t)
    void fw2v_train_sentences(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *tokens,
                              const int64_t *offsets, int64_t s_begin, int64_t s_end,
                              int64_t words_before)
    void fw2v_sg_pair(const fw2v_params_t *p, fw2v_thread_t *t, int32_t ctx, int32_t centre,
                      const int32_t *negs, float alpha)
    void fw2v_sg_batch(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                       int32_t centre, const int32_t *negs, float alpha)
    void fw2v_cbow(const fw2v_params_t *p, fw2v_thread_t *t, const int32_t *ctx, int n_ctx,
                   int32_t centre, const int32_t *negs, float alpha)
    const char *fw2v_cpu_target()
    int fw2v_batch_blocks(int n_ctx)

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define FW2V_OPENMP 1
    static int fw2v_max_threads(void) { return omp_get_max_threads(); }
    #else
    #define FW2V_OPENMP 0
    static int fw2v_max_threads(void) { return 1; }
    #endif
    #ifndef FW2V_BUILD_FLAGS
    #define FW2V_BUILD_FLAGS ""
    #endif
    """
    int FW2V_OPENMP
    const char *FW2V_BUILD_FLAGS
    int fw2v_max_threads() nogil


_EMPTY_F32_2D = np.zeros((0, 1), dtype=np.float32)
_EMPTY_F32 = np.zeros(0, dtype=np.float32)
_EMPTY_I32 = np.zeros(0, dtype=np.int32)
_EMPTY_I64 = np.zeros(1, dtype=np.int64)
_EMPTY_U8 = np.zeros(0, dtype=np.uint8)


def build_info():
    """How this extension was built and which kernel clone runs on this CPU."""
    return {
        "openmp": bool(FW2V_OPENMP),
        "max_threads": fw2v_max_threads(),
        "cpu_target": fw2v_cpu_target().decode(),
        "compile_flags": FW2V_BUILD_FLAGS.decode(),
    }


BATCH_CONTEXTS = FW2V_BATCH_CONTEXTS
"""Most context words the batched skip-gram kernel steps on at once: a wider window is cut
into ``ceil(n / BATCH_CONTEXTS)`` blocks of nearly equal size, each against its own noise
words (see csrc/fw2v.h for why)."""

SHARDS_PER_THREAD = 4
"""Shards a chunk is cut into per thread (see KernelTables.train_chunk)."""

HOT_HS_ROWS = 64
"""With more than one thread, each thread updates its own copy of the top HOT_HS_ROWS
inner nodes of the Huffman tree (the root is on every word's path, its children on about
half, ...) and adds its change to the shared rows every HOT_SYNC_WORDS centre words and at
the end of each shard. Written by every thread at every example, these rows otherwise
bounce between the cores' caches (benchmarks/README.md, section 2026-11-24, gives the
ab_kernel.py command that measures the private copies off and on). 64 rows cover the first
six levels of the tree."""

HOT_SYNC_WORDS = 1024
"""Centre words between two merges of a thread's hot rows (see HOT_HS_ROWS)."""


cdef class KernelTables:
    """The arrays and settings of one training run, checked once.

    The tables (noise, Huffman, subsampling) are read-only; the weight matrices are updated
    in place by :meth:`train_chunk`, by all threads at once (Hogwild), and ``train_chunk``
    sets the per-call number of private hot rows in the parameter struct. Holding the arrays
    here keeps them alive (and their pointers valid) for as long as the C parameter struct
    built from them is used.
    """
    cdef fw2v_params_t p
    cdef readonly object w_in, w_out_ns, w_out_hs, w_out_sm, keep_prob, noise_prob, noise_alias
    cdef readonly object codes, points, code_offsets, lockf

    def __init__(self, w_in, w_out_ns, w_out_hs, keep_prob, noise_prob, noise_alias,
                 codes, points, code_offsets, *, int sg, int cbow_mean, int window,
                 int negative, int hs, int batched, int compute_loss,
                 double alpha, double min_alpha, int64_t total_words,
                 w_out_sm=None, lockf=None, int shrink_windows=1, int whole_sequence=0,
                 int64_t epoch_words=0, double warmup=0.0):
        cdef float[:, ::1] w_in_v = w_in
        cdef int64_t V = w_in_v.shape[0]
        cdef int dim = <int>w_in_v.shape[1]
        if V < 1 or dim < 1:
            raise ValueError(f"w_in must be (vocab_size >= 1, dim >= 1), got {w_in.shape}")
        if window < 1:
            raise ValueError(f"window must be >= 1, got {window}")
        if negative < 0:
            raise ValueError(f"negative must be >= 0, got {negative}")
        if negative == 0 and not hs and w_out_sm is None:
            raise ValueError("no output layer: set negative > 0, hs=1 or pass w_out_sm")
        if V >= 2 ** 31:
            raise ValueError("vocabulary too large for 32-bit word ids")
        self.w_in = w_in
        self.p.vocab_size = V
        self.p.dim = dim
        self.p.sg = 1 if sg else 0
        self.p.cbow_mean = 1 if cbow_mean else 0
        self.p.window = window
        self.p.shrink_windows = 1 if shrink_windows else 0
        self.p.whole_sequence = 1 if whole_sequence else 0
        self.p.negative = negative
        self.p.hs = 1 if hs else 0
        self.p.batched = 1 if batched else 0
        self.p.compute_loss = 1 if compute_loss else 0
        self.p.alpha = alpha
        self.p.min_alpha = min_alpha
        self.p.total_words = total_words
        self.p.epoch_words = epoch_words if epoch_words > 0 else 0
        self.p.warmup = warmup
        self.p.hot_hs_rows = 0
        self.p.hot_sync_words = HOT_SYNC_WORDS
        self.p.stop = NULL
        self.p.w_in = &w_in_v[0, 0]
        self.p.w_out_ns = NULL
        self.p.noise_prob = NULL
        self.p.noise_alias = NULL
        if negative > 0:
            self._set_negative(w_out_ns, noise_prob, noise_alias)
        self.p.w_out_hs = NULL
        self.p.codes = NULL
        self.p.points = NULL
        self.p.code_offsets = NULL
        self.p.max_code_len = 0
        if hs:
            self._set_hierarchical(w_out_hs, codes, points, code_offsets)
        self.p.softmax = 0
        self.p.w_out_sm = NULL
        if w_out_sm is not None:
            self._set_softmax(w_out_sm)
        self.p.keep_prob = NULL
        if keep_prob is not None:
            self._set_keep(keep_prob)
        self.p.lockf = NULL
        if lockf is not None:
            self._set_lockf(lockf)

    cdef _set_negative(self, w_out_ns, noise_prob, noise_alias):
        cdef int64_t V = self.p.vocab_size, i
        cdef int dim = self.p.dim
        cdef float[:, ::1] ns_v = w_out_ns
        cdef const float[::1] np_v = noise_prob
        cdef const int32_t[::1] na_v = noise_alias
        if ns_v.shape[0] != V or ns_v.shape[1] != dim:
            raise ValueError(f"w_out_ns must have shape {(V, dim)}, got {w_out_ns.shape}")
        if np_v.shape[0] != V or na_v.shape[0] != V:
            raise ValueError("noise alias table must have one entry per word")
        for i in range(V):
            if na_v[i] < 0 or na_v[i] >= V:
                raise ValueError(f"noise alias table entry {i} out of range")
        self.w_out_ns, self.noise_prob, self.noise_alias = w_out_ns, noise_prob, noise_alias
        self.p.w_out_ns = &ns_v[0, 0]
        self.p.noise_prob = &np_v[0]
        self.p.noise_alias = &na_v[0]

    cdef _set_hierarchical(self, w_out_hs, codes, points, code_offsets):
        cdef int64_t V = self.p.vocab_size, i
        cdef int dim = self.p.dim
        cdef float[:, ::1] hs_v = w_out_hs
        cdef const uint8_t[::1] cd_v = codes
        cdef const int32_t[::1] pt_v = points
        cdef const int64_t[::1] co_v = code_offsets
        if hs_v.shape[1] != dim or hs_v.shape[0] < max(V - 1, 1):
            raise ValueError(f"w_out_hs must have shape ({max(V - 1, 1)}, {dim}), got {w_out_hs.shape}")
        if co_v.shape[0] != V + 1 or co_v[0] != 0 or co_v[V] != cd_v.shape[0] or pt_v.shape[0] != cd_v.shape[0]:
            raise ValueError("Huffman tables do not match the vocabulary")
        for i in range(V):
            if co_v[i + 1] < co_v[i]:
                raise ValueError("Huffman code offsets must not decrease")
            self.p.max_code_len = max(self.p.max_code_len, <int>(co_v[i + 1] - co_v[i]))
        for i in range(pt_v.shape[0]):
            if pt_v[i] < 0 or pt_v[i] >= hs_v.shape[0]:
                raise ValueError(f"Huffman point {i} out of range")
        self.w_out_hs, self.codes, self.points, self.code_offsets = w_out_hs, codes, points, code_offsets
        self.p.w_out_hs = &hs_v[0, 0]
        if cd_v.shape[0] > 0:
            self.p.codes = &cd_v[0]
            self.p.points = &pt_v[0]
        self.p.code_offsets = &co_v[0]

    cdef _set_softmax(self, w_out_sm):
        cdef int64_t V = self.p.vocab_size
        cdef int dim = self.p.dim
        cdef float[:, ::1] sm_v = w_out_sm
        if sm_v.shape[0] != V or sm_v.shape[1] != dim:
            raise ValueError(f"w_out_sm must have shape {(V, dim)}, got {w_out_sm.shape}")
        self.w_out_sm = w_out_sm
        self.p.softmax = 1
        self.p.w_out_sm = &sm_v[0, 0]

    cdef _set_keep(self, keep_prob):
        cdef const float[::1] kp_v = keep_prob
        if kp_v.shape[0] != self.p.vocab_size:
            raise ValueError("keep_prob must have one entry per word")
        self.keep_prob = keep_prob
        self.p.keep_prob = &kp_v[0]

    cdef _set_lockf(self, lockf):
        cdef const float[::1] lf_v = lockf
        cdef int64_t i
        if lf_v.shape[0] != self.p.vocab_size:
            raise ValueError("lockf must have one factor per input row")
        for i in range(lf_v.shape[0]):
            if not (lf_v[i] >= 0.0 and lf_v[i] <= 1.0):
                raise ValueError(f"lockf[{i}] = {lf_v[i]} is not in [0, 1]")
        self.lockf = lockf
        self.p.lockf = &lf_v[0]

    @property
    def dim(self):
        return self.p.dim

    @property
    def vocab_size(self):
        return self.p.vocab_size

    def train_chunk(self, const int32_t[::1] tokens, const int64_t[::1] offsets,
                    int64_t words_before, uint64_t seed, int n_threads, int hot_rows=-1,
                    *, stop=None, resume_at=None):
        """Train on one chunk of sentences, split into shards of about equal size.

        Parameters
        ----------
        tokens : int32 array
            Word ids of all sentences of the chunk, concatenated.
        offsets : int64 array
            Sentence ``s`` is ``tokens[offsets[s]:offsets[s + 1]]``; ``offsets[0] == 0``.
        words_before : int
            Words trained before this chunk over the whole run (learning-rate position).
        seed : int
            Seed of this chunk; shard ``i`` seeds its RNG from
            ``fastw2v.seeds.shard_seed(seed, i)``.
        n_threads : int
            Threads; the chunk is cut into ``SHARDS_PER_THREAD`` shards per thread.
        hot_rows : int
            Private hot rows of hierarchical softmax per thread (see ``HOT_HS_ROWS``);
            -1 (default): ``HOT_HS_ROWS`` with several threads, none with one. Tests set it.
        stop : int32 array of length >= 1, optional
            A stop flag the kernel threads poll before every centre word, without the GIL:
            once ``stop[0]`` is nonzero (set from another thread or a signal handler), each
            thread finishes its word and returns. The chunk is then left part trained.
        resume_at : int64 array of shape (shards, 2), optional
            Continue a chunk a stopped call left part trained: the ``stopped_at`` it
            returned, with the same chunk, ``words_before`` and ``seed`` (any
            ``n_threads``). With one thread the weights end as an uninterrupted call's.

        Returns
        -------
        tuple
            ``(loss, loss_terms, words, kept_words, examples, stopped_at)``: the tallies
            summed over the threads (``words`` and ``kept_words`` count the sentences
            finished), and ``None`` when the whole chunk is trained, else for each shard the
            (sentence, subsampled position) it would have trained next.
        """
        cdef int64_t n_sent = offsets.shape[0] - 1
        cdef int64_t n_tok = tokens.shape[0]
        cdef int64_t V = self.p.vocab_size
        if n_threads < 1:
            raise ValueError(f"n_threads must be >= 1, got {n_threads}")
        cdef int64_t longest = self._check_chunk(tokens, offsets)
        cdef int32_t[::1] stop_v
        if stop is not None:
            stop_v = stop
            if stop_v.shape[0] < 1:
                raise ValueError("stop must be an int32 array of at least one element")
        if n_sent == 0:
            return (0.0, 0, 0, 0, 0, None)

        # Shard boundaries: sentence indices splitting the chunk's words into equal parts,
        # several per thread, handed out dynamically: a thread that loses its core for a
        # while (to the reader thread, or another process) leaves its remaining shards to
        # the others instead of making them wait at the end of the chunk. Each shard has
        # its own RNG seeded from (seed, shard), so one thread gives the same result
        # whatever the order, and the result does not depend on timing. A resumed chunk
        # keeps the shards it was stopped with.
        cdef int64_t want = <int64_t>n_threads * SHARDS_PER_THREAD
        cdef int n_shards = <int>(want if want < n_sent else n_sent)
        if resume_at is not None:
            n_shards = len(resume_at)
        bounds = np.searchsorted(np.asarray(offsets), np.linspace(0, n_tok, n_shards + 1)[1:-1])
        cdef int64_t[::1] sb = np.concatenate(([0], bounds, [n_sent])).astype(np.int64)
        cdef int64_t[:, ::1] start = _resume_positions(resume_at, sb, offsets)

        # One thread shares its cache with nobody: no private hot rows, and the exact
        # updates the reference tests pin down.
        if hot_rows < 0:
            hot_rows = HOT_HS_ROWS if n_threads > 1 else 0
        self.p.hot_hs_rows = min(hot_rows, V - 1) if self.p.w_out_hs != NULL else 0
        cdef fw2v_thread_t **states = <fw2v_thread_t **>calloc(n_shards, sizeof(fw2v_thread_t *))
        if states == NULL:
            raise MemoryError()
        cdef int k
        stopped_at = np.empty((n_shards, 2), np.int64)
        cdef int64_t[:, ::1] at = stopped_at
        cdef int unfinished = 0
        try:
            for k in range(n_shards):
                states[k] = fw2v_thread_new(&self.p, <uint64_t>shard_seed(seed, k), longest)
                if states[k] == NULL:
                    raise MemoryError("could not allocate thread scratch buffers")
                states[k].resume_sentence = start[k, 0]
                states[k].resume_word = start[k, 1]
                states[k].stop_sentence = sb[k + 1]
                states[k].stop_word = 0
            if stop is not None:
                self.p.stop = &stop_v[0]
            with nogil:
                for k in prange(n_shards, schedule="dynamic", chunksize=1,
                                num_threads=n_threads):
                    if start[k, 0] < sb[k + 1]:
                        fw2v_train_sentences(&self.p, states[k], &tokens[0], &offsets[0],
                                             sb[k], sb[k + 1], words_before + offsets[sb[k]])
            loss = 0.0
            loss_terms = words = kept = examples = 0
            status = FW2V_OK
            for k in range(n_shards):
                loss += states[k].loss
                loss_terms += states[k].loss_terms
                words += states[k].words
                kept += states[k].kept_words
                examples += states[k].examples
                at[k, 0] = states[k].stop_sentence
                at[k, 1] = states[k].stop_word
                if at[k, 0] < sb[k + 1]:
                    unfinished = 1
                if states[k].status != FW2V_OK:
                    status = states[k].status
        finally:
            self.p.stop = NULL
            for k in range(n_shards):
                fw2v_thread_free(states[k])
            free(states)
            # Only train_chunk pulls and merges hot rows: a state made elsewhere (the
            # example() hook) must use the shared rows.
            self.p.hot_hs_rows = 0
        if status == FW2V_ERR_NONFINITE:
            raise FloatingPointError("non-finite value in the weights")
        return (loss, loss_terms, words, kept, examples, stopped_at if unfinished else None)

    cdef int64_t _check_chunk(self, const int32_t[::1] tokens,
                              const int64_t[::1] offsets) except -1:
        """Check a chunk's offsets and ids; return its longest sentence (at least 1)."""
        cdef int64_t n_sent = offsets.shape[0] - 1
        cdef int64_t n_tok = tokens.shape[0]
        cdef int64_t V = self.p.vocab_size
        cdef int64_t i, s, longest = 1
        if n_sent < 0 or offsets[0] != 0 or offsets[n_sent] != n_tok:
            raise ValueError("offsets must start at 0 and end at len(tokens)")
        cdef int bad = 0
        with nogil:
            for s in range(n_sent):
                if offsets[s + 1] < offsets[s]:
                    bad = 1
                    break
                if offsets[s + 1] - offsets[s] > longest:
                    longest = offsets[s + 1] - offsets[s]
            for i in range(n_tok):
                if tokens[i] < 0 or tokens[i] >= V:
                    bad = 2
                    break
        if bad == 1:
            raise ValueError("sentence offsets must not decrease")
        if bad == 2:
            raise ValueError(f"word id out of range [0, {V}) in chunk")
        return longest

    def example(self, str kind, const int32_t[::1] ctx, int32_t centre,
                const int32_t[:, ::1] negs, float alpha):
        """Test hook: apply exactly the kernel's update for one example, no RNG involved.

        ``kind`` is ``"sg_pair"`` (each context word against ``negs[m]``), ``"sg_batch"`` (the
        context words in blocks of at most ``BATCH_CONTEXTS``, block ``b`` against ``negs[b]``)
        or ``"cbow"`` (all context words against ``negs[0]``). ``negs`` has shape
        (rows, negative), rows being len(ctx), the blocks or 1. Returns ``(loss, loss_terms)``.
        """
        cdef int64_t V = self.p.vocab_size
        cdef int n_ctx = <int>ctx.shape[0]
        cdef int m, j
        if n_ctx < 1 or n_ctx > 2 * self.p.window:
            raise ValueError(f"need 1..{2 * self.p.window} context words")
        if centre < 0 or centre >= V:
            raise ValueError("centre out of range")
        for m in range(n_ctx):
            if ctx[m] < 0 or ctx[m] >= V:
                raise ValueError("context id out of range")
        if self.p.negative > 0:
            rows_needed = (n_ctx if kind == "sg_pair" else
                           fw2v_batch_blocks(n_ctx) if kind == "sg_batch" else 1)
            if negs.shape[1] != self.p.negative or negs.shape[0] < rows_needed:
                raise ValueError("negs has the wrong shape")
            for m in range(negs.shape[0]):
                for j in range(negs.shape[1]):
                    if negs[m, j] < 0 or negs[m, j] >= V:
                        raise ValueError("noise id out of range")
        cdef int32_t dummy = 0
        cdef const int32_t *neg_ptr
        cdef fw2v_thread_t *t = fw2v_thread_new(&self.p, 0, 1)
        if t == NULL:
            raise MemoryError()
        try:
            if kind == "sg_pair":
                for m in range(n_ctx):
                    neg_ptr = &negs[m, 0] if self.p.negative > 0 else &dummy
                    fw2v_sg_pair(&self.p, t, ctx[m], centre, neg_ptr, alpha)
            elif kind == "sg_batch":
                if self.p.softmax:
                    raise ValueError("the full softmax has no batched skip-gram kernel")
                neg_ptr = &negs[0, 0] if self.p.negative > 0 else &dummy
                fw2v_sg_batch(&self.p, t, &ctx[0], n_ctx, centre, neg_ptr, alpha)
            elif kind == "cbow":
                neg_ptr = &negs[0, 0] if self.p.negative > 0 else &dummy
                fw2v_cbow(&self.p, t, &ctx[0], n_ctx, centre, neg_ptr, alpha)
            else:
                raise ValueError(f"unknown kind {kind!r}")
            result = (t.loss, t.loss_terms)
        finally:
            fw2v_thread_free(t)
        return result


def _resume_positions(resume_at, const int64_t[::1] sb, const int64_t[::1] offsets):
    """Each shard's starting (sentence, position): ``resume_at`` checked against the shard
    bounds ``sb``, or every shard from its first sentence."""
    cdef int n_shards = sb.shape[0] - 1
    if resume_at is None:
        start = np.zeros((n_shards, 2), np.int64)
        start[:, 0] = np.asarray(sb[:n_shards])
        return start
    start = np.array(resume_at, dtype=np.int64)
    if start.ndim != 2 or start.shape[1] != 2:
        raise ValueError(f"resume_at must have shape (shards, 2), got {start.shape}")
    cdef int64_t[:, ::1] st = start
    cdef int k
    for k in range(n_shards):
        s, w = st[k, 0], st[k, 1]
        if not sb[k] <= s <= sb[k + 1] or w < 0:
            raise ValueError(f"resume_at[{k}] = ({s}, {w}) is outside shard {k}")
        if s == sb[k + 1] and w != 0 or s < sb[k + 1] and w > offsets[s + 1] - offsets[s]:
            raise ValueError(f"resume_at[{k}] = ({s}, {w}) is past the end of its sentence")
    return start
