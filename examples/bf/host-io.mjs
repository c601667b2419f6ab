// Host functions for Brainf*** programs on a ThreadedSession (its `hostModule`):
// every worker imports this module for itself, so each thread reads its own
// copy of the input, from the start.
const INPUT = new TextEncoder().encode('Rejit');
let at = 0;

export function getc() {
  return at < INPUT.length ? INPUT[at++] : -1;
}
