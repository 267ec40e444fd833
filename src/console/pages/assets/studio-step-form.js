// parley studio: the form of one step, generated from its action's `inputSchema` (GET /api/catalog):
// a text input for a string or number (a text area for a message body), a select for an enum, a
// checkbox for a boolean, comma-separated text for a list of text, JSON for anything else. Each
// control writes into the step's `with` as the organizer types; clearing one leaves the input out.

import { element, labelled, uid } from './studio-dom.js';

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
export function inputControl(ctx, step, index, name, schema, required) {
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

/** An action that takes any keys: its whole `with` as JSON. */
export function inputControlJson(ctx, step) {
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
