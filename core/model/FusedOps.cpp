#include "model/FusedOps.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "common/TorchPch.h"
#include "model/VectorExp.h"
#include "system/BlasThreads.h"

namespace tunebench {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool tracksGradients(std::initializer_list<const torch::Tensor*> inputs) {
  if (!torch::GradMode::is_enabled()) return false;
  for (const auto* input : inputs)
    if (input->requires_grad()) return true;
  return false;
}

bool isPlainCpuFloat(const torch::Tensor& t) {
  return t.device().is_cpu() && t.scalar_type() == torch::kFloat32;
}

// silu(g)·u = g·u / (1 + e⁻ᵍ) over n elements.
TUNEBENCH_ALWAYS_INLINE void swiGluSpan(const float* g, const float* u, float* out, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] * u[i] / (1.0f + vectorExp(-g[i]));
}

// With s = sigmoid(g): d(up) = grad·g·s and d(gate) = grad·u·s·(1 + g·(1 − s)); s is computed
// again rather than kept.
TUNEBENCH_ALWAYS_INLINE void swiGluBackwardSpan(const float* g, const float* u, const float* grad,
                                                float* gateGrad, float* upGrad, int64_t n) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float sig = 1.0f / (1.0f + vectorExp(-g[i])), dsig = grad[i] * sig;
    upGrad[i] = dsig * g[i];
    gateGrad[i] = dsig * u[i] * (1.0f + g[i] * (1.0f - sig));
  }
}

TUNEBENCH_TARGET_AVX2_FMA void swiGluSpanAvx2(const float* g, const float* u, float* out,
                                              int64_t n) {
  swiGluSpan(g, u, out, n);
}
void swiGluSpanBaseline(const float* g, const float* u, float* out, int64_t n) {
  swiGluSpan(g, u, out, n);
}
TUNEBENCH_TARGET_AVX2_FMA void swiGluBackwardSpanAvx2(const float* g, const float* u,
                                                      const float* grad, float* gateGrad,
                                                      float* upGrad, int64_t n) {
  swiGluBackwardSpan(g, u, grad, gateGrad, upGrad, n);
}
void swiGluBackwardSpanBaseline(const float* g, const float* u, const float* grad, float* gateGrad,
                                float* upGrad, int64_t n) {
  swiGluBackwardSpan(g, u, grad, gateGrad, upGrad, n);
}

// Splits n elements over LibTorch's threads in spans of whole cache lines.
template <typename Body>
void forEachSpan(int64_t n, const Body& body) {
  at::parallel_for(0, (n + 15) / 16, 1024, [&](int64_t first, int64_t last) {
    const int64_t begin = first * 16;
    body(begin, std::min(n, last * 16) - begin);
  });
}

// gate and up: contiguous fp32 of one shape.
torch::Tensor swiGluOnCpu(const torch::Tensor& gate, const torch::Tensor& up) {
  auto out = torch::empty_like(gate);
  const float *g = gate.data_ptr<float>(), *u = up.data_ptr<float>();
  float* o = out.data_ptr<float>();
  const auto span = cpuHasAvx2Fma() ? swiGluSpanAvx2 : swiGluSpanBaseline;
  forEachSpan(gate.numel(),
              [&](int64_t first, int64_t n) { span(g + first, u + first, o + first, n); });
  return out;
}

// Keeps gate and up for backward, not silu(gate) as autograd would.
class SwiGluFunction : public torch::autograd::Function<SwiGluFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& gate,
                               const torch::Tensor& up) {
    context->save_for_backward({gate, up});
    return isPlainCpuFloat(gate) ? swiGluOnCpu(gate, up) : torch::silu(gate).mul_(up);
  }

  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto& gate = saved[0];
    const auto& up = saved[1];
    const bool wantGate = context->needs_input_grad(0), wantUp = context->needs_input_grad(1);
    torch::Tensor gateGrad, upGrad;
    if (!isPlainCpuFloat(gate)) {
      const auto& grad = gradOutputs[0];
      if (wantGate) gateGrad = torch::silu_backward(grad * up, gate);
      if (wantUp) upGrad = grad * torch::silu(gate);
      return {gateGrad, upGrad};
    }
    const auto grad = gradOutputs[0].contiguous();
    gateGrad = torch::empty_like(gate);
    upGrad = torch::empty_like(up);
    const float *g = gate.data_ptr<float>(), *u = up.data_ptr<float>(), *d = grad.data_ptr<float>();
    float *dg = gateGrad.data_ptr<float>(), *du = upGrad.data_ptr<float>();
    const auto span = cpuHasAvx2Fma() ? swiGluBackwardSpanAvx2 : swiGluBackwardSpanBaseline;
    forEachSpan(gate.numel(), [&](int64_t first, int64_t n) {
      span(g + first, u + first, d + first, dg + first, du + first, n);
    });
    return {wantGate ? gateGrad : torch::Tensor(), wantUp ? upGrad : torch::Tensor()};
  }
};

// RMSNorm over the last dimension of a contiguous fp32 [rows, width] tensor, one row per pass.
class RmsNormFunction : public torch::autograd::Function<RmsNormFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x,
                               const torch::Tensor& weight, double eps) {
    const auto input = x.contiguous();
    const auto w = weight.contiguous();
    const int64_t width = input.size(-1), rows = input.numel() / width;
    auto out = torch::empty_like(input);
    auto factor = torch::empty({rows}, input.options());
    const float* xp = input.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    float* outp = out.data_ptr<float>();
    float* factorp = factor.data_ptr<float>();
    const float epsilon = static_cast<float>(eps);
    at::parallel_for(0, rows, 16, [&](int64_t first, int64_t last) {
      for (int64_t row = first; row < last; ++row) {
        const float* xr = xp + row * width;
        float squares = 0;
#pragma omp simd reduction(+ : squares)
        for (int64_t i = 0; i < width; ++i) squares += xr[i] * xr[i];
        const float r = 1.0f / std::sqrt(squares / static_cast<float>(width) + epsilon);
        factorp[row] = r;
        float* o = outp + row * width;
#pragma omp simd
        for (int64_t i = 0; i < width; ++i) o[i] = wp[i] * (xr[i] * r);
      }
    });
    context->save_for_backward({input, w, factor});
    return out;
  }

  // With n = x·r, r = (mean(x²) + eps)^-½ and y = w·n: dL/dw = Σ g·n over the rows, and
  // dL/dx = r·(g·w − n·mean(g·w·n)).
  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    const auto& factor = saved[2];
    const auto grad = gradOutputs[0].contiguous();
    const int64_t width = x.size(-1), rows = x.numel() / width;
    const bool wantX = context->needs_input_grad(0), wantWeight = context->needs_input_grad(1);
    torch::Tensor xGrad = wantX ? torch::empty_like(x) : torch::Tensor();
    const float* xp = x.data_ptr<float>();
    const float* wp = weight.data_ptr<float>();
    const float* gp = grad.data_ptr<float>();
    const float* rp = factor.data_ptr<float>();
    float* dxp = wantX ? xGrad.data_ptr<float>() : nullptr;
    // The weight's gradient sums over rows: each thread sums its rows into its own row of
    // `partial`, and the partial sums are added in thread order (the same every run).
    const int64_t threads = at::get_num_threads();
    const int64_t perThread = (rows + threads - 1) / threads;
    auto partial = torch::zeros({threads, width}, x.options());
    float* partialp = partial.data_ptr<float>();
    at::parallel_for(0, threads, 1, [&](int64_t firstThread, int64_t lastThread) {
      for (int64_t t = firstThread; t < lastThread; ++t) {
        float* sum = partialp + t * width;
        for (int64_t row = t * perThread; row < std::min(rows, (t + 1) * perThread); ++row) {
          const float* xr = xp + row * width;
          const float* gr = gp + row * width;
          const float r = rp[row];
          if (wantWeight) {
#pragma omp simd
            for (int64_t i = 0; i < width; ++i) sum[i] += gr[i] * (xr[i] * r);
          }
          if (!wantX) continue;
          float dot = 0;
#pragma omp simd reduction(+ : dot)
          for (int64_t i = 0; i < width; ++i) dot += gr[i] * wp[i] * (xr[i] * r);
          const float mean = dot / static_cast<float>(width);
          float* dx = dxp + row * width;
#pragma omp simd
          for (int64_t i = 0; i < width; ++i) dx[i] = r * (gr[i] * wp[i] - (xr[i] * r) * mean);
        }
      }
    });
    torch::Tensor weightGrad;
    if (wantWeight) weightGrad = partial.sum(0).view(weight.sizes());
    return {xGrad, weightGrad, torch::Tensor()};
  }
};

// Walks the rows (b, h, t) of a [B, H, T, D] tensor and its [B, 1, T, D] cos and sin, each
// given by its strides, calling body(row of x, row of output, cos row, sin row).
struct RotaryLayout {
  int64_t batch, heads, length, dim;
  std::array<int64_t, 3> in, out, table;  // strides of b, h, t (table: b, -, t)
};

template <typename Body>
void forEachRotaryRow(const RotaryLayout& l, const Body& body) {
  at::parallel_for(0, l.batch * l.heads * l.length, 64, [&](int64_t first, int64_t last) {
    for (int64_t row = first; row < last; ++row) {
      const int64_t t = row % l.length, h = (row / l.length) % l.heads,
                    b = row / (l.length * l.heads);
      body(b * l.in[0] + h * l.in[1] + t * l.in[2], b * l.out[0] + h * l.out[1] + t * l.out[2],
           b * l.table[0] + t * l.table[2]);
    }
  });
}

// With halves x = (x₁, x₂): y₁ = x₁·cos₁ − x₂·sin₁ and y₂ = x₂·cos₂ + x₁·sin₂ (what
// x·cos + cat(−x₂, x₁)·sin computes); backward is the transposed rotation,
// dx₁ = dy₁·cos₁ + dy₂·sin₂ and dx₂ = dy₂·cos₂ − dy₁·sin₁.
class RotaryFunction : public torch::autograd::Function<RotaryFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x,
                               const torch::Tensor& cos, const torch::Tensor& sin) {
    const auto cosTable = cos.expand({x.size(0), 1, x.size(2), x.size(3)});
    const auto sinTable = sin.expand({x.size(0), 1, x.size(2), x.size(3)});
    auto out = torch::empty(x.sizes(), x.options());
    rotate(x, out, cosTable, sinTable, false);
    context->save_for_backward({cosTable, sinTable});
    context->saved_data["sizes"] = x.sizes().vec();
    // The input's gradient is laid out as the input when that layout is dense (the projection's
    // [B, T, H, D] transposed), so that the views it came through take it without a copy.
    const bool dense = x.unsafeGetTensorImpl()->is_non_overlapping_and_dense();
    context->saved_data["strides"] = dense ? x.strides().vec() : out.strides().vec();
    return out;
  }

  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto sizes = context->saved_data["sizes"].toIntVector();
    const auto strides = context->saved_data["strides"].toIntVector();
    auto grad = gradOutputs[0];
    if (grad.stride(-1) != 1) grad = grad.contiguous();
    auto xGrad = torch::empty_strided(sizes, strides, grad.options());
    rotate(grad, xGrad, saved[0], saved[1], true);
    return {xGrad, torch::Tensor(), torch::Tensor()};
  }

  static void rotate(const torch::Tensor& in, torch::Tensor& out, const torch::Tensor& cos,
                     const torch::Tensor& sin, bool inverse) {
    const RotaryLayout layout{in.size(0),
                              in.size(1),
                              in.size(2),
                              in.size(3),
                              {in.stride(0), in.stride(1), in.stride(2)},
                              {out.stride(0), out.stride(1), out.stride(2)},
                              {cos.stride(0), 0, cos.stride(2)}};
    const int64_t half = layout.dim / 2;
    const float* source = in.data_ptr<float>();
    float* target = out.data_ptr<float>();
    const float* cosines = cos.data_ptr<float>();
    const float* sines = sin.data_ptr<float>();
    // cos and sin were expanded from the same shape, so one offset serves both.
    forEachRotaryRow(layout, [&](int64_t inRow, int64_t outRow, int64_t tableRow) {
      const float* x = source + inRow;
      float* y = target + outRow;
      const float* c = cosines + tableRow;
      const float* s = sines + tableRow;
      if (!inverse) {
#pragma omp simd
        for (int64_t i = 0; i < half; ++i) {
          y[i] = x[i] * c[i] - x[i + half] * s[i];
          y[i + half] = x[i + half] * c[i + half] + x[i] * s[i + half];
        }
      } else {
#pragma omp simd
        for (int64_t i = 0; i < half; ++i) {
          y[i] = x[i] * c[i] + x[i + half] * s[i + half];
          y[i + half] = x[i + half] * c[i + half] - x[i] * s[i];
        }
      }
    });
  }
};

// Runs body(stack, scratch) for each stack of attention heads. With OpenBLAS made
// single-threaded, LibTorch's threads take whole stacks each: for products this small (a head's
// queries against its keys) that beat one product at a time split over OpenBLAS's threads
// (measured on 2 cores, SmolLM-135M shapes). `scratch` is a per-thread [rows, columns] buffer.
template <typename Body>
void forEachStack(int64_t stacks, int64_t rows, int64_t columns,
                  const torch::TensorOptions& options, const Body& body) {
  SingleThreadedBlas singleThreaded;
  const bool split = singleThreaded.active() && at::get_num_threads() > 1 && stacks > 1;
  auto run = [&](int64_t begin, int64_t end) {
    torch::NoGradGuard noGrad;  // grad mode is per thread; these products write into outputs
    auto scratch = torch::empty({rows, columns}, options);
    for (int64_t stack = begin; stack < end; ++stack) body(stack, scratch);
  };
  if (split)
    at::parallel_for(0, stacks, 1, run);
  else
    run(0, stacks);
}

// Softmax of rows of causal scores [rows, T] where row r is query position r mod T (a group's
// queries are stacked): only the first (r mod T) + 1 columns are read, the rest of the row of
// probabilities is zero. Masking the future first would be one more pass over the scores.
TUNEBENCH_ALWAYS_INLINE void causalSoftmax(const float* scores, float* probabilities, int64_t rows,
                                           int64_t length) {
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t visible = row % length + 1;
    const float* in = scores + row * length;
    float* out = probabilities + row * length;
    float largest = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : largest)
    for (int64_t i = 0; i < visible; ++i) largest = in[i] > largest ? in[i] : largest;
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < visible; ++i) {
      out[i] = vectorExp(in[i] - largest);
      sum += out[i];
    }
    const float reciprocal = 1.0f / sum;
#pragma omp simd
    for (int64_t i = 0; i < visible; ++i) out[i] *= reciprocal;
    std::fill(out + visible, out + length, 0.0f);
  }
}

TUNEBENCH_TARGET_AVX2_FMA void causalSoftmaxAvx2(const float* scores, float* probabilities,
                                                 int64_t rows, int64_t length) {
  causalSoftmax(scores, probabilities, rows, length);
}
void causalSoftmaxBaseline(const float* scores, float* probabilities, int64_t rows,
                           int64_t length) {
  causalSoftmax(scores, probabilities, rows, length);
}

// Queries of a group share one key/value head: [B, H, T, D] is viewed as [B·Hkv, G·T, D].
class CausalAttentionFunction : public torch::autograd::Function<CausalAttentionFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& q,
                               const torch::Tensor& k, const torch::Tensor& v) {
    const int64_t batch = q.size(0), heads = q.size(1), length = q.size(2), dim = q.size(3);
    const int64_t kvHeads = k.size(1), groups = heads / kvHeads, stacks = batch * kvHeads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    // The scale goes on the queries (smaller than the scores once T > D), in the same pass that
    // lays them out contiguously for the products.
    auto queries = torch::empty({stacks, groups * length, dim}, q.options());
    auto queriesAsHeads = queries.view(q.sizes());
    torch::mul_out(queriesAsHeads, q.detach(), torch::scalar_tensor(scale, q.options()));
    const auto keys = k.detach().reshape({stacks, length, dim});
    const auto values = v.detach().reshape({stacks, length, dim});
    auto probabilities = torch::empty({stacks, groups * length, length}, q.options());
    auto out = torch::empty({stacks, groups * length, dim}, q.options());
    const auto softmaxRows = cpuHasAvx2Fma() ? causalSoftmaxAvx2 : causalSoftmaxBaseline;
    forEachStack(stacks, groups * length, length, q.options(),
                 [&](int64_t s, torch::Tensor& scores) {
                   torch::mm_out(scores, queries[s], keys[s].t());
                   auto stackProbabilities = probabilities[s];
                   softmaxRows(scores.data_ptr<float>(), stackProbabilities.data_ptr<float>(),
                               groups * length, length);
                   auto stackOut = out[s];
                   torch::mm_out(stackOut, stackProbabilities, values[s]);
                 });
    context->save_for_backward({queries, keys, values, probabilities});
    return out.view({batch, heads, length, dim});
  }

  // With P the probabilities and S the scaled scores: dV = Pᵀ dO (summing the group's rows),
  // dS = softmax-backward(dO Vᵀ, P) (zero where masked, as P is), dQ = scale · dS K and
  // dK = dSᵀ (scale · Q).
  static variable_list backward(AutogradContext* context, variable_list gradOutputs) {
    const auto saved = context->get_saved_variables();
    const auto& queries = saved[0];
    const auto& keys = saved[1];
    const auto& values = saved[2];
    const auto& probabilities = saved[3];
    const auto& gradOut = gradOutputs[0];
    const int64_t batch = gradOut.size(0), heads = gradOut.size(1);
    const int64_t stacks = keys.size(0), length = keys.size(1), dim = keys.size(2);
    const int64_t kvHeads = stacks / batch;
    const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
    const auto grad = gradOut.detach().reshape(queries.sizes());
    const bool wantQ = context->needs_input_grad(0), wantK = context->needs_input_grad(1);
    const bool wantV = context->needs_input_grad(2);
    torch::Tensor qGrad, kGrad, vGrad;
    if (wantQ) qGrad = torch::empty(queries.sizes(), queries.options());
    if (wantK) kGrad = torch::empty(keys.sizes(), keys.options());
    if (wantV) vGrad = torch::empty(values.sizes(), values.options());
    const auto rows = queries.size(1);
    forEachStack(stacks, 2 * rows, length, queries.options(),
                 [&](int64_t s, torch::Tensor& scratch) {
                   const auto stackGrad = grad[s];
                   const auto stackProbabilities = probabilities[s];
                   if (wantV) {
                     auto out = vGrad[s];
                     torch::mm_out(out, stackProbabilities.t(), stackGrad);
                   }
                   if (!wantQ && !wantK) return;
                   auto probabilityGrad = scratch.narrow(0, 0, rows);
                   auto scoreGrad = scratch.narrow(0, rows, rows);
                   torch::mm_out(probabilityGrad, stackGrad, values[s].t());
                   torch::_softmax_backward_data_out(scoreGrad, probabilityGrad, stackProbabilities,
                                                     -1, stackProbabilities.scalar_type());
                   if (wantQ) {
                     auto out = qGrad[s];
                     torch::mm_out(out, scoreGrad, keys[s]);
                     out.mul_(scale);
                   }
                   if (wantK) {
                     auto out = kGrad[s];
                     torch::mm_out(out, scoreGrad.t(), queries[s]);
                   }
                 });
    if (wantQ) qGrad = qGrad.view({batch, heads, length, dim});
    if (wantK) kGrad = kGrad.view({batch, kvHeads, length, dim});
    if (wantV) vGrad = vGrad.view({batch, kvHeads, length, dim});
    return {qGrad, kGrad, vGrad};
  }
};

}  // namespace

torch::Tensor rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const bool fusable = x.dim() == 4 && cos.dim() == 4 && isPlainCpuFloat(x) &&
                       isPlainCpuFloat(cos) && isPlainCpuFloat(sin) && cos.sizes() == sin.sizes() &&
                       cos.strides() == sin.strides() && x.size(-1) % 2 == 0 && x.stride(-1) == 1 &&
                       cos.stride(-1) == 1 && cos.size(1) == 1 &&
                       (cos.size(0) == 1 || cos.size(0) == x.size(0)) && cos.size(2) == x.size(2) &&
                       cos.size(3) == x.size(3) && x.numel() > 0;
  if (!fusable) {
    const int64_t half = x.size(-1) / 2;
    const auto rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * cos.to(x.scalar_type()) + rotated * sin.to(x.scalar_type());
  }
  return RotaryFunction::apply(x, cos, sin);
}

torch::Tensor causalAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v) {
  return CausalAttentionFunction::apply(q, k, v);
}

torch::Tensor swiGlu(const torch::Tensor& gate, const torch::Tensor& up) {
  const bool sameLayout = gate.sizes() == up.sizes() && gate.scalar_type() == up.scalar_type() &&
                          gate.device() == up.device() && gate.numel() > 0;
  if (!sameLayout || !tracksGradients({&gate, &up})) {
    if (sameLayout && isPlainCpuFloat(gate)) return swiGluOnCpu(gate.contiguous(), up.contiguous());
    return torch::silu(gate) * up;
  }
  return SwiGluFunction::apply(gate.contiguous(), up.contiguous());
}

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  if (isPlainCpuFloat(x) && isPlainCpuFloat(weight) && weight.dim() == 1 &&
      weight.size(0) == x.size(-1) && x.numel() > 0)
    return RmsNormFunction::apply(x, weight, eps);
  // Other dtypes and devices: the plain expression, the statistics in fp32.
  const auto x32 = x.to(torch::kFloat32);
  return weight * (x32 * torch::rsqrt(x32.pow(2).mean(-1, true) + eps)).to(x.scalar_type());
}

}  // namespace tunebench
