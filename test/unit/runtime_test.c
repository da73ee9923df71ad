/* Unit tests of the dsc C runtime (runtime/src): helpers, .npy I/O, the
 * thread pool and sessions. Plain C99 + POSIX; fixtures are written at run
 * time into a fresh temporary directory that is removed at the end.
 * Exit status 0 iff every check passed; each failed check prints its line.
 */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int g_checks, g_failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    g_checks++;                                                                \
    if (!(cond)) {                                                             \
      g_failures++;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

/* Like CHECK, with context printed on failure (used inside loops). */
#define CHECK_MSG(cond, ...)                                                   \
  do {                                                                         \
    g_checks++;                                                                \
    if (!(cond)) {                                                             \
      g_failures++;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s [", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "]\n");                                                  \
    }                                                                          \
  } while (0)

static char g_dir[256];

static const char *tmp_path(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", g_dir, name);
  return buf;
}

static void write_bytes(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f)
    return;
  CHECK(fwrite(data, 1, n, f) == n);
  fclose(f);
}

/* A string literal's bytes, without the terminating NUL. */
#define WRITE_LITERAL(path, lit) write_bytes(path, lit, sizeof(lit) - 1)

static size_t read_bytes(const char *path, unsigned char *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  size_t n;
  if (!f)
    return 0;
  n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

/* A .npy file from a header dict string (version 1.0, padded like numpy)
 * followed by `data_bytes` bytes of data. */
static void write_npy_raw(const char *path, int major, const char *dict,
                          size_t data_bytes) {
  unsigned char buf[4096];
  size_t dl = strlen(dict), pre = major == 1 ? 10 : 12, total, hl, i;

  total = (pre + dl + 1 + 63) / 64 * 64;
  hl = total - pre;
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (unsigned char)major;
  buf[7] = 0;
  buf[8] = (unsigned char)(hl & 0xff);
  buf[9] = (unsigned char)(hl >> 8);
  if (major != 1)
    buf[10] = buf[11] = 0;
  memcpy(buf + pre, dict, dl);
  memset(buf + pre + dl, ' ', hl - dl - 1);
  buf[total - 1] = '\n';
  for (i = 0; i < data_bytes && total + i < sizeof buf; ++i)
    buf[total + i] = (unsigned char)i;
  write_bytes(path, buf, total + i);
}

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (uint32_t)(g_rng >> 11);
}

/* ---- helpers ------------------------------------------------------------ */

static void test_helpers(void) {
  static const struct {
    int32_t dtype;
    size_t size;
    const char *name;
  } t[] = {{DSC_DTYPE_F32, 4, "float32"},   {DSC_DTYPE_U8, 1, "uint8"},
           {DSC_DTYPE_I8, 1, "int8"},       {DSC_DTYPE_U16, 2, "uint16"},
           {DSC_DTYPE_I16, 2, "int16"},     {DSC_DTYPE_I32, 4, "int32"},
           {DSC_DTYPE_I64, 8, "int64"},     {DSC_DTYPE_BOOL, 1, "bool"},
           {DSC_DTYPE_F16, 2, "float16"},   {DSC_DTYPE_F64, 8, "float64"},
           {DSC_DTYPE_U32, 4, "uint32"},    {DSC_DTYPE_U64, 8, "uint64"},
           {DSC_DTYPE_BF16, 2, "bfloat16"},
           {DSC_DTYPE_F8E4M3FN, 1, "float8_e4m3fn"},
           {DSC_DTYPE_F8E4M3FNUZ, 1, "float8_e4m3fnuz"},
           {DSC_DTYPE_F8E5M2, 1, "float8_e5m2"},
           {DSC_DTYPE_F8E5M2FNUZ, 1, "float8_e5m2fnuz"},
           {DSC_DTYPE_U4, 1, "uint4"},      {DSC_DTYPE_I4, 1, "int4"},
           {DSC_DTYPE_F4E2M1, 1, "float4_e2m1fn"},
           {DSC_DTYPE_F8E8M0, 1, "float8_e8m0fnu"},
           {DSC_DTYPE_U2, 1, "uint2"},      {DSC_DTYPE_I2, 1, "int2"},
           {DSC_DTYPE_VOID8, 1, "void8"}};
  static const int32_t bad[] = {0, 8, 14, 15, 27, 99, -1, 1000};
  int64_t s3[3] = {2, 3, 4}, s0[2] = {0, 5}, neg[2] = {3, -1},
          big[3] = {INT64_C(1) << 31, INT64_C(1) << 31, 4};
  size_t i, j;

  for (i = 0; i < sizeof t / sizeof t[0]; ++i) {
    CHECK_MSG(dsc_dtype_size(t[i].dtype) == t[i].size, "dtype %d", t[i].dtype);
    CHECK_MSG(dsc_dtype_name(t[i].dtype) &&
                  strcmp(dsc_dtype_name(t[i].dtype), t[i].name) == 0,
              "dtype %d", t[i].dtype);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    CHECK(dsc_dtype_size(bad[i]) == 0);
    CHECK(dsc_dtype_name(bad[i]) == NULL);
  }
  /* A '|V1' .npy (VOID8) stands for any narrow type, nothing else. */
  CHECK(dsc_dtype_accepts(DSC_DTYPE_I4, DSC_DTYPE_VOID8));
  CHECK(dsc_dtype_accepts(DSC_DTYPE_F8E4M3FN, DSC_DTYPE_VOID8));
  CHECK(dsc_dtype_accepts(DSC_DTYPE_I2, DSC_DTYPE_VOID8));
  CHECK(!dsc_dtype_accepts(DSC_DTYPE_I8, DSC_DTYPE_VOID8));
  CHECK(!dsc_dtype_accepts(DSC_DTYPE_BF16, DSC_DTYPE_VOID8));
  CHECK(!dsc_dtype_accepts(DSC_DTYPE_I4, DSC_DTYPE_U8));
  CHECK(dsc_dtype_accepts(DSC_DTYPE_F32, DSC_DTYPE_F32));
  CHECK(dsc_numel(0, NULL) == 1);
  CHECK(dsc_numel(3, s3) == 24);
  CHECK(dsc_numel(1, s3) == 2);
  CHECK(dsc_numel(2, s0) == 0);
  CHECK(dsc_numel(2, neg) == -1);
  CHECK(dsc_numel(3, big) == -1);
  CHECK(dsc_numel(-1, s3) == -1);
  CHECK(dsc_numel(2, NULL) == -1);

  {
    const dsc_status all[] = {DSC_OK,          DSC_ERR_INVALID_ARGUMENT,
                              DSC_ERR_OUT_OF_MEMORY, DSC_ERR_IO,
                              DSC_ERR_FORMAT,  DSC_ERR_MISMATCH,
                              DSC_ERR_THREAD};
    for (i = 0; i < sizeof all / sizeof all[0]; ++i) {
      const char *s = dsc_status_string(all[i]);
      CHECK(s != NULL && s[0] != '\0');
      for (j = 0; j < i; ++j)
        CHECK(strcmp(s, dsc_status_string(all[j])) != 0);
    }
    CHECK(strcmp(dsc_status_string(DSC_OK), "ok") == 0);
    CHECK(dsc_status_string((dsc_status)99) != NULL);
  }
}

/* ---- .npy ------------------------------------------------------------- */

static void roundtrip(int32_t dtype, int32_t rank, const int64_t *shape) {
  char path[512], err[256];
  size_t es = dsc_dtype_size(dtype), nbytes, i;
  int64_t numel = dsc_numel(rank, shape);
  unsigned char *data, head[16];
  struct stat sb;
  dsc_npy a;
  size_t hl;

  nbytes = (size_t)numel * es;
  data = (unsigned char *)malloc(nbytes + 1);
  for (i = 0; i < nbytes; ++i)
    data[i] = (unsigned char)(dtype == DSC_DTYPE_BOOL ? rnd() & 1 : rnd());
  tmp_path(path, sizeof path, "rt.npy");
  CHECK_MSG(dsc_npy_save(path, dtype, rank, shape, data) == DSC_OK,
            "dtype %d rank %d", dtype, rank);
  CHECK(stat(path, &sb) == 0);
  CHECK(read_bytes(path, head, sizeof head) >= 10);
  hl = head[8] | (size_t)head[9] << 8;
  CHECK_MSG((10 + hl) % 64 == 0, "header length %zu", hl);
  CHECK((size_t)sb.st_size == 10 + hl + nbytes);
  CHECK(dsc_npy_load(path, &a, err, sizeof err) == DSC_OK);
  CHECK_MSG(a.dtype == dtype && a.rank == rank && a.nbytes == nbytes,
            "dtype %d/%d rank %d/%d: %s", a.dtype, dtype, a.rank, rank, err);
  for (i = 0; i < (size_t)rank && i < (size_t)a.rank; ++i)
    CHECK(a.shape[i] == shape[i]);
  CHECK(a.data != NULL && (uintptr_t)a.data % 64 == 0);
  CHECK(a.data && memcmp(a.data, data, nbytes) == 0);
  dsc_npy_free(&a);
  CHECK(a.data == NULL);
  dsc_npy_free(&a); /* twice is harmless */
  free(data);
  unlink(path);
}

static void check_header(int32_t dtype, int32_t rank, const int64_t *shape,
                         const char *dict) {
  char path[512], expect[512];
  unsigned char got[512];
  size_t n, dl = strlen(dict), total = (10 + dl + 1 + 63) / 64 * 64;
  float zero[8] = {0};

  tmp_path(path, sizeof path, "hdr.npy");
  CHECK(dsc_npy_save(path, dtype, rank, shape, zero) == DSC_OK);
  n = read_bytes(path, got, sizeof got);
  memcpy(expect, "\x93NUMPY\x01\x00", 8);
  expect[8] = (char)(total - 10);
  expect[9] = 0;
  memcpy(expect + 10, dict, dl);
  memset(expect + 10 + dl, ' ', total - 10 - dl - 1);
  expect[total - 1] = '\n';
  CHECK_MSG(n >= total && memcmp(got, expect, total) == 0, "%s", dict);
  unlink(path);
}

static void test_npy_roundtrip(void) {
  static const int32_t dtypes[] = {
      DSC_DTYPE_F32, DSC_DTYPE_F64, DSC_DTYPE_F16, DSC_DTYPE_I8,
      DSC_DTYPE_U8,  DSC_DTYPE_BOOL, DSC_DTYPE_I16, DSC_DTYPE_U16,
      DSC_DTYPE_I32, DSC_DTYPE_U32, DSC_DTYPE_I64, DSC_DTYPE_U64,
      DSC_DTYPE_BF16};
  int64_t s1[1] = {7}, s4[4] = {2, 3, 1, 5}, s0d[2] = {3, 0}, s2[2] = {2, 3};
  int64_t s16[DSC_MAX_RANK];
  size_t i;

  for (i = 0; i < DSC_MAX_RANK; ++i)
    s16[i] = i % 5 == 0 ? 2 : 1;
  for (i = 0; i < sizeof dtypes / sizeof dtypes[0]; ++i) {
    roundtrip(dtypes[i], 0, NULL);
    roundtrip(dtypes[i], 1, s1);
    roundtrip(dtypes[i], 4, s4);
  }
  roundtrip(DSC_DTYPE_F32, 2, s0d);
  roundtrip(DSC_DTYPE_I64, DSC_MAX_RANK, s16);
  /* Byte-identical to numpy.save. */
  check_header(DSC_DTYPE_F32, 2, s2,
               "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  check_header(DSC_DTYPE_F32, 1, s1,
               "{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }");
  check_header(DSC_DTYPE_F64, 0, NULL,
               "{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
  check_header(DSC_DTYPE_BOOL, 1, s1,
               "{'descr': '|b1', 'fortran_order': False, 'shape': (7,), }");
  check_header(DSC_DTYPE_I8, 1, s1,
               "{'descr': '|i1', 'fortran_order': False, 'shape': (7,), }");
  check_header(DSC_DTYPE_BF16, 1, s1,
               "{'descr': '<V2', 'fortran_order': False, 'shape': (7,), }");
}

/* Expects dsc_npy_load(path) to fail with `st` and an err containing `sub`. */
static void expect_load_error(const char *path, dsc_status st,
                              const char *sub) {
  char err[256];
  dsc_npy a;
  dsc_status got = dsc_npy_load(path, &a, err, sizeof err);

  CHECK_MSG(got == st, "%s: status %d, want %d (%s)", sub, (int)got, (int)st,
            err);
  CHECK_MSG(strstr(err, sub) != NULL, "err '%s' lacks '%s'", err, sub);
  CHECK(strchr(err, '\n') == NULL);
  CHECK(a.data == NULL);
}

static void expect_load_ok(const char *path, int32_t dtype, int32_t rank,
                           int64_t d0) {
  char err[256];
  dsc_npy a;
  dsc_status st = dsc_npy_load(path, &a, err, sizeof err);

  CHECK_MSG(st == DSC_OK, "%s", err);
  CHECK(a.dtype == dtype && a.rank == rank);
  CHECK(rank == 0 || a.shape[0] == d0);
  dsc_npy_free(&a);
}

static void test_npy_reader(void) {
  char p[512], err[256], e2[8];
  unsigned char buf[512];
  int64_t s[1] = {6};
  float f6[6] = {1, 2, 3, 4, 5, 6};
  dsc_npy a;
  size_t n;

  /* Accepted variants. */
  tmp_path(p, sizeof p, "v.npy");
  write_npy_raw(p, 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 24);
  expect_load_ok(p, DSC_DTYPE_F32, 1, 6);
  write_npy_raw(p, 3, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 24);
  expect_load_ok(p, DSC_DTYPE_I64, 1, 3);
  write_npy_raw(p, 1, "{\"shape\": (2L,3L), \"descr\": \"=i4\", \"fortran_order\": False}", 24);
  expect_load_ok(p, DSC_DTYPE_I32, 2, 2);
  write_npy_raw(p, 1, "{'descr':'|u1','fortran_order':False,'shape':(5,)}", 100);
  expect_load_ok(p, DSC_DTYPE_U8, 1, 5); /* trailing bytes are ignored */
  write_npy_raw(p, 1, "{'descr': '<i1', 'fortran_order': False, 'shape': (4, ), }", 4);
  expect_load_ok(p, DSC_DTYPE_I8, 1, 4);
  write_npy_raw(p, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (), }", 1);
  expect_load_ok(p, DSC_DTYPE_BOOL, 0, 0);

  /* Errors. */
  tmp_path(p, sizeof p, "does-not-exist.npy");
  expect_load_error(p, DSC_ERR_IO, "No such file");
  expect_load_error(g_dir, DSC_ERR_IO, "directory");
  tmp_path(p, sizeof p, "e.npy");
  write_bytes(p, "", 0);
  expect_load_error(p, DSC_ERR_FORMAT, "bad magic");
  WRITE_LITERAL(p, "PK\x03\x04 this is a zip");
  expect_load_error(p, DSC_ERR_FORMAT, "not a .npy file (bad magic)");
  WRITE_LITERAL(p, "\x93NUM");
  expect_load_error(p, DSC_ERR_FORMAT, "file ends inside the header");
  WRITE_LITERAL(p, "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_ord");
  expect_load_error(p, DSC_ERR_FORMAT, "file ends inside the header");
  WRITE_LITERAL(p, "\x93NUMPY\x02\x00\x10");
  expect_load_error(p, DSC_ERR_FORMAT, "file ends inside the header");
  WRITE_LITERAL(p, "\x93NUMPY\x04\x00\x10\x00{}");
  expect_load_error(p, DSC_ERR_FORMAT, "unsupported .npy format version 4.0");

  CHECK(dsc_npy_save(p, DSC_DTYPE_F32, 1, s, f6) == DSC_OK);
  n = read_bytes(p, buf, sizeof buf);
  CHECK(n == 128 + 24);
  write_bytes(p, buf, 128 + 12); /* cut the data */
  expect_load_error(p, DSC_ERR_FORMAT, "file ends after 12 of 24 data bytes");
  write_bytes(p, buf, 128);
  expect_load_error(p, DSC_ERR_FORMAT, "file ends after 0 of 24 data bytes");
  write_bytes(p, buf, 100); /* cut the header */
  expect_load_error(p, DSC_ERR_FORMAT, "file ends inside the header");

  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24);
  expect_load_error(p, DSC_ERR_FORMAT, "fortran_order");
  write_npy_raw(p, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", 24);
  expect_load_error(p, DSC_ERR_FORMAT, "big-endian data ('>f4') is not supported");
  write_npy_raw(p, 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", 24);
  expect_load_error(p, DSC_ERR_FORMAT, "unsupported dtype '<c8'");
  write_npy_raw(p, 1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", 24);
  expect_load_error(p, DSC_ERR_FORMAT, "unsupported dtype '|O'");
  write_npy_raw(p, 1, "{'descr': '<U5', 'fortran_order': False, 'shape': (3,), }", 60);
  expect_load_error(p, DSC_ERR_FORMAT, "unsupported dtype '<U5'");
  write_npy_raw(p, 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", 12);
  expect_load_error(p, DSC_ERR_FORMAT, "structured");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': "
                      "(1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1), }", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "rank > 16");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, }", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "no 'shape' key");
  write_npy_raw(p, 1, "{'fortran_order': False, 'shape': (1,), }", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "no 'descr' key");
  write_npy_raw(p, 1, "{'descr': '<f4', 'shape': (1,), }", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "no 'fortran_order' key");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "unexpected or repeated key 'x'");
  write_npy_raw(p, 1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "repeated key 'descr'");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "bad 'shape'");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': 3, }", 4);
  expect_load_error(p, DSC_ERR_FORMAT, "bad 'shape'");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }", 12);
  expect_load_error(p, DSC_ERR_FORMAT, "bad 'fortran_order'");
  write_npy_raw(p, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), } x", 12);
  expect_load_error(p, DSC_ERR_FORMAT, "after the header");
  write_npy_raw(p, 1, "['descr', '<f4']", 12);
  expect_load_error(p, DSC_ERR_FORMAT, "not a dict");
  write_npy_raw(p, 1, "{'descr' '<f4'}", 12);
  expect_load_error(p, DSC_ERR_FORMAT, "malformed header");
  /* A hostile shape must not allocate: it is checked against the file. */
  write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1024), }", 16);
  expect_load_error(p, DSC_ERR_FORMAT, "file ends after 16 of");
  write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", 16);
  expect_load_error(p, DSC_ERR_FORMAT, "overflows");
  write_npy_raw(p, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", 16);
  expect_load_error(p, DSC_ERR_FORMAT, "bad 'shape'");

  /* err handling: tiny buffer, no buffer. */
  WRITE_LITERAL(p, "garbage");
  CHECK(dsc_npy_load(p, &a, e2, sizeof e2) == DSC_ERR_FORMAT);
  CHECK(strlen(e2) == sizeof e2 - 1);
  CHECK(dsc_npy_load(p, &a, NULL, 0) == DSC_ERR_FORMAT);
  CHECK(dsc_npy_load(p, &a, err, 0) == DSC_ERR_FORMAT);
  CHECK(dsc_npy_load(NULL, &a, err, sizeof err) == DSC_ERR_INVALID_ARGUMENT);
  CHECK(dsc_npy_load(p, NULL, err, sizeof err) == DSC_ERR_INVALID_ARGUMENT);
  unlink(p);

  /* Writer argument checks. */
  {
    int64_t bad_shape[2] = {2, -3}, sh17[DSC_MAX_RANK + 1];
    size_t i;
    for (i = 0; i < DSC_MAX_RANK + 1; ++i)
      sh17[i] = 1;
    tmp_path(p, sizeof p, "w.npy");
    CHECK(dsc_npy_save(NULL, DSC_DTYPE_F32, 1, s, f6) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_npy_save(p, 8, 1, s, f6) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_npy_save(p, DSC_DTYPE_F32, 2, bad_shape, f6) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_npy_save(p, DSC_DTYPE_F32, -1, s, f6) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_npy_save(p, DSC_DTYPE_F32, DSC_MAX_RANK + 1, sh17, f6) ==
          DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_npy_save(p, DSC_DTYPE_F32, 1, s, NULL) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_npy_save(p, DSC_DTYPE_F32, 1, NULL, f6) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(access(p, F_OK) != 0);
    tmp_path(p, sizeof p, "no-such-dir/w.npy");
    CHECK(dsc_npy_save(p, DSC_DTYPE_F32, 1, s, f6) == DSC_ERR_IO);
  }
}

/* Random and mutated files: the reader must fail cleanly or succeed with a
 * consistent result, never crash (run under valgrind / sanitizers too). */
static void test_npy_garbage(void) {
  static const char *const dicts[] = {
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      "{'descr': '|b1', 'fortran_order': False, 'shape': (), }",
      "{'descr': '<i8', 'fortran_order': False, 'shape': (1,1,2,1), }"};
  unsigned char buf[400], good[400];
  char p[512], err[128];
  int iter, ok = 0, bad = 0;

  tmp_path(p, sizeof p, "g.npy");
  for (iter = 0; iter < 600; ++iter) {
    size_t n = rnd() % sizeof buf, i;
    dsc_npy a;
    dsc_status st;

    if (iter < 200) { /* pure noise, sometimes behind a valid magic */
      for (i = 0; i < n; ++i)
        buf[i] = (unsigned char)rnd();
      if (iter % 2 && n >= 10) {
        memcpy(buf, "\x93NUMPY", 6);
        buf[6] = (unsigned char)(1 + rnd() % 3);
        buf[7] = 0;
      }
      write_bytes(p, buf, n);
    } else { /* a valid file with a few bytes flipped or cut short */
      size_t gn;
      write_npy_raw(p, 1 + (int)(rnd() % 3), dicts[iter % 3], 48);
      gn = read_bytes(p, good, sizeof good);
      memcpy(buf, good, gn);
      for (i = 0; i < 1 + rnd() % 4; ++i) {
        size_t at = rnd() % gn;
        buf[at] = iter % 4 == 0 ? (unsigned char)rnd()
                                : (unsigned char)"(),:'{} 0123456789LTF\n\x00"[rnd() % 24];
      }
      n = iter % 5 == 0 ? rnd() % (gn + 1) : gn;
      write_bytes(p, buf, n);
    }
    st = dsc_npy_load(p, &a, err, sizeof err);
    if (st == DSC_OK) {
      int64_t numel = dsc_numel(a.rank, a.shape);
      ok++;
      CHECK(numel >= 0 && a.rank >= 0 && a.rank <= DSC_MAX_RANK);
      CHECK(a.nbytes == (size_t)numel * dsc_dtype_size(a.dtype));
      CHECK(a.data != NULL);
      CHECK(a.nbytes <= n);
      dsc_npy_free(&a);
    } else {
      bad++;
      CHECK_MSG(st == DSC_ERR_FORMAT, "iter %d status %d: %s", iter, (int)st,
                err);
      CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
      CHECK(a.data == NULL);
    }
  }
  CHECK(bad > 300);
  unlink(p);
  (void)ok;
}

/* ---- thread pool ---------------------------------------------------------- */

typedef struct cover_arg {
  int *counts;
  pthread_mutex_t mu;
  int calls;
  int64_t n;
} cover_arg;

static void cover_fn(void *p, int64_t begin, int64_t end) {
  cover_arg *a = (cover_arg *)p;
  int64_t i;

  if (begin < 0 || end > a->n || begin >= end) {
    pthread_mutex_lock(&a->mu);
    a->calls += 1000000; /* flags a bad range */
    pthread_mutex_unlock(&a->mu);
    return;
  }
  for (i = begin; i < end; ++i)
    a->counts[i]++;
  pthread_mutex_lock(&a->mu);
  a->calls++;
  pthread_mutex_unlock(&a->mu);
}

static void never_fn(void *p, int64_t begin, int64_t end) {
  (void)begin;
  (void)end;
  ++*(int *)p;
}

static void test_parallel_for_cover(void) {
  /* 9, 13 and 17 just above 4 chunks per thread for 2, 3 and 4 threads:
   * the shares' halving chunks (threadpool.c) include empty ones. */
  static const int64_t ns[] = {0, 1, 2, 7, 9, 13, 17, 1000};
  int threads, rep, never = 0;
  size_t k;

  for (threads = 1; threads <= 4; ++threads) {
    dsc_context *ctx = NULL;
    CHECK(dsc_context_create(threads, &ctx) == DSC_OK && ctx != NULL);
    if (!ctx)
      continue;
    CHECK(dsc_context_num_threads(ctx) == threads);
    for (rep = 0; rep < 300; ++rep)
      for (k = 0; k < sizeof ns / sizeof ns[0]; ++k) {
        cover_arg a;
        /* Up to 4 contiguous chunks per thread (threadpool.c). */
        int64_t i, n = ns[k], maxc = n < 4 * threads ? n : 4 * threads;
        int bad = 0;
        a.n = n;
        a.calls = 0;
        a.counts = (int *)calloc((size_t)n + 1, sizeof(int));
        pthread_mutex_init(&a.mu, NULL);
        CHECK(dsc_parallel_for(ctx, n, cover_fn, &a) == DSC_OK);
        for (i = 0; i < n; ++i)
          bad += a.counts[i] != 1;
        CHECK_MSG(bad == 0, "threads %d n %lld", threads, (long long)n);
        CHECK_MSG(a.calls >= (n > 0) && a.calls <= maxc,
                  "threads %d n %lld calls %d", threads, (long long)n, a.calls);
        pthread_mutex_destroy(&a.mu);
        free(a.counts);
      }
    CHECK(dsc_parallel_for(ctx, -5, never_fn, &never) == DSC_OK);
    CHECK(dsc_parallel_for(ctx, 0, never_fn, &never) == DSC_OK);
    CHECK(dsc_parallel_for(ctx, 0, NULL, NULL) == DSC_OK);
    CHECK(dsc_parallel_for(ctx, 10, NULL, NULL) == DSC_ERR_INVALID_ARGUMENT);
    dsc_context_destroy(ctx);
  }
  CHECK(never == 0);
  /* NULL context: inline. */
  {
    cover_arg a;
    int64_t i;
    int bad = 0;
    a.n = 50;
    a.calls = 0;
    a.counts = (int *)calloc(50, sizeof(int));
    pthread_mutex_init(&a.mu, NULL);
    CHECK(dsc_parallel_for(NULL, 50, cover_fn, &a) == DSC_OK);
    for (i = 0; i < 50; ++i)
      bad += a.counts[i] != 1;
    CHECK(bad == 0 && a.calls == 1);
    pthread_mutex_destroy(&a.mu);
    free(a.counts);
  }
  CHECK(dsc_context_num_threads(NULL) == 1);
  {
    dsc_context *ctx = NULL;
    CHECK(dsc_context_create(0, &ctx) == DSC_OK);
    CHECK(dsc_context_num_threads(ctx) >= 1);
    dsc_context_destroy(ctx);
    CHECK(dsc_context_create(-3, &ctx) == DSC_OK);
    CHECK(dsc_context_num_threads(ctx) >= 1);
    dsc_context_destroy(ctx);
    CHECK(dsc_context_create(2, NULL) == DSC_ERR_INVALID_ARGUMENT);
    dsc_context_destroy(NULL);
  }
  /* Create/destroy churn (no leaked or stuck workers). */
  for (rep = 0; rep < 50; ++rep) {
    dsc_context *ctx = NULL;
    CHECK(dsc_context_create(1 + rep % 4, &ctx) == DSC_OK);
    dsc_context_destroy(ctx);
  }
}

typedef struct nest_arg {
  dsc_context *ctx;
  int *counts; /* outer * 100 + inner */
  int64_t outer;
} nest_arg;

static void inner_fn(void *p, int64_t begin, int64_t end) {
  nest_arg *a = (nest_arg *)p;
  int64_t i;
  for (i = begin; i < end; ++i)
    a->counts[a->outer * 100 + i]++;
}

static void outer_fn(void *p, int64_t begin, int64_t end) {
  const nest_arg *a = (const nest_arg *)p;
  int64_t i;
  for (i = begin; i < end; ++i) {
    nest_arg in = *a;
    in.outer = i;
    /* Nested loop on the same pool, from a worker or the calling thread. */
    if (dsc_parallel_for(a->ctx, 100, inner_fn, &in) != DSC_OK)
      a->counts[i * 100] += 1000;
  }
}

static void test_parallel_for_nested(void) {
  int threads, rep, i, bad;

  for (threads = 1; threads <= 4; ++threads) {
    dsc_context *ctx = NULL;
    CHECK(dsc_context_create(threads, &ctx) == DSC_OK);
    for (rep = 0; rep < 50; ++rep) {
      nest_arg a;
      a.ctx = ctx;
      a.outer = 0;
      a.counts = (int *)calloc(8 * 100, sizeof(int));
      CHECK(dsc_parallel_for(ctx, 8, outer_fn, &a) == DSC_OK);
      for (i = 0, bad = 0; i < 800; ++i)
        bad += a.counts[i] != 1;
      CHECK_MSG(bad == 0, "threads %d", threads);
      free(a.counts);
    }
    dsc_context_destroy(ctx);
  }
}

/* Two unrelated threads sharing one pool must not deadlock or lose work. */
typedef struct share_arg {
  dsc_context *ctx;
  int ok;
} share_arg;

static void *share_thread(void *p) {
  share_arg *s = (share_arg *)p;
  int rep;
  s->ok = 1;
  for (rep = 0; rep < 300; ++rep) {
    cover_arg a;
    int64_t i;
    a.n = 333;
    a.calls = 0;
    a.counts = (int *)calloc(333, sizeof(int));
    pthread_mutex_init(&a.mu, NULL);
    if (dsc_parallel_for(s->ctx, 333, cover_fn, &a) != DSC_OK)
      s->ok = 0;
    for (i = 0; i < 333; ++i)
      if (a.counts[i] != 1)
        s->ok = 0;
    pthread_mutex_destroy(&a.mu);
    free(a.counts);
  }
  return NULL;
}

static void test_parallel_for_shared(void) {
  dsc_context *ctx = NULL;
  pthread_t t[3];
  share_arg s[3];
  int i;

  CHECK(dsc_context_create(3, &ctx) == DSC_OK);
  for (i = 0; i < 3; ++i) {
    s[i].ctx = ctx;
    s[i].ok = 0;
    CHECK(pthread_create(&t[i], NULL, share_thread, &s[i]) == 0);
  }
  for (i = 0; i < 3; ++i) {
    pthread_join(t[i], NULL);
    CHECK(s[i].ok == 1);
  }
  dsc_context_destroy(ctx);
}

/* ---- sessions ------------------------------------------------------------- */

#define N_ELEMS 1000
static const int64_t kVecShape[1] = {N_ELEMS};
static const dsc_tensor_desc kAddInputs[2] = {
    {"a", DSC_DTYPE_F32, 1, kVecShape}, {"b", DSC_DTYPE_F32, 1, kVecShape}};
static const dsc_tensor_desc kAddOutputs[1] = {
    {"sum", DSC_DTYPE_F32, 1, kVecShape}};

typedef struct add_job {
  const float *a, *b;
  float *tmp, *out;
} add_job;

static void add_to_tmp(void *p, int64_t begin, int64_t end) {
  add_job *j = (add_job *)p;
  int64_t i;
  for (i = begin; i < end; ++i)
    j->tmp[i] = j->a[i] + j->b[i];
}

static void tmp_to_out(void *p, int64_t begin, int64_t end) {
  add_job *j = (add_job *)p;
  int64_t i;
  for (i = begin; i < end; ++i)
    j->out[i] = j->tmp[i];
}

static int g_entry_calls, g_entry_misaligned;

static void add_entry(void *const *inputs, void *const *outputs, void *arena,
                      dsc_context *ctx) {
  add_job j;
  j.a = (const float *)inputs[0];
  j.b = (const float *)inputs[1];
  j.tmp = (float *)arena;
  j.out = (float *)outputs[0];
  g_entry_calls++;
  if (!arena || (uintptr_t)arena % 64 != 0)
    g_entry_misaligned++;
  dsc_parallel_for(ctx, N_ELEMS, add_to_tmp, &j);
  dsc_parallel_for(ctx, N_ELEMS, tmp_to_out, &j);
}

static void noop_entry(void *const *inputs, void *const *outputs, void *arena,
                       dsc_context *ctx) {
  (void)inputs;
  (void)outputs;
  (void)ctx;
  g_entry_calls++;
  if (!arena || (uintptr_t)arena % 64 != 0)
    g_entry_misaligned++;
}

/* The "add" model of add_entry: out = a + b over N_ELEMS floats. */
static void add_model(dsc_model_desc *m) {
  memset(m, 0, sizeof *m);
  m->name = "add";
  m->num_inputs = 2;
  m->num_outputs = 1;
  m->inputs = kAddInputs;
  m->outputs = kAddOutputs;
  m->arena_bytes = N_ELEMS * sizeof(float);
  m->entry = add_entry;
}

static void test_session(void) {
  dsc_model_desc m;
  float a[N_ELEMS], b[N_ELEMS], out[N_ELEMS];
  const void *ins[2];
  void *outs[1];
  const void *bad_ins[2];
  void *bad_outs[1] = {NULL};
  int threads[] = {1, 2, 3, 0}, t, rep, i, bad;

  add_model(&m);
  for (i = 0; i < N_ELEMS; ++i) {
    a[i] = (float)i;
    b[i] = (float)(2 * i + 1);
  }
  ins[0] = a;
  ins[1] = b;
  outs[0] = out;
  bad_ins[0] = a;
  bad_ins[1] = NULL;

  for (t = 0; t < 4; ++t) {
    dsc_session *s = NULL;
    g_entry_calls = g_entry_misaligned = 0;
    CHECK(dsc_session_create(&m, threads[t], &s) == DSC_OK && s != NULL);
    if (!s)
      continue;
    if (threads[t] > 0)
      CHECK(dsc_session_num_threads(s) == threads[t]);
    else
      CHECK(dsc_session_num_threads(s) >= 1);
    for (rep = 0; rep < 20; ++rep) {
      memset(out, 0, sizeof out);
      CHECK(dsc_session_run(s, ins, outs) == DSC_OK);
      for (i = 0, bad = 0; i < N_ELEMS; ++i)
        bad += out[i] != (float)(3 * i + 1);
      CHECK_MSG(bad == 0, "threads %d", threads[t]);
    }
    CHECK(g_entry_calls == 20 && g_entry_misaligned == 0);
    CHECK(dsc_session_run(NULL, ins, outs) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_session_run(s, NULL, outs) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_session_run(s, ins, NULL) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_session_run(s, bad_ins, outs) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(dsc_session_run(s, ins, bad_outs) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(g_entry_calls == 20);
    dsc_session_destroy(s);
  }

  /* Argument checks of create. */
  {
    dsc_session *s = (dsc_session *)&m; /* must be reset to NULL */
    CHECK(dsc_session_create(NULL, 1, &s) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK(dsc_session_create(&m, 1, NULL) == DSC_ERR_INVALID_ARGUMENT);
    m.entry = NULL;
    CHECK(dsc_session_create(&m, 1, &s) == DSC_ERR_INVALID_ARGUMENT);
    CHECK(s == NULL);
    dsc_session_destroy(NULL);
    CHECK(dsc_session_num_threads(NULL) == 0);
  }

  /* No arena, no inputs: still a valid aligned arena pointer. */
  {
    dsc_model_desc z;
    dsc_session *s = NULL;
    memset(&z, 0, sizeof z);
    z.name = "noop";
    z.num_outputs = 1;
    z.outputs = kAddOutputs;
    z.entry = noop_entry;
    g_entry_calls = g_entry_misaligned = 0;
    CHECK(dsc_session_create(&z, 2, &s) == DSC_OK);
    CHECK(dsc_session_run(s, NULL, outs) == DSC_OK);
    CHECK(g_entry_calls == 1 && g_entry_misaligned == 0);
    dsc_session_destroy(s);
  }
}

/* ---- dynamic batch ----------------------------------------------------------
 */

/* One batch element: x [-1, 3] scaled by a shared s [3] into y [-1, 3]; a
 * second output z [3] does not lead with the batch. */
static const int64_t kBatchShape[2] = {-1, 3};
static const int64_t kRowShape[1] = {3};
static const dsc_tensor_desc kBatchInputs[2] = {
    {"x", DSC_DTYPE_F32, 2, kBatchShape}, {"s", DSC_DTYPE_F32, 1, kRowShape}};
static const dsc_tensor_desc kBatchOutputs[2] = {
    {"y", DSC_DTYPE_F32, 2, kBatchShape}, {"z", DSC_DTYPE_F32, 1, kRowShape}};

static void scale_entry(void *const *inputs, void *const *outputs, void *arena,
                        dsc_context *ctx) {
  const float *x = (const float *)inputs[0], *sc = (const float *)inputs[1];
  float *y = (float *)outputs[0], *z = (float *)outputs[1];
  int i;
  (void)arena;
  (void)ctx;
  g_entry_calls++;
  for (i = 0; i < 3; ++i) {
    y[i] = x[i] * sc[i];
    z[i] = sc[i];
  }
}

static void test_run_batch(void) {
  dsc_model_desc m;
  float x[5 * 3], sc[3] = {1.0f, 2.0f, 3.0f}, y[5 * 3], z[3];
  const void *ins[2];
  void *outs[2];
  dsc_session *s = NULL;
  int i, bad;

  memset(&m, 0, sizeof m);
  m.name = "scale";
  m.num_inputs = 2;
  m.num_outputs = 2;
  m.inputs = kBatchInputs;
  m.outputs = kBatchOutputs;
  m.entry = scale_entry;
  m.dynamic_batch = "N";
  for (i = 0; i < 15; ++i)
    x[i] = (float)i;
  ins[0] = x;
  ins[1] = sc;
  outs[0] = y;
  outs[1] = z;

  CHECK(dsc_tensor_numel(&kBatchInputs[0], 5) == 15);
  CHECK(dsc_tensor_numel(&kBatchInputs[1], 5) == 3);
  CHECK(dsc_tensor_numel(&kBatchInputs[0], -1) == -1);
  CHECK(dsc_session_create(&m, 2, &s) == DSC_OK && s != NULL);
  if (!s)
    return;
  g_entry_calls = 0;
  memset(y, 0, sizeof y);
  CHECK(dsc_session_run_batch(s, 5, ins, outs) == DSC_OK);
  CHECK(g_entry_calls == 5);
  for (i = 0, bad = 0; i < 15; ++i)
    bad += y[i] != (float)i * sc[i % 3];
  CHECK_MSG(bad == 0, "%d wrong elements of a batch of 5", bad);
  CHECK(z[0] == 1.0f && z[1] == 2.0f && z[2] == 3.0f);
  /* dsc_session_run is batch 1: only the first element is written. */
  memset(y, 0, sizeof y);
  CHECK(dsc_session_run(s, ins, outs) == DSC_OK);
  CHECK(y[1] == 2.0f && y[3] == 0.0f && y[14] == 0.0f);
  CHECK(dsc_session_run_batch(s, 0, ins, outs) == DSC_ERR_INVALID_ARGUMENT);
  CHECK(dsc_session_run_batch(NULL, 1, ins, outs) == DSC_ERR_INVALID_ARGUMENT);
  CHECK(dsc_session_run_batch(s, 2, NULL, outs) == DSC_ERR_INVALID_ARGUMENT);
  dsc_session_destroy(s);

  /* A static model runs a batch of 1 only. */
  m.dynamic_batch = NULL;
  m.inputs = kAddInputs;
  m.outputs = kAddOutputs;
  m.num_outputs = 1;
  m.arena_bytes = N_ELEMS * sizeof(float);
  m.entry = add_entry;
  CHECK(dsc_session_create(&m, 1, &s) == DSC_OK && s != NULL);
  if (!s)
    return;
  {
    static float a[N_ELEMS], b[N_ELEMS], out[N_ELEMS];
    const void *add_ins[2];
    void *add_outs[1];
    add_ins[0] = a;
    add_ins[1] = b;
    add_outs[0] = out;
    CHECK(dsc_session_run_batch(s, 1, add_ins, add_outs) == DSC_OK);
    CHECK(dsc_session_run_batch(s, 2, add_ins, add_outs) == DSC_ERR_MISMATCH);
  }
  dsc_session_destroy(s);
}

/* ---- zero-element tensors ---------------------------------------------------
 */

/* x [-1, 3] and an empty e [2, 0] in; y [-1, 3] and an empty f [-1, 0, 4]
 * out: the empty tensors' pointers may be NULL and are never advanced. */
static const int64_t kEmptyShape[2] = {2, 0};
static const int64_t kEmptyBatchShape[3] = {-1, 0, 4};
static const dsc_tensor_desc kEmptyInputs[2] = {
    {"x", DSC_DTYPE_F32, 2, kBatchShape}, {"e", DSC_DTYPE_F32, 2, kEmptyShape}};
static const dsc_tensor_desc kEmptyOutputs[2] = {
    {"y", DSC_DTYPE_F32, 2, kBatchShape},
    {"f", DSC_DTYPE_F32, 3, kEmptyBatchShape}};
static int g_null_seen;

static void copy_entry(void *const *inputs, void *const *outputs, void *arena,
                       dsc_context *ctx) {
  const float *x = (const float *)inputs[0];
  float *y = (float *)outputs[0];
  int i;
  (void)arena;
  (void)ctx;
  g_entry_calls++;
  g_null_seen += !inputs[1] && !outputs[1];
  for (i = 0; i < 3; ++i)
    y[i] = x[i] + 1.0f;
}

static void test_empty_tensors(void) {
  dsc_model_desc m;
  float x[4 * 3], y[4 * 3];
  const void *ins[2];
  void *outs[2];
  dsc_session *s = NULL;
  int i, bad;

  memset(&m, 0, sizeof m);
  m.name = "empty";
  m.num_inputs = 2;
  m.num_outputs = 2;
  m.inputs = kEmptyInputs;
  m.outputs = kEmptyOutputs;
  m.entry = copy_entry;
  m.dynamic_batch = "N";
  CHECK(dsc_tensor_numel(&kEmptyInputs[1], 1) == 0);
  CHECK(dsc_tensor_numel(&kEmptyOutputs[1], 7) == 0);
  for (i = 0; i < 12; ++i)
    x[i] = (float)i;
  ins[0] = x;
  ins[1] = NULL;
  outs[0] = y;
  outs[1] = NULL;
  CHECK(dsc_session_create(&m, 1, &s) == DSC_OK && s != NULL);
  if (!s)
    return;
  g_entry_calls = g_null_seen = 0;
  CHECK(dsc_session_run(s, ins, outs) == DSC_OK);
  CHECK(dsc_session_run_batch(s, 4, ins, outs) == DSC_OK);
  CHECK(g_entry_calls == 5 && g_null_seen == 5);
  for (i = 0, bad = 0; i < 12; ++i)
    bad += y[i] != (float)i + 1.0f;
  CHECK_MSG(bad == 0, "%d wrong elements", bad);
  /* A NULL pointer for a tensor with elements is still refused. */
  ins[0] = NULL;
  CHECK(dsc_session_run(s, ins, outs) == DSC_ERR_INVALID_ARGUMENT);
  CHECK(g_entry_calls == 5);
  dsc_session_destroy(s);
}

/* ---- main ----------------------------------------------------------------- */

static void remove_tmp_dir(void) {
  DIR *d = opendir(g_dir);
  struct dirent *e;
  char p[512];

  if (d) {
    while ((e = readdir(d)) != NULL)
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
        unlink(tmp_path(p, sizeof p, e->d_name));
    closedir(d);
  }
  rmdir(g_dir);
}

/* An entry that fails a run-time check when a[0] is negative (twice: only
 * the first failure is kept) and returns without writing its output. */
static void guard_entry(void *const *inputs, void *const *outputs, void *arena,
                        dsc_context *ctx) {
  const float *a = (const float *)inputs[0];
  float *out = (float *)outputs[0];
  int64_t given[3];
  (void)arena;
  if (a[0] < 0) {
    given[0] = (int64_t)a[0];
    given[1] = INT64_MIN;
    given[2] = INT64_MAX;
    dsc_guard_fail(ctx, "node 'r' (Reshape): bad shape", given, 3);
    dsc_guard_fail(ctx, "a second failure", NULL, 0);
    return;
  }
  out[0] = a[0] + 1.0f;
}

static void test_guard(void) {
  static const int64_t shape[] = {1};
  static const dsc_tensor_desc in[] = {{"a", DSC_DTYPE_F32, 1, shape}};
  static const dsc_tensor_desc outd[] = {{"y", DSC_DTYPE_F32, 1, shape}};
  dsc_model_desc m;
  dsc_session *s = NULL;
  float a = -2.0f, y = 7.0f;
  const void *ins[1];
  void *outs[1];
  char big[DSC_ERROR_BYTES + 64];
  int64_t many[200];
  int i;

  memset(&m, 0, sizeof m);
  m.name = "guard";
  m.num_inputs = 1;
  m.num_outputs = 1;
  m.inputs = in;
  m.outputs = outd;
  m.entry = guard_entry;
  ins[0] = &a;
  outs[0] = &y;
  CHECK(dsc_session_create(&m, 1, &s) == DSC_OK && s != NULL);
  if (!s)
    return;
  CHECK(strcmp(dsc_session_error(s), "") == 0);
  CHECK(dsc_session_run(s, ins, outs) == DSC_ERR_GUARD);
  CHECK(strcmp(dsc_session_error(s),
               "node 'r' (Reshape): bad shape; given [-2, "
               "-9223372036854775808, 9223372036854775807]") == 0);
  CHECK(y == 7.0f);
  CHECK(strcmp(dsc_status_string(DSC_ERR_GUARD),
               "an input contradicts what the model was compiled for") == 0);
  /* A successful run clears the message. */
  a = 1.0f;
  CHECK(dsc_session_run(s, ins, outs) == DSC_OK);
  CHECK(y == 2.0f && strcmp(dsc_session_error(s), "") == 0);
  CHECK(dsc_session_error(NULL) != NULL);
  /* Long messages are cut at DSC_ERROR_BYTES - 1 characters. */
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  for (i = 0; i < 200; ++i)
    many[i] = i;
  {
    dsc_context *ctx = NULL;
    CHECK(dsc_context_create(1, &ctx) == DSC_OK);
    dsc_guard_fail(ctx, big, many, 200); /* must not overflow */
    dsc_guard_fail(NULL, "ignored", NULL, 0);
    dsc_context_destroy(ctx);
  }
  dsc_session_destroy(s);
}

/* Whether this process may use AMX: an x86-64 Linux CPU whose flags (as the
 * kernel reports them, so with OS support) include AMX tiles and BF16. */
static int host_has_amx(void) {
#if defined(__linux__) && defined(__x86_64__)
  char line[8192];
  int found = 0;
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "flags", 5) == 0) {
      found = strstr(line, " amx_tile") != NULL &&
              strstr(line, " amx_bf16") != NULL;
      break;
    }
  fclose(f);
  return found;
#else
  return 0;
#endif
}

/* A model that needs AMX state (a library with AMX kernels): the session
 * asks the OS for it and runs where it is granted, and fails with
 * DSC_ERR_UNSUPPORTED (never a fault at the first tile instruction) where it
 * is not. */
static void test_requirements(void) {
  dsc_model_desc m;
  float a[N_ELEMS], b[N_ELEMS], out[N_ELEMS];
  const void *ins[2];
  void *outs[1];
  dsc_session *s = NULL;
  dsc_status st, want = host_has_amx() ? DSC_OK : DSC_ERR_UNSUPPORTED;
  int i, bad;

  add_model(&m);
  m.requirements = DSC_REQUIRES_AMX;
  for (i = 0; i < N_ELEMS; ++i) {
    a[i] = (float)i;
    b[i] = 1.0f;
  }
  ins[0] = a;
  ins[1] = b;
  outs[0] = out;
  st = dsc_session_create(&m, 2, &s);
  CHECK_MSG(st == want, "dsc_session_create gave %d, want %d", (int)st,
            (int)want);
  if (st == DSC_OK) {
    CHECK(dsc_session_run(s, ins, outs) == DSC_OK);
    for (i = 0, bad = 0; i < N_ELEMS; ++i)
      bad += out[i] != (float)(i + 1);
    CHECK(bad == 0);
    dsc_session_destroy(s);
  } else {
    CHECK(s == NULL);
  }
  CHECK(strstr(dsc_status_string(DSC_ERR_UNSUPPORTED), "AMX") != NULL);
}

int main(void) {
  const char *tmp = getenv("TMPDIR");

  snprintf(g_dir, sizeof g_dir, "%s/dsc_rt_test.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(g_dir)) {
    perror("mkdtemp");
    return 2;
  }
  test_helpers();
  test_npy_roundtrip();
  test_npy_reader();
  test_npy_garbage();
  test_parallel_for_cover();
  test_parallel_for_nested();
  test_parallel_for_shared();
  test_session();
  test_run_batch();
  test_empty_tensors();
  test_guard();
  test_requirements();
  remove_tmp_dir();
  printf("runtime_test: %d checks, %d failed\n", g_checks, g_failures);
  return g_failures ? 1 : 0;
}
