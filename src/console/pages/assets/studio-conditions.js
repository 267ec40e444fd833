// parley studio: the workflow's conditions, each built from a field of the trigger's sample, an
// operator and a value (studio-condition-text.js writes the Liquid text the workflow stores). A
// condition the picker cannot read back stays as text, with "Edit as text" as the way in; any picked
// one can be turned into text too.

import { conditionText, OPERATORS, parseCondition } from './studio-condition-text.js';
import { button, byId, element, labelled, uid } from './studio-dom.js';
import { samplePaths, valueText } from './studio-insert.js';

/** Rows as the page holds them; the draft's `conditions` are rebuilt from them on every change. */
export function conditionRows(conditions) {
  return (conditions || []).map((text) => {
    const picked = parseCondition(text);
    return picked ? { mode: 'picker', picked } : { mode: 'text', text, editing: false };
  });
}

function syncDraft(ctx) {
  const texts = [];
  for (const row of ctx.state.conditionRows) {
    if (row.mode === 'text') {
      if (row.text.trim() !== '') texts.push(row.text);
    } else {
      const built = conditionText(row.picked);
      if (built.text) texts.push(built.text);
    }
  }
  if (texts.length > 0) ctx.state.draft.conditions = texts;
  else delete ctx.state.draft.conditions;
  ctx.changed('conditions');
}

function fieldChoices(ctx, current) {
  const paths = samplePaths(ctx.sampleData());
  const options = [element('option', { text: 'Choose a field…', attrs: { value: '' } })];
  for (const { path, value } of paths) {
    options.push(element('option', { text: `${path} (e.g. ${valueText(value)})`, attrs: { value: path } }));
  }
  if (current && !paths.some((p) => p.path === current)) {
    options.push(element('option', { text: current, attrs: { value: current } }));
  }
  return options;
}

function pickerRow(ctx, row) {
  const field = element('select', { attrs: { id: uid('condition-field') } }, fieldChoices(ctx, row.picked.field));
  field.value = row.picked.field;
  const operator = element(
    'select',
    { attrs: { id: uid('condition-operator') } },
    OPERATORS.map((op) => element('option', { text: op.label, attrs: { value: op.id } })),
  );
  operator.value = row.picked.operator;
  const value = element('input', { attrs: { id: uid('condition-value'), autocomplete: 'off' } });
  value.value = row.picked.value;
  const valueField = labelled('Value', value);
  const stored = element('p', { className: 'condition-text muted' });
  const problem = element('p', { className: 'field-error', attrs: { 'aria-live': 'polite' } });

  function update() {
    row.picked = { field: field.value, operator: operator.value, value: value.value };
    const op = OPERATORS.find((candidate) => candidate.id === operator.value);
    valueField.hidden = !op?.takesValue;
    const built = conditionText(row.picked);
    stored.replaceChildren('Stored as ', element('code', { text: built.text || '…' }));
    problem.textContent = built.error || '';
  }
  update();
  const changed = () => {
    update();
    syncDraft(ctx);
  };
  field.addEventListener('change', changed);
  operator.addEventListener('change', changed);
  value.addEventListener('input', changed);
  return [
    element('div', { className: 'condition-picker' }, [
      labelled('Field', field),
      labelled('Compare', operator),
      valueField,
    ]),
    stored,
    problem,
  ];
}

function textRow(ctx, row) {
  if (!row.editing) {
    return [
      element('p', {}, [element('code', { className: 'condition-raw', text: row.text })]),
      element('p', { className: 'muted', text: 'Written as text: the picker cannot show this condition.' }),
    ];
  }
  const input = element('input', { attrs: { id: uid('condition-text'), autocomplete: 'off', spellcheck: 'false' } });
  input.value = row.text;
  input.addEventListener('input', () => {
    row.text = input.value;
    syncDraft(ctx);
  });
  return [
    labelled('Condition text', input, "Liquid, e.g. attendee.ticketType == 'VIP Pass' and attendee.phone != blank"),
  ];
}

export function renderConditions(ctx) {
  const list = byId('conditions');
  const rows = ctx.state.conditionRows;
  list.replaceChildren(
    ...rows.map((row, index) => {
      const label = `Condition ${index + 1}`;
      const controls = row.mode === 'picker' ? pickerRow(ctx, row) : textRow(ctx, row);
      const actions = element('div', { className: 'actions' }, [
        row.mode === 'picker' || !row.editing
          ? button(
              'Edit as text',
              () => {
                const text = row.mode === 'picker' ? conditionText(row.picked).text || '' : row.text;
                rows[index] = { mode: 'text', text, editing: true };
                renderConditions(ctx);
                list.children[index]?.querySelector('input')?.focus();
              },
              { label: `Edit condition ${index + 1} as text` },
            )
          : null,
        button(
          'Remove',
          () => {
            rows.splice(index, 1);
            renderConditions(ctx);
            syncDraft(ctx);
          },
          { label: `Remove condition ${index + 1}` },
        ),
      ]);
      return element('li', { className: 'condition', attrs: { role: 'group', 'aria-label': label } }, [
        ...controls,
        actions,
      ]);
    }),
  );
  if (rows.length === 0) {
    list.append(element('li', { className: 'empty', text: 'No conditions: it runs for every event of its trigger.' }));
  }
}

export function attachConditions(ctx) {
  byId('add-condition').addEventListener('click', () => {
    ctx.state.conditionRows.push({ mode: 'picker', picked: { field: '', operator: 'is', value: '' } });
    renderConditions(ctx);
    byId('conditions').lastElementChild?.querySelector('select')?.focus();
  });
}
