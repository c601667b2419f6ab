/* Are-We-Fast-Yet: Bounce (Marr et al., DLS 2016). 100 balls bounce in a box for 50 steps. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

typedef struct { int seed; } Random;

static void random_init(Random *r) { r->seed = 74755; }
static int random_next(Random *r) {
  r->seed = ((r->seed * 1309) + 13849) & 65535;
  return r->seed;
}

typedef struct { int x, y, xVel, yVel; } Ball;

static Ball *ball_new(Random *random) {
  Ball *b = malloc(sizeof(Ball));
  b->x = random_next(random) % 500;
  b->y = random_next(random) % 500;
  b->xVel = (random_next(random) % 300) - 150;
  b->yVel = (random_next(random) % 300) - 150;
  return b;
}

static int ball_bounce(Ball *b) {
  int xLimit = 500, yLimit = 500;
  int bounced = 0;
  b->x += b->xVel;
  b->y += b->yVel;
  if (b->x > xLimit) { b->x = xLimit; b->xVel = 0 - abs(b->xVel); bounced = 1; }
  if (b->x < 0) { b->x = 0; b->xVel = abs(b->xVel); bounced = 1; }
  if (b->y > yLimit) { b->y = yLimit; b->yVel = 0 - abs(b->yVel); bounced = 1; }
  if (b->y < 0) { b->y = 0; b->yVel = abs(b->yVel); bounced = 1; }
  return bounced;
}

static int benchmark(void) {
  Random random;
  random_init(&random);
  int ballCount = 100;
  int bounces = 0;
  Ball **balls = malloc(sizeof(Ball *) * ballCount);
  for (int i = 0; i < ballCount; i++) balls[i] = ball_new(&random);
  for (int i = 0; i < 50; i++) {
    for (int j = 0; j < ballCount; j++) {
      if (ball_bounce(balls[j])) bounces += 1;
    }
  }
  for (int i = 0; i < ballCount; i++) free(balls[i]);
  free(balls);
  return bounces;
}

static int verify_result(int result) { return result == 1331; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark();
      if (!verify_result(result)) {
        printf("Bounce: FAILED %d\n", result);
        return 1;
      }
    }
  }
  printf("Bounce: ok %d\n", result);
  return 0;
}
