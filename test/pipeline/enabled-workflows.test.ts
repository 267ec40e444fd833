/** The built-in workflow files load without issues, and the config's features choose which run. */
import { expect, it } from 'vitest';
import { loadEnabledWorkflows } from '../../src/pipeline/enabled-workflows.js';

it('loads only the built-in workflows of the enabled features, with their triggers', async () => {
  const welcome = await loadEnabledWorkflows({ features: ['registration-welcome'] });
  expect(welcome.map((w) => [w.name, w.trigger])).toEqual([['registration-welcome', 'accelevents.registration']]);
  const checkIn = await loadEnabledWorkflows({ features: ['checkin-welcome', 'agent-console'] });
  expect(checkIn.map((w) => [w.name, w.trigger]).sort()).toEqual([
    ['checkin-preference-reply', 'highlevel.inbound_message'],
    ['checkin-welcome', 'accelevents.check_in'],
  ]);
  expect(await loadEnabledWorkflows({ features: [] })).toEqual([]);
});
