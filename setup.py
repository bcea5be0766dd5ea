"""Build the fastw2v extension: Cython wrapper + C kernels in csrc/.

Compiler flags are probed by compiling a tiny file first (OpenMP, -O3), so the build works
on compilers without OpenMP (serial build) and never assumes the build machine's CPU:
the kernel carries clones for several x86-64 levels and picks one at run time.

Environment variables:
  FASTW2V_NATIVE=1     add -march=native (opt-in; the wheel then only runs on this CPU class)
  FASTW2V_NO_OPENMP=1  build without OpenMP even when the compiler has it
  FASTW2V_DEBUG=1      -O0 -g and Cython bounds checking, for debugging
  FASTW2V_SANITIZE=address,undefined   build with those sanitizers (see README, development)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup


def _flag_works(flags: list[str], code: str = "int main(void){return 0;}\n") -> bool:
    """Return True if the C compiler accepts ``flags`` on a tiny program (hnswlib's has_flag)."""
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    cc = cc.split()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as fh:
            fh.write(code)
        try:
            res = subprocess.run(
                [*cc, *flags, src, "-o", os.path.join(tmp, "probe")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return False
        return res.returncode == 0


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


compile_args: list[str] = []
link_args: list[str] = []
macros: list[tuple[str, str | None]] = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]
directives = {
    "language_level": 3,
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "initializedcheck": False,
    "embedsignature": True,
}

debug = _truthy("FASTW2V_DEBUG")
if sys.platform == "win32":
    compile_args += ["/O2"]
    if not _truthy("FASTW2V_NO_OPENMP"):
        compile_args += ["/openmp"]
else:
    compile_args += ["-O0", "-g"] if debug else ["-O3"]
    compile_args += ["-std=c11", "-fno-strict-aliasing"]
    # ISO C mode turns off a*b+c -> fma contraction; allow it, so that the x86-64-v3/v4
    # clones use FMA instructions (one rounding instead of two: no less accurate).
    if _flag_works(["-ffp-contract=fast"]):
        compile_args.append("-ffp-contract=fast")
    # Keep IEEE semantics (agreement with the NumPy reference); the hot reductions are
    # vectorised explicitly (omp simd / partial sums), not by -ffast-math.
    if not _truthy("FASTW2V_NO_OPENMP") and _flag_works(
        ["-fopenmp"], "#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n"
    ):
        compile_args.append("-fopenmp")
        link_args.append("-fopenmp")
    elif _flag_works(["-fopenmp-simd"]):
        compile_args.append("-fopenmp-simd")
    if _truthy("FASTW2V_NATIVE"):
        compile_args.append("-march=native")
        macros.append(("FW2V_NO_CLONES", "1"))
    sanitize = os.environ.get("FASTW2V_SANITIZE", "").strip()
    if sanitize:
        compile_args += [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer", "-g"]
        link_args += [f"-fsanitize={sanitize}"]
        macros.append(("FW2V_NO_CLONES", "1"))
if debug:
    directives["boundscheck"] = True
    directives["wraparound"] = True

macros.append(("FW2V_BUILD_FLAGS", '"' + " ".join(compile_args).replace('"', "") + '"'))


def _extension(name: str, sources: list[str], depends: list[str], numpy: bool = False) -> Extension:
    """One compiled module of the package, with the flags probed above."""
    return Extension(
        f"fastw2v.{name}",
        sources=[f"fastw2v/{name}.pyx", *sources],
        include_dirs=["csrc", np.get_include()] if numpy else ["csrc"],
        define_macros=macros,
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        depends=depends,
    )


extensions = [
    _extension(
        "_train", ["csrc/fw2v_kernel.c"], ["csrc/fw2v.h", "csrc/fw2v_dispatch.h"], numpy=True
    ),
    _extension(
        "_tokenize",
        ["csrc/fw2v_tokenize.c", "csrc/fw2v_count.c"],
        ["csrc/fw2v_tokenize.h", "csrc/fw2v_count.h", "csrc/fw2v_utf8.h"],
    ),
    _extension(
        "_phrases",
        ["csrc/fw2v_phrases.c", "csrc/fw2v_tokenize.c"],
        ["csrc/fw2v_phrases.h", "csrc/fw2v_tokenize.h", "csrc/fw2v_utf8.h"],
    ),
    _extension(
        "_vecio",
        ["csrc/fw2v_vecio.c", "csrc/fw2v_keys.c", "csrc/fw2v_sigbus.c"],
        ["csrc/fw2v_vecio.h", "csrc/fw2v_keys.h", "csrc/fw2v_dispatch.h"],
    ),
    _extension("_ids", ["csrc/fw2v_ids.c"], ["csrc/fw2v_ids.h"]),
    _extension("_graph", ["csrc/fw2v_walk.c"], ["csrc/fw2v_walk.h"]),
]

if shutil.which("cc") is None and "CC" not in os.environ and sys.platform != "win32":
    print("warning: no 'cc' on PATH; set CC to your C compiler", file=sys.stderr)

setup(ext_modules=cythonize(extensions, compiler_directives=directives))
