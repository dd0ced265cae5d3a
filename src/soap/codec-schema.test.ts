import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError } from '../errors.js';
import { compileSchema } from './codec-schema.js';
import type { Schema } from './schema-types.js';

test('an inconsistent data object type is refused when it is first used, and a method naming an unknown type at once', () => {
  const bad: Schema = {
    namespace: 'urn:test',
    enums: {},
    objects: {
      Fine: { members: [] },
      Loop: { base: 'Loop2', members: [] },
      Loop2: { base: 'Loop', members: [] },
      Odd: { members: [{ name: 'x', type: 'Martian', required: false, list: false }] },
    },
    methods: {},
  };
  const cs = compileSchema(bad);
  assert.equal(cs.objects.get('Fine')?.name, 'Fine');
  assert.equal(cs.kindOf('Odd'), 'object');
  assert.throws(
    () => cs.objects.get('Loop'),
    (e) => e instanceof InternalError && /inheritance cycle Loop -> Loop2 -> Loop/.test(e.message),
  );
  assert.throws(
    () => cs.objects.get('Odd'),
    (e) => e instanceof InternalError && /Odd\.x has unknown type 'Martian'/.test(e.message),
  );
  assert.throws(() => [...cs.objects.values()], InternalError);
  const badMethod: Schema = {
    ...bad,
    objects: {},
    methods: { Echo: { params: [{ name: 'x', type: 'Martian', required: true, list: false }] } },
  };
  assert.throws(() => compileSchema(badMethod), /method Echo parameter x has unknown type 'Martian'/);
});
