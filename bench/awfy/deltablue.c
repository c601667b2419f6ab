/* Are-We-Fast-Yet: DeltaBlue (Marr et al., DLS 2016), derived from Mario Wolczko's Smalltalk
 * version via SOM: an incremental one-way constraint solver, run as the chain test and the
 * projection test (AWFY overrides innerBenchmarkLoop: the inner iteration count is the size n).
 * Constraints dispatch through a vtable of function pointers; the suite's closures become loops. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static void fail(const char *message) {
  printf("DeltaBlue: FAILED %s\n", message);
  exit(1);
}

/* ---- The suite's collections (som.Vector, som.IdentityDictionary). ---- */
#define INITIAL_SIZE 10
#define INITIAL_CAPACITY 16

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

static Vector *vector_with(void *elem) {
  Vector *v = vector_new(1);
  vector_append(v, elem);
  return v;
}

static void *vector_at(Vector *v, int idx) {
  if (idx >= v->capacity) return NULL;
  return v->storage[idx];
}

static bool vector_is_empty(Vector *v) { return v->lastIdx == v->firstIdx; }
static int vector_size(Vector *v) { return v->lastIdx - v->firstIdx; }

static void *vector_remove_first(Vector *v) {
  if (vector_is_empty(v)) return NULL;
  v->firstIdx += 1;
  return v->storage[v->firstIdx - 1];
}

static bool vector_remove(Vector *v, void *obj) {
  void **newArray = calloc(v->capacity, sizeof(void *));
  int newLast = 0;
  bool found = false;
  for (int i = v->firstIdx; i < v->lastIdx; i++) {
    void *it = v->storage[i];
    if (it == obj) {
      found = true;
    } else {
      newArray[newLast] = it;
      newLast += 1;
    }
  }
  free(v->storage);
  v->storage = newArray;
  v->lastIdx = newLast;
  v->firstIdx = 0;
  return found;
}

typedef int (*Comparator)(void *a, void *b);

static void vector_swap(Vector *v, int i, int j) {
  void *tmp = v->storage[i];
  v->storage[i] = v->storage[j];
  v->storage[j] = tmp;
}

static void vector_sort_range(Vector *v, int i, int j, Comparator compare) {
  int n = j + 1 - i;
  if (n <= 1) return;
  void *di = v->storage[i];
  void *dj = v->storage[j];
  if (compare(di, dj) > 0) {
    vector_swap(v, i, j);
    void *tt = di;
    di = dj;
    dj = tt;
  }
  if (n > 2) {
    int ij = (i + j) / 2;
    void *dij = v->storage[ij];
    if (compare(di, dij) <= 0) {
      if (compare(dij, dj) > 0) {
        vector_swap(v, j, ij);
        dij = dj;
      }
    } else {
      vector_swap(v, i, ij);
      dij = di;
    }
    if (n > 3) {
      int k = i;
      int l = j - 1;
      while (true) {
        while (k <= l && compare(dij, v->storage[l]) <= 0) l -= 1;
        k += 1;
        while (k <= l && compare(v->storage[k], dij) <= 0) k += 1;
        if (k > l) break;
        vector_swap(v, k, l);
      }
      vector_sort_range(v, i, l, compare);
      vector_sort_range(v, k, j, compare);
    }
  }
}

static void vector_sort(Vector *v, Comparator compare) {
  if (vector_size(v) > 0) vector_sort_range(v, v->firstIdx, v->lastIdx - 1, compare);
}

typedef struct { int hash; } Sym;

typedef struct DictIdEntry {
  int hash;
  Sym *key;
  void *value;
  struct DictIdEntry *next;
} DictIdEntry;

typedef struct {
  DictIdEntry **buckets;
  int length;
  int size;
} IdentityDictionary;

static int hash_of(Sym *key) {
  if (key == NULL) return 0;
  int hash = key->hash;
  return hash ^ (int)((unsigned)hash >> 16);
}

static DictIdEntry *entry_new(int hash, Sym *key, void *value, DictIdEntry *next) {
  DictIdEntry *e = malloc(sizeof(DictIdEntry));
  e->hash = hash;
  e->key = key;
  e->value = value;
  e->next = next;
  return e;
}

static bool entry_match(DictIdEntry *e, int hash, Sym *key) { return e->hash == hash && e->key == key; }

static IdentityDictionary *dict_new(int size) {
  IdentityDictionary *d = malloc(sizeof(IdentityDictionary));
  d->buckets = calloc(size, sizeof(DictIdEntry *));
  d->length = size;
  d->size = 0;
  return d;
}

static int dict_bucket_idx(IdentityDictionary *d, int hash) { return (d->length - 1) & hash; }

static void *dict_at(IdentityDictionary *d, Sym *key) {
  int hash = hash_of(key);
  DictIdEntry *e = d->buckets[dict_bucket_idx(d, hash)];
  while (e != NULL) {
    if (entry_match(e, hash, key)) return e->value;
    e = e->next;
  }
  return NULL;
}

static void dict_split_bucket(IdentityDictionary *d, int oldLength, int i, DictIdEntry *head) {
  DictIdEntry *loHead = NULL, *loTail = NULL, *hiHead = NULL, *hiTail = NULL;
  DictIdEntry *current = head;
  while (current != NULL) {
    if ((current->hash & oldLength) == 0) {
      if (loTail == NULL) loHead = current; else loTail->next = current;
      loTail = current;
    } else {
      if (hiTail == NULL) hiHead = current; else hiTail->next = current;
      hiTail = current;
    }
    current = current->next;
  }
  if (loTail != NULL) {
    loTail->next = NULL;
    d->buckets[i] = loHead;
  }
  if (hiTail != NULL) {
    hiTail->next = NULL;
    d->buckets[i + oldLength] = hiHead;
  }
}

static void dict_resize(IdentityDictionary *d) {
  DictIdEntry **oldStorage = d->buckets;
  int oldLength = d->length;
  d->length = oldLength * 2;
  d->buckets = calloc(d->length, sizeof(DictIdEntry *));
  for (int i = 0; i < oldLength; i++) {
    DictIdEntry *current = oldStorage[i];
    if (current != NULL) {
      oldStorage[i] = NULL;
      if (current->next == NULL) {
        d->buckets[current->hash & (d->length - 1)] = current;
      } else {
        dict_split_bucket(d, oldLength, i, current);
      }
    }
  }
  free(oldStorage);
}

static void dict_at_put(IdentityDictionary *d, Sym *key, void *value) {
  int hash = hash_of(key);
  int i = dict_bucket_idx(d, hash);
  DictIdEntry *current = d->buckets[i];
  if (current == NULL) {
    d->buckets[i] = entry_new(hash, key, value, NULL);
    d->size += 1;
  } else {
    while (true) {
      if (entry_match(current, hash, key)) {
        current->value = value;
        break;
      }
      if (current->next == NULL) {
        d->size += 1;
        current->next = entry_new(hash, key, value, NULL);
        break;
      }
      current = current->next;
    }
  }
  if (d->size > d->length) dict_resize(d);
}

static Vector *dict_get_keys(IdentityDictionary *d) {
  Vector *keys = vector_new(d->size);
  for (int i = 0; i < d->length; i++) {
    DictIdEntry *current = d->buckets[i];
    while (current != NULL) {
      vector_append(keys, current->key);
      current = current->next;
    }
  }
  return keys;
}

/* ---- Strengths ---- */
static Sym ABSOLUTE_STRONGEST = { 0 }, REQUIRED = { 1 }, STRONG_PREFERRED = { 2 }, PREFERRED = { 3 },
           STRONG_DEFAULT = { 4 }, DEFAULT = { 5 }, WEAK_DEFAULT = { 6 }, ABSOLUTE_WEAKEST = { 7 };

typedef struct {
  int arithmeticValue;
  Sym *symbolicValue;
} Strength;

static IdentityDictionary *strengthTable;     /* Sym -> boxed int (as the suite's Dictionary<S, Integer>) */
static IdentityDictionary *strengthConstants; /* Sym -> Strength */
static Strength *absoluteWeakestStrength;
static Strength *requiredStrength;

static bool strength_same_as(Strength *a, Strength *s) { return a->arithmeticValue == s->arithmeticValue; }
static bool strength_stronger(Strength *a, Strength *s) { return a->arithmeticValue < s->arithmeticValue; }
static bool strength_weaker(Strength *a, Strength *s) { return a->arithmeticValue > s->arithmeticValue; }
static Strength *strength_weakest(Strength *a, Strength *s) { return strength_weaker(s, a) ? s : a; }
static Strength *strength_of(Sym *sym) { return dict_at(strengthConstants, sym); }

static void box_put(IdentityDictionary *d, Sym *key, int value) {
  int *box = malloc(sizeof(int));
  *box = value;
  dict_at_put(d, key, box);
}

static void init_strengths(void) {
  strengthTable = dict_new(INITIAL_CAPACITY);
  box_put(strengthTable, &ABSOLUTE_STRONGEST, -10000);
  box_put(strengthTable, &REQUIRED, -800);
  box_put(strengthTable, &STRONG_PREFERRED, -600);
  box_put(strengthTable, &PREFERRED, -400);
  box_put(strengthTable, &STRONG_DEFAULT, -200);
  box_put(strengthTable, &DEFAULT, 0);
  box_put(strengthTable, &WEAK_DEFAULT, 500);
  box_put(strengthTable, &ABSOLUTE_WEAKEST, 10000);

  strengthConstants = dict_new(INITIAL_CAPACITY);
  Vector *keys = dict_get_keys(strengthTable);
  for (int i = keys->firstIdx; i < keys->lastIdx; i++) {
    Sym *key = keys->storage[i];
    Strength *s = malloc(sizeof(Strength));
    s->symbolicValue = key;
    s->arithmeticValue = *(int *)dict_at(strengthTable, key);
    dict_at_put(strengthConstants, key, s);
  }
  vector_free(keys);
  absoluteWeakestStrength = strength_of(&ABSOLUTE_WEAKEST);
  requiredStrength = strength_of(&REQUIRED);
}

/* ---- Variables and constraints ---- */
typedef struct Constraint Constraint;
typedef struct Planner Planner;

typedef struct {
  int value;
  Vector *constraints;
  Constraint *determinedBy;
  int mark;
  Strength *walkStrength;
  bool stay;
} Variable;

static Variable *variable_value(int aValue) {
  Variable *v = malloc(sizeof(Variable));
  v->value = aValue;
  v->constraints = vector_new(2);
  v->determinedBy = NULL;
  v->mark = 0;
  v->walkStrength = absoluteWeakestStrength;
  v->stay = true;
  return v;
}

enum { NONE = 0, FORWARD = 1, BACKWARD = 2 };

typedef struct {
  bool (*isInput)(Constraint *c);
  bool (*isSatisfied)(Constraint *c);
  void (*addToGraph)(Constraint *c);
  void (*removeFromGraph)(Constraint *c);
  void (*chooseMethod)(Constraint *c, int mark);
  void (*markInputs)(Constraint *c, int mark);        /* inputsDo(i -> i.mark = mark) */
  bool (*inputsHasOneUnknown)(Constraint *c, int mark); /* inputsHasOne(v -> !known(v)) */
  void (*markUnsatisfied)(Constraint *c);
  Variable *(*getOutput)(Constraint *c);
  void (*recalculate)(Constraint *c);
  void (*execute)(Constraint *c);
} ConstraintClass;

/* One struct for every kind of constraint; each kind uses its own fields. */
struct Constraint {
  const ConstraintClass *cls;
  Strength *strength;
  /* UnaryConstraint */
  Variable *output;
  bool satisfied;
  /* BinaryConstraint */
  Variable *v1;
  Variable *v2;
  int direction;
  /* ScaleConstraint */
  Variable *scale;
  Variable *offset;
};

static void variable_add_constraint(Variable *v, Constraint *c) { vector_append(v->constraints, c); }

static void variable_remove_constraint(Variable *v, Constraint *c) {
  vector_remove(v->constraints, c);
  if (v->determinedBy == c) v->determinedBy = NULL;
}

struct Planner { int currentMark; };

static void planner_incremental_add(Planner *p, Constraint *c);
static void planner_incremental_remove(Planner *p, Constraint *c);
static bool planner_add_propagate(Planner *p, Constraint *c, int mark);

/* AbstractConstraint */
static bool abstract_is_input(Constraint *c) { (void)c; return false; }

static void constraint_add(Constraint *c, Planner *planner) {
  c->cls->addToGraph(c);
  planner_incremental_add(planner, c);
}

static void constraint_destroy(Constraint *c, Planner *planner) {
  if (c->cls->isSatisfied(c)) planner_incremental_remove(planner, c);
  c->cls->removeFromGraph(c);
}

static bool constraint_inputs_known(Constraint *c, int mark) {
  return !c->cls->inputsHasOneUnknown(c, mark);
}

static Constraint *constraint_satisfy(Constraint *c, int mark, Planner *planner) {
  Constraint *overridden;
  c->cls->chooseMethod(c, mark);
  if (c->cls->isSatisfied(c)) {
    c->cls->markInputs(c, mark);
    Variable *out = c->cls->getOutput(c);
    overridden = out->determinedBy;
    if (overridden != NULL) overridden->cls->markUnsatisfied(overridden);
    out->determinedBy = c;
    if (!planner_add_propagate(planner, c, mark)) fail("Cycle encountered");
    out->mark = mark;
  } else {
    overridden = NULL;
    if (strength_same_as(c->strength, requiredStrength)) fail("Could not satisfy a required constraint");
  }
  return overridden;
}

static bool variable_unknown(Variable *v, int mark) {
  return !(v->mark == mark || v->stay || v->determinedBy == NULL);
}

/* BinaryConstraint */
static bool binary_is_satisfied(Constraint *c) { return c->direction != NONE; }

static void binary_add_to_graph(Constraint *c) {
  variable_add_constraint(c->v1, c);
  variable_add_constraint(c->v2, c);
  c->direction = NONE;
}

static void binary_remove_from_graph(Constraint *c) {
  if (c->v1 != NULL) variable_remove_constraint(c->v1, c);
  if (c->v2 != NULL) variable_remove_constraint(c->v2, c);
  c->direction = NONE;
}

static void binary_choose_method(Constraint *c, int mark) {
  if (c->v1->mark == mark) {
    if (c->v2->mark != mark && strength_stronger(c->strength, c->v2->walkStrength)) {
      c->direction = FORWARD;
    } else {
      c->direction = NONE;
    }
    return;
  }
  if (c->v2->mark == mark) {
    if (c->v1->mark != mark && strength_stronger(c->strength, c->v1->walkStrength)) {
      c->direction = BACKWARD;
    } else {
      c->direction = NONE;
    }
    return;
  }
  /* If we get here, neither variable is marked, so we have a choice. */
  if (strength_weaker(c->v1->walkStrength, c->v2->walkStrength)) {
    c->direction = strength_stronger(c->strength, c->v1->walkStrength) ? BACKWARD : NONE;
  } else {
    c->direction = strength_stronger(c->strength, c->v2->walkStrength) ? FORWARD : NONE;
  }
}

static void binary_mark_inputs(Constraint *c, int mark) {
  if (c->direction == FORWARD) c->v1->mark = mark; else c->v2->mark = mark;
}

static bool binary_inputs_has_one_unknown(Constraint *c, int mark) {
  if (c->direction == FORWARD) return variable_unknown(c->v1, mark);
  return variable_unknown(c->v2, mark);
}

static void binary_mark_unsatisfied(Constraint *c) { c->direction = NONE; }

static Variable *binary_get_output(Constraint *c) { return c->direction == FORWARD ? c->v2 : c->v1; }

static void binary_recalculate(Constraint *c) {
  Variable *ihn, *out;
  if (c->direction == FORWARD) {
    ihn = c->v1; out = c->v2;
  } else {
    ihn = c->v2; out = c->v1;
  }
  out->walkStrength = strength_weakest(c->strength, ihn->walkStrength);
  out->stay = ihn->stay;
  if (out->stay) c->cls->execute(c);
}

/* UnaryConstraint */
static bool unary_is_satisfied(Constraint *c) { return c->satisfied; }

static void unary_add_to_graph(Constraint *c) {
  variable_add_constraint(c->output, c);
  c->satisfied = false;
}

static void unary_remove_from_graph(Constraint *c) {
  if (c->output != NULL) variable_remove_constraint(c->output, c);
  c->satisfied = false;
}

static void unary_choose_method(Constraint *c, int mark) {
  c->satisfied = c->output->mark != mark && strength_stronger(c->strength, c->output->walkStrength);
}

static void unary_mark_inputs(Constraint *c, int mark) { (void)c; (void)mark; }
static bool unary_inputs_has_one_unknown(Constraint *c, int mark) { (void)c; (void)mark; return false; }
static void unary_mark_unsatisfied(Constraint *c) { c->satisfied = false; }
static Variable *unary_get_output(Constraint *c) { return c->output; }

static void unary_recalculate(Constraint *c) {
  c->output->walkStrength = c->strength;
  c->output->stay = !c->cls->isInput(c);
  if (c->output->stay) c->cls->execute(c); /* stay optimization */
}

/* EditConstraint and StayConstraint */
static bool edit_is_input(Constraint *c) { (void)c; return true; }
static void nop_execute(Constraint *c) { (void)c; }

/* EqualityConstraint */
static void equality_execute(Constraint *c) {
  if (c->direction == FORWARD) {
    c->v2->value = c->v1->value;
  } else {
    c->v1->value = c->v2->value;
  }
}

/* ScaleConstraint */
static void scale_add_to_graph(Constraint *c) {
  variable_add_constraint(c->v1, c);
  variable_add_constraint(c->v2, c);
  variable_add_constraint(c->scale, c);
  variable_add_constraint(c->offset, c);
  c->direction = NONE;
}

static void scale_remove_from_graph(Constraint *c) {
  if (c->v1 != NULL) variable_remove_constraint(c->v1, c);
  if (c->v2 != NULL) variable_remove_constraint(c->v2, c);
  if (c->scale != NULL) variable_remove_constraint(c->scale, c);
  if (c->offset != NULL) variable_remove_constraint(c->offset, c);
  c->direction = NONE;
}

static void scale_execute(Constraint *c) {
  if (c->direction == FORWARD) {
    c->v2->value = c->v1->value * c->scale->value + c->offset->value;
  } else {
    c->v1->value = (c->v2->value - c->offset->value) / c->scale->value;
  }
}

static void scale_mark_inputs(Constraint *c, int mark) {
  if (c->direction == FORWARD) {
    c->v1->mark = mark;
    c->scale->mark = mark;
    c->offset->mark = mark;
  } else {
    c->v2->mark = mark;
    c->scale->mark = mark;
    c->offset->mark = mark;
  }
}

static void scale_recalculate(Constraint *c) {
  Variable *ihn, *out;
  if (c->direction == FORWARD) {
    ihn = c->v1; out = c->v2;
  } else {
    out = c->v1; ihn = c->v2;
  }
  out->walkStrength = strength_weakest(c->strength, ihn->walkStrength);
  out->stay = ihn->stay && c->scale->stay && c->offset->stay;
  if (out->stay) c->cls->execute(c); /* stay optimization */
}

static const ConstraintClass EDIT_CONSTRAINT = {
  edit_is_input, unary_is_satisfied, unary_add_to_graph, unary_remove_from_graph, unary_choose_method,
  unary_mark_inputs, unary_inputs_has_one_unknown, unary_mark_unsatisfied, unary_get_output,
  unary_recalculate, nop_execute };
static const ConstraintClass STAY_CONSTRAINT = {
  abstract_is_input, unary_is_satisfied, unary_add_to_graph, unary_remove_from_graph, unary_choose_method,
  unary_mark_inputs, unary_inputs_has_one_unknown, unary_mark_unsatisfied, unary_get_output,
  unary_recalculate, nop_execute };
static const ConstraintClass EQUALITY_CONSTRAINT = {
  abstract_is_input, binary_is_satisfied, binary_add_to_graph, binary_remove_from_graph,
  binary_choose_method, binary_mark_inputs, binary_inputs_has_one_unknown, binary_mark_unsatisfied,
  binary_get_output, binary_recalculate, equality_execute };
static const ConstraintClass SCALE_CONSTRAINT = {
  abstract_is_input, binary_is_satisfied, scale_add_to_graph, scale_remove_from_graph,
  binary_choose_method, scale_mark_inputs, binary_inputs_has_one_unknown, binary_mark_unsatisfied,
  binary_get_output, scale_recalculate, scale_execute };

static Constraint *constraint_alloc(const ConstraintClass *cls, Sym *strength) {
  Constraint *c = calloc(1, sizeof(Constraint));
  c->cls = cls;
  c->strength = strength_of(strength);
  return c;
}

static Constraint *unary_new(const ConstraintClass *cls, Variable *v, Sym *strength, Planner *planner) {
  Constraint *c = constraint_alloc(cls, strength);
  c->output = v;
  c->satisfied = false;
  constraint_add(c, planner);
  return c;
}

static Constraint *equality_new(Variable *var1, Variable *var2, Sym *strength, Planner *planner) {
  Constraint *c = constraint_alloc(&EQUALITY_CONSTRAINT, strength);
  c->v1 = var1;
  c->v2 = var2;
  c->direction = NONE;
  constraint_add(c, planner);
  return c;
}

static Constraint *scale_new(Variable *src, Variable *scale, Variable *offset, Variable *dest,
                             Sym *strength, Planner *planner) {
  Constraint *c = constraint_alloc(&SCALE_CONSTRAINT, strength);
  c->v1 = src;
  c->v2 = dest;
  c->direction = NONE;
  c->scale = scale;
  c->offset = offset;
  constraint_add(c, planner);
  return c;
}

/* Frees a variable (its constraints are freed by the test that made them). */
static void variable_free(Variable *v) {
  vector_free(v->constraints);
  free(v);
}

static void free_constraints(Vector *all) {
  for (int i = all->firstIdx; i < all->lastIdx; i++) free(all->storage[i]);
  vector_free(all);
}

/* ---- Plan and Planner ---- */
typedef Vector Plan;

static void plan_execute(Plan *plan) {
  for (int i = plan->firstIdx; i < plan->lastIdx; i++) {
    Constraint *c = plan->storage[i];
    c->cls->execute(c);
  }
}

static int planner_new_mark(Planner *p) {
  p->currentMark += 1;
  return p->currentMark;
}

static void planner_incremental_add(Planner *p, Constraint *c) {
  int mark = planner_new_mark(p);
  Constraint *overridden = constraint_satisfy(c, mark, p);
  while (overridden != NULL) overridden = constraint_satisfy(overridden, mark, p);
}

static void planner_add_constraints_consuming_to(Variable *v, Vector *coll) {
  Constraint *determiningC = v->determinedBy;
  Vector *cs = v->constraints;
  for (int i = cs->firstIdx; i < cs->lastIdx; i++) {
    Constraint *c = cs->storage[i];
    if (c != determiningC && c->cls->isSatisfied(c)) vector_append(coll, c);
  }
}

static int compare_strength(void *a, void *b) {
  Constraint *c1 = a, *c2 = b;
  return strength_stronger(c1->strength, c2->strength) ? -1 : 1;
}

static Vector *planner_remove_propagate_from(Planner *p, Variable *out) {
  (void)p;
  Vector *unsatisfied = vector_new(INITIAL_SIZE);
  out->determinedBy = NULL;
  out->walkStrength = absoluteWeakestStrength;
  out->stay = true;
  Vector *todo = vector_with(out);
  while (!vector_is_empty(todo)) {
    Variable *v = vector_remove_first(todo);
    Vector *cs = v->constraints;
    for (int i = cs->firstIdx; i < cs->lastIdx; i++) {
      Constraint *c = cs->storage[i];
      if (!c->cls->isSatisfied(c)) vector_append(unsatisfied, c);
    }
    /* constraintsConsuming(v, c -> { c.recalculate(); todo.append(c.getOutput()); }) */
    Constraint *determiningC = v->determinedBy;
    for (int i = cs->firstIdx; i < cs->lastIdx; i++) {
      Constraint *c = cs->storage[i];
      if (c != determiningC && c->cls->isSatisfied(c)) {
        c->cls->recalculate(c);
        vector_append(todo, c->cls->getOutput(c));
      }
    }
  }
  vector_free(todo);
  vector_sort(unsatisfied, compare_strength);
  return unsatisfied;
}

static void planner_incremental_remove(Planner *p, Constraint *c) {
  Variable *out = c->cls->getOutput(c);
  c->cls->markUnsatisfied(c);
  c->cls->removeFromGraph(c);
  Vector *unsatisfied = planner_remove_propagate_from(p, out);
  for (int i = unsatisfied->firstIdx; i < unsatisfied->lastIdx; i++) {
    planner_incremental_add(p, unsatisfied->storage[i]);
  }
  vector_free(unsatisfied);
}

static Plan *planner_make_plan(Planner *p, Vector *sources) {
  int mark = planner_new_mark(p);
  Plan *plan = vector_new(15);
  Vector *todo = sources;
  while (!vector_is_empty(todo)) {
    Constraint *c = vector_remove_first(todo);
    if (c->cls->getOutput(c)->mark != mark && constraint_inputs_known(c, mark)) {
      /* not in plan already and eligible for inclusion */
      vector_append(plan, c);
      c->cls->getOutput(c)->mark = mark;
      planner_add_constraints_consuming_to(c->cls->getOutput(c), todo);
    }
  }
  return plan;
}

static Plan *planner_extract_plan_from_constraints(Planner *p, Vector *constraints) {
  Vector *sources = vector_new(INITIAL_SIZE);
  for (int i = constraints->firstIdx; i < constraints->lastIdx; i++) {
    Constraint *c = constraints->storage[i];
    if (c->cls->isInput(c) && c->cls->isSatisfied(c)) vector_append(sources, c);
  }
  Plan *plan = planner_make_plan(p, sources);
  vector_free(sources);
  return plan;
}

static bool planner_add_propagate(Planner *p, Constraint *c, int mark) {
  Vector *todo = vector_with(c);
  while (!vector_is_empty(todo)) {
    Constraint *d = vector_remove_first(todo);
    if (d->cls->getOutput(d)->mark == mark) {
      vector_free(todo);
      planner_incremental_remove(p, c);
      return false;
    }
    d->cls->recalculate(d);
    planner_add_constraints_consuming_to(d->cls->getOutput(d), todo);
  }
  vector_free(todo);
  return true;
}

static void planner_change(Planner *p, Variable *v, int newValue) {
  Constraint *editC = unary_new(&EDIT_CONSTRAINT, v, &PREFERRED, p);
  Vector *editV = vector_with(editC);
  Plan *plan = planner_extract_plan_from_constraints(p, editV);
  for (int i = 0; i < 10; i++) {
    v->value = newValue;
    plan_execute(plan);
  }
  constraint_destroy(editC, p);
  free(editC);
  vector_free(editV);
  vector_free(plan);
}

static void chain_test(int n) {
  Planner planner = { 1 };
  Vector *all = vector_new(INITIAL_SIZE); /* every constraint made, to free them at the end */
  Variable **vars = malloc(sizeof(Variable *) * (n + 1));
  for (int i = 0; i < n + 1; i++) vars[i] = variable_value(0);

  /* Build chain of n equality constraints */
  for (int i = 0; i < n; i++) {
    Variable *v1 = vars[i];
    Variable *v2 = vars[i + 1];
    vector_append(all, equality_new(v1, v2, &REQUIRED, &planner));
  }

  vector_append(all, unary_new(&STAY_CONSTRAINT, vars[n], &STRONG_DEFAULT, &planner));
  Constraint *editC = unary_new(&EDIT_CONSTRAINT, vars[0], &PREFERRED, &planner);
  Vector *editV = vector_with(editC);
  Plan *plan = planner_extract_plan_from_constraints(&planner, editV);
  for (int i = 0; i < 100; i++) {
    vars[0]->value = i;
    plan_execute(plan);
    if (vars[n]->value != i) fail("Chain test failed!");
  }
  constraint_destroy(editC, &planner);

  free(editC);
  vector_free(editV);
  vector_free(plan);
  free_constraints(all);
  for (int i = 0; i < n + 1; i++) variable_free(vars[i]);
  free(vars);
}

static void projection_test(int n) {
  Planner planner = { 1 };
  Vector *dests = vector_new(INITIAL_SIZE);
  Vector *srcs = vector_new(INITIAL_SIZE); /* only to free them at the end */
  Vector *all = vector_new(INITIAL_SIZE);  /* every constraint made, to free them at the end */
  Variable *scale = variable_value(10);
  Variable *offset = variable_value(1000);
  Variable *src = NULL, *dst = NULL;

  for (int i = 0; i < n; i++) {
    src = variable_value(i);
    dst = variable_value(i);
    vector_append(dests, dst);
    vector_append(srcs, src);
    vector_append(all, unary_new(&STAY_CONSTRAINT, src, &DEFAULT, &planner));
    vector_append(all, scale_new(src, scale, offset, dst, &REQUIRED, &planner));
  }

  planner_change(&planner, src, 17);
  if (dst->value != 1170) fail("Projection test 1 failed!");

  planner_change(&planner, dst, 1050);
  if (src->value != 5) fail("Projection test 2 failed!");

  planner_change(&planner, scale, 5);
  for (int i = 0; i < n - 1; i++) {
    if (((Variable *)vector_at(dests, i))->value != i * 5 + 1000) fail("Projection test 3 failed!");
  }

  planner_change(&planner, offset, 2000);
  for (int i = 0; i < n - 1; i++) {
    if (((Variable *)vector_at(dests, i))->value != i * 5 + 2000) fail("Projection test 4 failed!");
  }

  free_constraints(all);
  for (int i = 0; i < n; i++) variable_free(srcs->storage[i]);
  for (int i = 0; i < n; i++) variable_free(dests->storage[i]);
  variable_free(scale);
  variable_free(offset);
  vector_free(srcs);
  vector_free(dests);
}

int main(int argc, char **argv) {
  int iterations = harness_count(argc, argv, 1);
  int innerIterations = harness_count(argc, argv, 2);
  init_strengths();
  for (int n = 0; n < iterations; n++) {
    chain_test(innerIterations);
    projection_test(innerIterations);
  }
  printf("DeltaBlue: ok %d\n", innerIterations);
  return 0;
}
