/* Are-We-Fast-Yet: List (Marr et al., DLS 2016). Recursive list traversal (the Takeuchi-like 'tail'). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

typedef struct Element {
  int val;
  struct Element *next;
} Element;

static int element_length(Element *e) {
  if (e->next == NULL) return 1;
  return 1 + element_length(e->next);
}

static Element *make_list(int length) {
  if (length == 0) return NULL;
  Element *e = malloc(sizeof(Element));
  e->val = length;
  e->next = make_list(length - 1);
  return e;
}

static void free_list(Element *e) {
  while (e != NULL) {
    Element *next = e->next;
    free(e);
    e = next;
  }
}

static bool is_shorter_than(Element *x, Element *y) {
  Element *xTail = x;
  Element *yTail = y;
  while (yTail != NULL) {
    if (xTail == NULL) return true;
    xTail = xTail->next;
    yTail = yTail->next;
  }
  return false;
}

static Element *tail(Element *x, Element *y, Element *z) {
  if (is_shorter_than(y, x)) {
    /* C leaves the order of argument evaluation open: evaluate left to right explicitly. */
    Element *a = tail(x->next, y, z);
    Element *b = tail(y->next, z, x);
    Element *c = tail(z->next, x, y);
    return tail(a, b, c);
  }
  return z;
}

static int benchmark(void) {
  Element *l15 = make_list(15);
  Element *l10 = make_list(10);
  Element *l6 = make_list(6);
  Element *result = tail(l15, l10, l6);
  int length = element_length(result);
  /* tail returns a sublist of one of the three lists: free the three lists. */
  free_list(l15);
  free_list(l10);
  free_list(l6);
  return length;
}

static int verify_result(int result) { return result == 10; }

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    for (int i = 0; i < innerIterations; i++) {
      result = benchmark();
      if (!verify_result(result)) {
        printf("List: FAILED %d\n", result);
        return 1;
      }
    }
  }
  printf("List: ok %d\n", result);
  return 0;
}
