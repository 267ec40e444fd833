// parley studio: the steps of a workflow. Each step is a card with its form (studio-step-form.js):
// required inputs first, inputs the run fills itself (`defaulted`) and rarely used ones under "More
// fields". A new step is picked from a searchable list of the catalog's actions by title, and its
// contact and conversation are filled in from earlier steps when one provides them.

import { button, byId, element, labelled, uid } from './studio-dom.js';
import { inputControl, inputControlJson } from './studio-step-form.js';

/** Inputs shown without opening "More fields", besides the required ones and those with a value. */
const PRIMARY = {
  'highlevel.send-a-new-message': ['type', 'contactId', 'conversationId', 'subject', 'message', 'html'],
  'contacts.upsert': ['email', 'phone', 'firstName', 'lastName', 'tags'],
  'links.save': ['contactId', 'conversationId', 'welcomeMessageId'],
};

/** A short step id from the action: contact, conversation, message, …; unique in the workflow. */
const ID_BASES = {
  'contacts.upsert': 'contact',
  'conversations.find-or-create': 'conversation',
  'highlevel.send-a-new-message': 'message',
  'links.save': 'links',
  'preferences.ask': 'ask',
  'preferences.answer': 'answer',
  'contacts.add-tags': 'tags',
};

function stepIdFor(action, steps) {
  const base =
    ID_BASES[action] ||
    action
      .split('.')
      .pop()
      .replace(/[^A-Za-z0-9_]/g, '_');
  const taken = new Set(steps.map((step) => step.id));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}_${n}`)) n += 1;
  return `${base}_${n}`;
}

/** Contact and conversation from earlier steps, and the attendee's details for a contact. */
function prefill(ctx, action, earlier) {
  const out = {};
  const inputs = new Set((action.inputs || []).map((input) => input.name));
  const from = (actionName) => [...earlier].reverse().find((step) => step.action === actionName);
  const contact = from('contacts.upsert');
  const conversation = from('conversations.find-or-create');
  if (inputs.has('contactId') && contact) out.contactId = `{{ steps.${contact.id}.id }}`;
  if (inputs.has('conversationId') && conversation) out.conversationId = `{{ steps.${conversation.id}.id }}`;
  const attendee = ctx.sampleData().attendee;
  if (action.name === 'contacts.upsert' && attendee && typeof attendee === 'object') {
    for (const name of ['email', 'phone', 'firstName', 'lastName']) {
      if (name in attendee) out[name] = `{{ attendee.${name} }}`;
    }
  }
  return out;
}

export function addStep(ctx, actionName) {
  const action = ctx.state.actions.get(actionName);
  const steps = ctx.state.draft.steps;
  const step = { id: stepIdFor(actionName, steps), action: actionName };
  const filled = prefill(ctx, action, steps);
  if (Object.keys(filled).length > 0) step.with = filled;
  steps.push(step);
  ctx.changed('steps');
  renderSteps(ctx);
  const card = byId('steps').lastElementChild;
  card?.querySelector('input, select, textarea')?.focus();
}

function move(ctx, index, by) {
  const steps = ctx.state.draft.steps;
  const [step] = steps.splice(index, 1);
  steps.splice(index + by, 0, step);
  ctx.changed('steps');
  renderSteps(ctx);
}

function advanced(ctx, step, index) {
  const idInput = element('input', { attrs: { autocomplete: 'off', spellcheck: 'false', value: step.id } });
  idInput.addEventListener('change', () => {
    step.id = idInput.value.trim();
    ctx.changed('steps');
    renderSteps(ctx);
  });
  const onlyIf = element('input', {
    attrs: { autocomplete: 'off', spellcheck: 'false', 'data-insert': `step:${index}` },
  });
  onlyIf.value = step.if || '';
  onlyIf.addEventListener('input', () => {
    if (onlyIf.value.trim() === '') delete step.if;
    else step.if = onlyIf.value;
    ctx.changed('step-input');
  });
  return element('details', { className: 'step-advanced' }, [
    element('summary', { text: 'Advanced' }),
    labelled('Step id', idInput, 'Later steps read this step’s results as steps.<id>.…; letters, digits and _.'),
    labelled(
      'Only run this step when',
      onlyIf,
      'A condition as text, e.g. attendee.phone != blank. Leave empty to always run.',
    ),
    step.option ? element('p', { className: 'muted', text: `Part of the workflow option “${step.option}”.` }) : null,
  ]);
}

function stepCard(ctx, step, index) {
  const action = ctx.state.actions.get(step.action);
  const headingId = uid('step-heading');
  const title = action ? action.title : step.action;
  const section = element('section', { className: 'studio-step', attrs: { 'aria-labelledby': headingId } }, [
    element('h3', { attrs: { id: headingId }, text: `Step ${index + 1}: ${title}` }),
    element('p', { className: 'muted' }, [
      element('code', { text: step.id }),
      ` · ${step.action}`,
      action?.unsafe ? ' · sends to the attendee' : '',
    ]),
  ]);
  if (!action) {
    section.append(
      element('p', { className: 'missing', text: `There is no action ${step.action}; remove this step.` }),
    );
  } else if (action.inputs === null) {
    section.append(element('p', { className: 'muted', text: 'This action takes any fields; edit its JSON below.' }));
    section.append(inputControlJson(ctx, step));
  } else {
    const properties = action.inputSchema.properties || {};
    const required = new Set(action.inputSchema.required || []);
    const primary = new Set(PRIMARY[step.action] || []);
    const main = [];
    const more = [];
    for (const input of action.inputs) {
      const schema = properties[input.name] || {};
      const control = inputControl(ctx, step, index, input.name, schema, required.has(input.name));
      const shown = required.has(input.name) || primary.has(input.name) || step.with?.[input.name] !== undefined;
      (shown && !input.defaulted ? main : more).push(control);
    }
    // The inputs an organizer fills most, in the order they read a message: channel, who, what.
    const order = PRIMARY[step.action] || [];
    const rank = (control) => {
      const at = order.indexOf(control.querySelector('[name]')?.getAttribute('name'));
      return at === -1 ? order.length : at;
    };
    section.append(
      ...main
        .map((control, i) => [control, i])
        .sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1])
        .map(([control]) => control),
    );
    if (more.length > 0) {
      section.append(
        element('details', { className: 'step-more' }, [
          element('summary', { text: `More fields (${more.length})` }),
          ...more,
        ]),
      );
    }
  }
  if (step.action === 'highlevel.send-a-new-message') {
    section.append(
      element('div', { className: 'step-preview', attrs: { 'data-step-preview': step.id, 'aria-live': 'polite' } }),
    );
  }
  section.append(advanced(ctx, step, index));
  const steps = ctx.state.draft.steps;
  section.append(
    element('div', { className: 'actions' }, [
      index > 0 ? button('Move up', () => move(ctx, index, -1), { label: `Move step ${index + 1} up` }) : null,
      index < steps.length - 1
        ? button('Move down', () => move(ctx, index, 1), { label: `Move step ${index + 1} down` })
        : null,
      button(
        'Remove',
        () => {
          steps.splice(index, 1);
          ctx.changed('steps');
          renderSteps(ctx);
        },
        { label: `Remove step ${index + 1}` },
      ),
    ]),
  );
  return element('li', {}, [section]);
}

export function renderSteps(ctx) {
  const list = byId('steps');
  // The insert panel may sit inside a card about to be replaced: keep it in the page.
  const panel = byId('insert-panel');
  if (panel && list.contains(panel)) {
    panel.hidden = true;
    document.body.append(panel);
  }
  const steps = ctx.state.draft.steps;
  list.replaceChildren(...steps.map((step, index) => stepCard(ctx, step, index)));
  if (steps.length === 0) list.append(element('li', { className: 'empty', text: 'No steps yet. Add one.' }));
  ctx.stepsRendered();
}

export function attachActionPicker(ctx) {
  const dialog = byId('action-picker');
  const search = byId('action-search');
  const results = byId('action-results');
  const actions = [...ctx.state.actions.values()].sort((a, b) => a.title.localeCompare(b.title));

  function show() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const found = actions.filter((action) => {
      const text = `${action.title} ${action.name} ${action.description}`.toLowerCase();
      return words.every((word) => text.includes(word));
    });
    results.replaceChildren(
      ...found.map((action) =>
        element('li', {}, [
          element(
            'button',
            {
              className: 'action-choice',
              attrs: { type: 'button', 'aria-label': action.title },
              on: {
                click: () => {
                  dialog.close();
                  addStep(ctx, action.name);
                },
              },
            },
            [
              element('strong', { text: action.title }),
              element('span', { className: 'muted', text: action.unsafe ? ' · sends to the attendee' : '' }),
              element('span', { className: 'action-name', text: action.name }),
            ],
          ),
        ]),
      ),
    );
    if (found.length === 0) results.append(element('li', { className: 'empty', text: 'No action matches.' }));
  }

  search.addEventListener('input', show);
  byId('picker-cancel').addEventListener('click', () => dialog.close());
  byId('add-step').addEventListener('click', () => {
    search.value = '';
    show();
    dialog.showModal();
    search.focus();
  });
}
