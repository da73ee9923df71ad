#!/bin/sh
# Exercises the generic model runner (dsc_runner_main) through a fake model.
#   runner_test.sh RUNNER_BIN FIXTURES_BIN [WORK_DIR]
# RUNNER_BIN is test/unit/runner_test.c (sum = a + b, float32 [2,3]);
# FIXTURES_BIN writes the .npy fixtures. POSIX sh only, no Python.
set -u

RUNNER=$1
FIXTURES=$2
WORK=${3:-${TMPDIR:-/tmp}/dsc_runner_test.$$}

rm -rf "$WORK"
mkdir -p "$WORK/in" || exit 2
"$FIXTURES" "$WORK/in" || { echo "FAIL: fixture generation"; exit 2; }
IN=$WORK/in
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_ok NAME ARGS...: exit 0, nothing on stderr.
expect_ok() {
  name=$1
  shift
  "$RUNNER" "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  rc=$?
  [ "$rc" -eq 0 ] || fail "$name: exit code $rc (stderr: $(cat "$WORK/stderr"))"
  [ -s "$WORK/stderr" ] && fail "$name: unexpected stderr: $(cat "$WORK/stderr")"
  return 0
}

# expect_error NAME PATTERN ARGS...: exit 1, exactly one stderr line, which
# starts with "error: " and contains PATTERN (a fixed string).
expect_error() {
  name=$1
  pattern=$2
  shift 2
  "$RUNNER" "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  rc=$?
  lines=$(wc -l <"$WORK/stderr" | tr -d ' ')
  [ "$rc" -eq 1 ] || fail "$name: exit code $rc, want 1"
  [ "$lines" -eq 1 ] || fail "$name: $lines stderr lines, want 1: $(cat "$WORK/stderr")"
  grep -q '^error: ' "$WORK/stderr" || fail "$name: stderr does not start with 'error: ': $(cat "$WORK/stderr")"
  grep -qF -- "$pattern" "$WORK/stderr" || fail "$name: stderr lacks '$pattern': $(cat "$WORK/stderr")"
  echo "  ok $name: $(cat "$WORK/stderr")"
}

OUT=$WORK/out/nested/dir
expect_ok "run" --input a="$IN/a.npy" --input b="$IN/b.npy" --output-dir "$OUT"
cmp -s "$OUT/out_sum_0.npy" "$IN/expected.npy" || fail "run: output differs from a + b"
[ -s "$WORK/stdout" ] && fail "run: unexpected stdout: $(cat "$WORK/stdout")"

rm -rf "$WORK/out"
expect_ok "run with --opt=value, threads" --input=b="$IN/b.npy" --input=a="$IN/a.npy" \
  --output-dir="$WORK/out/" --threads=3 --warmup 2
cmp -s "$WORK/out/out_sum_0.npy" "$IN/expected.npy" || fail "--opt=value: output differs"

rm -rf "$WORK/out"
expect_ok "repeat" --input a="$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/out" \
  --repeat 5 --threads 2
grep -q '^latency: median [0-9.]* ms, min [0-9.]* ms, max [0-9.]* ms over 5 runs (2 threads)$' \
  "$WORK/stdout" || fail "repeat: bad latency line: $(cat "$WORK/stdout")"
[ "$(wc -l <"$WORK/stdout" | tr -d ' ')" -eq 1 ] || fail "repeat: more than one stdout line"
cmp -s "$WORK/out/out_sum_0.npy" "$IN/expected.npy" || fail "repeat: output differs"

expect_ok "help" --help
grep -q 'a  float32 \[2,3\]' "$WORK/stdout" || fail "help: no input listing"
grep -q 'out/sum:0  float32 \[2,3\]' "$WORK/stdout" || fail "help: no output listing"


expect_error "unknown input" "unknown input 'c'; the model's inputs are: a, b" \
  --input "a=$IN/a.npy" --input c="$IN/b.npy" --output-dir "$WORK/o"
expect_error "missing input" "missing --input for 'b' (float32 [2,3])" \
  --input "a=$IN/a.npy" --output-dir "$WORK/o"
expect_error "duplicate input" "input 'a' is given more than once" \
  --input "a=$IN/a.npy" --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o"
expect_error "wrong dtype" "input 'b': expected float32 but $IN/int64.npy holds int64" \
  --input "a=$IN/a.npy" --input b="$IN/int64.npy" --output-dir "$WORK/o"
expect_error "wrong shape" "input 'b': expected shape [2,3] but $IN/shape32.npy has [3,2]" \
  --input "a=$IN/a.npy" --input b="$IN/shape32.npy" --output-dir "$WORK/o"
expect_error "corrupt npy" "input 'b': cannot read '$IN/garbage.npy': not a .npy file (bad magic)" \
  --input "a=$IN/a.npy" --input b="$IN/garbage.npy" --output-dir "$WORK/o"
expect_error "truncated npy" "file ends after 10 of 24 data bytes" \
  --input "a=$IN/a.npy" --input b="$IN/truncated.npy" --output-dir "$WORK/o"
expect_error "missing file" "cannot read '$IN/nope.npy'" \
  --input "a=$IN/a.npy" --input b="$IN/nope.npy" --output-dir "$WORK/o"
expect_error "no NAME=" "--input expects NAME=FILE.npy" \
  --input "$IN/a.npy" --output-dir "$WORK/o"
expect_error "unknown flag" "unknown option '--frobnicate'" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o" --frobnicate
expect_error "stray argument" "unexpected argument 'stray'" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o" stray
expect_error "missing value" "option --repeat needs a value" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o" --repeat
expect_error "bad number" "--repeat expects an integer" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o" --repeat abc
expect_error "zero repeat" "--repeat expects an integer" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o" --repeat 0
expect_error "negative threads" "--threads expects an integer" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/o" --threads=-2
expect_error "no output dir" "missing --output-dir" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy"
: >"$WORK/afile"
expect_error "output dir is a file" "cannot create output directory" \
  --input "a=$IN/a.npy" --input b="$IN/b.npy" --output-dir "$WORK/afile/sub"
expect_error "newline in file name" "cannot read" \
  --input "a=$IN/a.npy" --input "b=$IN/x
y.npy" --output-dir "$WORK/o"
[ -e "$WORK/o" ] && fail "an output directory was created by a failed run"

if [ "$failures" -eq 0 ]; then
  echo "runner_test: all checks passed"
  rm -rf "$WORK"
  exit 0
fi
echo "runner_test: $failures check(s) failed (files kept in $WORK)"
exit 1
