/* dsc runtime: sessions and small helpers.
 *
 * A session owns the model's scratch arena (allocated once, 64-byte aligned)
 * and a thread pool. dsc_session_run only validates its arguments and calls
 * the generated entry function: nothing is allocated on that path.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* syscall */

#include "dsc_runtime.h"

#include <stdint.h>
#include <stdlib.h>
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

struct dsc_session {
  const dsc_model_desc *model;
  void *arena;
  dsc_context *ctx;
  /* Dynamic batch only: bytes of one batch element of each input, then
   * each output (0 for tensors without the batch), and the per-element
   * pointer tables dsc_session_run_batch fills (allocated here so that
   * running allocates nothing). */
  size_t *element_bytes;
  const void **in_ptrs;
  void **out_ptrs;
  /* The message of the last run's failed check ("" if none). */
  char error[DSC_ERROR_BYTES];
};

/* threadpool.c: the failed check recorded on ctx during the entry call (and
 * cleared), or NULL. */
const char *dsc_context_take_error_(dsc_context *ctx);

/* Calls the entry once; DSC_ERR_GUARD with the message kept in the session
 * when a run-time check of the generated code failed. */
static dsc_status call_entry(dsc_session *s, void *const *inputs,
                             void *const *outputs) {
  const char *err;
  size_t i;

  s->model->entry(inputs, outputs, s->arena, s->ctx);
  err = dsc_context_take_error_(s->ctx);
  if (!err)
    return DSC_OK;
  for (i = 0; err[i] && i + 1 < DSC_ERROR_BYTES; ++i)
    s->error[i] = err[i];
  s->error[i] = '\0';
  return DSC_ERR_GUARD;
}

/* Bytes of one batch element of `t` (0 without a dynamic dim 0); -1 for a
 * bad descriptor. */
static int64_t element_bytes(const dsc_tensor_desc *t) {
  int64_t n;
  size_t es = dsc_dtype_size(t->dtype);

  if (es == 0 || t->rank < 0 || (t->rank > 0 && !t->shape))
    return -1;
  if (t->rank == 0 || t->shape[0] != -1)
    return 0;
  n = dsc_numel(t->rank - 1, t->shape + 1);
  if (n < 0 || (uint64_t)n > (uint64_t)(INT64_MAX / (int64_t)es))
    return -1;
  return n * (int64_t)es;
}

static void free_session(dsc_session *s) {
  dsc_context_destroy(s->ctx);
  free(s->element_bytes);
  free(s->in_ptrs);
  free(s->out_ptrs);
  free(s->arena);
  free(s);
}

/* The per-element tables of a model with a dynamic batch. */
static dsc_status init_batch(dsc_session *s) {
  const dsc_model_desc *m = s->model;
  size_t n = (size_t)m->num_inputs + (size_t)m->num_outputs;
  int32_t i;

  s->element_bytes = (size_t *)calloc(n + 1, sizeof *s->element_bytes);
  s->in_ptrs =
      (const void **)calloc((size_t)m->num_inputs + 1, sizeof *s->in_ptrs);
  s->out_ptrs =
      (void **)calloc((size_t)m->num_outputs + 1, sizeof *s->out_ptrs);
  if (!s->element_bytes || !s->in_ptrs || !s->out_ptrs)
    return DSC_ERR_OUT_OF_MEMORY;
  for (i = 0; i < m->num_inputs + m->num_outputs; ++i) {
    const dsc_tensor_desc *t =
        i < m->num_inputs ? &m->inputs[i] : &m->outputs[i - m->num_inputs];
    int64_t b = element_bytes(t);
    if (b < 0 || (uint64_t)b > (uint64_t)SIZE_MAX)
      return DSC_ERR_INVALID_ARGUMENT;
    s->element_bytes[i] = (size_t)b;
  }
  return DSC_OK;
}

/* Asks Linux for AMX tile data state for the whole process (every thread,
 * the pool's included); without it the first tile instruction faults.
 * Idempotent: later requests succeed at once. */
static int request_amx(void) {
#if defined(__linux__) && defined(__x86_64__)
  enum { ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18 };
  return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#else
  return 0;
#endif
}

dsc_status dsc_session_create(const dsc_model_desc *model, int num_threads,
                              dsc_session **out) {
  dsc_session *s;
  dsc_status st;
  size_t bytes;

  if (out)
    *out = NULL;
  if (!model || !out || !model->entry || model->num_inputs < 0 ||
      model->num_outputs < 0)
    return DSC_ERR_INVALID_ARGUMENT;
  if (model->arena_bytes > (uint64_t)(SIZE_MAX - 63))
    return DSC_ERR_OUT_OF_MEMORY;
  if ((model->requirements & DSC_REQUIRES_AMX) && !request_amx())
    return DSC_ERR_UNSUPPORTED;
  s = (dsc_session *)calloc(1, sizeof *s);
  if (!s)
    return DSC_ERR_OUT_OF_MEMORY;
  s->model = model;
  /* Always hand the entry a valid pointer, even for an empty arena; round
   * the size up to a whole number of 64-byte lines. */
  bytes = ((size_t)model->arena_bytes + 63) & ~(size_t)63;
  if (bytes == 0)
    bytes = 64;
  if (posix_memalign(&s->arena, 64, bytes) != 0) {
    free(s);
    return DSC_ERR_OUT_OF_MEMORY;
  }
  if ((model->num_inputs > 0 && !model->inputs) ||
      (model->num_outputs > 0 && !model->outputs)) {
    free_session(s);
    return DSC_ERR_INVALID_ARGUMENT;
  }
  if (model->dynamic_batch && (st = init_batch(s)) != DSC_OK) {
    free_session(s);
    return st;
  }
  st = dsc_context_create(num_threads, &s->ctx);
  if (st != DSC_OK) {
    free_session(s);
    return st;
  }
  *out = s;
  return DSC_OK;
}

dsc_status dsc_session_run(dsc_session *session, const void *const *inputs,
                           void *const *outputs) {
  union {
    const void *const *c;
    void *const *m;
  } in;
  const dsc_model_desc *m;
  int32_t i;

  if (!session)
    return DSC_ERR_INVALID_ARGUMENT;
  m = session->model;
  if ((m->num_inputs > 0 && !inputs) || (m->num_outputs > 0 && !outputs))
    return DSC_ERR_INVALID_ARGUMENT;
  /* A tensor of zero elements holds no data and is never accessed: its
   * pointer may be NULL (e.g. from malloc(0)). */
  for (i = 0; i < m->num_inputs; ++i)
    if (!inputs[i] && dsc_tensor_numel(&m->inputs[i], 1) != 0)
      return DSC_ERR_INVALID_ARGUMENT;
  for (i = 0; i < m->num_outputs; ++i)
    if (!outputs[i] && dsc_tensor_numel(&m->outputs[i], 1) != 0)
      return DSC_ERR_INVALID_ARGUMENT;
  /* The entry takes `void *const *` for symmetry with the outputs but never
   * writes through the input pointers; the union drops the const without a
   * cast (which -Wcast-qual, on in the LLVM-style build, would flag). */
  in.c = inputs;
  session->error[0] = '\0';
  return call_entry(session, in.m, outputs);
}

dsc_status dsc_session_run_batch(dsc_session *session, int64_t batch,
                                 const void *const *inputs,
                                 void *const *outputs) {
  union {
    const void *const *c;
    void *const *m;
  } in;
  const dsc_model_desc *m;
  const size_t *eb;
  int64_t k;
  int32_t i;
  dsc_status st;

  if (!session || batch < 1)
    return DSC_ERR_INVALID_ARGUMENT;
  m = session->model;
  if (!m->dynamic_batch)
    return batch == 1 ? dsc_session_run(session, inputs, outputs)
                      : DSC_ERR_MISMATCH;
  /* Validates the arguments (and runs element 0 in place). */
  if ((st = dsc_session_run(session, inputs, outputs)) != DSC_OK)
    return st;
  eb = session->element_bytes;
  for (i = 0; i < m->num_inputs + m->num_outputs; ++i)
    if (eb[i] > 0 && (uint64_t)(batch - 1) > (uint64_t)SIZE_MAX / eb[i])
      return DSC_ERR_INVALID_ARGUMENT;
  in.c = session->in_ptrs;
  for (k = 1; k < batch; ++k) {
    /* Shared and zero-element tensors (eb 0, maybe NULL) are not advanced:
     * no arithmetic on a null pointer. */
    for (i = 0; i < m->num_inputs; ++i)
      session->in_ptrs[i] =
          eb[i] ? (const char *)inputs[i] + (size_t)k * eb[i] : inputs[i];
    for (i = 0; i < m->num_outputs; ++i)
      session->out_ptrs[i] =
          eb[m->num_inputs + i]
              ? (char *)outputs[i] + (size_t)k * eb[m->num_inputs + i]
              : outputs[i];
    if ((st = call_entry(session, in.m, session->out_ptrs)) != DSC_OK)
      return st;
  }
  return DSC_OK;
}

const char *dsc_session_error(const dsc_session *session) {
  return session ? session->error : "";
}

void dsc_session_destroy(dsc_session *session) {
  if (!session)
    return;
  free_session(session);
}

int64_t dsc_tensor_numel(const dsc_tensor_desc *t, int64_t batch) {
  int64_t rest;

  if (!t || t->rank < 0 || (t->rank > 0 && !t->shape) || batch < 0)
    return -1;
  if (t->rank == 0 || t->shape[0] != -1)
    return dsc_numel(t->rank, t->shape);
  rest = dsc_numel(t->rank - 1, t->shape + 1);
  if (rest < 0 || (rest > 0 && batch > INT64_MAX / rest))
    return -1;
  return rest * batch;
}

int dsc_session_num_threads(const dsc_session *session) {
  return session ? dsc_context_num_threads(session->ctx) : 0;
}

const char *dsc_status_string(dsc_status status) {
  switch (status) {
  case DSC_OK:
    return "ok";
  case DSC_ERR_INVALID_ARGUMENT:
    return "invalid argument";
  case DSC_ERR_OUT_OF_MEMORY:
    return "out of memory";
  case DSC_ERR_IO:
    return "I/O error";
  case DSC_ERR_FORMAT:
    return "malformed file";
  case DSC_ERR_MISMATCH:
    return "does not match the model";
  case DSC_ERR_THREAD:
    return "thread error";
  case DSC_ERR_GUARD:
    return "an input contradicts what the model was compiled for";
  case DSC_ERR_UNSUPPORTED:
    return "this CPU or OS does not provide what the model was compiled for "
           "(AMX: compile with --no-amx or for this machine's CPU)";
  }
  return "unknown status";
}

size_t dsc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case DSC_DTYPE_U8:
  case DSC_DTYPE_I8:
  case DSC_DTYPE_BOOL:
  case DSC_DTYPE_F8E4M3FN:
  case DSC_DTYPE_F8E4M3FNUZ:
  case DSC_DTYPE_F8E5M2:
  case DSC_DTYPE_F8E5M2FNUZ:
  case DSC_DTYPE_U4:
  case DSC_DTYPE_I4:
  case DSC_DTYPE_F4E2M1:
  case DSC_DTYPE_F8E8M0:
  case DSC_DTYPE_U2:
  case DSC_DTYPE_I2:
  case DSC_DTYPE_VOID8:
    return 1;
  case DSC_DTYPE_U16:
  case DSC_DTYPE_I16:
  case DSC_DTYPE_F16:
  case DSC_DTYPE_BF16:
    return 2;
  case DSC_DTYPE_F32:
  case DSC_DTYPE_I32:
  case DSC_DTYPE_U32:
    return 4;
  case DSC_DTYPE_I64:
  case DSC_DTYPE_F64:
  case DSC_DTYPE_U64:
    return 8;
  }
  return 0;
}

const char *dsc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case DSC_DTYPE_F32:
    return "float32";
  case DSC_DTYPE_U8:
    return "uint8";
  case DSC_DTYPE_I8:
    return "int8";
  case DSC_DTYPE_U16:
    return "uint16";
  case DSC_DTYPE_I16:
    return "int16";
  case DSC_DTYPE_I32:
    return "int32";
  case DSC_DTYPE_I64:
    return "int64";
  case DSC_DTYPE_BOOL:
    return "bool";
  case DSC_DTYPE_F16:
    return "float16";
  case DSC_DTYPE_F64:
    return "float64";
  case DSC_DTYPE_U32:
    return "uint32";
  case DSC_DTYPE_U64:
    return "uint64";
  case DSC_DTYPE_BF16:
    return "bfloat16";
  case DSC_DTYPE_F8E4M3FN:
    return "float8_e4m3fn";
  case DSC_DTYPE_F8E4M3FNUZ:
    return "float8_e4m3fnuz";
  case DSC_DTYPE_F8E5M2:
    return "float8_e5m2";
  case DSC_DTYPE_F8E5M2FNUZ:
    return "float8_e5m2fnuz";
  case DSC_DTYPE_U4:
    return "uint4";
  case DSC_DTYPE_I4:
    return "int4";
  case DSC_DTYPE_F4E2M1:
    return "float4_e2m1fn";
  case DSC_DTYPE_F8E8M0:
    return "float8_e8m0fnu";
  case DSC_DTYPE_U2:
    return "uint2";
  case DSC_DTYPE_I2:
    return "int2";
  case DSC_DTYPE_VOID8:
    return "void8";
  }
  return NULL;
}

int dsc_dtype_accepts(int32_t wanted, int32_t given) {
  if (wanted == given)
    return 1;
  return given == DSC_DTYPE_VOID8 && wanted >= DSC_DTYPE_F8E4M3FN &&
         wanted <= DSC_DTYPE_I2;
}

/* Returns -1 for a bad rank, a negative (dynamic) dimension or an element
 * count that overflows int64. */
int64_t dsc_numel(int32_t rank, const int64_t *shape) {
  int64_t n = 1;
  int32_t i;

  if (rank < 0 || (rank > 0 && !shape))
    return -1;
  for (i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return -1;
    if (shape[i] == 0)
      n = 0;
    else if (n > INT64_MAX / shape[i])
      return -1;
    else
      n *= shape[i];
  }
  return n;
}
