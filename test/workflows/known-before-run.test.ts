/**
 * Which templates the check before a run may render: those reading only trigger data, `location`,
 * `run` and named templates that do the same; anything reading `steps`, directly, through a named
 * template, or through a key the analysis cannot follow, waits for its step.
 */
import { describe, expect, it } from 'vitest';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import { formatVariablePath, knownBeforeRun } from '../../src/workflows/known-before-run.js';

const engine = createTemplateEngine();
const templates = {
  greeting: 'Hi {{ attendee.firstName }} at {{ event.name | default: "the event" }}',
  withContact: 'Your contact is {{ steps.contact.id }}',
  nested: '{{ templates.greeting }}!',
  deep: '{{ templates.withContact }}',
  loop: '{{ templates.loop }}',
};
const known = knownBeforeRun(engine, templates);

describe('knownBeforeRun', () => {
  it('knows templates that read trigger data, the location or the run', () => {
    expect(known.template('{{ event.key }}')).toBe(true);
    expect(known.template('check-in:{% if event.key != blank %}{{ event.key }}{% endif %}')).toBe(true);
    expect(known.template('{{ location.id }}/{{ run.id }}')).toBe(true);
    expect(known.template('plain text')).toBe(true);
  });

  it('knows a named template only when every template it reads is known', () => {
    expect(known.template('{{ templates.greeting }}')).toBe(true);
    expect(known.template('{{ templates.nested }}')).toBe(true);
    expect(known.template('{{ templates.withContact }}')).toBe(false);
    expect(known.template('{{ templates.deep }}')).toBe(false);
  });

  it('does not know a template reading steps, a computed template key or a template that reads itself', () => {
    expect(known.template('{{ steps.contact.id }}')).toBe(false);
    expect(known.template("{{ steps['contact'].id }}")).toBe(false);
    expect(known.template('{% assign s = steps %}{{ s.contact.id }}')).toBe(false);
    expect(known.template('{{ templates[attendee.language] }}')).toBe(false);
    expect(known.template('{{ templates.loop }}')).toBe(false);
  });

  it('looks inside nested template values', () => {
    expect(known.template({ a: ['{{ event.key }}', { b: '{{ steps.x.y }}' }] })).toBe(false);
    expect(known.template({ a: ['{{ event.key }}', 3] })).toBe(true);
  });

  it('knows a condition only when it reads what exists before the run', () => {
    expect(known.condition('attendee.phone != blank')).toBe(true);
    expect(known.condition('steps.details.type == 1')).toBe(false);
  });

  it('formats variable paths the way templates write them', () => {
    expect(engine.variables('{{ event.key }} {{ items[0].name }}').map(formatVariablePath)).toEqual([
      'event.key',
      'items[0].name',
    ]);
  });
});
