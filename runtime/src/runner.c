/* dsc runtime: the command-line runner behind every generated runner
 * executable (its main() just calls dsc_runner_main).
 *
 *   <prog> --input NAME=FILE.npy ... --output-dir DIR
 *          [--repeat N] [--warmup N] [--threads N] [--help]
 *
 * Every failure prints exactly one line starting with "error: " on stderr and
 * returns 1; --help prints the usage and returns 0.
 */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define MAX_REPEAT 1000000L
#define MAX_THREADS 4096L

/* Prints one "error: ..." line; control characters (e.g. a newline inside a
 * file name) are replaced so the message stays on one line. */
static int errorf(const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  size_t i;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  for (i = 0; buf[i]; ++i)
    if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
      buf[i] = '?';
  fprintf(stderr, "error: %s\n", buf);
  return 1;
}

static const char *dtype_str(int32_t dtype) {
  const char *s = dsc_dtype_name(dtype);
  return s ? s : "unknown-dtype";
}

/* "[1,3,8,8]"; "[]" for a scalar. */
static const char *shape_str(char *buf, size_t cap, int32_t rank,
                             const int64_t *shape) {
  size_t len = 1;
  int32_t i;

  buf[0] = '[';
  buf[1] = '\0';
  for (i = 0; i < rank && len < cap; ++i)
    len += (size_t)snprintf(buf + len, cap - len, i ? ",%lld" : "%lld",
                            (long long)shape[i]);
  if (len + 2 <= cap)
    strcpy(buf + len, "]");
  return buf;
}

/* A model tensor's shape, its dynamic batch (shape[0] == -1) by name:
 * "[N,3,8,8]". */
static const char *desc_shape_str(char *buf, size_t cap,
                                  const dsc_model_desc *m,
                                  const dsc_tensor_desc *d) {
  size_t len;

  if (!m->dynamic_batch || d->rank < 1 || d->shape[0] != -1)
    return shape_str(buf, cap, d->rank, d->shape);
  shape_str(buf, cap, d->rank - 1, d->shape + 1);
  len = strlen(m->dynamic_batch);
  if (len + 2 + strlen(buf) >= cap)
    return buf;
  /* "[3,8,8]" -> "[N,3,8,8]" ("[N]" for rank 1). */
  memmove(buf + 1 + len + (d->rank > 1), buf + 1, strlen(buf));
  memcpy(buf + 1, m->dynamic_batch, len);
  if (d->rank > 1)
    buf[1 + len] = ',';
  return buf;
}

/* Parses a decimal integer in [min, max]; returns 0 (after printing the
 * error) if it is not one. */
static int parse_int(const char *flag, const char *s, long min, long max,
                     long *out) {
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
    errorf("%s expects an integer in [%ld, %ld], got '%s'", flag, min, max, s);
    return 0;
  }
  *out = v;
  return 1;
}

/* mkdir -p; returns 0 or -1 with errno set. */
static int mkdir_p(const char *dir) {
  size_t n = strlen(dir);
  struct stat sb;
  char *p, *q;
  int rc = 0;

  p = (char *)malloc(n + 1);
  if (!p)
    return -1;
  memcpy(p, dir, n + 1);
  for (q = p + 1; rc == 0; ++q) {
    if (*q == '/' || *q == '\0') {
      char c = *q;
      *q = '\0';
      if (mkdir(p, 0777) != 0) {
        int e = errno;
        if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
          errno = e == EEXIST ? ENOTDIR : e;
          rc = -1;
        }
      }
      *q = c;
      if (c == '\0')
        break;
    }
  }
  free(p);
  return rc;
}

/* DIR/<name>.npy with characters outside [A-Za-z0-9_.-] replaced by '_'. */
static char *output_path(const char *dir, const char *name) {
  size_t dn = strlen(dir), nn = strlen(name), i;
  char *p = (char *)malloc(dn + nn + 7), *s;

  if (!p)
    return NULL;
  memcpy(p, dir, dn);
  if (dn > 0 && dir[dn - 1] != '/')
    p[dn++] = '/';
  s = p + dn;
  for (i = 0; i < nn; ++i) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    s[i] = ok ? c : '_';
  }
  if (nn == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
    s[0] = '_';
    nn = 1;
  }
  strcpy(s + nn, ".npy");
  return p;
}

/* Lists tensors as "name  dtype [shape]", outputs with their file name. */
static void print_tensors(const dsc_model_desc *m, const char *title, int32_t n,
                          const dsc_tensor_desc *t, int outputs) {
  char sh[DSC_MAX_RANK * 22 + 80];
  int32_t i;

  printf("%s:\n", title);
  if (n == 0)
    printf("  (none)\n");
  for (i = 0; i < n; ++i) {
    char *file = outputs ? output_path("", t[i].name) : NULL;
    printf("  %s  %s %s%s%s\n", t[i].name, dtype_str(t[i].dtype),
           desc_shape_str(sh, sizeof sh, m, &t[i]), file ? "  -> DIR/" : "",
           file ? file : "");
    free(file);
  }
}

static void usage(const dsc_model_desc *m, const char *prog) {
  printf("usage: %s --input NAME=FILE.npy ... --output-dir DIR [--repeat N]\n"
         "       [--warmup N] [--threads N] [--help]\n\n"
         "Runs the compiled model '%s' and writes every output to\n"
         "DIR/<output name>.npy (characters outside [A-Za-z0-9_.-] become '_').\n\n",
         prog, m->name ? m->name : "");
  print_tensors(m, "inputs", m->num_inputs, m->inputs, 0);
  print_tensors(m, "outputs", m->num_outputs, m->outputs, 1);
  if (m->dynamic_batch)
    printf(
        "\nThe batch '%s' is dynamic: it is taken from the input files (the\n"
        "first dimension of every input that has it, all the same) and the\n"
        "outputs that have it are written with that batch.\n",
        m->dynamic_batch);
  printf("\noptions:\n"
         "  --input NAME=FILE   the .npy file for input NAME (each input once)\n"
         "  --output-dir DIR    where to write the outputs (created if missing)\n"
         "  --repeat N          time N runs and print the latency (median, min,\n"
         "                      max); default: one untimed run\n"
         "  --warmup N          untimed runs first (default 1 with --repeat,\n"
         "                      else 0)\n"
         "  --threads N         worker threads (default 1; 0 = one per CPU)\n"
         "  --help              print this help\n");
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

/* Assigns `NAME=FILE` to the model input NAME. Input names may themselves
 * contain '=', so the longest input name that prefixes the value wins. */
static int assign_input(const dsc_model_desc *m, const char *val,
                        const char **files) {
  size_t best_len = 0, len, i;
  char names[1024];
  int32_t best = -1, k;

  for (k = 0; k < m->num_inputs; ++k) {
    len = strlen(m->inputs[k].name);
    if (strncmp(val, m->inputs[k].name, len) == 0 && val[len] == '=' &&
        (best < 0 || len > best_len)) {
      best = k;
      best_len = len;
    }
  }
  if (best >= 0) {
    if (files[best])
      return errorf("input '%s' is given more than once", m->inputs[best].name);
    files[best] = val + best_len + 1;
    return 0;
  }
  if (!strchr(val, '='))
    return errorf("--input expects NAME=FILE.npy, got '%s'", val);
  names[0] = '\0';
  for (k = 0, i = 0; k < m->num_inputs && i + 1 < sizeof names; ++k)
    i += (size_t)snprintf(names + i, sizeof names - i, k ? ", %s" : "%s",
                          m->inputs[k].name);
  len = (size_t)(strchr(val, '=') - val);
  if (m->num_inputs == 0)
    return errorf("unknown input '%.*s'; the model has no inputs", (int)len,
                  val);
  return errorf("unknown input '%.*s'; the model's inputs are: %s", (int)len,
                val, names);
}

/* Whether `a` has the shape of `d`; a dynamic dim 0 (-1) matches any. */
static int same_shape(const dsc_tensor_desc *d, const dsc_npy *a) {
  int32_t i;

  if (d->rank != a->rank)
    return 0;
  for (i = 0; i < d->rank; ++i)
    if (d->shape[i] != a->shape[i] && !(i == 0 && d->shape[0] == -1))
      return 0;
  return 1;
}

static const char *const kFlags[] = {"--input", "--output-dir", "--repeat",
                                     "--warmup", "--threads"};

int dsc_runner_main(const dsc_model_desc *m, int argc, char **argv) {
  const char *prog = argc > 0 && argv[0] ? argv[0] : "runner";
  const char *out_dir = NULL;
  long repeat = 0, warmup = -1, threads = 1, k;
  const char **files = NULL;
  dsc_npy *in = NULL;
  const void **in_ptrs = NULL;
  void **out_ptrs = NULL;
  double *times = NULL;
  dsc_session *session = NULL;
  char sh1[DSC_MAX_RANK * 22 + 80], sh2[DSC_MAX_RANK * 22 + 4], why[256];
  int64_t out_shape[DSC_MAX_RANK];
  dsc_status st;
  int rc = 1, i, f;
  int32_t j, batch_from = -1;
  int64_t batch = 1;

  if (!m || m->num_inputs < 0 || m->num_outputs < 0 ||
      (m->num_inputs > 0 && !m->inputs) || (m->num_outputs > 0 && !m->outputs))
    return errorf("invalid model descriptor");
  files = (const char **)calloc((size_t)m->num_inputs + 1, sizeof *files);
  in = (dsc_npy *)calloc((size_t)m->num_inputs + 1, sizeof *in);
  in_ptrs = (const void **)calloc((size_t)m->num_inputs + 1, sizeof *in_ptrs);
  out_ptrs = (void **)calloc((size_t)m->num_outputs + 1, sizeof *out_ptrs);
  if (!files || !in || !in_ptrs || !out_ptrs) {
    errorf("out of memory");
    goto done;
  }

  /* ---- command line ---- */
  for (i = 1; i < argc; ++i) {
    const char *a = argv[i], *val = NULL;
    size_t n = 0;

    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(m, prog);
      rc = 0;
      goto done;
    }
    for (f = 0; f < (int)(sizeof kFlags / sizeof kFlags[0]); ++f) {
      n = strlen(kFlags[f]);
      if (strncmp(a, kFlags[f], n) == 0 && (a[n] == '\0' || a[n] == '='))
        break;
    }
    if (f == (int)(sizeof kFlags / sizeof kFlags[0])) {
      errorf(a[0] == '-' ? "unknown option '%s' (see --help)"
                         : "unexpected argument '%s' (see --help)",
             a);
      goto done;
    }
    if (a[n] == '=') {
      val = a + n + 1;
    } else if (i + 1 < argc) {
      val = argv[++i];
    } else {
      errorf("option %s needs a value", kFlags[f]);
      goto done;
    }
    switch (f) {
    case 0:
      if (assign_input(m, val, files))
        goto done;
      break;
    case 1:
      if (*val == '\0') {
        errorf("--output-dir needs a non-empty directory name");
        goto done;
      }
      out_dir = val;
      break;
    case 2:
      if (!parse_int("--repeat", val, 1, MAX_REPEAT, &repeat))
        goto done;
      break;
    case 3:
      if (!parse_int("--warmup", val, 0, MAX_REPEAT, &warmup))
        goto done;
      break;
    default:
      if (!parse_int("--threads", val, 0, MAX_THREADS, &threads))
        goto done;
      break;
    }
  }
  for (j = 0; j < m->num_inputs; ++j)
    if (!files[j]) {
      const dsc_tensor_desc *d = &m->inputs[j];
      errorf("missing --input for '%s' (%s %s)", d->name, dtype_str(d->dtype),
             desc_shape_str(sh1, sizeof sh1, m, d));
      goto done;
    }
  if (!out_dir) {
    errorf("missing --output-dir DIR");
    goto done;
  }

  /* ---- inputs and outputs ---- */
  for (j = 0; j < m->num_inputs; ++j) {
    const dsc_tensor_desc *d = &m->inputs[j];
    if (dsc_npy_load(files[j], &in[j], why, sizeof why) != DSC_OK) {
      errorf("input '%s': cannot read '%s': %s", d->name, files[j], why);
      goto done;
    }
    if (!dsc_dtype_accepts(d->dtype, in[j].dtype)) {
      errorf("input '%s': expected %s but %s holds %s", d->name,
             dtype_str(d->dtype), files[j], dtype_str(in[j].dtype));
      goto done;
    }
    if (!same_shape(d, &in[j])) {
      errorf("input '%s': expected shape %s but %s has %s", d->name,
             desc_shape_str(sh1, sizeof sh1, m, d), files[j],
             shape_str(sh2, sizeof sh2, in[j].rank, in[j].shape));
      goto done;
    }
    /* The dynamic batch: from the inputs that lead with it, all equal. */
    if (d->rank > 0 && d->shape[0] == -1) {
      if (in[j].shape[0] < 1) {
        errorf("input '%s': %s has an empty batch '%s' (0); it needs at "
               "least one element",
               d->name, files[j], m->dynamic_batch ? m->dynamic_batch : "");
        goto done;
      }
      if (batch_from >= 0 && in[j].shape[0] != batch) {
        errorf("input '%s' has a batch '%s' of %lld but input '%s' has %lld; "
               "all inputs with the batch must agree",
               d->name, m->dynamic_batch ? m->dynamic_batch : "",
               (long long)in[j].shape[0], m->inputs[batch_from].name,
               (long long)batch);
        goto done;
      }
      batch = in[j].shape[0];
      batch_from = j;
    }
    in_ptrs[j] = in[j].data; /* 64-byte aligned by dsc_npy_load */
  }
  for (j = 0; j < m->num_outputs; ++j) {
    const dsc_tensor_desc *d = &m->outputs[j];
    int64_t numel = dsc_tensor_numel(d, batch);
    size_t es = dsc_dtype_size(d->dtype), bytes;
    if (numel < 0 || es == 0 || (uint64_t)numel > (SIZE_MAX - 64) / es) {
      errorf("output '%s' has an unsupported dtype or shape", d->name);
      goto done;
    }
    bytes = (size_t)numel * es;
    if (posix_memalign(&out_ptrs[j], 64, bytes > 0 ? bytes : 64) != 0) {
      out_ptrs[j] = NULL;
      errorf("out of memory allocating output '%s'", d->name);
      goto done;
    }
    memset(out_ptrs[j], 0, bytes);
  }

  /* ---- runs ---- */
  st = dsc_session_create(m, (int)threads, &session);
  if (st != DSC_OK) {
    errorf("cannot create a session with %ld threads: %s", threads,
           dsc_status_string(st));
    goto done;
  }
  if (warmup < 0)
    warmup = repeat > 0 ? 1 : 0;
  for (k = 0; k < warmup + (repeat > 0 ? 0 : 1); ++k)
    if ((st = dsc_session_run_batch(session, batch, in_ptrs, out_ptrs)) !=
        DSC_OK) {
      errorf("run failed: %s", st == DSC_ERR_GUARD ? dsc_session_error(session)
                                                   : dsc_status_string(st));
      goto done;
    }
  if (repeat > 0) {
    times = (double *)malloc((size_t)repeat * sizeof *times);
    if (!times) {
      errorf("out of memory");
      goto done;
    }
    for (k = 0; k < repeat; ++k) {
      double t0 = now_ms();
      if ((st = dsc_session_run_batch(session, batch, in_ptrs, out_ptrs)) !=
          DSC_OK) {
        errorf("run failed: %s", st == DSC_ERR_GUARD
                                     ? dsc_session_error(session)
                                     : dsc_status_string(st));
        goto done;
      }
      times[k] = now_ms() - t0;
    }
    qsort(times, (size_t)repeat, sizeof *times, cmp_double);
    printf("latency: median %.3f ms, min %.3f ms, max %.3f ms over %ld runs "
           "(%d threads)\n",
           repeat % 2 ? times[repeat / 2]
                      : (times[repeat / 2 - 1] + times[repeat / 2]) / 2,
           times[0], times[repeat - 1], repeat,
           dsc_session_num_threads(session));
    fflush(stdout);
  }

  /* ---- outputs ---- */
  if (mkdir_p(out_dir) != 0) {
    errorf("cannot create output directory '%s': %s", out_dir,
           strerror(errno));
    goto done;
  }
  for (j = 0; j < m->num_outputs; ++j) {
    const dsc_tensor_desc *d = &m->outputs[j];
    char *path = output_path(out_dir, d->name);
    if (!path) {
      errorf("out of memory");
      goto done;
    }
    if (d->rank > DSC_MAX_RANK) {
      errorf("output '%s' has rank %d, more than %d", d->name, (int)d->rank,
             DSC_MAX_RANK);
      free(path);
      goto done;
    }
    for (i = 0; i < d->rank; ++i)
      out_shape[i] = i == 0 && d->shape[0] == -1 ? batch : d->shape[i];
    st = dsc_npy_save(path, d->dtype, d->rank, out_shape, out_ptrs[j]);
    if (st != DSC_OK) {
      errorf("cannot write '%s': %s", path,
             st == DSC_ERR_IO ? strerror(errno) : dsc_status_string(st));
      free(path);
      goto done;
    }
    free(path);
  }
  rc = 0;

done:
  dsc_session_destroy(session);
  free(times);
  if (in)
    for (j = 0; j < m->num_inputs; ++j)
      dsc_npy_free(&in[j]);
  if (out_ptrs)
    for (j = 0; j < m->num_outputs; ++j)
      free(out_ptrs[j]);
  free(files);
  free(in);
  free(in_ptrs);
  free(out_ptrs);
  return rc;
}
