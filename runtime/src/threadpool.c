/* dsc runtime: the thread pool behind dsc_parallel_for.
 *
 * A context with T threads owns T-1 worker threads, created once, that park
 * on a condition variable between loops. dsc_parallel_for publishes a loop as
 * min(n, 4T) contiguous chunks; the workers and the calling thread claim
 * chunks until none is left, and the caller returns once all chunks have
 * finished. Several chunks per thread let a worker that wakes late (a parked
 * thread, an idle vCPU) still take a share, and even out unequal tiles.
 * A thread's chunks halve in size (1/2, 1/4, 1/8, 1/8 of its share), so
 * what is left to take from a slower thread near the end of a loop is
 * small: the other thread then waits at most 1/16 of the loop, not 1/8
 * (two threads: MobileNetV2, EfficientNet-B0 and MobileNetV3-Small 1.5-2 %
 * faster, the others level).
 * Thread t (the caller is 0) first claims its home chunks, the t-th
 * contiguous share of the loop, then what is left of the others': the
 * kernels' loops run over bands of a feature map, so a thread's band of
 * one kernel is mostly what it wrote in the one before, in its own L2
 * (MobileNetV2 BF16 at two threads 1.94 -> 1.55 ms; against claiming in
 * order, where each thread read about half its input from the other core).
 * Chunks are claimed without the mutex: each thread's 64-bit word holds the
 * loop's generation, the end of its share and its next chunk, advanced by
 * compare-and-swap, so a thread still holding an old generation can never
 * claim a chunk of the next loop (which is only posted once every chunk of
 * the current one has finished). Each word has a cache line of its own, and
 * a thread adds the chunks it ran to the shared count once, when none is
 * left to claim: claiming and finishing home chunks then stays in the
 * thread's own cache, where a shared line for both words and one shared
 * count per chunk moved lines between the cores about twice per chunk (an
 * empty loop on two threads: 1.6 -> 1.1 us). A loop started while the pool
 * is already running one (a nested call from inside a loop body, or a
 * concurrent call from another thread sharing the pool) runs inline on its
 * calling thread, so nesting can never deadlock. Nothing is allocated per
 * loop.
 *
 * Waking a parked thread costs tens to hundreds of microseconds (a futex and,
 * in a VM, an idle vCPU's exit), which is most of a small kernel's time: so
 * before parking, workers spin for a while on the loop generation and the
 * caller on the finished-chunk count (read with atomic loads). A model's
 * kernels follow one another closely, so the pool stays awake through an
 * inference.
 */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* A cache line (the claim words and the finished count are a line apart). */
#define DSC_LINE 64

struct dsc_context {
  int num_threads; /* including the thread that calls dsc_parallel_for */
  int num_workers; /* worker threads actually started */
  pthread_t *workers;
  pthread_mutex_t mu;
  pthread_cond_t work_cv; /* workers: a new loop was posted, or shutdown */
  pthread_cond_t done_cv; /* caller: the last chunk finished */
  /* Written under mu; generation, the claim words and chunks_done are also
   * read and updated atomically outside it. */
  unsigned long generation; /* bumped for every posted loop */
  int busy;                 /* a loop is in flight */
  int shutdown;
  dsc_task_fn fn;
  void *arg;
  int64_t n, num_chunks;
  int next_worker; /* index handed to the next worker started */
  /* Set by dsc_guard_fail (a failed run-time check of the generated code,
   * always on the thread that runs the entry), read and cleared by the
   * session around each run. */
  int failed;
  char error[DSC_ERROR_BYTES];
  /* Chunks finished (each thread adds its own once per loop) and whether
   * the caller may sleep on done_cv: a line apart from the loop's fields,
   * which the workers read while it changes. (Padding, not alignment: two
   * addresses a line apart never share one.) */
  char before_done[DSC_LINE];
  int64_t chunks_done;
  int waiting;
  char after_done[DSC_LINE];
  /* One claim word per thread (see claim_word), a line apart: thread t's
   * home chunks, the t-th contiguous share of the loop, which it claims
   * first; then it takes what is left of the others'. */
  struct dsc_claim {
    uint64_t word;
    char pad[DSC_LINE - sizeof(uint64_t)];
  } next[];
};

/* Chunks per thread where the loop has more iterations than that. */
#define DSC_CHUNKS_PER_THREAD 4

/* Spin iterations before parking (about a millisecond or two). */
#define DSC_SPIN_ITERATIONS 65536

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* A claim word: the loop's generation (24 bits), the end of a thread's
 * share of its chunks and its next chunk (20 bits each), so a claim needs
 * nothing but the word. */
#define DSC_CHUNK_BITS 20
#define DSC_MAX_CHUNKS ((1 << DSC_CHUNK_BITS) - 1)
static uint64_t claim_word(unsigned long gen, int64_t end) {
  return ((uint64_t)(gen & 0xffffffu) << (2 * DSC_CHUNK_BITS)) |
         ((uint64_t)end << DSC_CHUNK_BITS);
}

/* Claims the next chunk of loop `gen` for thread `self` (its home chunks
 * first, then the next thread's, and so on, from thread `*from` on): the
 * chunk's index, or -1 when none is left (or a later loop is posted). */
static int64_t claim(dsc_context *c, unsigned long gen, int self, int *from) {
  const uint64_t mask = DSC_MAX_CHUNKS;
  for (;;) {
    uint64_t *word = &c->next[(self + *from) % c->num_threads].word;
    uint64_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    if ((v >> (2 * DSC_CHUNK_BITS)) != (gen & 0xffffffu))
      return -1; /* a later loop */
    if ((v & mask) >= ((v >> DSC_CHUNK_BITS) & mask)) {
      if (++*from == c->num_threads)
        return -1; /* no chunk left */
      continue;
    }
    if (__atomic_compare_exchange_n(word, &v, v + 1, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
      return (int64_t)(v & mask);
  }
}

/* Claims and runs chunks of loop `gen` until none is left; called without
 * the mutex. A successful claim keeps the loop (and its fields) current:
 * the next loop is only posted once every chunk has finished, and the
 * chunks a thread ran count as finished only when it adds them at the end. */
static void run_chunks(dsc_context *c, unsigned long gen, int self) {
  int from = 0;
  int64_t k, finished = 0, num_chunks = 0;
  while ((k = claim(c, gen, self, &from)) >= 0) {
    int64_t begin, end;
    num_chunks = c->num_chunks;
    if (num_chunks < c->n &&
        num_chunks == DSC_CHUNKS_PER_THREAD * (int64_t)c->num_threads) {
      /* Chunk k is number j of thread t's share of the iterations,
       * [n t / T, n (t + 1) / T), which its chunks split in halves: 1/2,
       * 1/4, ..., the last two equal. */
      int64_t t = k / DSC_CHUNKS_PER_THREAD, j = k % DSC_CHUNKS_PER_THREAD;
      int64_t first = c->n * t / c->num_threads;
      int64_t len = c->n * (t + 1) / c->num_threads - first;
      begin = first + (j ? len - (len >> j) : 0);
      end = first +
            (j + 1 < DSC_CHUNKS_PER_THREAD ? len - (len >> (j + 1)) : len);
    } else {
      int64_t q = c->n / num_chunks, r = c->n % num_chunks;
      begin = k * q + (k < r ? k : r);
      end = begin + q + (k < r ? 1 : 0);
    }
    if (begin < end) /* (a short share's halves may be empty) */
      c->fn(c->arg, begin, end);
    ++finished;
  }
  /* The caller parks only after announcing it (waiting, then a recheck of
   * chunks_done, both sequentially consistent), so the last finisher takes
   * the mutex only when someone may sleep on done_cv. */
  if (finished &&
      __atomic_add_fetch(&c->chunks_done, finished, __ATOMIC_SEQ_CST) ==
          num_chunks &&
      __atomic_load_n(&c->waiting, __ATOMIC_SEQ_CST)) {
    pthread_mutex_lock(&c->mu);
    pthread_cond_signal(&c->done_cv);
    pthread_mutex_unlock(&c->mu);
  }
}

static void *worker_main(void *p) {
  dsc_context *c = (dsc_context *)p;
  unsigned long seen = 0;
  int self = __atomic_add_fetch(&c->next_worker, 1, __ATOMIC_RELAXED);

  for (;;) {
    /* Spin on the generation, then park; the mutex only for parking. */
    int i, ready = 0;
    for (i = 0; i < DSC_SPIN_ITERATIONS; ++i) {
      if (__atomic_load_n(&c->generation, __ATOMIC_ACQUIRE) != seen ||
          __atomic_load_n(&c->shutdown, __ATOMIC_ACQUIRE)) {
        ready = 1;
        break;
      }
      cpu_relax();
    }
    if (!ready) {
      pthread_mutex_lock(&c->mu);
      while (!c->shutdown && c->generation == seen)
        pthread_cond_wait(&c->work_cv, &c->mu);
      pthread_mutex_unlock(&c->mu);
    }
    if (__atomic_load_n(&c->shutdown, __ATOMIC_ACQUIRE))
      break;
    seen = __atomic_load_n(&c->generation, __ATOMIC_ACQUIRE);
    run_chunks(c, seen, self);
  }
  return NULL;
}

dsc_status dsc_parallel_for(dsc_context *ctx, int64_t n, dsc_task_fn fn,
                            void *arg) {
  unsigned long gen;
  int i;

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
  ctx->num_chunks = n < DSC_CHUNKS_PER_THREAD * (int64_t)ctx->num_threads
                        ? n
                        : DSC_CHUNKS_PER_THREAD * (int64_t)ctx->num_threads;
  if (ctx->num_chunks > DSC_MAX_CHUNKS)
    ctx->num_chunks = DSC_MAX_CHUNKS;
  __atomic_store_n(&ctx->chunks_done, 0, __ATOMIC_RELAXED);
  gen = ctx->generation + 1;
  for (i = 0; i < ctx->num_threads; ++i) {
    /* Thread i's share: chunks [i C / T, (i + 1) C / T). */
    int64_t lo = i * ctx->num_chunks / ctx->num_threads;
    int64_t hi = (i + 1) * ctx->num_chunks / ctx->num_threads;
    __atomic_store_n(&ctx->next[i].word, claim_word(gen, hi) | (uint64_t)lo,
                     __ATOMIC_RELEASE);
  }
  __atomic_store_n(&ctx->generation, gen, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&ctx->work_cv);
  pthread_mutex_unlock(&ctx->mu);

  run_chunks(ctx, gen, 0);
  for (i = 0; i < DSC_SPIN_ITERATIONS; ++i) {
    if (__atomic_load_n(&ctx->chunks_done, __ATOMIC_ACQUIRE) ==
        ctx->num_chunks)
      break;
    cpu_relax();
  }
  pthread_mutex_lock(&ctx->mu);
  if (__atomic_load_n(&ctx->chunks_done, __ATOMIC_SEQ_CST) <
      ctx->num_chunks) {
    __atomic_store_n(&ctx->waiting, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&ctx->chunks_done, __ATOMIC_SEQ_CST) <
           ctx->num_chunks)
      pthread_cond_wait(&ctx->done_cv, &ctx->mu);
    __atomic_store_n(&ctx->waiting, 0, __ATOMIC_RELAXED);
  }
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
  c = (dsc_context *)calloc(1, sizeof *c + (size_t)num_threads * sizeof c->next[0]);
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
