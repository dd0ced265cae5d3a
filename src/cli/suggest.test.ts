import assert from 'node:assert/strict';
import test from 'node:test';
import { closest, editDistance, unknownCommand } from './suggest.js';

test('edit distance counts inserts, deletes, substitutions and swapped neighbours', () => {
  assert.equal(editDistance('list', 'list'), 0);
  assert.equal(editDistance('lst', 'list'), 1);
  assert.equal(editDistance('lisst', 'list'), 1);
  assert.equal(editDistance('lict', 'list'), 1);
  assert.equal(editDistance('lsit', 'list'), 1);
  assert.equal(editDistance('', 'uri'), 3);
  assert.equal(editDistance('dominfo', 'domstate'), 5);
});

test('the closest name when it is near enough, else none; ties alphabetically', () => {
  const names = ['list', 'dominfo', 'domid', 'domname', 'start', 'snapshot-list', 'uri', 'nodecpustats', 'node-cpu-stats'];
  assert.equal(closest('lst', names), 'list');
  assert.equal(closest('strat', names), 'start');
  assert.equal(closest('snapshotlist', names), 'snapshot-list');
  assert.equal(closest('domifno', names), 'dominfo');
  assert.equal(closest('ur', names), 'uri');
  assert.equal(closest('domxd', names), 'domid');
  assert.equal(closest('no-such-command', names), undefined);
  assert.equal(closest('x', names), undefined);
  assert.equal(closest('nodecpu-stats', names), 'node-cpu-stats');
});

test("the usage error: \"unknown command 'lst'; did you mean 'list'?\", or without a suggestion", () => {
  assert.equal(unknownCommand('lst', ['list', 'start']).message, "unknown command 'lst'; did you mean 'list'?");
  assert.equal(unknownCommand('frobnicate', ['list', 'start']).message, "unknown command 'frobnicate'");
});
