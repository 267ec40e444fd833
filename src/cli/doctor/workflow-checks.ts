/**
 * `parley doctor`'s workflows line: the workflows the config enables load (built-ins and
 * `workflows.path`), with where each comes from, and a warning for each trigger on which two of them
 * would both send a message (src/workflows/double-sends.ts, the check `start` and `validate` use too).
 */
import type { ParleyFileConfig } from '../../app/config-types.js';
import {
  BUILT_IN,
  doubleSendsAmong,
  enabledWorkflowsOptions,
  listEnabledWorkflows,
} from '../../features/enabled-workflows.js';
import { type CheckResult, describeError, fail, ok, warn } from './check-result.js';

export async function workflowChecks(config: ParleyFileConfig): Promise<CheckResult[]> {
  try {
    const enabled = await listEnabledWorkflows(enabledWorkflowsOptions(config));
    const running = enabled.filter((w) => w.runs.length > 0);
    const names = running.map((w) =>
      w.source === BUILT_IN ? w.definition.name : `${w.definition.name} (${w.source})`,
    );
    const results = [ok('workflows', `${running.length} enabled${names.length > 0 ? `: ${names.join(', ')}` : ''}`)];
    for (const twice of doubleSendsAmong(enabled)) results.push(warn('workflows', twice.message, twice.fix));
    return results;
  } catch (error) {
    return [
      fail(
        'workflows',
        describeError(error).message,
        'fix the workflow files; `parley workflows validate` lists every problem with file:line:col',
      ),
    ];
  }
}
