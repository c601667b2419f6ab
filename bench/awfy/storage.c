/* Are-We-Fast-Yet: Storage (Marr et al., DLS 2016). Builds a tree of arrays of depth 7 (allocation stress). */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

typedef struct { int seed; } Random;

static int random_next(Random *r) {
  r->seed = ((r->seed * 1309) + 13849) & 65535;
  return r->seed;
}

static int count;

/* An array of the tree: leaves are arrays of 1-10 empty slots, inner nodes arrays of 4 subtrees. */
static void **build_tree_depth(int depth, Random *random) {
  count += 1;
  if (depth == 1) {
    return calloc(random_next(random) % 10 + 1, sizeof(void *));
  }
  void **arr = calloc(4, sizeof(void *));
  for (int i = 0; i < 4; i++) arr[i] = build_tree_depth(depth - 1, random);
  return arr;
}

static void free_tree(void **arr, int depth) {
  if (depth > 1) {
    for (int i = 0; i < 4; i++) free_tree(arr[i], depth - 1);
  }
  free(arr);
}

static int benchmark(void) {
  Random random = { 74755 };
  count = 0;
  void **tree = build_tree_depth(7, &random);
  free_tree(tree, 7);
  return count;
}

static int verify_result(int result) { return result == 5461; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark();
      if (!verify_result(result)) {
        printf("Storage: FAILED %d\n", result);
        return 1;
      }
    }
  }
  printf("Storage: ok %d\n", result);
  return 0;
}
