/** Connecting: libvirt's URIs, credentials (auth.conf, prompts) and the Connection. */
export { Connection, type OpenOptions } from './connection.js';
export { parseUri, formatUri, isEsxUri, defaultUsername, type EsxUri, type Scheme } from './uri.js';
export {
  getCredentials,
  parseAuthConf,
  authConfPath,
  lookupAuthConf,
  type AuthConf,
  type CredentialRequest,
  type Credentials,
  type Prompter,
} from './auth.js';
