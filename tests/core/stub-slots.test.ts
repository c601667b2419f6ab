import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeId } from '../../src/ir/ids.js';
import { isUncompiledWord, namedCodeId, uncompiledWord } from '../../src/core/stub-slots.js';

test('a stub slot word names its code id with the sign telling whether the code is compiled', () => {
  const id = codeId(42);
  assert.equal(namedCodeId(uncompiledWord(id)), id);
  assert.ok(isUncompiledWord(uncompiledWord(id)));
  assert.equal(namedCodeId(id), id);
  assert.ok(!isUncompiledWord(id));
  assert.equal(namedCodeId(0), 0, 'no definition');
  assert.ok(!isUncompiledWord(0));
});
