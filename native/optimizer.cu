// Optimizer kernels: AdamW (decoupled weight decay, as torch.optim.AdamW), the exponential moving average, and the
// sum of squares for the global gradient norm, in fp64 and deterministic: a fixed grid writes one partial sum per
// block, and one block adds the partials in order. Math: dev.ida4j.backend.ref.RefOptimizer.
#include "common.cuh"
#include "kernels.h"

using namespace ida4j;

// params, m, v (n) updated in place from grads (n); bias1 = 1 - beta1^t, bias2 = 1 - beta2^t (computed on the host)
IDA4J_KERNEL void adamw(float* params, const float* grads, float* m, float* v, float lr, float beta1, float beta2,
                        float eps, float weight_decay, float grad_scale, float bias1, float bias2, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    float g = grads[i] * grad_scale;
    float p = params[i];
    p -= lr * weight_decay * p;  // decoupled decay, before the Adam step, as torch does
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    p -= lr * (mi / bias1) / (sqrtf(vi / bias2) + eps);
    m[i] = mi;
    v[i] = vi;
    params[i] = p;
  }
}

// ema(n) += rate·(x - ema)
IDA4J_KERNEL void ema(float* ema, const float* x, float rate, long n) {
  IDA4J_GRID_STRIDE(i, n) ema[i] += rate * (x[i] - ema[i]);
}

// partial(gridDim.x) = per block Σ x², in double
IDA4J_KERNEL void sum_squares_partial(double* partial, const float* x, long n) {
  __shared__ double scratch[32];
  double sum = 0.0;
  IDA4J_GRID_STRIDE(i, n) {
    double xi = x[i];
    sum += xi * xi;
  }
  sum = block_sum(sum, scratch);
  if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

// out(1) = Σ partial(count), by one block
IDA4J_KERNEL void sum_partials(double* out, const double* partial, int count) {
  __shared__ double scratch[32];
  double sum = 0.0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) sum += partial[i];
  sum = block_sum(sum, scratch);
  if (threadIdx.x == 0) out[0] = sum;
}
