/**
 * Test fixture: a small hand-written schema shaped like vim25 (inheritance, lists,
 * references, anyType, enums, faults) so the generic codec is tested without the
 * generated vSphere schema. `Echo*` methods take a parameter named `returnval`, so an
 * encoded request is also a decodable response: that makes round trips one call each.
 */
import type { MemberSchema, ReturnSpec, Schema } from './schema-types.js';

function m(name: string, type: string, occ: 'r' | 'o' | 'rl' | 'ol'): MemberSchema {
  return { name, type, list: occ.endsWith('l'), required: occ.startsWith('r') };
}

/** The fixture schema (namespace urn:vim25, like the real one, so server samples apply verbatim). */
export const testSchema: Schema = {
  namespace: 'urn:vim25',
  enums: { PowerState: ['poweredOff', 'poweredOn', 'suspended'] },
  objects: {
    DynamicData: { members: [] },
    SelectionSpec: { base: 'DynamicData', members: [m('name', 'string', 'o')] },
    TraversalSpec: {
      base: 'SelectionSpec',
      members: [m('type', 'string', 'r'), m('path', 'string', 'r'), m('skip', 'boolean', 'o'), m('selectSet', 'SelectionSpec', 'ol')],
    },
    Item: {
      base: 'DynamicData',
      members: [
        m('name', 'string', 'r'),
        m('count', 'int', 'o'),
        m('big', 'long', 'o'),
        m('small', 'short', 'o'),
        m('tiny', 'byte', 'o'),
        m('ratio', 'double', 'o'),
        m('flag', 'boolean', 'o'),
        m('when', 'dateTime', 'o'),
        m('blob', 'base64Binary', 'o'),
        m('ref', 'ManagedObjectReference', 'o'),
        m('refs', 'ManagedObjectReference', 'ol'),
        m('tags', 'string', 'ol'),
        m('any', 'anyType', 'o'),
        m('state', 'PowerState', 'o'),
        m('spec', 'SelectionSpec', 'o'),
        m('children', 'Item', 'ol'),
        m('needed', 'string', 'rl'),
      ],
    },
    SpecialItem: { base: 'Item', members: [m('extra', 'string', 'o')] },
    DynamicProperty: { members: [m('name', 'string', 'r'), m('val', 'anyType', 'r')] },
    ObjectContent: { base: 'DynamicData', members: [m('obj', 'ManagedObjectReference', 'r'), m('propSet', 'DynamicProperty', 'ol')] },
    RetrieveResult: { base: 'DynamicData', members: [m('token', 'string', 'o'), m('objects', 'ObjectContent', 'rl')] },
    MethodFault: { members: [m('faultMessage', 'string', 'ol')] },
    RuntimeFault: { base: 'MethodFault', members: [] },
    ManagedObjectNotFound: { base: 'RuntimeFault', members: [m('obj', 'ManagedObjectReference', 'r')] },
    NoPermission: { base: 'RuntimeFault', members: [m('object', 'ManagedObjectReference', 'r'), m('privilegeId', 'string', 'r')] },
    NotAuthenticated: { base: 'NoPermission', members: [] },
    InvalidLogin: { base: 'MethodFault', members: [] },
    InvalidState: { base: 'MethodFault', members: [] },
    InvalidPowerState: { base: 'InvalidState', members: [m('requestedState', 'PowerState', 'o'), m('existingState', 'PowerState', 'r')] },
  },
  methods: {
    Echo: { params: [m('returnval', 'Item', 'o')], returns: { type: 'Item', list: false, required: false } },
    EchoAny: { params: [m('returnval', 'anyType', 'o')], returns: { type: 'anyType', list: false, required: false } },
    EchoSpecs: { params: [m('returnval', 'SelectionSpec', 'ol')], returns: { type: 'SelectionSpec', list: true, required: false } },
    EchoString: { params: [m('returnval', 'string', 'r')], returns: { type: 'string', list: false, required: true } },
    RetrievePropertiesEx: {
      params: [m('specSet', 'SelectionSpec', 'rl'), m('maxObjects', 'int', 'o')],
      returns: { type: 'RetrieveResult', list: false, required: false },
    },
    FindAll: { params: [], returns: { type: 'ManagedObjectReference', list: true, required: false } },
    CurrentTime: { params: [], returns: { type: 'dateTime', list: false, required: true } },
    Logout: { params: [] },
  },
};

/** The return spec of a fixture method. */
export function returnsOf(method: string): ReturnSpec | undefined {
  return testSchema.methods[method]?.returns;
}

/** A `_this` reference for fixture calls. */
export const testThis = { type: 'ServiceInstance', value: 'ServiceInstance' };

/** Wraps body content in a response envelope, ESX style (prefix xsi) or vcsim style (prefix XMLSchema-instance). */
export function responseEnvelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    `<soapenv:Body>\n${body}\n</soapenv:Body>\n</soapenv:Envelope>`
  );
}
