// parley studio: the workflow list (/console/studio). Every workflow from GET /api/workflows with its
// origin, an on/off switch (PUT /api/admin/workflows/:name), its last run (GET /api/admin/workflows)
// and its failed runs in the last 24 hours (GET /api/admin/runs?workflow=…&status=failed, newest
// first, counted until one is older than a day); "New workflow" starts from scratch or from a built-in.
// Two workflows that would both send on one trigger (the API's `doubleSends`) are warned about above.

import { api, byId, element, say, when } from './studio-dom.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// GET /api/admin/runs answers at most 200 a page: more failures than that in a day reads "200+".
const RUNS_PAGE = 200;

function originText(w) {
  if (w.origin === 'file') return `From files (read-only): ${w.file}`;
  if (w.origin === 'console')
    return `${w.replacesBuiltIn ? 'Your copy of the built-in' : 'Made here'}, version ${w.version}`;
  return 'Built-in';
}

async function failuresToday(name) {
  const url = `/api/admin/runs?workflow=${encodeURIComponent(name)}&status=failed&limit=${RUNS_PAGE}`;
  const page = await api('GET', url);
  const since = Date.now() - DAY_MS;
  const recent = page.items.filter((run) => run.startedAt >= since).length;
  return recent === RUNS_PAGE ? `${RUNS_PAGE}+` : String(recent);
}

function switchFor(w) {
  const id = `switch-${w.name}`;
  const input = element('input', {
    attrs: { type: 'checkbox', role: 'switch', id, checked: w.enabled, disabled: w.notConfigured ? true : undefined },
  });
  const state = element('span', { className: 'switch-state', text: w.enabled ? 'On' : 'Off' });
  const status = byId('studio-status');
  input.addEventListener('change', async () => {
    input.disabled = true;
    try {
      const answer = await api('PUT', `/api/admin/workflows/${encodeURIComponent(w.name)}`, {
        enabled: input.checked,
      });
      state.textContent = answer.enabled ? 'On' : 'Off';
      say(status, `${w.name} is ${answer.enabled ? 'on: new events run it' : 'off: it starts no new runs'}.`);
    } catch (error) {
      input.checked = !input.checked;
      say(status, error.message, true);
    } finally {
      input.disabled = false;
    }
  });
  return element('div', { className: 'field-inline' }, [
    input,
    element('label', { attrs: { for: id }, className: 'visually-hidden', text: `${w.name} on` }),
    state,
  ]);
}

function row(w, status) {
  const lastRun = status?.recentRuns[0];
  const failures = element('td', { text: '…', attrs: { 'data-cell': 'failures' } });
  failuresToday(w.name)
    .then((count) => {
      failures.textContent = count;
      if (count !== '0') failures.classList.add('missing');
    })
    .catch(() => {
      failures.textContent = 'unknown';
    });
  const runs = element('a', {
    text: lastRun ? when(lastRun.startedAt) : 'never',
    attrs: { href: `/console/admin/runs?workflow=${encodeURIComponent(w.name)}` },
  });
  return element('tr', { attrs: { 'data-workflow': w.name } }, [
    element('th', { attrs: { scope: 'row' } }, [
      element('a', { text: w.name, attrs: { href: `/console/studio/workflows/${encodeURIComponent(w.name)}` } }),
      w.description ? element('div', { className: 'muted', text: w.description }) : null,
      w.notConfigured ? element('div', { className: 'missing', text: `Not configured: ${w.notConfigured}` }) : null,
    ]),
    element('td', {}, [element('code', { text: w.trigger })]),
    element('td', { text: originText(w), attrs: { 'data-cell': 'origin' } }),
    element('td', {}, [switchFor(w)]),
    element('td', {}, [
      runs,
      lastRun
        ? element('span', { className: `admin-status admin-status-${lastRun.status}`, text: lastRun.status })
        : null,
    ]),
    failures,
  ]);
}

function table(workflows, statusByName) {
  const head = ['Workflow', 'Trigger', 'Origin', 'On/off', 'Last run', 'Failed (24 h)'];
  return element(
    'div',
    { className: 'table-wrap', attrs: { role: 'region', 'aria-label': 'Workflows', tabindex: '0' } },
    [
      element('table', { className: 'admin-table' }, [
        element('caption', { text: `${workflows.length} workflows` }),
        element('thead', {}, [
          element(
            'tr',
            {},
            head.map((h) => element('th', { text: h, attrs: { scope: 'col' } })),
          ),
        ]),
        element(
          'tbody',
          {},
          workflows.map((w) => row(w, statusByName.get(w.name))),
        ),
      ]),
    ],
  );
}

function fillTemplates(workflows, templates) {
  const select = byId('template-select');
  const builtins = [
    ...workflows.filter((w) => w.origin === 'built-in').map((w) => ({ name: w.name, description: w.description })),
    ...templates,
  ].sort((a, b) => a.name.localeCompare(b.name));
  select.replaceChildren(
    element('option', { text: 'Choose a built-in', attrs: { value: '' } }),
    ...builtins.map((b) =>
      element('option', { text: b.description ? `${b.name}: ${b.description}` : b.name, attrs: { value: b.name } }),
    ),
  );
  byId('from-template').addEventListener('submit', (event) => {
    event.preventDefault();
    if (select.value) window.location.assign(`/console/studio/new?from=${encodeURIComponent(select.value)}`);
  });
}

async function start() {
  const box = byId('workflow-list');
  try {
    const [{ workflows, templates, doubleSends = [] }, status] = await Promise.all([
      api('GET', '/api/workflows'),
      api('GET', '/api/admin/workflows'),
    ]);
    const statusByName = new Map(status.workflows.map((s) => [s.name, s]));
    fillTemplates(workflows, templates);
    box.replaceChildren(
      ...doubleSends.map((double) =>
        element('p', { className: 'flash warning double-send', attrs: { role: 'note' } }, [
          `${double.message.replace(/[.:]?$/, '.')} To fix it: ${double.fix}.`,
        ]),
      ),
      workflows.length === 0
        ? element('p', { className: 'empty', text: 'No workflow runs here yet. Start one above.' })
        : table(workflows, statusByName),
    );
  } catch (error) {
    box.replaceChildren();
    say(byId('studio-status'), error.message, true);
  } finally {
    box.removeAttribute('aria-busy');
  }
}

start();
