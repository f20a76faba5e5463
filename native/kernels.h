// ida4j CUDA kernels: the flat launcher surface the CUDA backend binds through Panama.
// Conventions (same as dev.ida4j.backend.Backend): outputs first, then inputs, then sizes; every backward
// accumulates into its gradient outputs; all pointers are device pointers to fp32 unless named otherwise.
#pragma once
#include <cuda_runtime.h>

#ifdef __cplusplus
extern "C" {
#endif

// pointwise.cu
void ida4j_residual_forward(float* out, const float* a, const float* b, long n, cudaStream_t stream);
void ida4j_residual_backward(float* da, float* db, const float* dout, long n, cudaStream_t stream);
void ida4j_gelu_forward(float* out, const float* inp, long n, cudaStream_t stream);
void ida4j_gelu_backward(float* dinp, const float* dout, const float* inp, long n, cudaStream_t stream);

#ifdef __cplusplus
}
#endif
