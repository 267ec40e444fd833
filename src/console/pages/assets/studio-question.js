// parley studio: the workflow's choice question (`question`, src/preferences/question.ts) as a table
// of options (number, value stored, label, words that choose it) and plain texts: the question, the
// reply after an answer and the reply when it is not understood, whose `choice` and `question` values
// are inserted with chips. Its previews come with the others (studio-messages.js showPreview).

import { button, byId, element, labelled } from './studio-dom.js';

const NEW_QUESTION = {
  key: 'updates',
  prompt: '',
  options: [
    { number: 1, value: '' },
    { number: 2, value: '' },
  ],
  confirm: "Thanks! You'll get {{ choice.label }}.",
  reask: "Sorry, I didn't catch that. Reply {{ question.choices }}.",
};

function optionRow(ctx, question, option, index) {
  const changed = () => ctx.changed('question');
  const cell = (control) => element('td', {}, [control]);
  const number = element('input', {
    attrs: {
      type: 'number',
      min: '0',
      max: '99',
      'aria-label': `Number of option ${index + 1}`,
      value: String(option.number ?? ''),
    },
  });
  number.addEventListener('input', () => {
    option.number = number.value === '' ? undefined : Number(number.value);
    changed();
  });
  const text = (key, label) => {
    const input = element('input', { attrs: { autocomplete: 'off', 'aria-label': `${label} of option ${index + 1}` } });
    input.value = key === 'keywords' ? (option.keywords || []).join(', ') : option[key] || '';
    input.addEventListener('input', () => {
      if (key === 'keywords') {
        const words = input.value
          .split(',')
          .map((word) => word.trim())
          .filter(Boolean);
        if (words.length > 0) option.keywords = words;
        else delete option.keywords;
      } else if (input.value.trim() === '' && key === 'label') delete option.label;
      else option[key] = input.value;
      changed();
    });
    return input;
  };
  return element('tr', {}, [
    cell(number),
    cell(text('value', 'Value stored')),
    cell(text('label', 'Label')),
    cell(text('keywords', 'Words that choose')),
    element('td', {}, [
      button(
        'Remove',
        () => {
          question.options.splice(index, 1);
          renderQuestion(ctx);
          changed();
        },
        { label: `Remove option ${index + 1}` },
      ),
    ]),
  ]);
}

export function renderQuestion(ctx) {
  const container = byId('question');
  const question = ctx.state.draft.question;
  byId('question-on').checked = Boolean(question);
  if (!question) {
    container.replaceChildren();
    return;
  }
  const changed = () => ctx.changed('question');
  const input = (value, onInput, attrs = {}) => {
    const control = element(attrs.rows ? 'textarea' : 'input', { attrs: { autocomplete: 'off', ...attrs } });
    control.value = value || '';
    control.addEventListener('input', () => {
      onInput(control.value);
      changed();
    });
    return control;
  };
  const key = input(question.key, (v) => (question.key = v.trim()), { spellcheck: 'false' });
  const prompt = input(question.prompt, (v) => (question.prompt = v), { rows: '2' });
  const confirm = input(question.confirm, (v) => (question.confirm = v), { rows: '2', 'data-insert': 'reply' });
  const reask = input(question.reask, (v) => (question.reask = v), { rows: '2', 'data-insert': 'reply' });
  const head = ['Number', 'Value stored', 'Label', 'Words that choose it', ''];
  container.replaceChildren(
    element('div', { className: 'field-grid' }, [
      labelled('Saved as', key, 'The preference key, e.g. updates: lowercase letters, digits, - and _.'),
    ]),
    labelled('Question', prompt, 'Messages show it with question.prompt, and the options with question.choices.'),
    element('div', { className: 'table-wrap' }, [
      element('table', { className: 'admin-table question-options' }, [
        element('caption', { text: 'Options: a reply chooses one by its number or a word of it' }),
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
          question.options.map((option, index) => optionRow(ctx, question, option, index)),
        ),
      ]),
    ]),
    element('div', { className: 'actions' }, [
      button('Add option', () => {
        const numbers = question.options.map((o) => Number(o.number) || 0);
        question.options.push({ number: Math.max(0, ...numbers) + 1, value: '' });
        renderQuestion(ctx);
        changed();
      }),
    ]),
    element('div', { className: 'template-columns' }, [
      labelled('Reply after an answer', confirm, 'Sent when a reply chooses an option.'),
      element('div', { attrs: { 'data-question-preview': 'confirm', 'aria-live': 'polite' } }),
    ]),
    element('div', { className: 'template-columns' }, [
      labelled('Reply when not understood', reask, 'Sent when a reply chooses no option, or several.'),
      element('div', { attrs: { 'data-question-preview': 'reask', 'aria-live': 'polite' } }),
    ]),
    element('p', { className: 'muted', attrs: { 'data-question-preview': 'problem', 'aria-live': 'polite' } }),
  );
}

export function attachQuestion(ctx) {
  let kept = null;
  byId('question-on').addEventListener('change', (event) => {
    if (event.target.checked) ctx.state.draft.question = kept || structuredClone(NEW_QUESTION);
    else {
      kept = ctx.state.draft.question;
      delete ctx.state.draft.question;
    }
    renderQuestion(ctx);
    ctx.changed('question');
  });
}
