/**
 * The shape of the schema data the generic SOAP codec walks, and the one call
 * interface generated method functions use. The data itself is generated from a
 * declaration (src/vim25/input/); nothing here names a vSphere type.
 *
 * Type names in schema data are either
 * - XSD primitives by their XML Schema local name: 'string', 'int', 'long', 'short',
 *   'byte', 'boolean', 'float', 'double', 'dateTime', 'base64Binary', 'anyType';
 * - 'ManagedObjectReference', the typed reference of the vim25 wire format;
 * - the name of an enum or data object declared in the same schema.
 */

/** XSD primitive type names the codec understands (plus the vim25 reference type). */
export type PrimitiveTypeName =
  | 'string'
  | 'int'
  | 'long'
  | 'short'
  | 'byte'
  | 'boolean'
  | 'float'
  | 'double'
  | 'dateTime'
  | 'base64Binary'
  | 'anyType'
  | 'ManagedObjectReference';

/** One member of a data object, or one parameter of a method, in wire order. */
export interface MemberSchema {
  readonly name: string;
  readonly type: string;
  readonly list: boolean;
  readonly required: boolean;
}

/** A data object type: its base type (if any) and its own members in sequence order. */
export interface ObjectSchema {
  readonly base?: string;
  readonly members: readonly MemberSchema[];
}

/** What a method returns: the type, whether repeated, whether it must be present. */
export interface ReturnSpec {
  readonly type: string;
  readonly list: boolean;
  readonly required: boolean;
}

/** A wire method: its parameters after `_this`, in order, and its return value (none for void). */
export interface MethodSchema {
  readonly params: readonly MemberSchema[];
  readonly returns?: ReturnSpec;
}

/** Everything the codec needs to encode requests and decode responses of one SOAP API. */
export interface Schema {
  /** Namespace of request elements and of unprefixed/xsi type names, e.g. 'urn:vim25'. */
  readonly namespace: string;
  readonly objects: Readonly<Record<string, ObjectSchema>>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
  readonly methods: Readonly<Record<string, MethodSchema>>;
}

/** A reference to a server-side managed object, e.g. {type: 'VirtualMachine', value: 'vm-42'}. */
export interface ManagedObjectReference<T extends string = string> {
  type: T;
  value: string;
}

/**
 * Base of every decoded or encodable data object. `_type` is the wire type name:
 * the decoder always sets it; the encoder writes `xsi:type` when it differs from the
 * declared member type (polymorphism, e.g. a TraversalSpec in a SelectionSpec list).
 */
export interface DataObject {
  _type?: string;
}

/**
 * An explicitly typed value for `anyType` members, when the plain JavaScript value is
 * ambiguous: e.g. {_type: 'long', _value: 5} or {_type: 'ArrayOfString', _value: []}.
 */
export interface BoxedValue {
  _type: string;
  _value: unknown;
}

/**
 * Performs one SOAP call. Generated method functions call this; an implementation
 * encodes `params` (keyed by parameter name, `_this` excluded) with the schema,
 * sends it and decodes the answer as `returns` says (undefined = void method).
 */
export interface SoapCaller {
  invoke(
    method: string,
    thisRef: ManagedObjectReference,
    params: Readonly<Record<string, unknown>>,
    returns: ReturnSpec | undefined,
  ): Promise<unknown>;
}
