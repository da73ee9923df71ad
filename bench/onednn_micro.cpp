// oneDNN yardstick for bench/bench.py's micro set: times one f32 matmul or
// convolution primitive and prints one JSON line.
//
//   onednn_micro matmul M N K            REPEAT WARMUP
//   onednn_micro conv N C H W O KH KW STRIDE PAD REPEAT WARMUP
//
// matmul: A [M, K] (row-major, the "input"), B [K, N] constant (its layout
// left to oneDNN, reordered once before timing), C [M, N] row-major.
// conv: src [N, C, H, W], weights [O, C, KH, KW], no bias, dst [N, O, OH, OW];
// every layout `any` (oneDNN's preferred blocked formats, the benchdnn way):
// data is reordered into them once before timing, so the times are the
// primitive alone. Threads: the Debian build uses OpenMP, so OMP_NUM_THREADS
// sets them (bench.py sets it per run).
//
// Output: {"median_ms": ..., "min_ms": ..., "repeat": N, "impl": "<oneDNN impl>",
//          "version": "x.y.z", "omp_num_threads": "<$OMP_NUM_THREADS>"}
//
// Built by bench.py: clang++-22 -O2 -std=c++17 onednn_micro.cpp -ldnnl

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

void fill(memory &m, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  size_t n = m.get_desc().get_size() / sizeof(float);
  float *p = static_cast<float *>(m.get_data_handle());
  for (size_t i = 0; i < n; ++i)
    p[i] = dist(gen);
}

// A plain-layout memory filled with random data, reordered into `want`
// (a no-op copy when the layouts agree).
memory make_input(const engine &eng, stream &s, const memory::desc &plain,
                  const memory::desc &want, unsigned seed) {
  memory src(plain, eng);
  fill(src, seed);
  if (plain == want)
    return src;
  memory dst(want, eng);
  reorder(src, dst).execute(s, src, dst);
  s.wait();
  return dst;
}

int usage() {
  std::fprintf(stderr,
               "usage: onednn_micro matmul M N K REPEAT WARMUP\n"
               "       onednn_micro conv N C H W O KH KW STRIDE PAD REPEAT WARMUP\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  std::string kind = argv[1];
  std::vector<long> a;
  for (int i = 2; i < argc; ++i)
    a.push_back(std::atol(argv[i]));
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  primitive prim;
  std::unordered_map<int, memory> args;
  std::string impl;
  long repeat = 0, warmup = 0;

  if (kind == "matmul" && a.size() == 5) {
    memory::dim M = a[0], N = a[1], K = a[2];
    repeat = a[3];
    warmup = a[4];
    memory::desc src_md({M, K}, dt::f32, tag::ab);
    memory::desc wei_any({K, N}, dt::f32, tag::any);
    memory::desc dst_md({M, N}, dt::f32, tag::ab);
#if DNNL_VERSION_MAJOR >= 3
    matmul::primitive_desc pd(eng, src_md, wei_any, dst_md);
#else // oneDNN 2.x (Debian 12): an op descriptor first
    matmul::primitive_desc pd(matmul::desc(src_md, wei_any, dst_md), eng);
#endif
    impl = pd.impl_info_str();
    args[DNNL_ARG_SRC] = make_input(eng, s, src_md, pd.src_desc(), 1);
    args[DNNL_ARG_WEIGHTS] =
        make_input(eng, s, memory::desc({K, N}, dt::f32, tag::ab), pd.weights_desc(), 2);
    args[DNNL_ARG_DST] = memory(pd.dst_desc(), eng);
    prim = matmul(pd);
  } else if (kind == "conv" && a.size() == 11) {
    memory::dim N = a[0], C = a[1], H = a[2], W = a[3], O = a[4], KH = a[5], KW = a[6],
                st = a[7], pad = a[8];
    repeat = a[9];
    warmup = a[10];
    memory::dim OH = (H + 2 * pad - KH) / st + 1, OW = (W + 2 * pad - KW) / st + 1;
    memory::dims src_d{N, C, H, W}, wei_d{O, C, KH, KW}, dst_d{N, O, OH, OW};
    memory::desc src_any(src_d, dt::f32, tag::any), wei_any(wei_d, dt::f32, tag::any),
        dst_any(dst_d, dt::f32, tag::any);
#if DNNL_VERSION_MAJOR >= 3
    convolution_forward::primitive_desc pd(eng, prop_kind::forward_inference,
                                           algorithm::convolution_direct, src_any, wei_any,
                                           dst_any, {st, st}, {pad, pad}, {pad, pad});
#else
    convolution_forward::primitive_desc pd(
        convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct,
                                  src_any, wei_any, dst_any, {st, st}, {pad, pad}, {pad, pad}),
        eng);
#endif
    impl = pd.impl_info_str();
    args[DNNL_ARG_SRC] =
        make_input(eng, s, memory::desc(src_d, dt::f32, tag::nchw), pd.src_desc(), 1);
    args[DNNL_ARG_WEIGHTS] =
        make_input(eng, s, memory::desc(wei_d, dt::f32, tag::oihw), pd.weights_desc(), 2);
    args[DNNL_ARG_DST] = memory(pd.dst_desc(), eng);
    prim = convolution_forward(pd);
  } else {
    return usage();
  }

  if (repeat < 1)
    repeat = 1;
  for (long i = 0; i < warmup; ++i)
    prim.execute(s, args);
  s.wait();
  std::vector<double> ms;
  for (long i = 0; i < repeat; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    prim.execute(s, args);
    s.wait();
    auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted.size() % 2
                      ? sorted[sorted.size() / 2]
                      : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
  const dnnl_version_t *v = dnnl_version();
  const char *omp_env = std::getenv("OMP_NUM_THREADS");
  std::printf("{\"median_ms\": %.6f, \"min_ms\": %.6f, \"repeat\": %ld, \"impl\": \"%s\", "
              "\"version\": \"%d.%d.%d\", \"omp_num_threads\": \"%s\"}\n",
              median, sorted.front(), repeat, impl.c_str(), v->major, v->minor, v->patch,
              omp_env ? omp_env : "");
  return 0;
}
