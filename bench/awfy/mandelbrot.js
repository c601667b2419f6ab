// Are-We-Fast-Yet: Mandelbrot (Marr et al., DLS 2016). The inner iteration count is the image
// size (AWFY overrides innerBenchmarkLoop); results are known for sizes 500, 750 and 1.
import { run } from './harness.js';

class Mandelbrot {
  innerBenchmarkLoop(innerIterations) {
    const result = this.mandelbrot(innerIterations);
    return [this.verifyResult(result, innerIterations), result];
  }

  verifyResult(result, innerIterations) {
    if (innerIterations === 500) return result === 191;
    if (innerIterations === 750) return result === 50;
    if (innerIterations === 1) return result === 128;
    console.log(`No verification result for ${innerIterations} found`);
    console.log(`Result is: ${result}`);
    return false;
  }

  mandelbrot(size) {
    let sum = 0;
    let byteAcc = 0;
    let bitNum = 0;
    let y = 0;
    while (y < size) {
      const ci = (2.0 * y / size) - 1.0;
      let x = 0;
      while (x < size) {
        let zrzr = 0.0;
        let zi = 0.0;
        let zizi = 0.0;
        const cr = (2.0 * x / size) - 1.5;
        let z = 0;
        let notDone = true;
        let escape = 0;
        while (notDone && z < 50) {
          const zr = zrzr - zizi + cr;
          zi = 2.0 * zr * zi + ci;
          // preserve recalculation
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
        // Code is very similar for these cases, but using separate blocks
        // ensures we skip the shifting when it's unnecessary, which is most cases.
        if (bitNum === 8) {
          sum ^= byteAcc;
          byteAcc = 0;
          bitNum = 0;
        } else if (x === size - 1) {
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
}

run('Mandelbrot', new Mandelbrot());
