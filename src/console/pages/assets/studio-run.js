// parley studio: what the workflow needs and what happens when it runs. The HighLevel scopes its
// trigger and steps need (the catalog's), against what each HighLevel connection was granted (GET
// /api/admin/connections); "Test" runs the draft once against the sandbox from the chosen sample (POST
// /api/workflows/:name/test) and shows each condition and each step's input and output; "Publish"
// saves it (POST /api/workflows, or PUT for a new version) and says what version runs now.

import { api, button, byId, element, issueList } from './studio-dom.js';
import { renderedBlock } from './studio-messages.js';

export function neededScopes(ctx) {
  const { draft, triggers, actions } = ctx.state;
  const scopes = new Set(triggers.get(draft.trigger)?.scopes || []);
  for (const step of draft.steps) for (const scope of actions.get(step.action)?.scopes || []) scopes.add(scope);
  return [...scopes].sort();
}

export function renderScopes(ctx) {
  const box = byId('scopes');
  const needed = neededScopes(ctx);
  const parts = [
    needed.length === 0
      ? element('p', { className: 'muted', text: 'It needs no HighLevel permission.' })
      : element('p', {}, [
          'It needs: ',
          ...needed.flatMap((scope, i) => [i > 0 ? ', ' : '', element('code', { text: scope })]),
        ]),
  ];
  const connections = ctx.state.connections;
  if (connections === null) {
    parts.push(element('p', { className: 'muted', text: 'Checking the HighLevel connections…' }));
  } else if (connections.length === 0) {
    parts.push(
      element('p', { className: 'missing', attrs: { role: 'note' } }, [
        'No HighLevel account is connected yet: ',
        element('a', { text: 'connect one', attrs: { href: '/console/admin/connections' } }),
        ' before publishing.',
      ]),
    );
  } else {
    for (const connection of connections) {
      const granted = new Set(connection.scopes);
      const missing = needed.filter((scope) => !granted.has(scope));
      const name = connection.label || connection.account;
      if (missing.length === 0) {
        parts.push(element('p', { className: 'ok', text: `${name} has every permission it needs.` }));
        continue;
      }
      const how = connection.reconnect?.url
        ? [element('a', { text: 'reconnect it', attrs: { href: connection.reconnect.url } }), ' and grant them.']
        : [
            'reconnect it with ',
            element('code', { text: connection.reconnect?.command || 'parley connect highlevel' }),
            '.',
          ];
      parts.push(
        element('p', { className: 'missing scope-warning', attrs: { role: 'note' } }, [
          `Warning: ${name} lacks `,
          ...missing.flatMap((scope, i) => [i > 0 ? ', ' : '', element('code', { text: scope })]),
          '. Its steps fail without them: ',
          ...how,
        ]),
      );
    }
  }
  box.replaceChildren(...parts);
}

export async function loadConnections(ctx) {
  try {
    const { connections } = await api('GET', '/api/admin/connections');
    ctx.state.connections = connections.filter((c) => c.provider === 'highlevel');
  } catch {
    ctx.state.connections = [];
  }
  renderScopes(ctx);
}

function json(value) {
  return element('pre', { className: 'payload', text: JSON.stringify(value, null, 2) });
}

const STATUS_WORDS = {
  completed: 'Completed: every step ran.',
  skipped: 'Skipped: a condition did not hold, so no step ran.',
  failed: 'Failed: a step did not complete.',
};

function testAnswer(ctx, answer) {
  const parts = [
    element('h3', { attrs: { tabindex: '-1' }, text: `Test result (${answer.target})` }),
    element('p', {}, [
      element('span', { className: `admin-status admin-status-${answer.status}`, text: answer.status }),
      ` ${STATUS_WORDS[answer.status] || ''}`,
    ]),
  ];
  if (answer.error) {
    parts.push(
      element('p', {
        className: 'run-error',
        text: `${answer.error.step ? `Step ${answer.error.step}: ` : ''}${answer.error.message}`,
      }),
    );
  }
  if (answer.conditions.length > 0) {
    parts.push(
      element('h4', { text: 'Conditions' }),
      element(
        'ul',
        { className: 'test-conditions' },
        answer.conditions.map((c) =>
          element('li', {}, [
            element('code', { text: c.text }),
            c.result === null ? ' could not be read' : c.result ? ' holds' : ' does not hold',
          ]),
        ),
      ),
    );
  }
  parts.push(
    element(
      'ol',
      { className: 'run-steps' },
      answer.steps.map((step) => {
        const title = ctx.state.actions.get(step.action)?.title || step.action;
        return element('li', { className: `run-step run-step-${step.status}`, attrs: { 'data-test-step': step.id } }, [
          element('h4', {}, [
            element('code', { text: step.id }),
            ` ${title} `,
            element('span', { className: `admin-status admin-status-${step.status}`, text: step.status }),
          ]),
          step.error
            ? element('p', { className: 'run-error', text: `${step.error.code}: ${step.error.message}` })
            : null,
          element('div', { className: 'run-step-io' }, [
            element('div', {}, [
              element('h5', { text: 'Input' }),
              step.input === null ? element('p', { className: 'muted', text: 'None.' }) : json(step.input),
            ]),
            element('div', {}, [
              element('h5', { text: 'Output' }),
              step.output === undefined ? element('p', { className: 'muted', text: 'None.' }) : json(step.output),
            ]),
          ]),
        ]);
      }),
    ),
  );
  const preview = ctx.state.lastPreview;
  if (preview && preview.templates.length > 0) {
    parts.push(
      element('h4', { text: 'Messages as rendered for this sample' }),
      ...preview.templates.map((t) =>
        element('div', { className: 'test-template' }, [
          element('p', { className: 'preview-label' }, [element('code', { text: t.name })]),
          renderedBlock(t, { sms: true }),
        ]),
      ),
    );
  }
  return parts;
}

export async function runTest(ctx) {
  const box = byId('test-result');
  const name = ctx.state.draft.name;
  if (!name) {
    box.replaceChildren(
      element('p', { className: 'flash error', text: 'Give the workflow a name before testing it.' }),
    );
    return;
  }
  const testButton = byId('run-test');
  testButton.disabled = true;
  box.replaceChildren(element('p', { className: 'muted', text: 'Running against the sandbox…' }));
  try {
    await ctx.refreshPreview();
    const answer = await api('POST', `/api/workflows/${encodeURIComponent(name)}/test`, {
      sample: ctx.state.sample,
      definition: ctx.definition(),
    });
    box.replaceChildren(...testAnswer(ctx, answer));
    box.querySelector('h3')?.focus();
  } catch (error) {
    box.replaceChildren(issueList(error));
  } finally {
    testButton.disabled = false;
  }
}

export async function publish(ctx) {
  const box = byId('publish-result');
  const { view, draft } = ctx.state;
  const publishButton = byId('publish');
  publishButton.disabled = true;
  try {
    // A workflow that has a view exists (a built-in's first PUT makes the console copy); a new one is POSTed.
    const answer =
      view !== null
        ? await api('PUT', `/api/workflows/${encodeURIComponent(draft.name)}`, ctx.definition())
        : await api('POST', '/api/workflows', ctx.definition());
    ctx.loaded(answer);
    const parts = [
      element('p', {
        className: 'flash',
        text: `Published version ${answer.version} of ${answer.name}. It runs from the next event on.`,
      }),
    ];
    if (answer.reach) {
      const n = answer.reach.last24h;
      parts.push(
        element('p', {
          className: 'reach',
          text: `This trigger fired ${n} ${n === 1 ? 'time' : 'times'} in the last 24 h (${answer.reach.trigger}).`,
        }),
      );
    }
    if (!answer.enabled)
      parts.push(
        element('p', { className: 'missing', text: 'It is switched off: switch it on in the list to run it.' }),
      );
    box.replaceChildren(...parts);
    await ctx.versionsChanged();
  } catch (error) {
    if (error.reason === 'test_required') {
      box.replaceChildren(
        element('p', { className: 'flash error', text: error.message }),
        button('Test', () => runTest(ctx), { secondary: false, label: 'Test before publishing' }),
      );
    } else {
      box.replaceChildren(issueList(error));
    }
  } finally {
    publishButton.disabled = ctx.state.view?.origin === 'file';
  }
}

export function attachRun(ctx) {
  byId('run-test').addEventListener('click', () => runTest(ctx));
  byId('publish').addEventListener('click', () => publish(ctx));
}
