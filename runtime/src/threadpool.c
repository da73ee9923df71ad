/* dsc runtime: the thread pool behind dsc_parallel_for.
 *
 * A context with T threads owns T-1 worker threads, created once, that park
 * on a condition variable between loops. dsc_parallel_for publishes a loop as
 * min(n, 4T) contiguous chunks; the workers and the calling thread claim chunks
 * under the pool's mutex until none is left, and the caller returns once all
 * chunks have finished. A loop started while the pool is already running one
 * (a nested call from inside a loop body, or a concurrent call from another
 * thread sharing the pool) runs inline on its calling thread, so nesting can
 * never deadlock. Nothing is allocated per loop.
 *
 * Waking a parked thread costs tens to hundreds of microseconds (a futex and,
 * in a VM, an idle vCPU's exit), which is most of a small kernel's time: so
 * before parking, workers spin for a while on the loop generation and the
 * caller on the finished-chunk count (read with atomic loads; everything is
 * still decided under the mutex). A model's kernels follow one another
 * closely, so the pool stays awake through an inference.
 */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct dsc_context {
  int num_threads; /* including the thread that calls dsc_parallel_for */
  int num_workers; /* worker threads actually started */
  pthread_t *workers;
  pthread_mutex_t mu;
  pthread_cond_t work_cv; /* workers: a new loop was posted, or shutdown */
  pthread_cond_t done_cv; /* caller: the last chunk finished */
  /* Everything below is guarded by mu. */
  unsigned long generation; /* bumped for every posted loop */
  int busy;                 /* a loop is in flight */
  int shutdown;
  dsc_task_fn fn;
  void *arg;
  int64_t n, num_chunks, next_chunk, chunks_done;
  /* Set by dsc_guard_fail (a failed run-time check of the generated code,
   * always on the thread that runs the entry), read and cleared by the
   * session around each run. */
  int failed;
  char error[DSC_ERROR_BYTES];
};

/* Spin iterations before parking (about a millisecond or two). */
#define DSC_SPIN_ITERATIONS 65536

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Claims and runs chunks of the current loop until none is left. Called and
 * returns with c->mu held; the loop body runs unlocked. */
static void run_chunks(dsc_context *c) {
  while (c->next_chunk < c->num_chunks) {
    int64_t k = c->next_chunk++;
    int64_t q = c->n / c->num_chunks, r = c->n % c->num_chunks;
    int64_t begin = k * q + (k < r ? k : r);
    int64_t end = begin + q + (k < r ? 1 : 0);
    dsc_task_fn fn = c->fn;
    void *arg = c->arg;

    pthread_mutex_unlock(&c->mu);
    fn(arg, begin, end);
    pthread_mutex_lock(&c->mu);
    if (__atomic_add_fetch(&c->chunks_done, 1, __ATOMIC_RELEASE) ==
        c->num_chunks)
      pthread_cond_signal(&c->done_cv);
  }
}

static void *worker_main(void *p) {
  dsc_context *c = (dsc_context *)p;
  unsigned long seen = 0;

  pthread_mutex_lock(&c->mu);
  for (;;) {
    if (!c->shutdown && c->generation == seen) {
      int i;
      pthread_mutex_unlock(&c->mu);
      for (i = 0; i < DSC_SPIN_ITERATIONS; ++i) {
        if (__atomic_load_n(&c->generation, __ATOMIC_ACQUIRE) != seen ||
            __atomic_load_n(&c->shutdown, __ATOMIC_ACQUIRE))
          break;
        cpu_relax();
      }
      pthread_mutex_lock(&c->mu);
    }
    while (!c->shutdown && c->generation == seen)
      pthread_cond_wait(&c->work_cv, &c->mu);
    if (c->shutdown)
      break;
    seen = c->generation;
    run_chunks(c);
  }
  pthread_mutex_unlock(&c->mu);
  return NULL;
}

dsc_status dsc_parallel_for(dsc_context *ctx, int64_t n, dsc_task_fn fn,
                            void *arg) {
  if (n <= 0)
    return DSC_OK;
  if (!fn)
    return DSC_ERR_INVALID_ARGUMENT;
  if (!ctx || ctx->num_workers == 0 || n == 1) {
    fn(arg, 0, n);
    return DSC_OK;
  }
  pthread_mutex_lock(&ctx->mu);
  if (ctx->busy) {
    pthread_mutex_unlock(&ctx->mu);
    fn(arg, 0, n);
    return DSC_OK;
  }
  ctx->busy = 1;
  ctx->fn = fn;
  ctx->arg = arg;
  ctx->n = n;
  /* A few chunks per thread: a worker that wakes late (a parked thread,
   * an idle vCPU) still takes a share instead of finding the loop done. */
  ctx->num_chunks =
      n < 4 * (int64_t)ctx->num_threads ? n : 4 * (int64_t)ctx->num_threads;
  ctx->next_chunk = 0;
  ctx->chunks_done = 0;
  __atomic_store_n(&ctx->generation, ctx->generation + 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&ctx->work_cv);
  run_chunks(ctx);
  if (ctx->chunks_done < ctx->num_chunks) {
    int i;
    pthread_mutex_unlock(&ctx->mu);
    for (i = 0; i < DSC_SPIN_ITERATIONS; ++i) {
      if (__atomic_load_n(&ctx->chunks_done, __ATOMIC_ACQUIRE) ==
          ctx->num_chunks)
        break;
      cpu_relax();
    }
    pthread_mutex_lock(&ctx->mu);
  }
  while (ctx->chunks_done < ctx->num_chunks)
    pthread_cond_wait(&ctx->done_cv, &ctx->mu);
  ctx->busy = 0;
  pthread_mutex_unlock(&ctx->mu);
  return DSC_OK;
}

int dsc_context_num_threads(const dsc_context *ctx) {
  return ctx ? ctx->num_threads : 1;
}

static void stop_workers(dsc_context *c) {
  int i;

  pthread_mutex_lock(&c->mu);
  __atomic_store_n(&c->shutdown, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&c->work_cv);
  pthread_mutex_unlock(&c->mu);
  for (i = 0; i < c->num_workers; ++i)
    pthread_join(c->workers[i], NULL);
  c->num_workers = 0;
}

dsc_status dsc_context_create(int num_threads, dsc_context **out) {
  dsc_context *c;
  int i;

  if (!out)
    return DSC_ERR_INVALID_ARGUMENT;
  *out = NULL;
  if (num_threads <= 0) {
    long cpus = -1;
#ifdef _SC_NPROCESSORS_ONLN
    cpus = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    num_threads = cpus < 1 ? 1 : cpus > INT_MAX ? INT_MAX : (int)cpus;
  }
  c = (dsc_context *)calloc(1, sizeof *c);
  if (!c)
    return DSC_ERR_OUT_OF_MEMORY;
  c->num_threads = num_threads;
  if (num_threads > 1) {
    c->workers = (pthread_t *)calloc((size_t)num_threads - 1, sizeof *c->workers);
    if (!c->workers) {
      free(c);
      return DSC_ERR_OUT_OF_MEMORY;
    }
  }
  if (pthread_mutex_init(&c->mu, NULL) != 0) {
    free(c->workers);
    free(c);
    return DSC_ERR_THREAD;
  }
  if (pthread_cond_init(&c->work_cv, NULL) != 0) {
    pthread_mutex_destroy(&c->mu);
    free(c->workers);
    free(c);
    return DSC_ERR_THREAD;
  }
  if (pthread_cond_init(&c->done_cv, NULL) != 0) {
    pthread_cond_destroy(&c->work_cv);
    pthread_mutex_destroy(&c->mu);
    free(c->workers);
    free(c);
    return DSC_ERR_THREAD;
  }
  for (i = 0; i < num_threads - 1; ++i) {
    if (pthread_create(&c->workers[i], NULL, worker_main, c) != 0) {
      dsc_context_destroy(c);
      return DSC_ERR_THREAD;
    }
    c->num_workers = i + 1;
  }
  *out = c;
  return DSC_OK;
}

void dsc_context_destroy(dsc_context *ctx) {
  if (!ctx)
    return;
  stop_workers(ctx);
  pthread_cond_destroy(&ctx->done_cv);
  pthread_cond_destroy(&ctx->work_cv);
  pthread_mutex_destroy(&ctx->mu);
  free(ctx->workers);
  free(ctx);
}

/* ---- run-time checks --------------------------------------------------- */

/* Appends `text` at error[*len], truncating at the buffer's end. */
static void append(char *error, size_t *len, const char *text) {
  while (*text && *len + 1 < DSC_ERROR_BYTES)
    error[(*len)++] = *text++;
  error[*len] = '\0';
}

static void append_int(char *error, size_t *len, int64_t v) {
  char digits[24];
  int k = (int)sizeof digits - 1;
  /* Through uint64_t so that INT64_MIN has a magnitude. */
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

  digits[k] = '\0';
  do {
    digits[--k] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0)
    digits[--k] = '-';
  append(error, len, digits + k);
}

void dsc_guard_fail(dsc_context *ctx, const char *message, const int64_t *given,
                    int64_t num_given) {
  size_t len = 0;
  int64_t i;

  if (!ctx || ctx->failed)
    return;
  ctx->failed = 1;
  ctx->error[0] = '\0';
  append(ctx->error, &len, message ? message : "a run-time check failed");
  if (num_given > 0 && given) {
    append(ctx->error, &len, "; given [");
    for (i = 0; i < num_given; ++i) {
      if (i)
        append(ctx->error, &len, ", ");
      append_int(ctx->error, &len, given[i]);
    }
    append(ctx->error, &len, "]");
  }
}

/* Used by the sessions (runtime.c); not public. */
const char *dsc_context_take_error_(dsc_context *ctx);
const char *dsc_context_take_error_(dsc_context *ctx) {
  if (!ctx || !ctx->failed)
    return NULL;
  ctx->failed = 0;
  return ctx->error;
}
