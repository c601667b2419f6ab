/* Are-We-Fast-Yet: Queens (Marr et al., DLS 2016). Solves the eight queens problem ten times. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

typedef struct {
  bool *freeRows;
  bool *freeMaxs;
  bool *freeMins;
  int *queenRows;
} Queens;

static bool *bool_array(int n, bool v) {
  bool *a = malloc(sizeof(bool) * n);
  for (int i = 0; i < n; i++) a[i] = v;
  return a;
}

static bool get_row_column(Queens *q, int r, int c) {
  return q->freeRows[r] && q->freeMaxs[c + r] && q->freeMins[c - r + 7];
}

static void set_row_column(Queens *q, int r, int c, bool v) {
  q->freeRows[r] = v;
  q->freeMaxs[c + r] = v;
  q->freeMins[c - r + 7] = v;
}

static bool place_queen(Queens *q, int c) {
  for (int r = 0; r < 8; r++) {
    if (get_row_column(q, r, c)) {
      q->queenRows[r] = c;
      set_row_column(q, r, c, false);
      if (c == 7) return true;
      if (place_queen(q, c + 1)) return true;
      set_row_column(q, r, c, true);
    }
  }
  return false;
}

static bool queens(Queens *q) {
  q->freeRows = bool_array(8, true);
  q->freeMaxs = bool_array(16, true);
  q->freeMins = bool_array(16, true);
  q->queenRows = malloc(sizeof(int) * 8);
  for (int i = 0; i < 8; i++) q->queenRows[i] = -1;
  bool result = place_queen(q, 0);
  free(q->freeRows);
  free(q->freeMaxs);
  free(q->freeMins);
  free(q->queenRows);
  return result;
}

static bool benchmark(Queens *q) {
  bool result = true;
  for (int i = 0; i < 10; i++) {
    result = result && queens(q);
  }
  return result;
}

static bool verify_result(bool result) { return result; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  Queens q = { NULL, NULL, NULL, NULL };
  bool result = false;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark(&q);
      if (!verify_result(result)) {
        printf("Queens: FAILED %s\n", result ? "true" : "false");
        return 1;
      }
    }
  }
  printf("Queens: ok %s\n", result ? "true" : "false");
  return 0;
}
