// Pointwise kernels, forward and backward side by side: fill, residual add, activations (GELU tanh approximation,
// ReLU) and inverted dropout. Semantics: dev.ida4j.backend.Backend; math: dev.ida4j.backend.ref.RefPointwise.
#include "common.cuh"
#include "kernels.h"

namespace {
constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float kGeluCube = 0.044715f;
constexpr int kGelu = 0;

// splitmix64, as dev.ida4j.backend.DropoutRng: unsigned 64-bit arithmetic wraps exactly as Java's long does
constexpr unsigned long long kGamma = 0x9E3779B97F4A7C15ull;
constexpr unsigned long long kMix1 = 0xBF58476D1CE4E5B9ull;
constexpr unsigned long long kMix2 = 0x94D049BB133111EBull;

__device__ inline int dropout_bits(unsigned long long key, long i) {
  unsigned long long z = key + (unsigned long long)i * kGamma;
  z = (z ^ (z >> 30)) * kMix1;
  z = (z ^ (z >> 27)) * kMix2;
  z ^= z >> 31;
  return (int)(z >> 40);  // the top 24 bits
}
}  // namespace

// out(n) = value
IDA4J_KERNEL void fill(float* out, float value, long n) {
  IDA4J_GRID_STRIDE(i, n) out[i] = value;
}

// out(n) = a + b
IDA4J_KERNEL void residual_forward(float* out, const float* a, const float* b, long n) {
  IDA4J_GRID_STRIDE(i, n) out[i] = a[i] + b[i];
}

// da(n) += dout; db(n) += dout
IDA4J_KERNEL void residual_backward(float* da, float* db, const float* dout, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    float g = dout[i];
    if (da) da[i] += g;
    if (db) db[i] += g;
  }
}

// out(n) = act(inp(n))
IDA4J_KERNEL void activation_forward(float* out, const float* inp, int act, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    float x = inp[i];
    if (act == kGelu) {
      out[i] = 0.5f * x * (1.0f + tanhf(kGeluScale * (x + kGeluCube * x * x * x)));
    } else {
      out[i] = x > 0.0f ? x : 0.0f;
    }
  }
}

// dinp(n) += act'(inp)·dout
IDA4J_KERNEL void activation_backward(float* dinp, const float* dout, const float* inp, int act, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    float x = inp[i];
    float grad;
    if (act == kGelu) {
      // d/dx 0.5x(1 + tanh u) = 0.5(1 + tanh u) + 0.5x(1 - tanh² u)·du/dx, written with s = σ(2u) = 0.5(1 + tanh u)
      // and e = exp(-2u), since 1 - tanh² u = 4·e·s²: 1 - tanh² u itself cancels to a few bits when |u| is large
      // (the GPU's first parity run failed on it by 3e-5 relative). |x| ≤ 9 keeps e finite; beyond, the gradient
      // is 0 or 1 to fp32.
      x = fminf(fmaxf(x, -9.0f), 9.0f);
      float u = kGeluScale * x * (1.0f + kGeluCube * x * x);
      float du = kGeluScale * (1.0f + 3.0f * kGeluCube * x * x);
      float e = expf(-2.0f * u);
      float s = 1.0f / (1.0f + e);
      grad = s + 2.0f * x * du * e * s * s;
    } else {
      grad = x > 0.0f ? 1.0f : 0.0f;
    }
    dinp[i] += grad * dout[i];
  }
}

// mask(n) = 0 where bits(key, i) < threshold, else keep = 1/(1-p); out(n) = inp·mask
IDA4J_KERNEL void dropout_forward(float* out, float* mask, const float* inp, unsigned long long key, int threshold,
                                  float keep, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    float m = dropout_bits(key, i) < threshold ? 0.0f : keep;
    mask[i] = m;
    out[i] = inp[i] * m;
  }
}

// dinp(n) += dout·mask
IDA4J_KERNEL void dropout_backward(float* dinp, const float* dout, const float* mask, long n) {
  IDA4J_GRID_STRIDE(i, n) dinp[i] += dout[i] * mask[i];
}
