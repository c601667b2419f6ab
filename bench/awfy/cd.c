/* Are-We-Fast-Yet: CD (Marr et al., DLS 2016), the collision detector of the CD_x real-time
 * benchmark: aircraft fly for 200 frames, a red-black tree keeps their state, a voxel map reduces
 * the pairs to test. AWFY overrides innerBenchmarkLoop: the inner iteration count is the number of
 * aircraft. The simulator flies aircraft in pairs, so an odd count is rounded up (1 runs 2).
 * sin/cos are this file's own (fdlibm's kernels), written identically in the .js, .c and .rj
 * versions so that all three compute bit-identical positions (Rejit has no trig builtins).
 * Objects are malloc'd and freed where the Rejit version deletes them. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

#define MIN_X 0.0
#define MIN_Y 0.0
#define MAX_X 1000.0
#define MAX_Y 1000.0
#define MIN_Z 0.0
#define MAX_Z 10.0
#define PROXIMITY_RADIUS 1.0
#define GOOD_VOXEL_SIZE (PROXIMITY_RADIUS * 2.0)

/* ---- sin and cos (fdlibm kernels, Cody-Waite reduction by pi/2) ---- */
static const double TWO_OVER_PI = 6.36619772367581382433e-01;
static const double PIO2_1 = 1.57079632673412561417e+00;
static const double PIO2_1T = 6.07710050650619224932e-11;
static const double S1 = -1.66666666666666324348e-01;
static const double S2 = 8.33333333332248946124e-03;
static const double S3 = -1.98412698298579493134e-04;
static const double S4 = 2.75573137070700676789e-06;
static const double S5 = -2.50507602534068634195e-08;
static const double S6 = 1.58969099521155010221e-10;
static const double C1 = 4.16666666666666019037e-02;
static const double C2 = -1.38888888888741095749e-03;
static const double C3 = 2.48015872894767294178e-05;
static const double C4 = -2.75573143513906633035e-07;
static const double C5 = 2.08757232129817482790e-09;
static const double C6 = -1.13596475577881948265e-11;

static double kernel_sin(double x) {
  double z = x * x;
  double v = z * x;
  double r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

static double kernel_cos(double x) {
  double z = x * x;
  double r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  return 1.0 - (0.5 * z - z * r);
}

static double sine(double x) {
  double k = floor(x * TWO_OVER_PI + 0.5);
  double r = (x - k * PIO2_1) - k * PIO2_1T;
  int q = (int)k & 3;
  if (q == 0) return kernel_sin(r);
  if (q == 1) return kernel_cos(r);
  if (q == 2) return -kernel_sin(r);
  return -kernel_cos(r);
}

static double cosine(double x) {
  double k = floor(x * TWO_OVER_PI + 0.5);
  double r = (x - k * PIO2_1) - k * PIO2_1T;
  int q = (int)k & 3;
  if (q == 0) return kernel_cos(r);
  if (q == 1) return -kernel_sin(r);
  if (q == 2) return -kernel_cos(r);
  return kernel_sin(r);
}

/* ---- The suite's Vector (som.Vector) ---- */
typedef struct {
  void **storage;
  int capacity;
  int firstIdx;
  int lastIdx;
} Vector;

static Vector *vector_new(int size) {
  Vector *v = malloc(sizeof(Vector));
  v->storage = calloc(size, sizeof(void *));
  v->capacity = size;
  v->firstIdx = 0;
  v->lastIdx = 0;
  return v;
}

static void vector_free(Vector *v) {
  free(v->storage);
  free(v);
}

static void *vector_at(Vector *v, int idx) {
  if (idx >= v->capacity) return NULL;
  return v->storage[idx];
}

static void vector_append(Vector *v, void *elem) {
  if (v->lastIdx >= v->capacity) {
    int newCapacity = 2 * v->capacity;
    void **newStorage = calloc(newCapacity, sizeof(void *));
    for (int i = 0; i < v->capacity; i++) newStorage[i] = v->storage[i];
    free(v->storage);
    v->storage = newStorage;
    v->capacity = newCapacity;
  }
  v->storage[v->lastIdx] = elem;
  v->lastIdx += 1;
}

static int vector_size(Vector *v) { return v->lastIdx - v->firstIdx; }

/* ---- Geometry ---- */
static int compare_numbers(double a, double b) {
  if (a == b) return 0;
  if (a < b) return -1;
  if (a > b) return 1;
  /* We say that NaN is smaller than non-NaN. */
  if (a == a) return 1;
  return -1;
}

typedef struct {
  double x, y;
  bool inVoxelMap; /* memory management only: this object is a key of the voxel map */
} Vector2D;

static Vector2D *v2_new(double x, double y) {
  Vector2D *v = malloc(sizeof(Vector2D));
  v->x = x;
  v->y = y;
  v->inVoxelMap = false;
  return v;
}

static Vector2D *v2_plus(Vector2D *a, Vector2D *b) { return v2_new(a->x + b->x, a->y + b->y); }
static Vector2D *v2_minus(Vector2D *a, Vector2D *b) { return v2_new(a->x - b->x, a->y - b->y); }

static int v2_compare_to(void *a, void *b) {
  Vector2D *self = a, *other = b;
  int result = compare_numbers(self->x, other->x);
  if (result != 0) return result;
  return compare_numbers(self->y, other->y);
}

typedef struct { double x, y, z; } Vector3D;

static Vector3D *v3_new(double x, double y, double z) {
  Vector3D *v = malloc(sizeof(Vector3D));
  v->x = x;
  v->y = y;
  v->z = z;
  return v;
}

static Vector3D *v3_plus(Vector3D *a, Vector3D *b) { return v3_new(a->x + b->x, a->y + b->y, a->z + b->z); }
static Vector3D *v3_minus(Vector3D *a, Vector3D *b) { return v3_new(a->x - b->x, a->y - b->y, a->z - b->z); }
static double v3_dot(Vector3D *a, Vector3D *b) { return a->x * b->x + a->y * b->y + a->z * b->z; }
static double v3_squared_magnitude(Vector3D *a) { return v3_dot(a, a); }
static double v3_magnitude(Vector3D *a) { return sqrt(v3_squared_magnitude(a)); }
static Vector3D *v3_times(Vector3D *a, double amount) { return v3_new(a->x * amount, a->y * amount, a->z * amount); }

/* ---- Red-black tree ---- */
enum { RED = 0, BLACK = 1 };
typedef int (*CompareFn)(void *a, void *b);

typedef struct RbtNode {
  void *key;
  void *value;
  struct RbtNode *left, *right, *parent;
  int color;
} RbtNode;

typedef struct {
  RbtNode *root;
  CompareFn compare;
} RedBlackTree;

typedef struct {
  bool isNewEntry;
  RbtNode *newNode;
  void *oldValue;
} InsertResult;

static RedBlackTree *rbt_new(CompareFn compare) {
  RedBlackTree *t = malloc(sizeof(RedBlackTree));
  t->root = NULL;
  t->compare = compare;
  return t;
}

static RbtNode *tree_minimum(RbtNode *x) {
  RbtNode *current = x;
  while (current->left != NULL) current = current->left;
  return current;
}

static RbtNode *node_successor(RbtNode *node) {
  RbtNode *x = node;
  if (x->right != NULL) return tree_minimum(x->right);
  RbtNode *y = x->parent;
  while (y != NULL && x == y->right) {
    x = y;
    y = y->parent;
  }
  return y;
}

static RbtNode *rbt_find_node(RedBlackTree *t, void *key) {
  RbtNode *current = t->root;
  while (current != NULL) {
    int comparisonResult = t->compare(key, current->key);
    if (comparisonResult == 0) return current;
    if (comparisonResult < 0) {
      current = current->left;
    } else {
      current = current->right;
    }
  }
  return NULL;
}

static InsertResult *insert_result_new(bool isNewEntry, RbtNode *newNode, void *oldValue) {
  InsertResult *r = malloc(sizeof(InsertResult));
  r->isNewEntry = isNewEntry;
  r->newNode = newNode;
  r->oldValue = oldValue;
  return r;
}

static InsertResult *rbt_tree_insert(RedBlackTree *t, void *key, void *value) {
  RbtNode *y = NULL;
  RbtNode *x = t->root;
  while (x != NULL) {
    y = x;
    int comparisonResult = t->compare(key, x->key);
    if (comparisonResult < 0) {
      x = x->left;
    } else if (comparisonResult > 0) {
      x = x->right;
    } else {
      void *oldValue = x->value;
      x->value = value;
      return insert_result_new(false, NULL, oldValue);
    }
  }
  RbtNode *z = malloc(sizeof(RbtNode));
  z->key = key;
  z->value = value;
  z->left = NULL;
  z->right = NULL;
  z->color = RED;
  z->parent = y;
  if (y == NULL) {
    t->root = z;
  } else if (t->compare(key, y->key) < 0) {
    y->left = z;
  } else {
    y->right = z;
  }
  return insert_result_new(true, z, NULL);
}

static RbtNode *rbt_left_rotate(RedBlackTree *t, RbtNode *x) {
  RbtNode *y = x->right;
  /* Turn y's left subtree into x's right subtree. */
  x->right = y->left;
  if (y->left != NULL) y->left->parent = x;
  /* Link x's parent to y. */
  y->parent = x->parent;
  if (x->parent == NULL) {
    t->root = y;
  } else if (x == x->parent->left) {
    x->parent->left = y;
  } else {
    x->parent->right = y;
  }
  /* Put x on y's left. */
  y->left = x;
  x->parent = y;
  return y;
}

static RbtNode *rbt_right_rotate(RedBlackTree *t, RbtNode *y) {
  RbtNode *x = y->left;
  /* Turn x's right subtree into y's left subtree. */
  y->left = x->right;
  if (x->right != NULL) x->right->parent = y;
  /* Link y's parent to x. */
  x->parent = y->parent;
  if (y->parent == NULL) {
    t->root = x;
  } else if (y == y->parent->left) {
    y->parent->left = x;
  } else {
    y->parent->right = x;
  }
  x->right = y;
  y->parent = x;
  return x;
}

static void *rbt_put(RedBlackTree *t, void *key, void *value) {
  InsertResult *insertionResult = rbt_tree_insert(t, key, value);
  if (!insertionResult->isNewEntry) {
    void *oldValue = insertionResult->oldValue;
    free(insertionResult);
    return oldValue;
  }
  RbtNode *x = insertionResult->newNode;
  free(insertionResult);
  while (x != t->root && x->parent->color == RED) {
    if (x->parent == x->parent->parent->left) {
      RbtNode *y = x->parent->parent->right;
      if (y != NULL && y->color == RED) {
        /* Case 1 */
        x->parent->color = BLACK;
        y->color = BLACK;
        x->parent->parent->color = RED;
        x = x->parent->parent;
      } else {
        if (x == x->parent->right) {
          /* Case 2 */
          x = x->parent;
          rbt_left_rotate(t, x);
        }
        /* Case 3 */
        x->parent->color = BLACK;
        x->parent->parent->color = RED;
        rbt_right_rotate(t, x->parent->parent);
      }
    } else {
      /* Same as "then" clause with "right" and "left" exchanged. */
      RbtNode *y = x->parent->parent->left;
      if (y != NULL && y->color == RED) {
        /* Case 1 */
        x->parent->color = BLACK;
        y->color = BLACK;
        x->parent->parent->color = RED;
        x = x->parent->parent;
      } else {
        if (x == x->parent->left) {
          /* Case 2 */
          x = x->parent;
          rbt_right_rotate(t, x);
        }
        /* Case 3 */
        x->parent->color = BLACK;
        x->parent->parent->color = RED;
        rbt_left_rotate(t, x->parent->parent);
      }
    }
  }
  t->root->color = BLACK;
  return NULL;
}

static void rbt_remove_fixup(RedBlackTree *t, RbtNode *x, RbtNode *xParent) {
  while (x != t->root && (x == NULL || x->color == BLACK)) {
    if (x == xParent->left) {
      /* Note: the text points out that w cannot be null. */
      RbtNode *w = xParent->right;
      if (w->color == RED) {
        /* Case 1 */
        w->color = BLACK;
        xParent->color = RED;
        rbt_left_rotate(t, xParent);
        w = xParent->right;
      }
      if ((w->left == NULL || w->left->color == BLACK) && (w->right == NULL || w->right->color == BLACK)) {
        /* Case 2 */
        w->color = RED;
        x = xParent;
        xParent = x->parent;
      } else {
        if (w->right == NULL || w->right->color == BLACK) {
          /* Case 3 */
          w->left->color = BLACK;
          w->color = RED;
          rbt_right_rotate(t, w);
          w = xParent->right;
        }
        /* Case 4 */
        w->color = xParent->color;
        xParent->color = BLACK;
        if (w->right != NULL) w->right->color = BLACK;
        rbt_left_rotate(t, xParent);
        x = t->root;
        xParent = x->parent;
      }
    } else {
      /* Same as "then" clause with "right" and "left" exchanged. */
      RbtNode *w = xParent->left;
      if (w->color == RED) {
        /* Case 1 */
        w->color = BLACK;
        xParent->color = RED;
        rbt_right_rotate(t, xParent);
        w = xParent->left;
      }
      if ((w->right == NULL || w->right->color == BLACK) && (w->left == NULL || w->left->color == BLACK)) {
        /* Case 2 */
        w->color = RED;
        x = xParent;
        xParent = x->parent;
      } else {
        if (w->left == NULL || w->left->color == BLACK) {
          /* Case 3 */
          w->right->color = BLACK;
          w->color = RED;
          rbt_left_rotate(t, w);
          w = xParent->left;
        }
        /* Case 4 */
        w->color = xParent->color;
        xParent->color = BLACK;
        if (w->left != NULL) w->left->color = BLACK;
        rbt_right_rotate(t, xParent);
        x = t->root;
        xParent = x->parent;
      }
    }
  }
  if (x != NULL) x->color = BLACK;
}

static void *rbt_remove(RedBlackTree *t, void *key) {
  RbtNode *z = rbt_find_node(t, key);
  if (z == NULL) return NULL;
  /* Y is the node to be unlinked from the tree. */
  RbtNode *y;
  if (z->left == NULL || z->right == NULL) {
    y = z;
  } else {
    y = node_successor(z);
  }
  /* Y is guaranteed to be non-null at this point. */
  RbtNode *x;
  if (y->left != NULL) {
    x = y->left;
  } else {
    x = y->right;
  }
  /* X is the child of y which might potentially replace y in the tree. X might be null. */
  RbtNode *xParent;
  if (x != NULL) {
    x->parent = y->parent;
    xParent = x->parent;
  } else {
    xParent = y->parent;
  }
  if (y->parent == NULL) {
    t->root = x;
  } else if (y == y->parent->left) {
    y->parent->left = x;
  } else {
    y->parent->right = x;
  }
  if (y != z) {
    if (y->color == BLACK) rbt_remove_fixup(t, x, xParent);
    y->parent = z->parent;
    y->color = z->color;
    y->left = z->left;
    y->right = z->right;
    if (z->left != NULL) z->left->parent = y;
    if (z->right != NULL) z->right->parent = y;
    if (z->parent != NULL) {
      if (z->parent->left == z) {
        z->parent->left = y;
      } else {
        z->parent->right = y;
      }
    } else {
      t->root = y;
    }
  } else if (y->color == BLACK) {
    rbt_remove_fixup(t, x, xParent);
  }
  void *value = z->value;
  free(z); /* z is the node that left the tree */
  return value;
}

static void *rbt_get(RedBlackTree *t, void *key) {
  RbtNode *node = rbt_find_node(t, key);
  if (node == NULL) return NULL;
  return node->value;
}

static RbtNode *rbt_first(RedBlackTree *t) {
  if (t->root == NULL) return NULL;
  return tree_minimum(t->root);
}

static void free_nodes(RbtNode *n) {
  if (n == NULL) return;
  free_nodes(n->left);
  free_nodes(n->right);
  free(n);
}

/* Frees the tree and its nodes, not the keys and values. */
static void rbt_free(RedBlackTree *t) {
  free_nodes(t->root);
  free(t);
}

/* ---- The simulation ---- */
static int TRUE_VALUE; /* &TRUE_VALUE stands for the suite's `true` values */
#define TRUE_MARKER ((void *)&TRUE_VALUE)

typedef struct { int value; } CallSign;

static int callsign_compare_to(void *a, void *b) {
  CallSign *self = a, *other = b;
  return (self->value == other->value) ? 0 : ((self->value < other->value) ? -1 : 1);
}

typedef struct {
  CallSign *callsign;
  Vector3D *position;
} Aircraft;

typedef struct {
  CallSign *aircraftA;
  CallSign *aircraftB;
  Vector3D *position;
} Collision;

typedef struct {
  CallSign *callsign;
  Vector3D *posOne;
  Vector3D *posTwo;
} Motion;

static Motion *motion_new(CallSign *callsign, Vector3D *posOne, Vector3D *posTwo) {
  Motion *m = malloc(sizeof(Motion));
  m->callsign = callsign;
  m->posOne = posOne;
  m->posTwo = posTwo;
  return m;
}

static Vector3D *motion_delta(Motion *m) { return v3_minus(m->posTwo, m->posOne); }

static Vector3D *find_intersection(Motion *self, Motion *other) {
  Vector3D *init1 = self->posOne;
  Vector3D *init2 = other->posOne;
  Vector3D *vec1 = motion_delta(self);
  Vector3D *vec2 = motion_delta(other);
  double radius = PROXIMITY_RADIUS;

  /* a = (V2 - V1)^T * (V2 - V1) */
  Vector3D *t = v3_minus(vec2, vec1);
  double a = v3_squared_magnitude(t);
  free(t);

  if (a != 0.0) {
    /* b = 2 * <I1-I2, V1-V2> */
    Vector3D *i12 = v3_minus(init1, init2);
    Vector3D *v12 = v3_minus(vec1, vec2);
    double b = 2.0 * v3_dot(i12, v12);
    free(i12);
    free(v12);
    /* c = -r^2 + (I2 - I1)^T * (I2 - I1) */
    Vector3D *i21 = v3_minus(init2, init1);
    double c = -radius * radius + v3_squared_magnitude(i21);
    free(i21);

    double discr = b * b - 4.0 * a * c;
    if (discr < 0.0) {
      free(vec1);
      free(vec2);
      return NULL;
    }

    double v1 = (-b - sqrt(discr)) / (2.0 * a);
    double v2 = (-b + sqrt(discr)) / (2.0 * a);

    if (v1 <= v2 && ((v1 <= 1.0 && 1.0 <= v2) || (v1 <= 0.0 && 0.0 <= v2) || (0.0 <= v1 && v2 <= 1.0))) {
      /* Pick a good "time" at which to report the collision. */
      double v;
      if (v1 <= 0.0) {
        /* The collision started before this frame. Report it at the start of the frame. */
        v = 0.0;
      } else {
        /* The collision started during this frame. Report it at that moment. */
        v = v1;
      }

      Vector3D *t1 = v3_times(vec1, v);
      Vector3D *result1 = v3_plus(init1, t1);
      free(t1);
      Vector3D *t2 = v3_times(vec2, v);
      Vector3D *result2 = v3_plus(init2, t2);
      free(t2);
      Vector3D *sum = v3_plus(result1, result2);
      Vector3D *result = v3_times(sum, 0.5);
      free(sum);
      free(result1);
      free(result2);
      free(vec1);
      free(vec2);
      if (result->x >= MIN_X && result->x <= MAX_X && result->y >= MIN_Y && result->y <= MAX_Y &&
          result->z >= MIN_Z && result->z <= MAX_Z) {
        return result;
      }
      free(result);
      return NULL;
    }
    free(vec1);
    free(vec2);
    return NULL;
  }

  free(vec1);
  free(vec2);
  /* the planes have the same speeds and are moving in parallel (or they are not moving at all) */
  Vector3D *i21 = v3_minus(init2, init1);
  double dist = v3_magnitude(i21);
  free(i21);
  if (dist <= radius) {
    Vector3D *sum = v3_plus(init1, init2);
    Vector3D *result = v3_times(sum, 0.5);
    free(sum);
    return result;
  }
  return NULL;
}

static Vector2D HORIZONTAL = { GOOD_VOXEL_SIZE, 0.0, false };
static Vector2D VERTICAL = { 0.0, GOOD_VOXEL_SIZE, false };

static bool is_in_voxel(Vector2D *voxel, Motion *motion) {
  if (voxel->x > MAX_X || voxel->x < MIN_X || voxel->y > MAX_Y || voxel->y < MIN_Y) return false;

  Vector3D *init = motion->posOne;
  Vector3D *fin = motion->posTwo;

  double vS = GOOD_VOXEL_SIZE;
  double r = PROXIMITY_RADIUS / 2.0;

  double vX = voxel->x;
  double x0 = init->x;
  double xv = fin->x - init->x;

  double vY = voxel->y;
  double y0 = init->y;
  double yv = fin->y - init->y;

  double lowX = (vX - r - x0) / xv;
  double highX = (vX + vS + r - x0) / xv;
  if (xv < 0.0) {
    double tmp = lowX;
    lowX = highX;
    highX = tmp;
  }

  double lowY = (vY - r - y0) / yv;
  double highY = (vY + vS + r - y0) / yv;
  if (yv < 0.0) {
    double tmp = lowY;
    lowY = highY;
    highY = tmp;
  }

  return (((xv == 0.0 && vX <= x0 + r && x0 - r <= vX + vS) /* no motion in x */ ||
           (lowX <= 1.0 && 1.0 <= highX) || (lowX <= 0.0 && 0.0 <= highX) ||
           (0.0 <= lowX && highX <= 1.0)) &&
          ((yv == 0.0 && vY <= y0 + r && y0 - r <= vY + vS) /* no motion in y */ ||
           ((lowY <= 1.0 && 1.0 <= highY) || (lowY <= 0.0 && 0.0 <= highY) ||
            (0.0 <= lowY && highY <= 1.0))) &&
          (xv == 0.0 || yv == 0.0 || /* no motion in x or y or both */
           (lowY <= highX && highX <= highY) ||
           (lowY <= lowX && lowX <= highY) ||
           (lowX <= lowY && highY <= highX)));
}

static void put_into_map(RedBlackTree *voxelMap, Vector2D *voxel, Motion *motion) {
  Vector *array = rbt_get(voxelMap, voxel);
  if (array == NULL) {
    array = vector_new(10);
    rbt_put(voxelMap, voxel, array);
    voxel->inVoxelMap = true;
  }
  vector_append(array, motion);
}

/* Takes ownership of nextVoxel: frees it unless a tree keeps it as a key. */
static void recurse(RedBlackTree *voxelMap, RedBlackTree *seen, Vector2D *nextVoxel, Motion *motion) {
  if (!is_in_voxel(nextVoxel, motion)) {
    free(nextVoxel);
    return;
  }
  if (rbt_put(seen, nextVoxel, TRUE_MARKER) == TRUE_MARKER) {
    free(nextVoxel); /* the tree kept its equal key */
    return;
  }

  put_into_map(voxelMap, nextVoxel, motion);

  recurse(voxelMap, seen, v2_minus(nextVoxel, &HORIZONTAL), motion);
  recurse(voxelMap, seen, v2_plus(nextVoxel, &HORIZONTAL), motion);
  recurse(voxelMap, seen, v2_minus(nextVoxel, &VERTICAL), motion);
  recurse(voxelMap, seen, v2_plus(nextVoxel, &VERTICAL), motion);
  Vector2D *t = v2_minus(nextVoxel, &HORIZONTAL);
  recurse(voxelMap, seen, v2_minus(t, &VERTICAL), motion);
  free(t);
  t = v2_minus(nextVoxel, &HORIZONTAL);
  recurse(voxelMap, seen, v2_plus(t, &VERTICAL), motion);
  free(t);
  t = v2_plus(nextVoxel, &HORIZONTAL);
  recurse(voxelMap, seen, v2_minus(t, &VERTICAL), motion);
  free(t);
  t = v2_plus(nextVoxel, &HORIZONTAL);
  recurse(voxelMap, seen, v2_plus(t, &VERTICAL), motion);
  free(t);
}

static Vector2D *voxel_hash(Vector3D *position) {
  int xDiv = (int)(position->x / GOOD_VOXEL_SIZE);
  int yDiv = (int)(position->y / GOOD_VOXEL_SIZE);
  double x = GOOD_VOXEL_SIZE * xDiv;
  double y = GOOD_VOXEL_SIZE * yDiv;
  if (position->x < 0) x -= GOOD_VOXEL_SIZE;
  if (position->y < 0) y -= GOOD_VOXEL_SIZE;
  return v2_new(x, y);
}

static void draw_motion_on_voxel_map(RedBlackTree *voxelMap, Motion *motion) {
  RedBlackTree *seen = rbt_new(v2_compare_to);
  recurse(voxelMap, seen, voxel_hash(motion->posOne), motion);
  /* Free the seen voxels the voxel map does not keep as keys. */
  for (RbtNode *n = rbt_first(seen); n != NULL; n = node_successor(n)) {
    Vector2D *voxel = n->key;
    if (!voxel->inVoxelMap) free(voxel);
  }
  rbt_free(seen);
}

static Vector *reduce_collision_set(Vector *motions) {
  RedBlackTree *voxelMap = rbt_new(v2_compare_to);
  for (int i = motions->firstIdx; i < motions->lastIdx; i++) {
    draw_motion_on_voxel_map(voxelMap, motions->storage[i]);
  }
  Vector *result = vector_new(10);
  for (RbtNode *n = rbt_first(voxelMap); n != NULL; n = node_successor(n)) {
    Vector *value = n->value;
    if (vector_size(value) > 1) vector_append(result, value);
  }
  /* Free the keys and the vectors that did not make it into the result. */
  for (RbtNode *n = rbt_first(voxelMap); n != NULL; n = node_successor(n)) {
    Vector *value = n->value;
    if (vector_size(value) <= 1) vector_free(value);
    free(n->key);
  }
  rbt_free(voxelMap);
  return result;
}

typedef struct { RedBlackTree *state; } CollisionDetector;

static Vector *handle_new_frame(CollisionDetector *d, Vector *frame) {
  Vector *motions = vector_new(10);
  RedBlackTree *seen = rbt_new(callsign_compare_to);

  for (int i = frame->firstIdx; i < frame->lastIdx; i++) {
    Aircraft *aircraft = frame->storage[i];
    Vector3D *oldPosition = rbt_put(d->state, aircraft->callsign, aircraft->position);
    Vector3D *newPosition = aircraft->position;
    rbt_put(seen, aircraft->callsign, TRUE_MARKER);
    if (oldPosition == NULL) {
      /* Treat newly introduced aircraft as if they were stationary. */
      oldPosition = newPosition;
    }
    vector_append(motions, motion_new(aircraft->callsign, oldPosition, newPosition));
  }

  /* Remove aircraft that are no longer present. */
  Vector *toRemove = vector_new(10);
  for (RbtNode *n = rbt_first(d->state); n != NULL; n = node_successor(n)) {
    if (rbt_get(seen, n->key) == NULL) vector_append(toRemove, n->key);
  }
  for (int i = toRemove->firstIdx; i < toRemove->lastIdx; i++) {
    free(rbt_remove(d->state, toRemove->storage[i]));
  }
  vector_free(toRemove);

  Vector *allReduced = reduce_collision_set(motions);
  Vector *collisions = vector_new(10);
  for (int r = allReduced->firstIdx; r < allReduced->lastIdx; r++) {
    Vector *reduced = allReduced->storage[r];
    for (int i = 0; i < vector_size(reduced); i++) {
      Motion *motion1 = vector_at(reduced, i);
      for (int j = i + 1; j < vector_size(reduced); j++) {
        Motion *motion2 = vector_at(reduced, j);
        Vector3D *collision = find_intersection(motion1, motion2);
        if (collision != NULL) {
          Collision *c = malloc(sizeof(Collision));
          c->aircraftA = motion1->callsign;
          c->aircraftB = motion2->callsign;
          c->position = collision;
          vector_append(collisions, c);
        }
      }
    }
    vector_free(reduced);
  }
  vector_free(allReduced);

  /* The old positions left the state: free them with the motions. */
  for (int i = motions->firstIdx; i < motions->lastIdx; i++) {
    Motion *m = motions->storage[i];
    if (m->posOne != m->posTwo) free(m->posOne);
    free(m);
  }
  vector_free(motions);
  rbt_free(seen);
  return collisions;
}

typedef struct { Vector *aircraft; } Simulator;

static Vector *simulate(Simulator *s, double time) {
  Vector *frame = vector_new(10);
  for (int i = 0; i < vector_size(s->aircraft); i += 2) {
    Aircraft *a = malloc(sizeof(Aircraft));
    a->callsign = vector_at(s->aircraft, i);
    a->position = v3_new(time, cosine(time) * 2 + i * 3, 10);
    vector_append(frame, a);
    Aircraft *b = malloc(sizeof(Aircraft));
    b->callsign = vector_at(s->aircraft, i + 1);
    b->position = v3_new(time, sine(time) * 2 + i * 3, 10);
    vector_append(frame, b);
  }
  return frame;
}

static int benchmark(int numAircrafts) {
  int numFrames = 200;
  Simulator simulator;
  simulator.aircraft = vector_new(10);
  for (int i = 0; i < numAircrafts; i++) {
    CallSign *c = malloc(sizeof(CallSign));
    c->value = i;
    vector_append(simulator.aircraft, c);
  }
  CollisionDetector detector;
  detector.state = rbt_new(callsign_compare_to);

  int actualCollisions = 0;
  for (int i = 0; i < numFrames; i++) {
    double time = i / 10.0;
    Vector *frame = simulate(&simulator, time);
    Vector *collisions = handle_new_frame(&detector, frame);
    actualCollisions += vector_size(collisions);
    for (int j = collisions->firstIdx; j < collisions->lastIdx; j++) {
      Collision *c = collisions->storage[j];
      free(c->position);
      free(c);
    }
    vector_free(collisions);
    /* The positions now belong to the detector's state. */
    for (int j = frame->firstIdx; j < frame->lastIdx; j++) free(frame->storage[j]);
    vector_free(frame);
  }

  for (RbtNode *n = rbt_first(detector.state); n != NULL; n = node_successor(n)) free(n->value);
  rbt_free(detector.state);
  for (int i = 0; i < vector_size(simulator.aircraft); i++) free(simulator.aircraft->storage[i]);
  vector_free(simulator.aircraft);
  return actualCollisions;
}

static bool verify_result(int actualCollisions, int numAircrafts) {
  if (numAircrafts == 1000) return actualCollisions == 14484;
  if (numAircrafts == 500) return actualCollisions == 14484;
  if (numAircrafts == 250) return actualCollisions == 10830;
  if (numAircrafts == 200) return actualCollisions == 8655;
  if (numAircrafts == 100) return actualCollisions == 4305;
  if (numAircrafts == 10) return actualCollisions == 390;
  if (numAircrafts == 2) return actualCollisions == 42;
  printf("No verification result for %d found\n", numAircrafts);
  printf("Result is: %d\n", actualCollisions);
  return false;
}

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  int numAircrafts = innerIterations + (innerIterations & 1);
  int result = 0;
  for (int n = 0; n < iterations; n++) {
    result = benchmark(numAircrafts);
    if (!verify_result(result, numAircrafts)) {
      printf("CD: FAILED %d\n", result);
      return 1;
    }
  }
  printf("CD: ok %d\n", result);
  return 0;
}
