// Loads the ssh2 library at run time. ssh2 optionally uses a compiled crypto
// addon (a `.node` file) that esbuild cannot bundle, so the bundles in out/
// leave ssh2 to node's module resolution (node_modules beside out/), while
// TypeScript still checks every use against @types/ssh2.

import type * as Ssh2 from 'ssh2';

/** Not a string literal on purpose: esbuild bundles `require('literal')`, and must not bundle this one. */
const SSH2_MODULE = ['ssh2'][0];

export const ssh2 = require(SSH2_MODULE) as typeof Ssh2;
export type { Client, ClientChannel, ConnectConfig, ParsedKey, SFTPWrapper } from 'ssh2';
