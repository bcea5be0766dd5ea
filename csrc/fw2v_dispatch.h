/* fw2v_dispatch.h: FW2V_DISPATCH compiles a function for several x86-64 levels, and the
 * best one for the CPU is picked when the library loads (GCC target_clones). So the
 * default build runs on any x86-64 and still uses AVX2/AVX-512 where the CPU has them;
 * elsewhere (other compilers, other CPUs, FW2V_NO_CLONES) it is the plain build. */
#ifndef FW2V_DISPATCH_H
#define FW2V_DISPATCH_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(FW2V_NO_CLONES) && (__GNUC__ >= 11)
#define FW2V_DISPATCH __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define FW2V_HAVE_CLONES 1
#else
#define FW2V_DISPATCH
#endif

#endif /* FW2V_DISPATCH_H */
