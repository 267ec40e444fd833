// parley studio: the steps of a workflow. Each step is a card whose form is generated from its action's
// `inputSchema` (GET /api/catalog): text inputs for strings, selects for enums, checkboxes for
// booleans, comma-separated text for lists of text, JSON for anything else; required inputs marked.
// Inputs the run fills itself (`defaulted`) and rarely used ones sit under "More fields". A new step
// is picked from a searchable list of the catalog's actions by title, and its contact and
// conversation are filled in from earlier steps when one provides them.

import { button, byId, element, labelled, uid } from './studio-dom.js';

/** Inputs shown without opening "More fields", besides the required ones and those with a value. */
const PRIMARY = {
  'highlevel.send-a-new-message': ['type', 'contactId', 'conversationId', 'subject', 'message', 'html'],
  'contacts.upsert': ['email', 'phone', 'firstName', 'lastName', 'tags'],
  'links.save': ['contactId', 'conversationId', 'welcomeMessageId'],
};

const LABELS = {
  type: 'Channel',
  contactId: 'Contact',
  conversationId: 'Conversation',
  html: 'Email body',
  message: 'Message text',
  subject: 'Subject',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  welcomeMessageId: 'Welcome message',
  eventKey: 'Event',
  attendeeId: 'Attendee id',
};

const LONG_TEXT = new Set(['message', 'html', 'body', 'text']);

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

function humanize(name) {
  if (LABELS[name]) return LABELS[name];
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/** What kind of control a property schema gets. */
function kindOf(schema) {
  const variants = schema.anyOf || [schema];
  const types = variants.flatMap((v) => (Array.isArray(v.type) ? v.type : [v.type])).filter((t) => t && t !== 'null');
  const values = (schema.enum || []).filter((v) => v !== null);
  if (values.length > 0 && values.every((v) => typeof v === 'string')) return { kind: 'enum', values };
  if (types.includes('string') || types.includes('number') || types.includes('integer')) return { kind: 'text' };
  if (types.length === 1 && types[0] === 'boolean') return { kind: 'boolean' };
  const list = variants.find((v) => v.type === 'array' || (Array.isArray(v.type) && v.type.includes('array')));
  if (list && (list.items?.type === 'string' || list.items?.type?.includes?.('string'))) return { kind: 'list' };
  return { kind: 'json' };
}

function textOf(value) {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The control for one input of a step, writing into step.with as the organizer types. */
function inputControl(ctx, step, index, name, schema, required) {
  const { kind, values } = kindOf(schema);
  const current = step.with?.[name];
  const set = (value) => {
    step.with = step.with || {};
    if (value === undefined) delete step.with[name];
    else step.with[name] = value;
    ctx.changed('step-input');
  };
  const id = uid(`step-${index}-${name}`);
  const label = humanize(name);
  const hint = schema.description && !schema.description.startsWith('The run fills') ? schema.description : null;

  if (kind === 'enum') {
    const select = element('select', { attrs: { id, name, required: required || undefined } });
    const options = [element('option', { text: required ? 'Choose…' : '(not set)', attrs: { value: '' } })];
    // A send's channel can follow the attendee: SMS with a phone, else Email (src/lib/template-filters.ts).
    if (name === 'type' && step.action === 'highlevel.send-a-new-message' && ctx.sampleData().attendee) {
      options.push(
        element('option', {
          text: 'SMS if the attendee has a phone, else Email',
          attrs: { value: '{{ attendee | channel }}' },
        }),
      );
    }
    for (const value of values) options.push(element('option', { text: value, attrs: { value } }));
    if (typeof current === 'string' && current !== '' && !options.some((o) => o.value === current)) {
      options.push(element('option', { text: `${current} (from data)`, attrs: { value: current } }));
    }
    select.replaceChildren(...options);
    select.value = typeof current === 'string' ? current : '';
    select.addEventListener('change', () => set(select.value === '' ? undefined : select.value));
    return labelled(label, select, hint, { required });
  }
  if (kind === 'boolean' && (current === undefined || typeof current === 'boolean')) {
    const box = element('input', { attrs: { id, name, type: 'checkbox', checked: current === true || undefined } });
    box.addEventListener('change', () => set(box.checked ? true : required ? false : undefined));
    return labelled(label, box, hint, { inline: true });
  }
  if (kind === 'json') {
    const area = element('textarea', { attrs: { id, name, rows: '3', spellcheck: 'false' } });
    area.value = current === undefined ? '' : JSON.stringify(current, null, 2);
    const problem = element('span', { className: 'field-error', attrs: { 'aria-live': 'polite' } });
    area.addEventListener('input', () => {
      if (area.value.trim() === '') {
        problem.textContent = '';
        area.removeAttribute('aria-invalid');
        return set(undefined);
      }
      try {
        const parsed = JSON.parse(area.value);
        problem.textContent = '';
        area.removeAttribute('aria-invalid');
        set(parsed);
      } catch {
        problem.textContent = 'Not valid JSON yet: the last valid value is kept.';
        area.setAttribute('aria-invalid', 'true');
      }
    });
    const field = labelled(`${label} (JSON)`, area, hint, { required });
    field.append(problem);
    return field;
  }
  const long = LONG_TEXT.has(name);
  const control = element(long ? 'textarea' : 'input', {
    attrs: {
      id,
      name,
      rows: long ? '4' : undefined,
      autocomplete: 'off',
      required: required || undefined,
      'aria-required': required ? 'true' : undefined,
      'data-insert': `step:${index}`,
    },
  });
  control.value = Array.isArray(current) && kind === 'list' ? current.join(', ') : textOf(current);
  control.addEventListener('input', () => {
    const text = control.value;
    if (text === '') return set(undefined);
    if (kind === 'list' && !text.includes('{{')) {
      const items = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      return set(items.length > 0 ? items : undefined);
    }
    set(text);
  });
  const listHint = kind === 'list' ? 'Separate several with commas.' : null;
  return labelled(label, control, [hint, listHint].filter(Boolean).join(' ') || null, { required });
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

/** An action that takes any keys: its whole `with` as JSON. */
function inputControlJson(ctx, step) {
  const area = element('textarea', { attrs: { rows: '4', spellcheck: 'false' } });
  area.value = JSON.stringify(step.with || {}, null, 2);
  const problem = element('span', { className: 'field-error', attrs: { 'aria-live': 'polite' } });
  area.addEventListener('input', () => {
    try {
      const parsed = JSON.parse(area.value || '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      step.with = parsed;
      problem.textContent = '';
      area.removeAttribute('aria-invalid');
      ctx.changed('step-input');
    } catch {
      problem.textContent = 'Not a valid JSON object yet: the last valid value is kept.';
      area.setAttribute('aria-invalid', 'true');
    }
  });
  const field = labelled('Fields (JSON)', area, null);
  field.append(problem);
  return field;
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
