/* The Are-We-Fast-Yet harness's command line for the C versions, as bench/run.ts passes it:
 * `NAME [iterations [innerIterations]]`, both 1 by default (as in AWFY's own harness). Each
 * program runs its inner benchmark loop `iterations` times, checking every result, then prints
 * `NAME: ok RESULT`; a failed check prints `NAME: FAILED ...` and exits with status 1. */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdlib.h>

/* The count at argv[index], or 1 when it is absent. */
static int harness_count(int argc, char **argv, int index) {
  return argc > index ? atoi(argv[index]) : 1;
}

#endif
