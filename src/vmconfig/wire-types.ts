/** Wire-type checks on vSphere data objects, by the declared type hierarchy (src/vim25's generated schema). */
import { vim25Schema } from '../vim25/generated/schema.js';

/** True when `value`'s wire type (`_type`) is `type` or a declared subtype of it. */
export function isA(value: unknown, type: string): boolean {
  for (let t = (value as { _type?: string } | undefined)?._type, n = 0; t !== undefined && n < 64; t = vim25Schema.objects[t]?.base, n++) {
    if (t === type) return true;
  }
  return false;
}
