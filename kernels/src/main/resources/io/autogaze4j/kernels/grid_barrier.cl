// A grid barrier: every work-group of a launch waits until all of them arrived, so one launch can run phases that
// read what other work-groups wrote in the phase before (LaunchProbe measures it; decoder.cl's persistent_step runs on
// it). Correct only when all the launch's work-groups are resident at once (one per compute unit, resources allowing).
// Included by the programs that use it (ClContext inlines `#include "grid_barrier.cl"` lines before building).

// Every group waits here until all `groups` groups of the launch arrived (they must all be resident at once). The
// first work-item of each group arrives on `arrived`; the last to arrive resets it and opens the next generation
// `gen`, which the others poll. A group gives up after `patience` polls and counts a timeout instead of hanging
// (groups that are not resident together never meet). Returns 0, or 1 after a timeout.
inline int grid_barrier(volatile __global int* arrived, volatile __global int* gen, int groups, int patience,
                        __local int* timedOut) {
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    if (get_local_id(0) == 0) {
        int seen = atomic_add(gen, 0);
        mem_fence(CLK_GLOBAL_MEM_FENCE); // this group's writes before its arrival
        *timedOut = 0;
        if (atomic_inc(arrived) == groups - 1) {
            atomic_xchg(arrived, 0);
            atomic_inc(gen);
        } else {
            int polls = 0;
            while (atomic_add(gen, 0) == seen) {
                if (++polls > patience) {
                    *timedOut = 1;
                    break;
                }
            }
        }
        mem_fence(CLK_GLOBAL_MEM_FENCE);
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    return *timedOut;
}
