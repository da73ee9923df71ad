/* dsc runtime: sessions and small helpers.
 *
 * A session owns the model's scratch arena (allocated once, 64-byte aligned)
 * and a thread pool. dsc_session_run only validates its arguments and calls
 * the generated entry function: nothing is allocated on that path.
 */
#define _POSIX_C_SOURCE 200809L

#include "dsc_runtime.h"

#include <stdint.h>
#include <stdlib.h>

struct dsc_session {
  const dsc_model_desc *model;
  void *arena;
  dsc_context *ctx;
};

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
  st = dsc_context_create(num_threads, &s->ctx);
  if (st != DSC_OK) {
    free(s->arena);
    free(s);
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
  for (i = 0; i < m->num_inputs; ++i)
    if (!inputs[i])
      return DSC_ERR_INVALID_ARGUMENT;
  for (i = 0; i < m->num_outputs; ++i)
    if (!outputs[i])
      return DSC_ERR_INVALID_ARGUMENT;
  /* The entry takes `void *const *` for symmetry with the outputs but never
   * writes through the input pointers; the union drops the const without a
   * cast (which -Wcast-qual, on in the LLVM-style build, would flag). */
  in.c = inputs;
  m->entry(in.m, outputs, session->arena, session->ctx);
  return DSC_OK;
}

void dsc_session_destroy(dsc_session *session) {
  if (!session)
    return;
  dsc_context_destroy(session->ctx);
  free(session->arena);
  free(session);
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
  }
  return "unknown status";
}

size_t dsc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case DSC_DTYPE_U8:
  case DSC_DTYPE_I8:
  case DSC_DTYPE_BOOL:
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
  }
  return NULL;
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
