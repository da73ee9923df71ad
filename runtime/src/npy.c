/* dsc runtime: .npy reader and writer (the runner's I/O).
 *
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 * The reader accepts versions 1.0, 2.0 and 3.0, little-endian ('<', '=', or
 * '|') C-order arrays of the dtypes dsc_dtype knows; bfloat16 is stored as
 * '<V2', which is what numpy writes for an ml_dtypes.bfloat16 array. Every
 * size it trusts is first checked against the file's actual size, so a
 * hostile header cannot trigger a large allocation. The writer emits version
 * 1.0 with the header padded so the data starts at a multiple of 64 bytes,
 * byte-for-byte like numpy.save.
 */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char kMagic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
#define MAX_HEADER_BYTES (1u << 20)

/* numpy type codes: kind letter and item size. */
static const struct {
  char kind, size;
  int8_t dtype;
} kTypes[] = {{'f', '4', DSC_DTYPE_F32},  {'f', '8', DSC_DTYPE_F64},
              {'f', '2', DSC_DTYPE_F16},  {'i', '1', DSC_DTYPE_I8},
              {'u', '1', DSC_DTYPE_U8},   {'b', '1', DSC_DTYPE_BOOL},
              {'i', '2', DSC_DTYPE_I16},  {'u', '2', DSC_DTYPE_U16},
              {'i', '4', DSC_DTYPE_I32},  {'u', '4', DSC_DTYPE_U32},
              {'i', '8', DSC_DTYPE_I64},  {'u', '8', DSC_DTYPE_U64},
              {'V', '2', DSC_DTYPE_BF16}, {'V', '1', DSC_DTYPE_VOID8},
              /* ml_dtypes' float8_e5m2 says 'f1' */
              {'f', '1', DSC_DTYPE_VOID8}};
#define NUM_TYPES (sizeof kTypes / sizeof kTypes[0])

static dsc_status fail(char *err, size_t errlen, dsc_status st,
                       const char *fmt, ...) {
  va_list ap;

  if (err && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* ---- header dict parsing ------------------------------------------------ */

typedef struct cursor {
  const char *p, *end;
} cursor;

static void skip_ws(cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static int eat(cursor *c, char ch) {
  skip_ws(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return 1;
  }
  return 0;
}

static int eat_word(cursor *c, const char *w) {
  size_t n = strlen(w);

  skip_ws(c);
  if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
    c->p += n;
    return 1;
  }
  return 0;
}

/* A quoted Python string; longer ones are truncated to cap-1 bytes, and
 * non-printable bytes become '?' so error messages stay one clean line. */
static int parse_str(cursor *c, char *buf, size_t cap) {
  size_t n = 0;
  char q;

  skip_ws(c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return 0;
  q = *c->p++;
  while (c->p < c->end && *c->p != q) {
    if (n + 1 < cap)
      buf[n++] = (*c->p >= 0x20 && *c->p < 0x7f) ? *c->p : '?';
    c->p++;
  }
  buf[n] = '\0';
  if (c->p >= c->end)
    return 0;
  c->p++;
  return 1;
}

/* A tuple of non-negative ints: (), (3,), (2, 3). Returns 0 if malformed,
 * -1 if it has more than DSC_MAX_RANK entries. */
static int parse_shape(cursor *c, int32_t *rank, int64_t *shape) {
  *rank = 0;
  if (!eat(c, '('))
    return 0;
  if (eat(c, ')'))
    return 1;
  for (;;) {
    int64_t v = 0;
    int digits = 0;

    skip_ws(c);
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      int d = *c->p++ - '0';
      if (v > (INT64_MAX - d) / 10)
        return 0;
      v = v * 10 + d;
      digits++;
    }
    if (!digits)
      return 0;
    if (c->p < c->end && *c->p == 'L') /* Python 2 long */
      c->p++;
    if (*rank == DSC_MAX_RANK)
      return -1;
    shape[(*rank)++] = v;
    if (eat(c, ')'))
      return 1;
    if (!eat(c, ','))
      return 0;
    if (eat(c, ')'))
      return 1;
  }
}

static dsc_status parse_header(const char *h, size_t len, dsc_npy *out,
                               char *err, size_t errlen) {
  cursor c;
  char key[32], descr[32];
  int have_descr = 0, have_order = 0, have_shape = 0, fortran = 0;
  size_t i;

  c.p = h;
  c.end = h + len;
  descr[0] = '\0';
  if (!eat(&c, '{'))
    return fail(err, errlen, DSC_ERR_FORMAT, "header is not a dict");
  while (!eat(&c, '}')) {
    if (!parse_str(&c, key, sizeof key) || !eat(&c, ':'))
      return fail(err, errlen, DSC_ERR_FORMAT, "malformed header dict");
    if (strcmp(key, "descr") == 0 && !have_descr) {
      skip_ws(&c);
      if (c.p < c.end && *c.p == '[')
        return fail(err, errlen, DSC_ERR_FORMAT,
                    "structured dtypes are not supported");
      if (!parse_str(&c, descr, sizeof descr))
        return fail(err, errlen, DSC_ERR_FORMAT,
                    "bad 'descr' value in header");
      have_descr = 1;
    } else if (strcmp(key, "fortran_order") == 0 && !have_order) {
      if (eat_word(&c, "True"))
        fortran = 1;
      else if (!eat_word(&c, "False"))
        return fail(err, errlen, DSC_ERR_FORMAT,
                    "bad 'fortran_order' value in header");
      have_order = 1;
    } else if (strcmp(key, "shape") == 0 && !have_shape) {
      int r = parse_shape(&c, &out->rank, out->shape);
      if (r < 0)
        return fail(err, errlen, DSC_ERR_FORMAT,
                    "arrays of rank > %d are not supported", DSC_MAX_RANK);
      if (r == 0)
        return fail(err, errlen, DSC_ERR_FORMAT,
                    "bad 'shape' value in header");
      have_shape = 1;
    } else {
      return fail(err, errlen, DSC_ERR_FORMAT,
                  "unexpected or repeated key '%s' in header", key);
    }
    if (!eat(&c, ',')) {
      if (!eat(&c, '}'))
        return fail(err, errlen, DSC_ERR_FORMAT, "malformed header dict");
      break;
    }
  }
  skip_ws(&c);
  if (c.p != c.end)
    return fail(err, errlen, DSC_ERR_FORMAT,
                "unexpected bytes after the header dict");
  if (!have_descr || !have_order || !have_shape)
    return fail(err, errlen, DSC_ERR_FORMAT, "header has no '%s' key",
                !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
  if (fortran)
    return fail(err, errlen, DSC_ERR_FORMAT,
                "fortran_order arrays are not supported");
  if (strlen(descr) == 3)
    for (i = 0; i < NUM_TYPES; ++i)
      if (descr[1] == kTypes[i].kind && descr[2] == kTypes[i].size) {
        if (descr[0] == '<' || descr[0] == '=' || descr[0] == '|' ||
            (descr[0] == '>' && descr[2] == '1')) {
          out->dtype = kTypes[i].dtype;
          return DSC_OK;
        }
        if (descr[0] == '>')
          return fail(err, errlen, DSC_ERR_FORMAT,
                      "big-endian data ('%s') is not supported", descr);
      }
  return fail(err, errlen, DSC_ERR_FORMAT, "unsupported dtype '%s'", descr);
}

/* ---- reader ------------------------------------------------------------ */

static dsc_status load_file(FILE *f, dsc_npy *out, char *err, size_t errlen) {
  unsigned char pre[12];
  struct stat sb;
  unsigned long long fsize, hlen, prefix, avail, nbytes, got;
  int64_t numel;
  char *header;
  dsc_status st;
  size_t n;

  if (fstat(fileno(f), &sb) != 0)
    return fail(err, errlen, DSC_ERR_IO, "%s", strerror(errno));
  if (S_ISDIR(sb.st_mode))
    return fail(err, errlen, DSC_ERR_IO, "is a directory");
  if (!S_ISREG(sb.st_mode))
    return fail(err, errlen, DSC_ERR_IO, "not a regular file");
  fsize = sb.st_size > 0 ? (unsigned long long)sb.st_size : 0;

  n = fread(pre, 1, 10, f);
  if (n == 0 || memcmp(pre, kMagic, n < 6 ? n : 6) != 0)
    return fail(err, errlen, DSC_ERR_FORMAT, "not a .npy file (bad magic)");
  if (n < 10)
    return fail(err, errlen, DSC_ERR_FORMAT, "file ends inside the header");
  if (pre[6] == 1 && pre[7] == 0) {
    hlen = pre[8] | (unsigned)pre[9] << 8;
    prefix = 10;
  } else if ((pre[6] == 2 || pre[6] == 3) && pre[7] == 0) {
    if (fread(pre + 10, 1, 2, f) != 2)
      return fail(err, errlen, DSC_ERR_FORMAT, "file ends inside the header");
    hlen = pre[8] | (unsigned long)pre[9] << 8 | (unsigned long)pre[10] << 16 |
           (unsigned long)pre[11] << 24;
    prefix = 12;
  } else {
    return fail(err, errlen, DSC_ERR_FORMAT,
                "unsupported .npy format version %u.%u", (unsigned)pre[6],
                (unsigned)pre[7]);
  }
  if (fsize < prefix || hlen > fsize - prefix)
    return fail(err, errlen, DSC_ERR_FORMAT,
                "file ends inside the header (header length %llu, file size "
                "%llu bytes)",
                hlen, fsize);
  if (hlen > MAX_HEADER_BYTES)
    return fail(err, errlen, DSC_ERR_FORMAT, "header length %llu is too large",
                hlen);

  header = (char *)malloc((size_t)hlen + 1);
  if (!header)
    return fail(err, errlen, DSC_ERR_OUT_OF_MEMORY, "out of memory");
  if (fread(header, 1, (size_t)hlen, f) != (size_t)hlen) {
    free(header);
    return fail(err, errlen, DSC_ERR_FORMAT, "file ends inside the header");
  }
  st = parse_header(header, (size_t)hlen, out, err, errlen);
  free(header);
  if (st != DSC_OK)
    return st;

  numel = dsc_numel(out->rank, out->shape);
  if (numel < 0 || (unsigned long long)numel >
                       (unsigned long long)SIZE_MAX / dsc_dtype_size(out->dtype))
    return fail(err, errlen, DSC_ERR_FORMAT, "array size overflows");
  nbytes = (unsigned long long)numel * dsc_dtype_size(out->dtype);
  avail = fsize - prefix - hlen;
  if (avail < nbytes)
    return fail(err, errlen, DSC_ERR_FORMAT,
                "file ends after %llu of %llu data bytes", avail, nbytes);

  if (posix_memalign(&out->data, 64, nbytes > 0 ? (size_t)nbytes : 64) != 0) {
    out->data = NULL;
    return fail(err, errlen, DSC_ERR_OUT_OF_MEMORY,
                "out of memory (%llu data bytes)", nbytes);
  }
  out->nbytes = (size_t)nbytes;
  got = fread(out->data, 1, (size_t)nbytes, f);
  if (got != nbytes) {
    if (ferror(f))
      return fail(err, errlen, DSC_ERR_IO, "read error: %s", strerror(errno));
    return fail(err, errlen, DSC_ERR_FORMAT,
                "file ends after %llu of %llu data bytes", got, nbytes);
  }
  return DSC_OK;
}

dsc_status dsc_npy_load(const char *path, dsc_npy *out, char *err,
                        size_t errlen) {
  dsc_status st;
  FILE *f;

  if (err && errlen > 0)
    err[0] = '\0';
  if (!out)
    return fail(err, errlen, DSC_ERR_INVALID_ARGUMENT, "invalid argument");
  memset(out, 0, sizeof *out);
  if (!path)
    return fail(err, errlen, DSC_ERR_INVALID_ARGUMENT, "invalid argument");
  f = fopen(path, "rb");
  if (!f)
    return fail(err, errlen, DSC_ERR_IO, "%s", strerror(errno));
  st = load_file(f, out, err, errlen);
  fclose(f);
  if (st != DSC_OK)
    dsc_npy_free(out);
  return st;
}

void dsc_npy_free(dsc_npy *npy) {
  if (!npy)
    return;
  free(npy->data);
  npy->data = NULL;
  npy->nbytes = 0;
}

/* ---- writer ------------------------------------------------------------ */

dsc_status dsc_npy_save(const char *path, int32_t dtype, int32_t rank,
                        const int64_t *shape, const void *data) {
  char h[640];
  size_t len, total, nbytes, i, esize = dsc_dtype_size(dtype);
  int64_t numel = dsc_numel(rank, shape);
  const char *bo = "<";
  int ok, saved;
  FILE *f;

  if (!path || esize == 0 || rank > DSC_MAX_RANK || numel < 0 ||
      (uint64_t)numel > SIZE_MAX / esize)
    return DSC_ERR_INVALID_ARGUMENT;
  nbytes = (size_t)numel * esize;
  if (nbytes > 0 && !data)
    return DSC_ERR_INVALID_ARGUMENT;
  /* Narrow types are '|V1', as numpy writes ml_dtypes' float8/int4. */
  if (dtype >= DSC_DTYPE_F8E4M3FN && dtype <= DSC_DTYPE_I2)
    dtype = DSC_DTYPE_VOID8;
  for (i = 0; i < NUM_TYPES; ++i)
    if (kTypes[i].dtype == dtype)
      break;
  if (esize == 1)
    bo = "|";
  len = (size_t)sprintf(h + 10, "{'descr': '%s%c%c', 'fortran_order': False, "
                                "'shape': (",
                        bo, kTypes[i].kind, kTypes[i].size);
  for (i = 0; i < (size_t)rank; ++i)
    len += (size_t)sprintf(h + 10 + len, i ? ", %lld" : "%lld",
                           (long long)shape[i]);
  len += (size_t)sprintf(h + 10 + len, rank == 1 ? ",), }" : "), }");
  /* Pad with spaces and a final newline so the data starts 64-aligned. */
  total = (10 + len + 1 + 63) & ~(size_t)63;
  memset(h + 10 + len, ' ', total - 10 - len - 1);
  h[total - 1] = '\n';
  memcpy(h, kMagic, 6);
  h[6] = 1;
  h[7] = 0;
  h[8] = (char)((total - 10) & 0xff);
  h[9] = (char)((total - 10) >> 8);

  f = fopen(path, "wb");
  if (!f)
    return DSC_ERR_IO;
  ok = fwrite(h, 1, total, f) == total &&
       (nbytes == 0 || fwrite(data, 1, nbytes, f) == nbytes);
  saved = errno;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    saved = errno;
  }
  if (!ok) {
    remove(path);
    errno = saved;
    return DSC_ERR_IO;
  }
  return DSC_OK;
}
