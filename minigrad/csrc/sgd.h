/*
 * sgd.h -- one SGD step for one parameter in one pass (minigrad/optim/sgd.py; Cython wrapper in
 * _ops_optim.pxi).
 *
 * For each element, in this order (PyTorch's update rule, the steps minigrad's numpy code made
 * before this kernel existed, with the same roundings):
 *
 *     g = grad (negated if maximize)
 *     g = g + weight_decay * param                        (if weight_decay != 0)
 *     buf = g                                             (first step: fresh buffer)
 *     buf = buf * momentum; buf = buf + (1 - dampening) * g   (later steps)
 *     g = g + momentum * buf (nesterov) or buf            (if momentum != 0)
 *     param = param + (-lr) * g
 *
 * float32: every product and sum is rounded to float32 on its own, exactly as numpy's separate
 * multiply and add ufuncs round (the hyper-parameters are first rounded to float32, as numpy
 * rounds a Python float meeting a float32 array). The compiler must therefore not fuse a
 * multiply and an add into an FMA instruction (it would with -march=native: GCC contracts by
 * default): contraction is switched off for these functions.
 * float64: each "x + a * y" is one fused multiply-add, rounded once (fma(), correctly rounded),
 * as minigrad/optim/_fma.py computes PyTorch's float64 updates; buf * momentum is a plain product.
 *
 * Each element is computed on its own, so splitting the range between threads cannot change a
 * result.
 */
#ifndef MINIGRAD_SGD_H
#define MINIGRAD_SGD_H

#include <math.h>
#include <stdint.h>

typedef struct {
    double lr, momentum, dampening, weight_decay;
    int nesterov, maximize;
} mg_sgd_hyper;

#if defined(__clang__)
#define MG_NO_CONTRACT _Pragma("clang fp contract(off)")
#define MG_NO_CONTRACT_ATTR
#elif defined(__GNUC__)
#define MG_NO_CONTRACT
#define MG_NO_CONTRACT_ATTR __attribute__((optimize("fp-contract=off")))
#else
#define MG_NO_CONTRACT
#define MG_NO_CONTRACT_ATTR
#endif

/* buf may be NULL when momentum == 0; fresh: buf holds garbage and is set to g (first step).
 * The three arrays never overlap (the caller checks), hence restrict. */
MG_NO_CONTRACT_ATTR
static void mg_sgd_f32(float *restrict param, const float *restrict grad, float *restrict buf,
                       int fresh, int64_t start, int64_t end, const mg_sgd_hyper *h)
{
    MG_NO_CONTRACT
    const float wd = (float)h->weight_decay, mom = (float)h->momentum;
    const float keep = (float)(1.0 - h->dampening), step = (float)(-h->lr);
    const int use_wd = h->weight_decay != 0.0, use_mom = h->momentum != 0.0;
    const int nesterov = h->nesterov, maximize = h->maximize;
    if (use_mom && !use_wd && !nesterov && !maximize && !fresh) {
        /* the training loop's case (SGD with momentum, after the first step): a loop without
         * branches, which the compiler vectorises */
        for (int64_t i = start; i < end; i++) {
            float b = buf[i] * mom;
            float t = keep * grad[i];
            b = b + t;
            buf[i] = b;
            float u = step * b;
            param[i] = param[i] + u;
        }
        return;
    }
    for (int64_t i = start; i < end; i++) {
        float g = maximize ? -grad[i] : grad[i];
        if (use_wd) {
            float t = wd * param[i];
            g = g + t;
        }
        if (use_mom) {
            float b;
            if (fresh) {
                b = g;
            } else {
                b = buf[i] * mom;
                float t = keep * g;
                b = b + t;
            }
            buf[i] = b;
            if (nesterov) {
                float t = mom * b;
                g = g + t;
            } else {
                g = b;
            }
        }
        float u = step * g;
        param[i] = param[i] + u;
    }
}

static void mg_sgd_f64(double *restrict param, const double *restrict grad, double *restrict buf,
                       int fresh, int64_t start, int64_t end, const mg_sgd_hyper *h)
{
    const double wd = h->weight_decay, mom = h->momentum;
    const double keep = 1.0 - h->dampening, step = -h->lr;
    const int use_wd = wd != 0.0, use_mom = mom != 0.0;
    const int nesterov = h->nesterov, maximize = h->maximize;
    for (int64_t i = start; i < end; i++) {
        double g = maximize ? -grad[i] : grad[i];
        if (use_wd) g = fma(wd, param[i], g);
        if (use_mom) {
            double b = fresh ? g : fma(keep, g, buf[i] * mom);
            buf[i] = b;
            g = nesterov ? fma(mom, b, g) : b;
        }
        param[i] = fma(step, g, param[i]);
    }
}

#endif /* MINIGRAD_SGD_H */
