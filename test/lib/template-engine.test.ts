/**
 * Workflow templates (liquidjs): strings render against the run scope, a lone `{{ expr }}` keeps
 * its type, named templates render where used, custom filters, conditions with '' as false, and
 * syntax problems reported with their position inside the template.
 */
import { describe, expect, it } from 'vitest';
import { createTemplateEngine, type TemplateScope } from '../../src/lib/template-engine.js';

const engine = createTemplateEngine();
const scope: TemplateScope = {
  attendee: { firstName: 'Ada', lastName: 'Lovelace', phone: '', email: 'ada@example.com', seats: 2 },
  event: { name: 'DevConf' },
  location: { id: 'loc-1' },
  steps: { contact: { id: 'c-1', new: true } },
  run: { id: 'r-1', workflow: 'w', key: 'k' },
};

describe('template engine', () => {
  it('renders every string nested in objects or lists, leaving other values alone', () => {
    const rendered = engine.render(
      { greeting: 'Hi {{ attendee.firstName }}!', list: ['{{ event.name | upcase }}', 7], nested: { flag: true } },
      scope,
    );
    expect(rendered).toEqual({ greeting: 'Hi Ada!', list: ['DEVCONF', 7], nested: { flag: true } });
  });

  it('keeps the type of a value that is exactly one expression', () => {
    expect(engine.render({ seats: '{{ attendee.seats }}', contact: '{{ steps.contact }}' }, scope)).toEqual({
      seats: 2,
      contact: { id: 'c-1', new: true },
    });
    expect(engine.render('{{ attendee.seats }} seats', scope)).toBe('2 seats');
  });

  it('renders a missing field as nothing rather than failing (strictVariables off)', () => {
    expect(engine.render('[{{ attendee.nickname }}]', scope)).toBe('[]');
    expect(engine.render('{{ attendee.nickname }}', scope)).toBeUndefined();
  });

  it('picks SMS or Email with the channel filter', () => {
    expect(engine.render('{{ attendee | channel }}', scope)).toBe('Email');
    expect(engine.render('{{ attendee | channel }}', { ...scope, attendee: { phone: '+15550100' } })).toBe('SMS');
  });

  it('joins names with the full_name filter', () => {
    expect(engine.render('{{ attendee | full_name }}', scope)).toBe('Ada Lovelace');
  });

  it('renders named templates where a step uses them, against the same scope', () => {
    const templates = { welcome: 'Welcome {{ attendee.firstName }} to {{ event.name }} ({{ steps.contact.id }})' };
    expect(engine.render({ message: '{{ templates.welcome }}' }, scope, templates)).toEqual({
      message: 'Welcome Ada to DevConf (c-1)',
    });
  });

  it('treats an empty string as false in conditions', () => {
    expect(engine.test('attendee.phone', scope)).toBe(false);
    expect(engine.test('attendee.email', scope)).toBe(true);
  });

  it('accepts a condition wrapped in {{ }}', () => {
    expect(engine.test('{{ attendee.seats > 1 }}', scope)).toBe(true);
  });

  it('evaluates a condition that combines comparisons', () => {
    expect(engine.test('attendee.seats > 1 and event.name contains "Conf"', scope)).toBe(true);
  });

  it('reports an unknown filter with its position in the template', () => {
    expect(engine.checkTemplate('line one\nHi {{ attendee | shout }}')).toEqual({
      message: 'undefined filter: shout',
      line: 2,
      col: 4,
    });
    expect(engine.checkCondition('attendee.seats | nope')).toMatchObject({ message: 'undefined filter: nope' });
  });

  it('reports an unclosed tag with its position in the template', () => {
    expect(engine.checkTemplate('{% if attendee.vip %}VIP')).toMatchObject({
      message: 'tag {% if attendee.vip %} not closed',
      line: 1,
      col: 1,
    });
  });

  it('finds nothing to report in plain text', () => {
    expect(engine.checkTemplate('plain text')).toBeNull();
  });
});
