// parley studio: the workflow editor (/console/studio/new, /console/studio/workflows/:name). It holds
// the draft as the workflow definition JSON (the YAML file's shape) and edits it in place; each
// section lives in its own module: conditions, steps, messages and question, scopes, test and
// publish, versions. Every change re-renders the previews (POST /api/workflows/preview) a moment after
// the organizer stops typing. Nothing is saved until Publish.

import { attachConditions, conditionRows, renderConditions } from './studio-conditions.js';
import { api, byId, debounce, element, say, when } from './studio-dom.js';
import { attachInsertPanel, samplePaths, valueText } from './studio-insert.js';
import { attachTemplates, renderTemplates, showPreview } from './studio-messages.js';
import { attachQuestion, renderQuestion } from './studio-question.js';
import { attachRun, loadConnections, renderScopes } from './studio-run.js';
import { attachActionPicker, renderSteps } from './studio-steps.js';
import { renderVersions } from './studio-versions.js';

const root = byId('studio-editor');
const status = byId('editor-status');

const state = {
  triggers: new Map(),
  actions: new Map(),
  draft: null,
  /** The workflow as the API describes it (origin, version, …); null until first published. */
  view: null,
  sample: null,
  conditionRows: [],
  connections: null,
  lastPreview: null,
  dirty: false,
};

let previewSeq = 0;
let insertPanel = null;

const ctx = {
  state,
  sampleData() {
    const trigger = state.triggers.get(state.draft.trigger);
    return trigger?.samples.find((s) => s.name === state.sample)?.data || {};
  },
  changed(what) {
    state.dirty = true;
    if (state.view !== null) byId('publish').textContent = 'Publish changes';
    if (what === 'steps' || what === 'trigger') renderScopes(ctx);
    if (what === 'steps' || what === 'templates' || what === 'question') insertPanel?.refresh();
    schedulePreview();
  },
  stepsRendered() {
    if (state.lastPreview) showPreview(state.lastPreview, state.draft.steps);
    insertPanel?.refresh();
  },
  /** The draft as the API takes it: no empty `with`, nothing undefined. */
  definition() {
    const definition = JSON.parse(JSON.stringify(state.draft));
    for (const step of definition.steps) if (step.with && Object.keys(step.with).length === 0) delete step.with;
    return definition;
  },
  refreshPreview,
  loaded(answer) {
    const { definition, ...view } = answer;
    state.view = view;
    setDraft(definition);
    if (window.location.pathname !== pathOf(view.name)) window.history.replaceState(null, '', pathOf(view.name));
    document.title = `Workflow ${view.name} · parley`;
    document.querySelector('main h1').textContent = `Workflow ${view.name}`;
  },
  versionsChanged: () => renderVersions(ctx),
};

function pathOf(name) {
  return `/console/studio/workflows/${encodeURIComponent(name)}`;
}

const schedulePreview = debounce(() => {
  refreshPreview().catch(() => {});
}, 350);

async function refreshPreview() {
  const seq = ++previewSeq;
  const body = { definition: ctx.definition() };
  if (state.sample) body.sample = state.sample;
  try {
    const answer = await api('POST', '/api/workflows/preview', body);
    if (seq !== previewSeq) return;
    state.lastPreview = answer;
    showPreview(answer, state.draft.steps);
  } catch (error) {
    if (seq === previewSeq) say(status, `The preview could not be rendered: ${error.message}`, true);
  }
}

// ---- about, trigger and sample ----

function renderOrigin() {
  const box = byId('editor-origin');
  const { view } = state;
  const publish = byId('publish');
  publish.disabled = view?.origin === 'file';
  byId('wf-name').readOnly = view !== null;
  if (view === null) box.textContent = 'New workflow: nothing runs until you publish it.';
  else if (view.origin === 'file') {
    box.textContent = `From the file ${view.file}: read-only here. Edit the file, or save a copy under a new name from the list.`;
  } else if (view.origin === 'built-in') {
    box.textContent =
      'Built-in workflow, as shipped. Publishing a change saves your own copy, which runs instead of it.';
  } else {
    box.textContent = `Version ${view.version}, saved ${when(view.updatedAt)} by ${view.author}${view.replacesBuiltIn ? ' (your copy of the built-in)' : ''}. ${view.enabled ? 'Switched on.' : 'Switched off.'}`;
  }
}

function renderSample() {
  const trigger = state.triggers.get(state.draft.trigger);
  const select = byId('wf-sample');
  const samples = trigger?.samples || [];
  select.replaceChildren(
    ...samples.map((s) => element('option', { text: `${s.name}: ${s.description}`, attrs: { value: s.name } })),
  );
  select.disabled = samples.length === 0;
  if (!samples.some((s) => s.name === state.sample)) state.sample = samples[0]?.name ?? null;
  if (state.sample) select.value = state.sample;
  const box = byId('sample-data');
  if (samples.length === 0) {
    box.replaceChildren(
      element('p', {
        className: 'empty',
        text: 'This trigger has no sample events, so previews show empty fields and Test has nothing to start from. You can still build and publish it.',
      }),
    );
    return;
  }
  const paths = samplePaths(ctx.sampleData());
  box.replaceChildren(
    element('details', { className: 'sample-details', attrs: { open: true } }, [
      element('summary', { text: `What this sample holds (${paths.length} fields)` }),
      element(
        'dl',
        { className: 'sample-fields' },
        paths.flatMap(({ path, value }) => [
          element('dt', {}, [element('code', { text: path })]),
          element('dd', { text: valueText(value) }),
        ]),
      ),
    ]),
  );
}

function renderTrigger() {
  const select = byId('wf-trigger');
  select.replaceChildren(
    ...[...state.triggers.values()].map((t) =>
      element('option', { text: `${t.description} (${t.name})`, attrs: { value: t.name } }),
    ),
  );
  select.value = state.draft.trigger;
  const trigger = state.triggers.get(state.draft.trigger);
  byId('wf-trigger-hint').textContent = trigger ? `From ${trigger.source}.` : '';
  renderSample();
}

function setDraft(definition) {
  state.draft = structuredClone(definition);
  state.draft.steps = state.draft.steps || [];
  state.conditionRows = conditionRows(state.draft.conditions);
  state.dirty = false;
  byId('wf-name').value = state.draft.name || '';
  byId('wf-description').value = state.draft.description || '';
  byId('publish').textContent = 'Publish';
  renderOrigin();
  renderTrigger();
  renderConditions(ctx);
  renderSteps(ctx);
  renderTemplates(ctx);
  renderQuestion(ctx);
  renderScopes(ctx);
  schedulePreview();
}

function attachBasics() {
  byId('wf-name').addEventListener('input', (event) => {
    state.draft.name = event.target.value.trim();
    ctx.changed('name');
  });
  byId('wf-description').addEventListener('input', (event) => {
    if (event.target.value.trim() === '') delete state.draft.description;
    else state.draft.description = event.target.value;
    ctx.changed('description');
  });
  byId('wf-trigger').addEventListener('change', (event) => {
    state.draft.trigger = event.target.value;
    renderTrigger();
    renderConditions(ctx);
    renderSteps(ctx);
    ctx.changed('trigger');
  });
  byId('wf-sample').addEventListener('change', (event) => {
    state.sample = event.target.value;
    renderSample();
    renderConditions(ctx);
    insertPanel?.refresh();
    schedulePreview();
  });
}

async function initialDefinition() {
  const { name, from } = root.dataset;
  if (name) {
    const answer = await api('GET', `/api/workflows/${encodeURIComponent(name)}`);
    const { definition, ...view } = answer;
    // A built-in not running yet is a template: its first publish creates it like any built-in edit.
    state.view = view;
    return definition;
  }
  if (from) {
    const { definition } = await api('GET', `/api/workflows/${encodeURIComponent(from)}`);
    return { ...definition, name: `${from}-copy`, description: `Based on ${from}` };
  }
  return { name: '', trigger: [...state.triggers.keys()][0], steps: [] };
}

async function start() {
  try {
    const catalog = await api('GET', '/api/catalog');
    for (const trigger of catalog.triggers) state.triggers.set(trigger.name, trigger);
    for (const action of catalog.actions) state.actions.set(action.name, action);
    const definition = await initialDefinition();
    insertPanel = attachInsertPanel(ctx);
    attachBasics();
    attachConditions(ctx);
    attachActionPicker(ctx);
    attachTemplates(ctx);
    attachQuestion(ctx);
    attachRun(ctx);
    setDraft(definition);
    await Promise.all([loadConnections(ctx), renderVersions(ctx), refreshPreview()]);
  } catch (error) {
    say(status, error.message, true);
  } finally {
    // The page stays inert until the draft is loaded, so nothing typed before is overwritten.
    root.removeAttribute('aria-busy');
    root.inert = false;
  }
}

start();
