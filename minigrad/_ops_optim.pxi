# Fused optimizer updates (included by _ops.pyx): one call updates every parameter of a group.
#
# An SGD step written with numpy makes four or five passes over each parameter and costs a few
# microseconds of Python per parameter; at batch 1 that is a large part of a training step.
# sgd_step walks a list of parameters and, for each, runs csrc/sgd.h's loop once (in parallel
# chunks for large parameters): the same roundings as the numpy code, in one pass.

cimport numpy as cnp

cnp.import_array()

cdef extern from "sgd.h" nogil:
    ctypedef struct mg_sgd_hyper:
        double lr, momentum, dampening, weight_decay
        int nesterov, maximize
    void mg_sgd_f32(float *param, const float *grad, float *buf, int fresh,
                    int64_t start, int64_t end, const mg_sgd_hyper *h)
    void mg_sgd_f64(double *param, const double *grad, double *buf, int fresh,
                    int64_t start, int64_t end, const mg_sgd_hyper *h)


cdef bint _plain_float(a, int typenum, bint write):
    """a is a plain, native, aligned, C-contiguous array of dtype typenum (writeable if write)."""
    if type(a) is not np.ndarray:
        return False
    cdef cnp.ndarray arr = <cnp.ndarray>a
    if cnp.PyArray_TYPE(arr) != typenum or not cnp.PyArray_ISNOTSWAPPED(arr):
        return False
    if not cnp.PyArray_IS_C_CONTIGUOUS(arr) or not cnp.PyArray_ISALIGNED(arr):
        return False
    return not write or cnp.PyArray_ISWRITEABLE(arr)


cdef bint _apart(cnp.ndarray a, cnp.ndarray b):
    """Two C-contiguous arrays of one size and dtype do not overlap (the kernel's pointers are
    restrict: a gradient sharing the parameter's memory goes the caller's way)."""
    cdef char *pa = <char *>cnp.PyArray_DATA(a)
    cdef char *pb = <char *>cnp.PyArray_DATA(b)
    cdef cnp.npy_intp nbytes = cnp.PyArray_NBYTES(a)
    return pa + nbytes <= pb or pb + nbytes <= pa


def sgd_step(list params, list grads, bufs, fresh, lr, momentum, dampening, weight_decay,
             nesterov, maximize):
    """One SGD step for the parameter arrays ``params`` (updated in place) with gradients
    ``grads`` and, when momentum != 0, momentum buffers ``bufs`` (updated in place; ``fresh[i]``
    true: the buffer is new and is set to the gradient, PyTorch's first step). See csrc/sgd.h for
    the update and its roundings.

    A parameter is updated only if its arrays are plain, native, aligned, C-contiguous, float32
    or float64, of one shape and dtype, the parameter and buffer writeable, and no two of them
    overlap. Returns the indices of the others (normally none), which the caller updates
    its own way."""
    cdef mg_sgd_hyper h
    h.lr = _real(lr, "lr")
    h.momentum = _real(momentum, "momentum")
    h.dampening = _real(dampening, "dampening")
    h.weight_decay = _real(weight_decay, "weight_decay")
    h.nesterov = 1 if nesterov else 0
    h.maximize = 1 if maximize else 0
    cdef bint use_mom = h.momentum != 0.0
    cdef Py_ssize_t count = len(params), i
    if len(grads) != count or (use_mom and (len(bufs) != count or len(fresh) != count)):
        raise ValueError("sgd_step: params, grads, bufs and fresh must have the same length")
    cdef list skipped = []
    cdef cnp.ndarray d, g, b
    cdef int typenum, is_fresh, nt
    cdef int64_t n, ch, cs, nch
    cdef void *dp
    cdef void *gp
    cdef void *bp
    for i in range(count):
        d_obj, g_obj = params[i], grads[i]
        b_obj = bufs[i] if use_mom else None
        if type(d_obj) is not np.ndarray:
            skipped.append(i)
            continue
        typenum = cnp.PyArray_TYPE(<cnp.ndarray>d_obj)
        if typenum != cnp.NPY_FLOAT32 and typenum != cnp.NPY_FLOAT64:
            skipped.append(i)
            continue
        if not (_plain_float(d_obj, typenum, True) and _plain_float(g_obj, typenum, False)
                and (not use_mom or _plain_float(b_obj, typenum, True))):
            skipped.append(i)
            continue
        d, g = <cnp.ndarray>d_obj, <cnp.ndarray>g_obj
        if not cnp.PyArray_SAMESHAPE(d, g) or not _apart(d, g):
            skipped.append(i)
            continue
        if use_mom:
            b = <cnp.ndarray>b_obj
            if not cnp.PyArray_SAMESHAPE(d, b) or not _apart(d, b) or not _apart(g, b):
                skipped.append(i)
                continue
            bp = cnp.PyArray_DATA(b)
            is_fresh = 1 if fresh[i] else 0
        else:
            bp = NULL
            is_fresh = 0
        dp = cnp.PyArray_DATA(d)
        gp = cnp.PyArray_DATA(g)
        n = cnp.PyArray_SIZE(d)
        _plan(n, _par_min_mem, &nt, &cs, &nch)
        if nt <= 1:  # small: no parallel region to enter
            if typenum == cnp.NPY_FLOAT32:
                mg_sgd_f32(<float *>dp, <const float *>gp, <float *>bp, is_fresh, 0, n, &h)
            else:
                mg_sgd_f64(<double *>dp, <const double *>gp, <double *>bp, is_fresh, 0, n, &h)
        elif typenum == cnp.NPY_FLOAT32:
            for ch in prange(nch, schedule='static', nogil=True, num_threads=nt):
                mg_sgd_f32(<float *>dp, <const float *>gp, <float *>bp, is_fresh,
                           ch * cs, min(ch * cs + cs, n), &h)
        else:
            for ch in prange(nch, schedule='static', nogil=True, num_threads=nt):
                mg_sgd_f64(<double *>dp, <const double *>gp, <double *>bp, is_fresh,
                           ch * cs, min(ch * cs + cs, n), &h)
    return skipped
