import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError, InvalidArgumentError } from '../../errors.js';
import { diskTypeOf } from './disks.js';

test("the disk type: --type wins; else libvirt's allocation rule", () => {
  assert.equal(diskTypeOf({ capacity: 10, allocation: 0 }), 'thin');
  assert.equal(diskTypeOf({ capacity: 10, allocation: 10 }), 'zeroedthick');
  assert.equal(diskTypeOf({ capacity: 10 }), 'zeroedthick', 'no allocation: libvirt allocates everything');
  assert.throws(
    () => diskTypeOf({ capacity: 10, allocation: 5 }),
    (e: unknown) => e instanceof InternalError && /capacity-to-allocation/.test(e.message),
  );
  assert.equal(diskTypeOf({ capacity: 10 }, 'eagerzeroedthick'), 'eagerzeroedthick');
  assert.equal(diskTypeOf({ capacity: 10, allocation: 0 }, 'thin'), 'thin');
  assert.equal(
    diskTypeOf({ capacity: 10, allocation: 10 }, 'thin'),
    'thin',
    'an explicit type decides between the two allowed allocations',
  );
  assert.throws(() => diskTypeOf({ capacity: 10, allocation: 5 }, 'thin'), InvalidArgumentError);
});
