/**
 * The studio's condition picker text (src/console/pages/assets/studio-condition-text.js, browser code
 * with no DOM), checked against the real template engine: a condition built from field + operator +
 * value holds exactly when the sample's field matches, and reads back into the same picker values;
 * any other condition is left as text.
 */
import { describe, expect, it } from 'vitest';
import { createTemplateEngine, type TemplateScope } from '../../../src/lib/template-engine.js';

interface Picked {
  field: string;
  operator: string;
  value: string;
}
interface ConditionText {
  OPERATORS: { id: string }[];
  conditionText(picked: Picked): { text?: string; error?: string };
  parseCondition(text: string): Picked | null;
}

const ASSET = new URL('../../../src/console/pages/assets/studio-condition-text.js', import.meta.url).href;
const { OPERATORS, conditionText, parseCondition } = (await import(ASSET)) as ConditionText;
const engine = createTemplateEngine();

function holds(condition: string, attendee: Record<string, unknown>): boolean {
  const scope: TemplateScope = {
    attendee,
    location: { id: 'l' },
    steps: {},
    run: { id: 'r', workflow: 'w', key: 'k' },
  };
  return engine.test(condition, scope);
}

const VIP = { ticketType: 'VIP Pass', phone: '+14155550142', nickname: "O'Neil" };
const GENERAL = { ticketType: 'General Admission', phone: null, nickname: '' };

describe('studio condition text', () => {
  it('writes "is" as == with the value quoted', () => {
    expect(conditionText({ field: 'attendee.ticketType', operator: 'is', value: 'VIP Pass' })).toEqual({
      text: "attendee.ticketType == 'VIP Pass'",
    });
  });

  it.each([
    ['is', 'VIP Pass', true, false],
    ['is-not', 'VIP Pass', false, true],
    ['contains', 'VIP', true, false],
  ])('builds a condition that holds exactly when ticketType %s %s', (operator, value, forVip, forGeneral) => {
    const { text } = conditionText({ field: 'attendee.ticketType', operator, value });
    expect(holds(text!, VIP)).toBe(forVip);
    expect(holds(text!, GENERAL)).toBe(forGeneral);
  });

  it('treats a null, empty or missing field as empty', () => {
    const empty = conditionText({ field: 'attendee.phone', operator: 'is-empty', value: '' }).text!;
    const notEmpty = conditionText({ field: 'attendee.phone', operator: 'is-not-empty', value: 'ignored' }).text!;
    expect(empty).toBe('attendee.phone == blank');
    expect([holds(empty, VIP), holds(empty, GENERAL), holds(empty, {})]).toEqual([false, true, true]);
    expect([holds(notEmpty, VIP), holds(notEmpty, GENERAL)]).toEqual([true, false]);
  });

  it('quotes a value holding an apostrophe with double quotes, and it still matches', () => {
    const { text } = conditionText({ field: 'attendee.nickname', operator: 'is', value: "O'Neil" });
    expect(text).toBe(`attendee.nickname == "O'Neil"`);
    expect(holds(text!, VIP)).toBe(true);
  });

  it('refuses a value holding both quotes, and a missing field, saying so', () => {
    expect(conditionText({ field: 'attendee.nickname', operator: 'is', value: `a'b"c` }).error).toContain('both');
    expect(conditionText({ field: '', operator: 'is', value: 'x' }).error).toBe('Choose a field.');
  });

  it('reads back every condition it builds into the same picker values', () => {
    for (const { id } of OPERATORS) {
      const picked = { field: 'attendee.ticketType', operator: id, value: id.includes('empty') ? '' : "VIP's" };
      expect(parseCondition(conditionText(picked).text!), id).toEqual(picked);
    }
  });

  it('leaves conditions it did not build as text', () => {
    for (const text of [
      "attendee.ticketType == 'VIP' and attendee.phone != blank",
      'attendee.phone',
      'steps.contact.new == true',
      'attendee.ticketType contains blank',
      '{% if x %}',
    ]) {
      expect(parseCondition(text), text).toBeNull();
    }
  });
});
