import type { Command } from 'commander';
import { register as acceleventsSandbox } from './accelevents-sandbox.js';
import { register as backfill } from './backfill.js';
import { register as catalog } from './catalog.js';
import { register as connect } from './connect.js';
import { register as connections } from './connections.js';
import { register as dlq } from './dlq.js';
import { register as doctor } from './doctor.js';
import { register as ghl } from './ghl.js';
import { register as inbox } from './inbox.js';
import { register as init } from './init.js';
import { register as keys } from './keys.js';
import { register as preferences } from './preferences.js';
import { register as sandbox } from './sandbox.js';
import { register as scopes } from './scopes.js';
import { register as simulate } from './simulate.js';
import { register as startServeWorker } from './start.js';
import { register as users } from './users.js';
import { register as workflows } from './workflows.js';

/** Every command registers itself on the program. Order here is the order in `parley --help`. */
export const COMMANDS: ((program: Command) => void)[] = [
  init,
  startServeWorker,
  connect,
  connections,
  scopes,
  doctor,
  workflows,
  catalog,
  backfill,
  simulate,
  keys,
  users,
  dlq,
  inbox,
  preferences,
  ghl,
  sandbox,
  acceleventsSandbox,
];
