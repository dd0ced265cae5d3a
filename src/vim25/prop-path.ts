/**
 * Typed property paths. The generated <Type>Props constants (src/vim25/generated/props.ts, from the managed
 * blocks of src/vim25/input/) are the only values of these types: a path nobody declared does not compile, and
 * reading one gives the type the codec decodes for it, with no type argument to get wrong.
 */

declare const VALUE: unique symbol;

/** A declared property path whose value decodes as T; at run time the plain path string, e.g. 'runtime.powerState'. */
export type PropPath<T> = string & { readonly [VALUE]: T };

/** Any declared property path, whatever its value type (what retrievals ask for). */
export type AnyPropPath = PropPath<unknown>;
