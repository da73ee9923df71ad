/* A fake compiled model for the runner test: `sum = a + b` on float32 [2,3].
 * main() is exactly what the compiler emits for a runner executable. The
 * output name contains characters that the runner must replace in the file
 * name ("out/sum:0" -> out_sum_0.npy). */
#include "dsc_runtime.h"

static const int64_t kShape[2] = {2, 3};
static const dsc_tensor_desc kInputs[2] = {{"a", DSC_DTYPE_F32, 2, kShape},
                                           {"b", DSC_DTYPE_F32, 2, kShape}};
static const dsc_tensor_desc kOutputs[1] = {
    {"out/sum:0", DSC_DTYPE_F32, 2, kShape}};

typedef struct add_job {
  const float *a, *b;
  float *out;
} add_job;

static void add_range(void *p, int64_t begin, int64_t end) {
  const add_job *j = (const add_job *)p;
  int64_t i;
  for (i = begin; i < end; ++i)
    j->out[i] = j->a[i] + j->b[i];
}

static void add_entry(void *const *inputs, void *const *outputs, void *arena,
                      dsc_context *ctx) {
  add_job j;
  (void)arena;
  j.a = (const float *)inputs[0];
  j.b = (const float *)inputs[1];
  j.out = (float *)outputs[0];
  dsc_parallel_for(ctx, 6, add_range, &j);
}

/* No dynamic batch (the last field). */
static const dsc_model_desc kModel = {
    "add", 2, 1, kInputs, kOutputs, 64, 0, add_entry, NULL};

int main(int argc, char **argv) { return dsc_runner_main(&kModel, argc, argv); }
