#!/usr/bin/env bash
# The sanitizer run of docs/development.md: build a copy of the tracked tree with ASan and
# UBSan, then run the whole test suite and the two-thread trainings under it.
#   bash benchmarks/sanitize.sh /path/to/text8-format-corpus [workdir]
set -euo pipefail
corpus=${1:?usage: sanitize.sh CORPUS [WORKDIR]}
work=${2:-/tmp/fw_asan}
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
rm -rf "$work" && mkdir -p "$work"
git -C "$root" ls-files -z | (cd "$root" && xargs -0 -I{} cp --parents {} "$work/")
cd "$work"
rm -f fastw2v/_train.c fastw2v/_tokenize.c fastw2v/*.so
FASTW2V_SANITIZE=address,undefined python setup.py build_ext --inplace -q
export PYTHONPATH=$work
export LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)
export ASAN_OPTIONS=detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMP_NUM_THREADS=2
python -c "import fastw2v; print(fastw2v.build_info()['compile_flags'])"
python -m pytest -q -p no:cacheprovider tests/ 2>&1 | tee "$work/pytest.log"
python benchmarks/sanitize_trainings.py --corpus "$corpus" --words 500000 2>&1 | tee "$work/trainings.log"
if grep -E "AddressSanitizer|runtime error:" "$work/pytest.log" "$work/trainings.log"; then
  echo "sanitizer reports above" >&2
  exit 1
fi
echo "no ASan or UBSan report"
