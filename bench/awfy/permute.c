/* Are-We-Fast-Yet: Permute (Marr et al., DLS 2016). Generates all permutations of six elements. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

typedef struct {
  int count;
  int *v;
} Permute;

static void swap(Permute *p, int i, int j) {
  int tmp = p->v[i];
  p->v[i] = p->v[j];
  p->v[j] = tmp;
}

static void permute(Permute *p, int n) {
  p->count += 1;
  if (n != 0) {
    int n1 = n - 1;
    permute(p, n1);
    for (int i = n1; i >= 0; i--) {
      swap(p, n1, i);
      permute(p, n1);
      swap(p, n1, i);
    }
  }
}

static int benchmark(Permute *p) {
  p->count = 0;
  p->v = calloc(6, sizeof(int));
  permute(p, 6);
  free(p->v);
  p->v = NULL;
  return p->count;
}

static int verify_result(int result) { return result == 8660; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  Permute p = { 0, NULL };
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark(&p);
      if (!verify_result(result)) {
        printf("Permute: FAILED %d\n", result);
        return 1;
      }
    }
  }
  printf("Permute: ok %d\n", result);
  return 0;
}
