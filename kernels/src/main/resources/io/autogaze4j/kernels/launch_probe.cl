// Launch and synchronisation costs of the device (LaunchProbe): what a persistent decoder-step kernel would pay for
// its phases (docs/benchmarks.md, "Batch 1"). Not used by the model.

// One work-item of group 0 adds one: a launch with (almost) no work, each depending on the one before it.
__kernel void probe_empty(__global int* counter) {
    if (get_global_id(0) == 0) {
        counter[0] += 1;
    }
}

#include "grid_barrier.cl"

// `rounds` rounds of: each group writes its slot of `data` (plain stores, as a phase's outputs), grid barrier, reads
// its neighbour's slot through a volatile pointer (as the next phase's inputs) and counts a wrong value, grid barrier.
// state: {arrived, gen, wrong values, timeouts}.
__kernel void probe_barriers(volatile __global int* state, __global int* data, int rounds, int patience) {
    __local int timedOut;
    int groups = get_num_groups(0);
    int g = get_group_id(0);
    int wrong = 0, timeouts = 0;
    for (int r = 0; r < rounds; r++) {
        if (get_local_id(0) == 0) {
            data[g] = r * 4096 + g;
        }
        timeouts += grid_barrier(state, state + 1, groups, patience, &timedOut);
        if (timeouts > 0) {
            break;
        }
        if (get_local_id(0) == 0) {
            int n = (g + 1) % groups;
            if (((volatile __global int*) data)[n] != r * 4096 + n) {
                wrong++;
            }
        }
        timeouts += grid_barrier(state, state + 1, groups, patience, &timedOut);
        if (timeouts > 0) {
            break; // the barrier is broken for good: stop at the first timeout rather than wait on every round
        }
    }
    if (get_local_id(0) == 0) {
        atomic_add(state + 2, wrong);
        atomic_add(state + 3, timeouts);
    }
}
