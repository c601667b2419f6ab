/* Are-We-Fast-Yet: NBody (Marr et al., DLS 2016). Five-planet n-body simulation. The inner
 * iteration count is the number of 0.01 time steps (AWFY overrides innerBenchmarkLoop); energies
 * are known for 250000 and 1 steps. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static const double PI = 3.141592653589793;
#define SOLAR_MASS (4 * PI * PI)
static const double DAYS_PER_YEAR = 365.24;

typedef struct {
  double x, y, z, vx, vy, vz, mass;
} Body;

static Body *body_new(double x, double y, double z, double vx, double vy, double vz, double mass) {
  Body *b = malloc(sizeof(Body));
  b->x = x;
  b->y = y;
  b->z = z;
  b->vx = vx * DAYS_PER_YEAR;
  b->vy = vy * DAYS_PER_YEAR;
  b->vz = vz * DAYS_PER_YEAR;
  b->mass = mass * SOLAR_MASS;
  return b;
}

static void offset_momentum(Body *b, double px, double py, double pz) {
  b->vx = 0.0 - (px / SOLAR_MASS);
  b->vy = 0.0 - (py / SOLAR_MASS);
  b->vz = 0.0 - (pz / SOLAR_MASS);
}

#define NUM_BODIES 5

typedef struct {
  Body *bodies[NUM_BODIES];
} NBodySystem;

static void system_init(NBodySystem *s) {
  s->bodies[0] = body_new(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0);
  s->bodies[1] = body_new(
      4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
      9.54791938424326609e-04);
  s->bodies[2] = body_new(
      8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
      2.85885980666130812e-04);
  s->bodies[3] = body_new(
      1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
      4.36624404335156298e-05);
  s->bodies[4] = body_new(
      1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
      5.15138902046611451e-05);
  double px = 0.0, py = 0.0, pz = 0.0;
  for (int i = 0; i < NUM_BODIES; i++) {
    Body *b = s->bodies[i];
    px += b->vx * b->mass;
    py += b->vy * b->mass;
    pz += b->vz * b->mass;
  }
  offset_momentum(s->bodies[0], px, py, pz);
}

static void system_free(NBodySystem *s) {
  for (int i = 0; i < NUM_BODIES; i++) free(s->bodies[i]);
}

static void advance(NBodySystem *s, double dt) {
  for (int i = 0; i < NUM_BODIES; i++) {
    Body *iBody = s->bodies[i];
    for (int j = i + 1; j < NUM_BODIES; j++) {
      Body *jBody = s->bodies[j];
      double dx = iBody->x - jBody->x;
      double dy = iBody->y - jBody->y;
      double dz = iBody->z - jBody->z;
      double dSquared = dx * dx + dy * dy + dz * dz;
      double distance = sqrt(dSquared);
      double mag = dt / (dSquared * distance);
      iBody->vx = iBody->vx - (dx * jBody->mass * mag);
      iBody->vy = iBody->vy - (dy * jBody->mass * mag);
      iBody->vz = iBody->vz - (dz * jBody->mass * mag);
      jBody->vx = jBody->vx + (dx * iBody->mass * mag);
      jBody->vy = jBody->vy + (dy * iBody->mass * mag);
      jBody->vz = jBody->vz + (dz * iBody->mass * mag);
    }
  }
  for (int i = 0; i < NUM_BODIES; i++) {
    Body *body = s->bodies[i];
    body->x = body->x + dt * body->vx;
    body->y = body->y + dt * body->vy;
    body->z = body->z + dt * body->vz;
  }
}

static double energy(NBodySystem *s) {
  double e = 0.0;
  for (int i = 0; i < NUM_BODIES; i++) {
    Body *iBody = s->bodies[i];
    e += 0.5 * iBody->mass * (iBody->vx * iBody->vx + iBody->vy * iBody->vy + iBody->vz * iBody->vz);
    for (int j = i + 1; j < NUM_BODIES; j++) {
      Body *jBody = s->bodies[j];
      double dx = iBody->x - jBody->x;
      double dy = iBody->y - jBody->y;
      double dz = iBody->z - jBody->z;
      double distance = sqrt(dx * dx + dy * dy + dz * dz);
      e -= (iBody->mass * jBody->mass) / distance;
    }
  }
  return e;
}

/* Shortest decimal that reads back as x: what JavaScript's String(x) prints for
 * 1e-6 <= |x| < 1e21 (the energy is about -0.169). */
static void format_double(char *buf, size_t n, double x) {
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(buf, n, "%.*g", precision, x);
    if (strtod(buf, NULL) == x) return;
  }
}

static bool verify_result(double result, int innerIterations) {
  char buf[64];
  if (innerIterations == 250000) return result == -0.1690859889909308;
  if (innerIterations == 1) return result == -0.16907495402506745;
  format_double(buf, sizeof buf, result);
  printf("No verification result for %d found\n", innerIterations);
  printf("Result is: %s\n", buf);
  return false;
}

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  char buf[64];
  for (int n = 0; n < iterations; n++) {
    NBodySystem system;
    system_init(&system);
    for (int i = 0; i < innerIterations; i++) advance(&system, 0.01);
    double e = energy(&system);
    system_free(&system);
    format_double(buf, sizeof buf, e);
    if (!verify_result(e, innerIterations)) {
      printf("NBody: FAILED %s\n", buf);
      return 1;
    }
  }
  printf("NBody: ok %s\n", buf);
  return 0;
}
