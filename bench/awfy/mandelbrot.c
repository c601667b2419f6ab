/* Are-We-Fast-Yet: Mandelbrot (Marr et al., DLS 2016). The inner iteration count is the image
 * size (AWFY overrides innerBenchmarkLoop); results are known for sizes 500, 750 and 1. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static int mandelbrot(int size) {
  int sum = 0;
  int byteAcc = 0;
  int bitNum = 0;
  int y = 0;
  while (y < size) {
    double ci = (2.0 * y / size) - 1.0;
    int x = 0;
    while (x < size) {
      double zrzr = 0.0;
      double zi = 0.0;
      double zizi = 0.0;
      double cr = (2.0 * x / size) - 1.5;
      int z = 0;
      bool notDone = true;
      int escape = 0;
      while (notDone && z < 50) {
        double zr = zrzr - zizi + cr;
        zi = 2.0 * zr * zi + ci;
        zrzr = zr * zr;
        zizi = zi * zi;
        if (zrzr + zizi > 4.0) {
          notDone = false;
          escape = 1;
        }
        z += 1;
      }
      byteAcc = (byteAcc << 1) + escape;
      bitNum += 1;
      if (bitNum == 8) {
        sum ^= byteAcc;
        byteAcc = 0;
        bitNum = 0;
      } else if (x == size - 1) {
        byteAcc <<= (8 - bitNum);
        sum ^= byteAcc;
        byteAcc = 0;
        bitNum = 0;
      }
      x += 1;
    }
    y += 1;
  }
  return sum;
}

static bool verify_result(int result, int innerIterations) {
  if (innerIterations == 500) return result == 191;
  if (innerIterations == 750) return result == 50;
  if (innerIterations == 1) return result == 128;
  printf("No verification result for %d found\n", innerIterations);
  printf("Result is: %d\n", result);
  return false;
}

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    result = mandelbrot(innerIterations);
    if (!verify_result(result, innerIterations)) {
      printf("Mandelbrot: FAILED %d\n", result);
      return 1;
    }
  }
  printf("Mandelbrot: ok %d\n", result);
  return 0;
}
