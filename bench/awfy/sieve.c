/* Are-We-Fast-Yet: Sieve (Marr et al., DLS 2016). Sieve of Eratosthenes up to 5000. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static int sieve(bool *flags, int size) {
  int primeCount = 0;
  for (int i = 2; i <= size; i++) {
    if (flags[i - 1]) {
      primeCount += 1;
      int k = i + i;
      while (k <= size) {
        flags[k - 1] = false;
        k += i;
      }
    }
  }
  return primeCount;
}

static int benchmark(void) {
  bool *flags = malloc(sizeof(bool) * 5000);
  for (int i = 0; i < 5000; i++) flags[i] = true;
  int result = sieve(flags, 5000);
  free(flags);
  return result;
}

static int verify_result(int result) { return result == 669; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark();
      if (!verify_result(result)) {
        printf("Sieve: FAILED %d\n", result);
        return 1;
      }
    }
  }
  printf("Sieve: ok %d\n", result);
  return 0;
}
