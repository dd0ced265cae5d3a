/**
 * The driver's public surface (`import … from 'esxvirt/driver'`): libvirt's API for ESX, GSX and vCenter, one
 * folder per libvirt object. Names are unique across folders: a clash fails to compile here.
 */
export * from './connect/index.js';
export * from './domain/index.js';
export * from './snapshot/index.js';
export * from './host/index.js';
export * from './network/index.js';
export * from './interface/index.js';
export * from './migrate/index.js';
export * from './storage/index.js';
