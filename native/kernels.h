// ida4j CUDA kernels: the flat list of entry points the CUDA backend (dev.ida4j.backend.cuda.Kernels) looks up by
// name in the fatbins with cuModuleGetFunction and launches with cuLaunchKernel. Only scalars and pointers cross.
// Conventions (same as dev.ida4j.backend.Backend): outputs first, then inputs, then sizes; every backward
// accumulates (+=) into its gradient outputs, and a gradient output may be null (skipped) where noted; all pointers
// are device pointers to fp32 unless typed otherwise. Launch shapes are noted per kernel: "grid-stride" kernels take
// any 1-D grid of 256-thread blocks; "row" kernels one 256-thread block per row; "warp-row" kernels one warp per row
// in 256-thread blocks; "column" kernels (32, 32) blocks, one per 32 columns.
#pragma once
#include <cuda_bf16.h>

#define IDA4J_KERNEL extern "C" __global__

// pointwise.cu (grid-stride)
IDA4J_KERNEL void fill(float* out, float value, long n);
IDA4J_KERNEL void residual_forward(float* out, const float* a, const float* b, long n);
IDA4J_KERNEL void residual_backward(float* da, float* db, const float* dout, long n);  // da, db nullable
// act: 0 GELU (tanh approximation), 1 ReLU
IDA4J_KERNEL void activation_forward(float* out, const float* inp, int act, long n);
IDA4J_KERNEL void activation_backward(float* dinp, const float* dout, const float* inp, int act, long n);
// mask = bits(key, i) < threshold ? 0 : keep, bits as dev.ida4j.backend.DropoutRng
IDA4J_KERNEL void dropout_forward(float* out, float* mask, const float* inp, unsigned long long key, int threshold,
                                  float keep, long n);
IDA4J_KERNEL void dropout_backward(float* dinp, const float* dout, const float* mask, long n);

// linear.cu
IDA4J_KERNEL void bias_add(float* out, const float* bias, long rows, int cols);  // grid-stride
IDA4J_KERNEL void column_sum_accumulate(float* dst, const float* src, int rows, long cols);  // column
IDA4J_KERNEL void to_bf16(__nv_bfloat16* dst, const float* src, long n);  // grid-stride

// embedding.cu
IDA4J_KERNEL void check_indices(int* first_bad, const int* ids, long n, int bound);  // grid-stride
IDA4J_KERNEL void embedding_forward(float* out, const int* ids, const float* wte, const float* wpe, int t, int c,
                                    long n);  // grid-stride over n = B*T*C; wpe nullable
IDA4J_KERNEL void embedding_backward_tokens(float* dwte, const float* dout, const int* ids, int c, long n);

// norms.cu
IDA4J_KERNEL void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                                    const float* bias, int n, int c);  // warp-row
IDA4J_KERNEL void layernorm_backward_input(float* dinp, const float* dout, const float* inp, const float* weight,
                                           const float* mean, const float* rstd, int n, int c);  // warp-row
IDA4J_KERNEL void layernorm_backward_params(float* dweight, float* dbias, const float* dout, const float* inp,
                                            const float* mean, const float* rstd, int n, int c);  // column
IDA4J_KERNEL void batchnorm_statistics(float* mean, float* rstd, float* running_mean, float* running_var,
                                       const float* inp, float momentum, float eps, int training, int n,
                                       int c);  // column
IDA4J_KERNEL void batchnorm_apply(float* out, const float* inp, const float* mean, const float* rstd,
                                  const float* weight, const float* bias, int c, long n);  // grid-stride, n = N*C
IDA4J_KERNEL void batchnorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                                     const float* weight, const float* mean, const float* rstd, int n,
                                     int c);  // column

// attention.cu
IDA4J_KERNEL void permute_heads(float* dst, const float* src, int b, int t, int nh, int hs);  // grid-stride
IDA4J_KERNEL void unpermute_heads(float* dst, const float* src, int b, int t, int nh, int hs,
                                  int accumulate);  // grid-stride
IDA4J_KERNEL void attention_softmax_forward(float* att, const float* key_mask, int b, int nh, int tq, int tk,
                                            int causal);  // warp-row; key_mask nullable
IDA4J_KERNEL void attention_softmax_backward(float* datt, const float* att, long rows, int tk);  // warp-row

// crossentropy.cu
IDA4J_KERNEL void crossentropy_forward(float* losses, float* probs, const float* logits, const int* targets,
                                       const float* mask, int n, int v);  // row; mask nullable
IDA4J_KERNEL void crossentropy_backward(float* dlogits, const float* dlosses, const float* probs,
                                        const int* targets, const float* mask, int v, long n);  // grid-stride

// mixture.cu (row; dynamic shared memory (k + 1) floats)
IDA4J_KERNEL void mixture_forward(float* logp, float* mix, float* gen, const float* dists, const float* gen_logits,
                                  const float* mix_logits, int n, int k, int v);
IDA4J_KERNEL void mixture_backward(float* ddists, float* dgen_logits, float* dmix_logits, const float* dlogp,
                                   const float* dists, const float* gen, const float* mix, int n, int k, int v);

// optimizer.cu
IDA4J_KERNEL void adamw(float* params, const float* grads, float* m, float* v, float lr, float beta1, float beta2,
                        float eps, float weight_decay, float grad_scale, float bias1, float bias2,
                        long n);  // grid-stride
IDA4J_KERNEL void ema(float* ema, const float* x, float rate, long n);  // grid-stride
IDA4J_KERNEL void sum_squares_partial(double* partial, const float* x, long n);  // grid-stride, one sum per block
IDA4J_KERNEL void sum_partials(double* out, const double* partial, int count);  // one 256-thread block
