// Are-We-Fast-Yet: DeltaBlue (Marr et al., DLS 2016), derived from Mario Wolczko's Smalltalk
// version via SOM: an incremental one-way constraint solver, run as the chain test and the
// projection test (AWFY overrides innerBenchmarkLoop: the inner iteration count is the size n).
import { run } from './harness.js';

// --- The suite's collections (som.js), as the suite's rules require. ---
const INITIAL_SIZE = 10;
const INITIAL_CAPACITY = 16;

class Vector {
  constructor(size) {
    this.storage = new Array(size === undefined ? INITIAL_SIZE : size);
    this.firstIdx = 0;
    this.lastIdx = 0;
  }

  static with(elem) {
    const v = new Vector(1);
    v.append(elem);
    return v;
  }

  at(idx) {
    if (idx >= this.storage.length) return null;
    return this.storage[idx];
  }

  append(elem) {
    if (this.lastIdx >= this.storage.length) {
      const newStorage = new Array(2 * this.storage.length);
      for (let i = 0; i < this.storage.length; i++) newStorage[i] = this.storage[i];
      this.storage = newStorage;
    }
    this.storage[this.lastIdx] = elem;
    this.lastIdx += 1;
  }

  isEmpty() { return this.lastIdx === this.firstIdx; }

  forEach(fn) {
    for (let i = this.firstIdx; i < this.lastIdx; i++) fn(this.storage[i]);
  }

  hasSome(fn) {
    for (let i = this.firstIdx; i < this.lastIdx; i++) {
      if (fn(this.storage[i])) return true;
    }
    return false;
  }

  removeFirst() {
    if (this.isEmpty()) return null;
    this.firstIdx += 1;
    return this.storage[this.firstIdx - 1];
  }

  remove(obj) {
    const newArray = new Array(this.capacity());
    let newLast = 0;
    let found = false;
    this.forEach((it) => {
      if (it === obj) {
        found = true;
      } else {
        newArray[newLast] = it;
        newLast += 1;
      }
    });
    this.storage = newArray;
    this.lastIdx = newLast;
    this.firstIdx = 0;
    return found;
  }

  size() { return this.lastIdx - this.firstIdx; }
  capacity() { return this.storage.length; }

  sort(compare) {
    if (this.size() > 0) this.sortRange(this.firstIdx, this.lastIdx - 1, compare);
  }

  sortRange(i, j, compare) {
    const n = j + 1 - i;
    if (n <= 1) return;
    let di = this.storage[i];
    let dj = this.storage[j];
    if (compare(di, dj) > 0) {
      this.swap(i, j);
      const tt = di;
      di = dj;
      dj = tt;
    }
    if (n > 2) {
      const ij = (i + j) >> 1;
      let dij = this.storage[ij];
      if (compare(di, dij) <= 0) {
        if (compare(dij, dj) > 0) {
          this.swap(j, ij);
          dij = dj;
        }
      } else {
        this.swap(i, ij);
        dij = di;
      }
      if (n > 3) {
        let k = i;
        let l = j - 1;
        while (true) {
          while (k <= l && compare(dij, this.storage[l]) <= 0) l -= 1;
          k += 1;
          while (k <= l && compare(this.storage[k], dij) <= 0) k += 1;
          if (k > l) break;
          this.swap(k, l);
        }
        this.sortRange(i, l, compare);
        this.sortRange(k, j, compare);
      }
    }
  }

  swap(i, j) {
    const tmp = this.storage[i];
    this.storage[i] = this.storage[j];
    this.storage[j] = tmp;
  }
}

class DictIdEntry {
  constructor(hash, key, value, next) {
    this.hash = hash;
    this.key = key;
    this.value = value;
    this.next = next;
  }

  match(hash, key) { return this.hash === hash && this.key === key; }
}

function hashOf(key) {
  if (key === null) return 0;
  const hash = key.customHash();
  return hash ^ (hash >>> 16);
}

class IdentityDictionary {
  constructor(size) {
    this.buckets = new Array(size === undefined ? INITIAL_CAPACITY : size).fill(null);
    this.size_ = 0;
  }

  size() { return this.size_; }

  getBucketIdx(hash) { return (this.buckets.length - 1) & hash; }

  at(key) {
    const hash = hashOf(key);
    let e = this.buckets[this.getBucketIdx(hash)];
    while (e !== null) {
      if (e.match(hash, key)) return e.value;
      e = e.next;
    }
    return null;
  }

  atPut(key, value) {
    const hash = hashOf(key);
    const i = this.getBucketIdx(hash);
    const current = this.buckets[i];
    if (current === null) {
      this.buckets[i] = new DictIdEntry(hash, key, value, null);
      this.size_ += 1;
    } else {
      this.insertBucketEntry(key, value, hash, current);
    }
    if (this.size_ > this.buckets.length) this.resize();
  }

  insertBucketEntry(key, value, hash, head) {
    let current = head;
    while (true) {
      if (current.match(hash, key)) {
        current.value = value;
        return;
      }
      if (current.next === null) {
        this.size_ += 1;
        current.next = new DictIdEntry(hash, key, value, null);
        return;
      }
      current = current.next;
    }
  }

  resize() {
    const oldStorage = this.buckets;
    this.buckets = new Array(oldStorage.length * 2).fill(null);
    for (let i = 0; i < oldStorage.length; i++) {
      const current = oldStorage[i];
      if (current !== null) {
        oldStorage[i] = null;
        if (current.next === null) {
          this.buckets[current.hash & (this.buckets.length - 1)] = current;
        } else {
          this.splitBucket(oldStorage, i, current);
        }
      }
    }
  }

  splitBucket(oldStorage, i, head) {
    let loHead = null;
    let loTail = null;
    let hiHead = null;
    let hiTail = null;
    let current = head;
    while (current !== null) {
      if ((current.hash & oldStorage.length) === 0) {
        if (loTail === null) loHead = current; else loTail.next = current;
        loTail = current;
      } else {
        if (hiTail === null) hiHead = current; else hiTail.next = current;
        hiTail = current;
      }
      current = current.next;
    }
    if (loTail !== null) {
      loTail.next = null;
      this.buckets[i] = loHead;
    }
    if (hiTail !== null) {
      hiTail.next = null;
      this.buckets[i + oldStorage.length] = hiHead;
    }
  }

  getKeys() {
    const keys = new Vector(this.size_);
    for (let i = 0; i < this.buckets.length; i++) {
      let current = this.buckets[i];
      while (current !== null) {
        keys.append(current.key);
        current = current.next;
      }
    }
    return keys;
  }
}

// --- DeltaBlue ---
class Sym {
  constructor(hash) { this.hash = hash; }
  customHash() { return this.hash; }
}

const ABSOLUTE_STRONGEST = new Sym(0);
const REQUIRED = new Sym(1);
const STRONG_PREFERRED = new Sym(2);
const PREFERRED = new Sym(3);
const STRONG_DEFAULT = new Sym(4);
const DEFAULT = new Sym(5);
const WEAK_DEFAULT = new Sym(6);
const ABSOLUTE_WEAKEST = new Sym(7);

const NONE = 0;
const FORWARD = 1;
const BACKWARD = 2;

class Strength {
  constructor(symbolicValue) {
    this.symbolicValue = symbolicValue;
    this.arithmeticValue = STRENGTH_TABLE.at(symbolicValue);
  }

  sameAs(s) { return this.arithmeticValue === s.arithmeticValue; }
  stronger(s) { return this.arithmeticValue < s.arithmeticValue; }
  weaker(s) { return this.arithmeticValue > s.arithmeticValue; }
  strongest(s) { return s.stronger(this) ? s : this; }
  weakest(s) { return s.weaker(this) ? s : this; }

  static of(sym) { return STRENGTH_CONSTANTS.at(sym); }
}

function createStrengthTable() {
  const table = new IdentityDictionary();
  table.atPut(ABSOLUTE_STRONGEST, -10000);
  table.atPut(REQUIRED, -800);
  table.atPut(STRONG_PREFERRED, -600);
  table.atPut(PREFERRED, -400);
  table.atPut(STRONG_DEFAULT, -200);
  table.atPut(DEFAULT, 0);
  table.atPut(WEAK_DEFAULT, 500);
  table.atPut(ABSOLUTE_WEAKEST, 10000);
  return table;
}

function createStrengthConstants() {
  const constants = new IdentityDictionary();
  STRENGTH_TABLE.getKeys().forEach((key) => {
    constants.atPut(key, new Strength(key));
  });
  return constants;
}

const STRENGTH_TABLE = createStrengthTable();
const STRENGTH_CONSTANTS = createStrengthConstants();
const ABSOLUTE_WEAKEST_STRENGTH = Strength.of(ABSOLUTE_WEAKEST);
const REQUIRED_STRENGTH = Strength.of(REQUIRED);

class AbstractConstraint {
  constructor(strengthSym) {
    this.strength = Strength.of(strengthSym);
  }

  isInput() { return false; }

  addConstraint(planner) {
    this.addToGraph();
    planner.incrementalAdd(this);
  }

  destroyConstraint(planner) {
    if (this.isSatisfied()) planner.incrementalRemove(this);
    this.removeFromGraph();
  }

  inputsKnown(mark) {
    return !this.inputsHasOne((v) => !(v.mark === mark || v.stay || v.determinedBy === null));
  }

  satisfy(mark, planner) {
    let overridden;
    this.chooseMethod(mark);
    if (this.isSatisfied()) {
      // constraint can be satisfied; mark inputs to allow cycle detection in addPropagate
      this.inputsDo((i) => { i.mark = mark; });
      const out = this.getOutput();
      overridden = out.determinedBy;
      if (overridden !== null) overridden.markUnsatisfied();
      out.determinedBy = this;
      if (!planner.addPropagate(this, mark)) throw new Error('Cycle encountered');
      out.mark = mark;
    } else {
      overridden = null;
      if (this.strength.sameAs(REQUIRED_STRENGTH)) {
        throw new Error('Could not satisfy a required constraint');
      }
    }
    return overridden;
  }
}

class BinaryConstraint extends AbstractConstraint {
  constructor(var1, var2, strength) {
    super(strength);
    this.v1 = var1;
    this.v2 = var2;
    this.direction = NONE;
  }

  isSatisfied() { return this.direction !== NONE; }

  addToGraph() {
    this.v1.addConstraint(this);
    this.v2.addConstraint(this);
    this.direction = NONE;
  }

  removeFromGraph() {
    if (this.v1 !== null) this.v1.removeConstraint(this);
    if (this.v2 !== null) this.v2.removeConstraint(this);
    this.direction = NONE;
  }

  chooseMethod(mark) {
    if (this.v1.mark === mark) {
      if (this.v2.mark !== mark && this.strength.stronger(this.v2.walkStrength)) {
        this.direction = FORWARD;
      } else {
        this.direction = NONE;
      }
      return;
    }
    if (this.v2.mark === mark) {
      if (this.v1.mark !== mark && this.strength.stronger(this.v1.walkStrength)) {
        this.direction = BACKWARD;
      } else {
        this.direction = NONE;
      }
      return;
    }
    // If we get here, neither variable is marked, so we have a choice.
    if (this.v1.walkStrength.weaker(this.v2.walkStrength)) {
      this.direction = this.strength.stronger(this.v1.walkStrength) ? BACKWARD : NONE;
    } else {
      this.direction = this.strength.stronger(this.v2.walkStrength) ? FORWARD : NONE;
    }
  }

  inputsDo(fn) {
    if (this.direction === FORWARD) fn(this.v1); else fn(this.v2);
  }

  inputsHasOne(fn) {
    if (this.direction === FORWARD) return fn(this.v1);
    return fn(this.v2);
  }

  markUnsatisfied() { this.direction = NONE; }

  getOutput() { return this.direction === FORWARD ? this.v2 : this.v1; }

  recalculate() {
    let ihn;
    let out;
    if (this.direction === FORWARD) {
      ihn = this.v1; out = this.v2;
    } else {
      ihn = this.v2; out = this.v1;
    }
    out.walkStrength = this.strength.weakest(ihn.walkStrength);
    out.stay = ihn.stay;
    if (out.stay) this.execute();
  }
}

class UnaryConstraint extends AbstractConstraint {
  constructor(v, strength, planner) {
    super(strength);
    this.output = v;
    this.satisfied = false;
    this.addConstraint(planner);
  }

  isSatisfied() { return this.satisfied; }

  addToGraph() {
    this.output.addConstraint(this);
    this.satisfied = false;
  }

  removeFromGraph() {
    if (this.output !== null) this.output.removeConstraint(this);
    this.satisfied = false;
  }

  chooseMethod(mark) {
    this.satisfied = this.output.mark !== mark && this.strength.stronger(this.output.walkStrength);
  }

  inputsDo(_fn) { /* I have no input variables */ }
  inputsHasOne(_fn) { return false; }

  markUnsatisfied() { this.satisfied = false; }

  getOutput() { return this.output; }

  recalculate() {
    this.output.walkStrength = this.strength;
    this.output.stay = !this.isInput();
    if (this.output.stay) this.execute(); // stay optimization
  }
}

class EditConstraint extends UnaryConstraint {
  isInput() { return true; }
  execute() { /* edit constraints do nothing */ }
}

class StayConstraint extends UnaryConstraint {
  execute() { /* stay constraints do nothing */ }
}

class EqualityConstraint extends BinaryConstraint {
  constructor(var1, var2, strength, planner) {
    super(var1, var2, strength);
    this.addConstraint(planner);
  }

  execute() {
    if (this.direction === FORWARD) {
      this.v2.value = this.v1.value;
    } else {
      this.v1.value = this.v2.value;
    }
  }
}

class ScaleConstraint extends BinaryConstraint {
  constructor(src, scale, offset, dest, strength, planner) {
    super(src, dest, strength);
    this.scale = scale;
    this.offset = offset;
    this.addConstraint(planner);
  }

  addToGraph() {
    this.v1.addConstraint(this);
    this.v2.addConstraint(this);
    this.scale.addConstraint(this);
    this.offset.addConstraint(this);
    this.direction = NONE;
  }

  removeFromGraph() {
    if (this.v1 !== null) this.v1.removeConstraint(this);
    if (this.v2 !== null) this.v2.removeConstraint(this);
    if (this.scale !== null) this.scale.removeConstraint(this);
    if (this.offset !== null) this.offset.removeConstraint(this);
    this.direction = NONE;
  }

  execute() {
    if (this.direction === FORWARD) {
      this.v2.value = this.v1.value * this.scale.value + this.offset.value;
    } else {
      this.v1.value = ((this.v2.value - this.offset.value) / this.scale.value) | 0;
    }
  }

  inputsDo(fn) {
    if (this.direction === FORWARD) {
      fn(this.v1);
      fn(this.scale);
      fn(this.offset);
    } else {
      fn(this.v2);
      fn(this.scale);
      fn(this.offset);
    }
  }

  recalculate() {
    let ihn;
    let out;
    if (this.direction === FORWARD) {
      ihn = this.v1; out = this.v2;
    } else {
      out = this.v1; ihn = this.v2;
    }
    out.walkStrength = this.strength.weakest(ihn.walkStrength);
    out.stay = ihn.stay && this.scale.stay && this.offset.stay;
    if (out.stay) this.execute(); // stay optimization
  }
}

class Variable {
  constructor() {
    this.value = 0;
    this.constraints = new Vector(2);
    this.determinedBy = null;
    this.mark = 0;
    this.walkStrength = ABSOLUTE_WEAKEST_STRENGTH;
    this.stay = true;
  }

  static value(aValue) {
    const v = new Variable();
    v.value = aValue;
    return v;
  }

  addConstraint(c) { this.constraints.append(c); }

  removeConstraint(c) {
    this.constraints.remove(c);
    if (this.determinedBy === c) this.determinedBy = null;
  }
}

class Plan extends Vector {
  constructor() { super(15); }
  execute() { this.forEach((c) => c.execute()); }
}

class Planner {
  constructor() { this.currentMark = 1; }

  incrementalAdd(c) {
    const mark = this.newMark();
    let overridden = c.satisfy(mark, this);
    while (overridden !== null) overridden = overridden.satisfy(mark, this);
  }

  incrementalRemove(c) {
    const out = c.getOutput();
    c.markUnsatisfied();
    c.removeFromGraph();
    const unsatisfied = this.removePropagateFrom(out);
    unsatisfied.forEach((u) => this.incrementalAdd(u));
  }

  extractPlanFromConstraints(constraints) {
    const sources = new Vector();
    constraints.forEach((c) => {
      if (c.isInput() && c.isSatisfied()) sources.append(c);
    });
    return this.makePlan(sources);
  }

  makePlan(sources) {
    const mark = this.newMark();
    const plan = new Plan();
    const todo = sources;
    while (!todo.isEmpty()) {
      const c = todo.removeFirst();
      if (c.getOutput().mark !== mark && c.inputsKnown(mark)) {
        // not in plan already and eligible for inclusion
        plan.append(c);
        c.getOutput().mark = mark;
        this.addConstraintsConsumingTo(c.getOutput(), todo);
      }
    }
    return plan;
  }

  addConstraintsConsumingTo(v, coll) {
    const determiningC = v.determinedBy;
    v.constraints.forEach((c) => {
      if (c !== determiningC && c.isSatisfied()) coll.append(c);
    });
  }

  addPropagate(c, mark) {
    const todo = Vector.with(c);
    while (!todo.isEmpty()) {
      const d = todo.removeFirst();
      if (d.getOutput().mark === mark) {
        this.incrementalRemove(c);
        return false;
      }
      d.recalculate();
      this.addConstraintsConsumingTo(d.getOutput(), todo);
    }
    return true;
  }

  change(v, newValue) {
    const editC = new EditConstraint(v, PREFERRED, this);
    const editV = Vector.with(editC);
    const plan = this.extractPlanFromConstraints(editV);
    for (let i = 0; i < 10; i++) {
      v.value = newValue;
      plan.execute();
    }
    editC.destroyConstraint(this);
  }

  constraintsConsuming(v, fn) {
    const determiningC = v.determinedBy;
    v.constraints.forEach((c) => {
      if (c !== determiningC && c.isSatisfied()) fn(c);
    });
  }

  newMark() {
    this.currentMark += 1;
    return this.currentMark;
  }

  removePropagateFrom(out) {
    const unsatisfied = new Vector();
    out.determinedBy = null;
    out.walkStrength = ABSOLUTE_WEAKEST_STRENGTH;
    out.stay = true;
    const todo = Vector.with(out);
    while (!todo.isEmpty()) {
      const v = todo.removeFirst();
      v.constraints.forEach((c) => {
        if (!c.isSatisfied()) unsatisfied.append(c);
      });
      this.constraintsConsuming(v, (c) => {
        c.recalculate();
        todo.append(c.getOutput());
      });
    }
    unsatisfied.sort((c1, c2) => (c1.strength.stronger(c2.strength) ? -1 : 1));
    return unsatisfied;
  }

  static chainTest(n) {
    const planner = new Planner();
    const vars = new Array(n + 1);
    for (let i = 0; i < n + 1; i++) vars[i] = new Variable();

    // Build chain of n equality constraints
    for (let i = 0; i < n; i++) {
      const v1 = vars[i];
      const v2 = vars[i + 1];
      new EqualityConstraint(v1, v2, REQUIRED, planner);
    }

    new StayConstraint(vars[n], STRONG_DEFAULT, planner);
    const editC = new EditConstraint(vars[0], PREFERRED, planner);
    const editV = Vector.with(editC);
    const plan = planner.extractPlanFromConstraints(editV);
    for (let i = 0; i < 100; i++) {
      vars[0].value = i;
      plan.execute();
      if (vars[n].value !== i) throw new Error('Chain test failed!');
    }
    editC.destroyConstraint(planner);
  }

  static projectionTest(n) {
    const planner = new Planner();
    const dests = new Vector();
    const scale = Variable.value(10);
    const offset = Variable.value(1000);
    let src = null;
    let dst = null;

    for (let i = 0; i < n; i++) {
      src = Variable.value(i);
      dst = Variable.value(i);
      dests.append(dst);
      new StayConstraint(src, DEFAULT, planner);
      new ScaleConstraint(src, scale, offset, dst, REQUIRED, planner);
    }

    planner.change(src, 17);
    if (dst.value !== 1170) throw new Error('Projection test 1 failed!');

    planner.change(dst, 1050);
    if (src.value !== 5) throw new Error('Projection test 2 failed!');

    planner.change(scale, 5);
    for (let i = 0; i < n - 1; i++) {
      if (dests.at(i).value !== i * 5 + 1000) throw new Error('Projection test 3 failed!');
    }

    planner.change(offset, 2000);
    for (let i = 0; i < n - 1; i++) {
      if (dests.at(i).value !== i * 5 + 2000) throw new Error('Projection test 4 failed!');
    }
  }
}

class DeltaBlue {
  innerBenchmarkLoop(innerIterations) {
    Planner.chainTest(innerIterations);
    Planner.projectionTest(innerIterations);
    return [true, innerIterations];
  }
}

run('DeltaBlue', new DeltaBlue());
