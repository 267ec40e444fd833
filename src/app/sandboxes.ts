/**
 * The one door from production code to the sandboxes (src/sandbox/): the `sandbox`,
 * `accelevents-sandbox`, `ghl` and `connect accelevents --base-url sandbox` commands reach the fakes
 * only through here, so the folder rules (docs/architecture.md) can say that nothing but `app`
 * imports the sandbox, and a live deployment never loads it unless asked.
 */
export { type AcceleventsSandboxOptions, startAcceleventsSandbox } from '../sandbox/accelevents/create-sandbox.js';
export { SAMPLE_EVENT_URL } from '../sandbox/accelevents/sample-events.js';
export { sandboxPort, type UsedSandbox, useAcceleventsSandbox } from '../sandbox/accelevents/use-sandbox.js';
export { type HighLevelSandboxOptions, startHighLevelSandbox } from '../sandbox/highlevel/create-sandbox.js';
export { DEFAULT_LOCATION_SCOPES } from '../sandbox/highlevel/default-scopes.js';
export { CONTACT_OPERATIONS } from '../sandbox/highlevel/types.js';
