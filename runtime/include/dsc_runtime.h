/* dsc runtime: the small C99 library every compiled model links.
 *
 * The compiler emits, per model, one entry function and a constant
 * `dsc_model_desc` describing it; everything else (sessions, the thread pool,
 * the .npy reader/writer and the command-line runner) is generic and lives
 * here. No allocation happens on the inference path: the scratch arena is
 * allocated once by dsc_session_create. No global state: everything hangs off
 * a session. Every fallible function returns a dsc_status.
 */
#ifndef DSC_RUNTIME_H
#define DSC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types; the values are ONNX TensorProto.DataType codes. */
typedef enum dsc_dtype {
  DSC_DTYPE_F32 = 1,
  DSC_DTYPE_U8 = 2,
  DSC_DTYPE_I8 = 3,
  DSC_DTYPE_U16 = 4,
  DSC_DTYPE_I16 = 5,
  DSC_DTYPE_I32 = 6,
  DSC_DTYPE_I64 = 7,
  DSC_DTYPE_BOOL = 9,
  DSC_DTYPE_F16 = 10,
  DSC_DTYPE_F64 = 11,
  DSC_DTYPE_U32 = 12,
  DSC_DTYPE_U64 = 13,
  DSC_DTYPE_BF16 = 16,
  /* Narrow types, one element per byte holding the value's bit pattern in
   * its low bits (upper bits zero), as numpy's ml_dtypes stores them; ONNX
   * packs the 4- and 2-bit ones only inside model files. */
  DSC_DTYPE_F8E4M3FN = 17,
  DSC_DTYPE_F8E4M3FNUZ = 18,
  DSC_DTYPE_F8E5M2 = 19,
  DSC_DTYPE_F8E5M2FNUZ = 20,
  DSC_DTYPE_U4 = 21,
  DSC_DTYPE_I4 = 22,
  DSC_DTYPE_F4E2M1 = 23,
  DSC_DTYPE_F8E8M0 = 24,
  DSC_DTYPE_U2 = 25,
  DSC_DTYPE_I2 = 26,
  /* Not a model dtype: what dsc_npy_load reports for a '|V1' array (numpy's
   * name for a one-byte type it does not know, e.g. ml_dtypes' float8 and
   * int4); it stands for any narrow type above (dsc_dtype_accepts). */
  DSC_DTYPE_VOID8 = 100
} dsc_dtype;

typedef enum dsc_status {
  DSC_OK = 0,
  DSC_ERR_INVALID_ARGUMENT = 1,
  DSC_ERR_OUT_OF_MEMORY = 2,
  DSC_ERR_IO = 3,
  DSC_ERR_FORMAT = 4,   /* malformed file (e.g. a corrupt .npy) */
  DSC_ERR_MISMATCH = 5, /* dtype / shape / name does not match the model */
  DSC_ERR_THREAD = 6,
  /* A run-time check of the generated code failed: an input contradicts
   * what the model was compiled for (e.g. a Reshape's shape given at run
   * time that does not give the declared output shape). Nothing was
   * computed from it and the outputs were not written;
   * dsc_session_error() says which node and what was given. */
  DSC_ERR_GUARD = 7,
  /* The CPU or OS lacks what the model was compiled for (AMX state). */
  DSC_ERR_UNSUPPORTED = 8
} dsc_status;

/* Bytes of a session's error message, NUL included. */
#define DSC_ERROR_BYTES 512

#define DSC_MAX_RANK 16

/* A graph input or output as the model declares it. In a model with a
 * dynamic batch, shape[0] == -1 marks the tensors that lead with it. */
typedef struct dsc_tensor_desc {
  const char *name;
  int32_t dtype; /* dsc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries */
} dsc_tensor_desc;

typedef struct dsc_context dsc_context;

/* The generated code's single entry. inputs/outputs are caller buffers in the
 * order of the descriptor tables, arena is `arena_bytes` of 64-byte aligned
 * scratch, ctx gives access to the thread pool. */
typedef void (*dsc_entry_fn)(void *const *inputs, void *const *outputs,
                             void *arena, dsc_context *ctx);

typedef struct dsc_model_desc {
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  const dsc_tensor_desc *inputs;
  const dsc_tensor_desc *outputs;
  uint64_t arena_bytes;   /* scratch for intermediates, planned statically */
  uint64_t weights_bytes; /* constant data in the library's .rodata */
  dsc_entry_fn entry;
  /* NULL for a model with static shapes. Else the name of its symbolic
   * batch (the ONNX dim_param, e.g. "N"): the tensors whose shape[0] is -1
   * lead with it, and `entry` computes one batch element of them (the
   * others are the same for every element); dsc_session_run_batch runs a
   * whole batch. */
  const char *dynamic_batch;
  /* CPU state the generated code needs from the OS (DSC_REQUIRES_*):
   * dsc_session_create asks for it, or fails with DSC_ERR_UNSUPPORTED. */
  uint32_t requirements;
} dsc_model_desc;

/* AMX tile data (tdpbf16ps kernels): Linux hands it out per process on
 * request (arch_prctl ARCH_REQ_XCOMP_PERM). */
#define DSC_REQUIRES_AMX 1u

/* ---- sessions ---------------------------------------------------------- */

typedef struct dsc_session dsc_session;

/* num_threads <= 0 means "one per online CPU". */
dsc_status dsc_session_create(const dsc_model_desc *model, int num_threads,
                              dsc_session **out);
/* Runs the model once; no allocation. Output buffers must not overlap each
   other or any input. The pointer of a tensor with zero elements may be
   NULL (it is never accessed). */
dsc_status dsc_session_run(dsc_session *session, const void *const *inputs,
                           void *const *outputs);
/* Runs a batch of `batch` elements (>= 1) of a model with a dynamic batch:
   the tensors leading with the batch hold `batch` elements one after the
   other, the others are given once. The entry runs once per element, with
   those pointers advanced by one element's bytes; the arena is reused, so
   nothing is allocated. A static model accepts batch == 1 only
   (DSC_ERR_MISMATCH otherwise); dsc_session_run is batch 1. */
dsc_status dsc_session_run_batch(dsc_session *session, int64_t batch,
                                 const void *const *inputs,
                                 void *const *outputs);
void dsc_session_destroy(dsc_session *session);
/* After a run returned DSC_ERR_GUARD: the failed check's message (the ONNX
 * node, what the model was compiled for, the values given); "" after a
 * successful run. Valid until the next run on the session. */
const char *dsc_session_error(const dsc_session *session);
int dsc_session_num_threads(const dsc_session *session);

/* ---- helpers ----------------------------------------------------------- */

const char *dsc_status_string(dsc_status status);
/* Bytes per element, 0 for an unknown dtype. */
size_t dsc_dtype_size(int32_t dtype);
/* "float32", "int64", ... (numpy / ml_dtypes names); NULL for an unknown
 * dtype. */
const char *dsc_dtype_name(int32_t dtype);
/* Whether data of dtype `given` (e.g. from dsc_npy_load) can be passed where
 * the model wants `wanted`: equal dtypes, or DSC_DTYPE_VOID8 for a narrow
 * one-byte type. */
int dsc_dtype_accepts(int32_t wanted, int32_t given);
/* Number of elements of a shape (1 for rank 0). */
int64_t dsc_numel(int32_t rank, const int64_t *shape);
/* Number of elements of a model tensor for a batch of `batch` (its dynamic
 * dim 0, if any, taken as `batch`); -1 on overflow or a bad descriptor. */
int64_t dsc_tensor_numel(const dsc_tensor_desc *tensor, int64_t batch);

/* ---- thread pool ------------------------------------------------------- */

/* Body of a parallel loop: process iterations [begin, end). */
typedef void (*dsc_task_fn)(void *arg, int64_t begin, int64_t end);

/* Splits [0, n) into contiguous chunks over the context's threads (the
 * calling thread takes part) and returns when all are done. With ctx == NULL
 * or one thread it runs fn(arg, 0, n) inline. */
dsc_status dsc_parallel_for(dsc_context *ctx, int64_t n, dsc_task_fn fn,
                            void *arg);
int dsc_context_num_threads(const dsc_context *ctx);

/* Thread pools are created by sessions; these are exposed for tests and for
 * programs that share one pool. */
dsc_status dsc_context_create(int num_threads, dsc_context **out);
void dsc_context_destroy(dsc_context *ctx);

/* ---- run-time checks (called by the generated code) -------------------- */

/* Records that a check failed during the current run on ctx: `message`
 * (NUL-terminated) followed by "; given [v0, v1, ...]" when num_given > 0.
 * The generated entry returns right after calling it; dsc_session_run then
 * returns DSC_ERR_GUARD. Only the first failure of a run is kept. */
void dsc_guard_fail(dsc_context *ctx, const char *message, const int64_t *given,
                    int64_t num_given);

/* ---- .npy files (the runner's I/O; not used on the inference path) ------ */

typedef struct dsc_npy {
  int32_t dtype; /* dsc_dtype */
  int32_t rank;
  int64_t shape[DSC_MAX_RANK];
  void *data; /* malloc'ed, little-endian, C order */
  size_t nbytes;
} dsc_npy;

/* Reads a .npy file (format 1.0/2.0/3.0, little-endian, C order). On failure
 * writes a one-line reason into err (if errlen > 0). */
dsc_status dsc_npy_load(const char *path, dsc_npy *out, char *err,
                        size_t errlen);
dsc_status dsc_npy_save(const char *path, int32_t dtype, int32_t rank,
                        const int64_t *shape, const void *data);
void dsc_npy_free(dsc_npy *npy);

/* ---- the command-line runner ------------------------------------------- */

/* `<model> --input NAME=FILE.npy ... --output-dir DIR [--repeat N]
 *  [--warmup N] [--threads N]`; returns the process exit code. */
int dsc_runner_main(const dsc_model_desc *model, int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* DSC_RUNTIME_H */
