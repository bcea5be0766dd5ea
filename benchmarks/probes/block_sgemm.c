/* Probe: the batched skip-gram block (M context rows x T output rows, dim d) computed
 * three ways, single thread, to decide between a BLAS sgemm and hand-written loops:
 *   loops:    fastw2v's register-blocked C (dot4 + combine, as in csrc/fw2v_kernel.c)
 *   sgemm:    gather rows into contiguous blocks, 3 sgemm calls (F = H O^T, dH = G O,
 *             dO = G^T H), scatter back: what scipy's cython_blas would do
 * The block sizes are those of text8 training: M ~ 6 contexts, T = 6 (negative 5) or
 * ~15 (hierarchical softmax), d = 100 or 300.
 *
 * Build and run (the BLAS is the OpenBLAS that scipy's wheel bundles, loaded at run time):
 *   gcc -O3 -march=x86-64-v3 -ffp-contract=fast -o /tmp/block_sgemm benchmarks/probes/block_sgemm.c -ldl
 *   /tmp/block_sgemm $(python -c "import scipy,glob,os;print(glob.glob(os.path.dirname(scipy.__file__)+'/../scipy.libs/libscipy_openblas-*.so')[0])")
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*sgemm_t)(int order, int ta, int tb, int m, int n, int k, float alpha,
                        const float *a, int lda, const float *b, int ldb, float beta, float *c,
                        int ldc);
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef float v8 __attribute__((vector_size(32)));
static inline v8 ld(const float *p) { v8 v; memcpy(&v, p, 32); return v; }
static inline void st(float *p, v8 v) { memcpy(p, &v, 32); }
static inline float hs(v8 s) { return ((s[0]+s[4])+(s[1]+s[5]))+((s[2]+s[6])+(s[3]+s[7])); }

static float dot(const float *a, const float *b, int n) {
    v8 s = {0}; int i = 0;
    for (; i + 8 <= n; i += 8) s += ld(a + i) * ld(b + i);
    float r = hs(s);
    for (; i < n; i++) r += a[i] * b[i];
    return r;
}

static void combine(float *y, float **rows, const float *c, int nr, int n) {
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        v8 a0 = ld(y+i), a1 = ld(y+i+8), a2 = ld(y+i+16), a3 = ld(y+i+24);
        for (int j = 0; j < nr; j++) {
            const float *r = rows[j] + i; float cj = c[j];
            a0 += cj*ld(r); a1 += cj*ld(r+8); a2 += cj*ld(r+16); a3 += cj*ld(r+24);
        }
        st(y+i,a0); st(y+i+8,a1); st(y+i+16,a2); st(y+i+24,a3);
    }
    for (; i < n; i++) { float a = y[i]; for (int j = 0; j < nr; j++) a += c[j]*rows[j][i]; y[i] = a; }
}

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s libopenblas.so\n", argv[0]); return 2; }
    void *lib = dlopen(argv[1], RTLD_NOW);
    sgemm_t sgemm = lib ? (sgemm_t)dlsym(lib, "scipy_cblas_sgemm") : NULL;
    if (!sgemm && lib) sgemm = (sgemm_t)dlsym(lib, "cblas_sgemm");
    if (!sgemm) { fprintf(stderr, "no sgemm in %s\n", argv[1]); return 1; }
    const int V = 70000, iters = 200000;
    int shapes[][3] = {{6, 6, 100}, {6, 15, 100}, {6, 6, 300}, {10, 6, 100}};
    printf("%-16s %12s %12s %8s\n", "M x T x d", "loops ns", "sgemm ns", "ratio");
    for (unsigned s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int M = shapes[s][0], T = shapes[s][1], d = shapes[s][2];
        float *w_in = malloc(sizeof(float) * V * d), *w_out = malloc(sizeof(float) * V * d);
        for (long i = 0; i < (long)V * d; i++) { w_in[i] = (rand() / (float)RAND_MAX - .5f) / d; w_out[i] = w_in[i]; }
        float *H = malloc(sizeof(float)*M*d), *O = malloc(sizeof(float)*T*d), *F = malloc(sizeof(float)*M*T);
        float *dH = malloc(sizeof(float)*M*d), *dO = malloc(sizeof(float)*T*d), *Gt = malloc(sizeof(float)*M*T);
        float *in[16], *out[32];
        double t_loops = 0, t_blas = 0;
        unsigned seed = 1;
        for (int pass = 0; pass < 2; pass++) {
            double t0 = now();
            for (int it = 0; it < iters; it++) {
                for (int m = 0; m < M; m++) in[m] = w_in + (long)(rand_r(&seed) % V) * d;
                for (int j = 0; j < T; j++) out[j] = w_out + (long)(rand_r(&seed) % V) * d;
                if (pass == 0) { /* loops */
                    for (int m = 0; m < M; m++) for (int j = 0; j < T; j++) F[m*T+j] = 1e-3f * dot(in[m], out[j], d);
                    for (int m = 0; m < M; m++) { memset(dH + m*d, 0, sizeof(float)*d); combine(dH + m*d, out, F + m*T, T, d); }
                    for (int m = 0; m < M; m++) for (int j = 0; j < T; j++) Gt[j*M+m] = F[m*T+j];
                    for (int j = 0; j < T; j++) combine(out[j], in, Gt + j*M, M, d);
                    for (int m = 0; m < M; m++) for (int i = 0; i < d; i++) in[m][i] += dH[m*d+i];
                } else { /* gather, 3 x sgemm, scatter */
                    for (int m = 0; m < M; m++) memcpy(H + m*d, in[m], sizeof(float)*d);
                    for (int j = 0; j < T; j++) memcpy(O + j*d, out[j], sizeof(float)*d);
                    sgemm(RowMajor, NoTrans, Trans, M, T, d, 1e-3f, H, d, O, d, 0.f, F, T);
                    sgemm(RowMajor, NoTrans, NoTrans, M, d, T, 1.f, F, T, O, d, 0.f, dH, d);
                    sgemm(RowMajor, Trans, NoTrans, T, d, M, 1.f, F, T, H, d, 0.f, dO, d);
                    for (int j = 0; j < T; j++) for (int i = 0; i < d; i++) out[j][i] += dO[j*d+i];
                    for (int m = 0; m < M; m++) for (int i = 0; i < d; i++) in[m][i] += dH[m*d+i];
                }
            }
            *(pass == 0 ? &t_loops : &t_blas) = (now() - t0) / iters * 1e9;
        }
        printf("%2d x %2d x %3d     %12.0f %12.0f %7.2fx\n", M, T, d, t_loops, t_blas, t_blas / t_loops);
        free(w_in); free(w_out); free(H); free(O); free(F); free(dH); free(dO); free(Gt);
    }
    return 0;
}
