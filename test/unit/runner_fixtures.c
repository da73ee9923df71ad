/* Writes the .npy fixtures of runner_test.sh into the directory argv[1],
 * using the runtime's own writer (no Python needed). */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <stdio.h>
#include <string.h>

static int save(const char *dir, const char *name, int32_t dtype,
                int32_t rank, const int64_t *shape, const void *data) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (dsc_npy_save(path, dtype, rank, shape, data) != DSC_OK) {
    fprintf(stderr, "runner_fixtures: cannot write %s\n", path);
    return 1;
  }
  return 0;
}

static int write_raw(const char *dir, const char *name, const void *data,
                     size_t n) {
  char path[4096];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (!f || fwrite(data, 1, n, f) != n) {
    fprintf(stderr, "runner_fixtures: cannot write %s\n", path);
    if (f)
      fclose(f);
    return 1;
  }
  return fclose(f) != 0;
}

int main(int argc, char **argv) {
  static const int64_t s23[2] = {2, 3}, s32[2] = {3, 2};
  float a[6] = {1.5f, -2.0f, 3.25f, 0.0f, 100.0f, -7.5f};
  float b[6] = {0.5f, 2.0f, -1.25f, 8.0f, 0.125f, 7.5f};
  float sum[6];
  int64_t i64[6] = {1, 2, 3, 4, 5, 6};
  unsigned char cut[256];
  FILE *f;
  size_t n;
  int i, rc = 0;
  const char *dir;

  if (argc != 2) {
    fprintf(stderr, "usage: runner_fixtures DIR\n");
    return 2;
  }
  dir = argv[1];
  for (i = 0; i < 6; ++i)
    sum[i] = a[i] + b[i];
  rc |= save(dir, "a.npy", DSC_DTYPE_F32, 2, s23, a);
  rc |= save(dir, "b.npy", DSC_DTYPE_F32, 2, s23, b);
  rc |= save(dir, "expected.npy", DSC_DTYPE_F32, 2, s23, sum);
  rc |= save(dir, "int64.npy", DSC_DTYPE_I64, 2, s23, i64);
  rc |= save(dir, "shape32.npy", DSC_DTYPE_F32, 2, s32, a);
  {
    static const char kGarbage[] = "this is not a .npy file\n";
    rc |= write_raw(dir, "garbage.npy", kGarbage, sizeof kGarbage - 1);
  }
  /* a.npy cut in the middle of its data */
  {
    char path[4096];
    snprintf(path, sizeof path, "%s/a.npy", dir);
    f = fopen(path, "rb");
    n = f ? fread(cut, 1, sizeof cut, f) : 0;
    if (f)
      fclose(f);
    rc |= n != 128 + 24;
    rc |= write_raw(dir, "truncated.npy", cut, 128 + 10);
  }
  return rc;
}
