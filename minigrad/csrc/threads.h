/*
 * threads.h -- how many threads a kernel may use, for minigrad's _ops.pyx.
 *
 * Two things can go wrong with OpenMP threads, and both are handled here, not in the kernels
 * (which read the count through mg_kernel_threads(), under the Cython name _num_threads):
 *
 * 1. fork().  libgomp keeps, per thread that starts parallel regions, a pool of worker threads.
 *    fork() copies only the calling thread, so the child inherits a pool whose workers do not
 *    exist, and its first parallel region waits for them forever.  What the child can still do
 *    (tested in tests/test_fork.py): a region with a team of ONE thread never touches the pool
 *    (libgomp creates no team threads and waits on no one), and a thread started in the child
 *    has no pool yet, so it builds a fresh one.  Hence the rule: a thread that may own a pool
 *    (it has asked for more than one thread) marks itself; the pthread_atfork child handler,
 *    which runs in the child's only thread (the copy of the one that forked, with its
 *    thread-local variables), turns that mark into "serial from now on".  Other threads of the
 *    child, started after the fork, use the full count.
 *
 * 2. Thread creation failure.  When pthread_create fails (a memory limit, `ulimit -v`, or a
 *    thread-count limit), libgomp prints "Thread creation failed" and exits the process: no
 *    error reaches Python.  mg_probe_threads() starts the threads that a pool of that size
 *    needs, all alive at once, with the stack size libgomp gives its workers, and reports how
 *    many it could start; _ops.pyx lowers the count before libgomp ever sees it.
 *
 * Header-only; every function is static.  The thread count itself is one int, written by
 * set_num_threads (with the GIL) and read by kernels.
 */
#ifndef MG_THREADS_H
#define MG_THREADS_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

static int mg_num_threads = 1;                  /* what set_num_threads chose */
static __thread int mg_thread_may_own_pool = 0; /* this thread asked for more than one thread */
static __thread int mg_thread_forked_serial = 0; /* this thread is a fork's copy of such a thread */

/* The count a kernel started from the calling thread uses (read at every kernel call). */
static inline int mg_kernel_threads(void)
{
    if (mg_thread_forked_serial)
        return 1;
    if (mg_num_threads > 1)
        mg_thread_may_own_pool = 1;
    return mg_num_threads;
}

/* The same, without marking the thread (for get_num_threads). */
static inline int mg_threads_of_this_thread(void)
{
    return mg_thread_forked_serial ? 1 : mg_num_threads;
}

static inline int mg_this_thread_forked_serial(void) { return mg_thread_forked_serial; }

static void mg_after_fork_in_child(void)
{
    if (mg_thread_may_own_pool)
        mg_thread_forked_serial = 1;
}

/* Called once, at module import.  0 on success (pthread_atfork's result otherwise). */
static int mg_install_fork_handler(void)
{
    return pthread_atfork(NULL, NULL, mg_after_fork_in_child);
}

/* ---------------------------------------------------------------- the thread-creation probe */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int released;
} mg_probe_gate;

static void *mg_probe_wait(void *arg)
{
    mg_probe_gate *gate = (mg_probe_gate *)arg;
    pthread_mutex_lock(&gate->lock);
    while (!gate->released)
        pthread_cond_wait(&gate->wake, &gate->lock);
    pthread_mutex_unlock(&gate->lock);
    return NULL;
}

/* Start up to n threads that all stay alive until the last one is started (a pool's threads
 * live together), each with a stack of stack_bytes (0: the default, which is what libgomp uses
 * unless OMP_STACKSIZE is set); then release and join them.  Returns how many started (n when
 * all did).  Signals are blocked in the probe threads, so none is delivered to them. */
static int mg_probe_threads(int n, size_t stack_bytes)
{
    mg_probe_gate gate;
    pthread_attr_t attr;
    sigset_t all, old;
    pthread_t *ids;
    int started = 0, i;

    if (n <= 0)
        return 0;
    ids = (pthread_t *)malloc((size_t)n * sizeof *ids);
    if (ids == NULL)
        return 0;
    pthread_mutex_init(&gate.lock, NULL);
    pthread_cond_init(&gate.wake, NULL);
    gate.released = 0;
    pthread_attr_init(&attr);
    if (stack_bytes > 0 && pthread_attr_setstacksize(&attr, stack_bytes) != 0) {
        pthread_attr_destroy(&attr);
        pthread_attr_init(&attr);
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (; started < n; started++)
        if (pthread_create(&ids[started], &attr, mg_probe_wait, &gate) != 0)
            break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_mutex_lock(&gate.lock);
    gate.released = 1;
    pthread_cond_broadcast(&gate.wake);
    pthread_mutex_unlock(&gate.lock);
    for (i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    pthread_attr_destroy(&attr);
    pthread_cond_destroy(&gate.wake);
    pthread_mutex_destroy(&gate.lock);
    free(ids);
    return started;
}

#endif /* MG_THREADS_H */
