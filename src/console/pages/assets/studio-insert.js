// parley studio: inserting data into a text by clicking, so an organizer never types `{{ }}`. A field
// marked data-insert="step:<index>" | "template" | "reply" gets the insert panel right under it while
// it has focus; each chip puts `{{ path }}` at the caret and fires `input`, as typing would. Chips come
// from the sample's data (its leaf fields), earlier steps' outputs (the catalog's `outputs`), the
// workflow's messages (`templates.<name>`) and its question; a reply text reads only `question` and
// `choice` (src/preferences/reply-text.ts), so it gets only those.

import { byId, element } from './studio-dom.js';

const MAX_DEPTH = 4;

/** The sample's leaf fields as [{ path, value }]: `attendee.firstName` → 'Jonas'. */
export function samplePaths(data, prefix = '', depth = 0) {
  const out = [];
  for (const [key, value] of Object.entries(data || {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < MAX_DEPTH) {
      out.push(...samplePaths(value, path, depth + 1));
    } else {
      out.push({ path, value });
    }
  }
  return out;
}

export function valueText(value) {
  if (value === null || value === undefined) return 'empty';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const REPLY_CHIPS = [
  { path: 'choice.label', value: 'the chosen option’s label' },
  { path: 'choice.number', value: 'its number' },
  { path: 'choice.value', value: 'the value stored' },
  { path: 'question.choices', value: '1 for …, 2 for …' },
  { path: 'question.numbers', value: '1, 2 or 3' },
];

/** The chip groups for a field: [{ label, chips: [{ path, value }] }]. */
function groupsFor(ctx, kind) {
  const { draft } = ctx.state;
  if (kind === 'reply') return [{ label: 'Question', chips: REPLY_CHIPS }];
  const groups = [];
  const byTop = new Map();
  for (const chip of samplePaths(ctx.sampleData())) {
    const top = chip.path.split('.')[0];
    if (!byTop.has(top)) byTop.set(top, []);
    byTop.get(top).push(chip);
  }
  for (const [top, chips] of byTop) groups.push({ label: top, chips });
  if (groups.length === 0) {
    const trigger = ctx.state.triggers.get(draft.trigger);
    const fields = trigger ? trigger.fields : [];
    groups.push({ label: 'Trigger', chips: fields.map((path) => ({ path, value: 'no sample' })) });
  }
  const stepIndex = kind.startsWith('step:') ? Number(kind.slice('step:'.length)) : draft.steps.length;
  const earlier = draft.steps.slice(0, stepIndex).flatMap((step) => {
    const action = ctx.state.actions.get(step.action);
    return (action?.outputs || []).map((output) => ({
      path: `steps.${step.id}.${output}`,
      value: `from step ${step.id} (${action.title})`,
    }));
  });
  if (earlier.length > 0) groups.push({ label: 'Earlier steps', chips: earlier });
  if (draft.question) {
    groups.push({
      label: 'Question',
      chips: [
        { path: 'question.prompt', value: draft.question.prompt || 'the question' },
        { path: 'question.choices', value: '1 for …, 2 for …' },
        { path: 'question.numbers', value: '1, 2 or 3' },
      ],
    });
  }
  const names = Object.keys(draft.templates || {});
  if (kind.startsWith('step:') && names.length > 0) {
    groups.push({
      label: 'Messages',
      chips: names.map((name) => ({ path: `templates.${name}`, value: `the message ${name}` })),
    });
  }
  return groups;
}

function insertAt(field, text) {
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? start;
  field.value = field.value.slice(0, start) + text + field.value.slice(end);
  const caret = start + text.length;
  field.focus();
  field.setSelectionRange(caret, caret);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

export function attachInsertPanel(ctx) {
  const panel = byId('insert-panel');
  let target = null;

  function show(field) {
    target = field;
    const groups = groupsFor(ctx, field.dataset.insert);
    const heading = element('p', { className: 'insert-heading' }, [
      'Insert into ',
      element('strong', { text: field.labels?.[0]?.firstChild?.textContent?.trim() || 'this field' }),
    ]);
    panel.replaceChildren(
      heading,
      ...groups.map((group) =>
        element('div', { className: 'insert-group' }, [
          element('span', { className: 'insert-group-label', text: group.label }),
          ...group.chips.map((chip) =>
            element(
              'button',
              {
                className: 'chip',
                attrs: { type: 'button', 'aria-label': `Insert ${chip.path}`, title: valueText(chip.value) },
                on: {
                  // mousedown would blur the field first; the caret is read from the field all the same.
                  click: () => insertAt(target, `{{ ${chip.path} }}`),
                },
              },
              [
                element('code', { text: chip.path }),
                element('span', { className: 'chip-value', text: valueText(chip.value) }),
              ],
            ),
          ),
        ]),
      ),
    );
    (field.closest('.field') || field).after(panel);
    panel.hidden = false;
  }

  document.addEventListener('focusin', (event) => {
    const field = event.target;
    if (field instanceof HTMLElement && field.dataset.insert) {
      if (field !== target || panel.hidden) show(field);
    } else if (!panel.contains(field) && field !== target) {
      panel.hidden = true;
      target = null;
    }
  });

  // Lists change as steps, messages and the sample change: refresh the open panel.
  return {
    refresh() {
      if (target && !panel.hidden && document.body.contains(target)) show(target);
      else if (target && !document.body.contains(target)) {
        panel.hidden = true;
        target = null;
      }
    },
  };
}
