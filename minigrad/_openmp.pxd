# OpenMP shim: the same Cython code builds with or without OpenMP.
#
# With -fopenmp, _OPENMP is defined and these are the real OpenMP calls. Without it (the compiler
# has no OpenMP, or MINIGRAD_NO_OPENMP=1), they are stubs that describe a single thread, and
# Cython's prange loops compile to plain serial loops. (The idea is scikit-learn's
# sklearn/utils/_openmp_helpers.pxd.)

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define MG_OPENMP 1
    #else
    #define MG_OPENMP 0
    static int omp_get_thread_num(void) { return 0; }
    static int omp_get_max_threads(void) { return 1; }
    #endif
    """
    bint MG_OPENMP
    int omp_get_thread_num() nogil
    int omp_get_max_threads() nogil
