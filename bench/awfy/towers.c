/* Are-We-Fast-Yet: Towers (Marr et al., DLS 2016). Towers of Hanoi with 13 disks on linked piles. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

typedef struct TowersDisk {
  int size;
  struct TowersDisk *next;
} TowersDisk;

typedef struct {
  TowersDisk **piles;
  int movesDone;
} Towers;

static void fail(const char *message) {
  printf("Towers: FAILED %s\n", message);
  exit(1);
}

static TowersDisk *disk_new(int size) {
  TowersDisk *d = malloc(sizeof(TowersDisk));
  d->size = size;
  d->next = NULL;
  return d;
}

static void push_disk(Towers *t, TowersDisk *disk, int pile) {
  TowersDisk *top = t->piles[pile];
  if (top != NULL && disk->size >= top->size) fail("Cannot put a big disk on a smaller one");
  disk->next = top;
  t->piles[pile] = disk;
}

static TowersDisk *pop_disk_from(Towers *t, int pile) {
  TowersDisk *top = t->piles[pile];
  if (top == NULL) fail("Attempting to remove a disk from an empty pile");
  t->piles[pile] = top->next;
  top->next = NULL;
  return top;
}

static void move_top_disk(Towers *t, int fromPile, int toPile) {
  push_disk(t, pop_disk_from(t, fromPile), toPile);
  t->movesDone += 1;
}

static void build_tower_at(Towers *t, int pile, int disks) {
  for (int i = disks; i >= 0; i--) push_disk(t, disk_new(i), pile);
}

static void move_disks(Towers *t, int disks, int fromPile, int toPile) {
  if (disks == 1) {
    move_top_disk(t, fromPile, toPile);
  } else {
    int otherPile = (3 - fromPile) - toPile;
    move_disks(t, disks - 1, fromPile, otherPile);
    move_top_disk(t, fromPile, toPile);
    move_disks(t, disks - 1, otherPile, toPile);
  }
}

static int benchmark(Towers *t) {
  t->piles = calloc(3, sizeof(TowersDisk *));
  build_tower_at(t, 0, 13);
  t->movesDone = 0;
  move_disks(t, 13, 0, 1);
  /* Free the disks and the piles. */
  for (int p = 0; p < 3; p++) {
    TowersDisk *d = t->piles[p];
    while (d != NULL) {
      TowersDisk *next = d->next;
      free(d);
      d = next;
    }
  }
  free(t->piles);
  t->piles = NULL;
  return t->movesDone;
}

static int verify_result(int result) { return result == 8191; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  Towers towers = { NULL, 0 };
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark(&towers);
      if (!verify_result(result)) {
        printf("Towers: FAILED %d\n", result);
        return 1;
      }
    }
  }
  printf("Towers: ok %d\n", result);
  return 0;
}
