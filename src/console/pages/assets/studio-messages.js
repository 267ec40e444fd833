// parley studio: the workflow's messages (`templates`), and every live preview from POST
// /api/workflows/preview (messages, send steps, the question's replies): the text as the chosen sample
// attendee would get it, an SMS's characters and segments, an Email step's subject and body, and a
// broken template's error in place.

import { button, byId, element, labelled, say, uid } from './studio-dom.js';

const TEMPLATE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function smsWords(sms) {
  if (!sms) return '';
  const segments = `${sms.segments} ${sms.segments === 1 ? 'segment' : 'segments'}`;
  return `SMS: ${sms.characters} characters, ${segments} (${sms.encoding}, ${sms.perSegment} per segment)`;
}

function errorWords(error) {
  const where = error.line ? ` (line ${error.line}, column ${error.col})` : '';
  return `${error.message}${where}`;
}

/** One rendered text: the text, or its error in red; the SMS count under it. */
export function renderedBlock(rendered, options = {}) {
  if (!rendered) return element('p', { className: 'muted', text: 'Nothing to show yet.' });
  const parts = [];
  if (rendered.error) {
    parts.push(element('p', { className: 'preview-error', text: `Error: ${errorWords(rendered.error)}` }));
  } else {
    parts.push(
      element('p', {
        className: rendered.text === '' ? 'preview-text empty' : 'preview-text',
        text: rendered.text === '' ? '(empty)' : rendered.text,
      }),
    );
  }
  if (options.sms && rendered.sms)
    parts.push(element('p', { className: 'muted preview-sms', text: smsWords(rendered.sms) }));
  return element('div', { className: 'preview-block' }, parts);
}

function templateCard(ctx, name) {
  const templates = ctx.state.draft.templates;
  const headingId = uid('template-heading');
  const area = element('textarea', {
    attrs: { id: uid('template'), rows: '4', 'data-insert': 'template', 'data-template': name },
  });
  area.value = templates[name];
  area.addEventListener('input', () => {
    templates[name] = area.value;
    ctx.changed('templates');
  });
  return element('section', { className: 'template-card', attrs: { 'aria-labelledby': headingId } }, [
    element('h3', { attrs: { id: headingId } }, ['Message ', element('code', { text: name })]),
    element('div', { className: 'template-columns' }, [
      labelled(`Message ${name}`, area, 'Type the text; click below the box to insert the attendee’s details.'),
      element('div', { className: 'template-preview' }, [
        element('h4', { text: 'Preview' }),
        element('div', { attrs: { 'data-template-preview': name, 'aria-live': 'polite' } }, [
          element('p', { className: 'muted', text: 'Rendering…' }),
        ]),
      ]),
    ]),
    element('div', { className: 'actions' }, [
      button(
        'Remove',
        () => {
          delete templates[name];
          if (Object.keys(templates).length === 0) delete ctx.state.draft.templates;
          renderTemplates(ctx);
          ctx.changed('templates');
        },
        { label: `Remove message ${name}` },
      ),
    ]),
  ]);
}

export function renderTemplates(ctx) {
  const box = byId('templates');
  const names = Object.keys(ctx.state.draft.templates || {});
  box.replaceChildren(...names.map((name) => templateCard(ctx, name)));
  if (names.length === 0) box.append(element('p', { className: 'empty', text: 'No messages yet.' }));
}

export function attachTemplates(ctx) {
  byId('add-template').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('new-template-name');
    const name = input.value.trim();
    const status = byId('editor-status');
    if (!TEMPLATE_NAME.test(name)) {
      return say(status, `A message name is letters, digits and _ (not starting with a digit), e.g. vip_email.`, true);
    }
    ctx.state.draft.templates = ctx.state.draft.templates || {};
    if (name in ctx.state.draft.templates) return say(status, `There is already a message named ${name}.`, true);
    ctx.state.draft.templates[name] = '';
    input.value = '';
    renderTemplates(ctx);
    ctx.changed('templates');
    box(name)?.focus();
  });
}

function box(name) {
  return document.querySelector(`textarea[data-template="${CSS.escape(name)}"]`);
}

function channelWords(template, steps) {
  if (template.channels.length > 0) return `Sent as ${template.channels.join(' and ')} to this sample attendee.`;
  const used = JSON.stringify(steps).includes(`templates.${template.name}`);
  return used ? 'A step uses it, but not for this sample attendee.' : 'No step sends it yet.';
}

/** Puts a preview answer into every place that shows one. */
export function showPreview(answer, steps = []) {
  for (const template of answer.templates) {
    const target = document.querySelector(`[data-template-preview="${CSS.escape(template.name)}"]`);
    if (!target) continue;
    const channel = channelWords(template, steps);
    target.replaceChildren(renderedBlock(template, { sms: true }), element('p', { className: 'muted', text: channel }));
  }
  for (const message of answer.messages) {
    const target = document.querySelector(`[data-step-preview="${CSS.escape(message.step)}"]`);
    if (!target) continue;
    const parts = [element('h4', { text: `Preview: ${message.channel || 'channel not chosen yet'}` })];
    if (message.subject)
      parts.push(element('p', { className: 'preview-label', text: 'Subject' }), renderedBlock(message.subject));
    parts.push(
      element('p', { className: 'preview-label', text: 'Body' }),
      renderedBlock({ ...message.body, sms: message.sms }, { sms: true }),
    );
    target.replaceChildren(...parts);
  }
  const question = answer.question;
  const problem = document.querySelector('[data-question-preview="problem"]');
  if (question && problem) {
    problem.textContent = question.error ? `Preview waits for: ${question.error}` : `Options read: ${question.choices}`;
    for (const key of ['confirm', 'reask']) {
      const target = document.querySelector(`[data-question-preview="${key}"]`);
      if (target)
        target.replaceChildren(element('h4', { text: 'Preview' }), renderedBlock(question[key], { sms: true }));
    }
  }
}
