/**
 * The JSON Schema of each action's inputs (src/features/action-input-schemas.ts): every one compiles
 * under ajv's strict mode, says what the runner checks (which inputs exist, which the step must give),
 * keeps HighLevel's words, enums and nested objects, and every built-in workflow's rendered step inputs
 * validate against their action's schema for every sample of their trigger.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  actionInputSchema,
  JSON_SCHEMA_DRAFT,
  type JsonSchema,
  OWN_INPUT_TYPES,
} from '../../src/features/action-input-schemas.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import { ACTIONS, getAction } from '../../src/workflows/actions/action-registry.js';
import { HIGHLEVEL_ACTION_PREFIX } from '../../src/workflows/actions/highlevel-actions.js';
import { requiredInputsOf } from '../../src/workflows/step-inputs.js';
import { TRIGGER_SAMPLES } from '../../src/workflows/trigger-samples.js';
import { builtinDefinitions, renderWithSample } from '../workflows/builtin-renders.js';

// ajv-formats is CommonJS: its function is `default` under Node's ESM loader (test/helpers/spec-validator.ts).
const addFormats = ((addFormatsModule as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

function schemaOf(name: string): JsonSchema {
  const action = getAction(name);
  if (!action) throw new Error(`no action ${name}`);
  return actionInputSchema(action);
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema.properties ?? {}) as Record<string, JsonSchema>;
}

describe('action input schemas', () => {
  it('compiles every action’s schema under ajv’s strict mode', () => {
    const ajv = newAjv();
    const failures: string[] = [];
    for (const action of ACTIONS) {
      try {
        ajv.compile(actionInputSchema(action));
      } catch (error) {
        failures.push(`${action.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('lists exactly the inputs the runner accepts and requires only those a step must give', () => {
    for (const action of ACTIONS) {
      const schema = actionInputSchema(action);
      expect(schema.$schema).toBe(JSON_SCHEMA_DRAFT);
      expect(schema.type).toBe('object');
      if (action.inputs === null) {
        expect(schema.additionalProperties, action.name).toBe(true);
        continue;
      }
      expect(Object.keys(propertiesOf(schema)), action.name).toEqual(action.inputs.map((input) => input.name));
      expect(schema.required ?? [], action.name).toEqual(requiredInputsOf(action).map((input) => input.name));
      expect(schema.additionalProperties, action.name).toBe(false);
    }
  });

  it('leaves inputs the run fills out of required and says the run fills them', () => {
    const send = schemaOf('highlevel.send-a-new-message');
    expect(send.required).toEqual(['type', 'contactId']);
    const properties = propertiesOf(send);
    expect(properties.status?.description).toBe('Message status. The run fills it when the step leaves it out.');
    expect(properties.subType?.description).toMatch(/The run fills it when the step leaves it out\.$/);
    const upsert = schemaOf('contacts.upsert');
    expect(upsert.required).toBeUndefined();
    expect(propertiesOf(upsert).locationId?.description).toBe('The run fills it when the step leaves it out.');
  });

  it('keeps HighLevel’s descriptions, enums and examples, and a required text must not be empty', () => {
    const type = propertiesOf(schemaOf('highlevel.send-a-new-message')).type;
    expect(type).toMatchObject({
      type: 'string',
      description: 'Type of message being sent',
      enum: ['SMS', 'RCS', 'Email', 'WhatsApp', 'IG', 'FB', 'Custom', 'Live_Chat', 'TIKTOK'],
      examples: ['Email'],
      minLength: 1,
    });
    expect(type).not.toHaveProperty('example');
  });

  it('inlines a $ref’d body object with its own required fields and the wrapper’s description', () => {
    const forward = propertiesOf(schemaOf('highlevel.send-a-new-message')).forward;
    expect(forward?.description).toBe('Forwarding configuration for emails');
    expect(forward?.type).toBe('object');
    expect(Object.keys(propertiesOf(forward ?? {}))).toContain('toEmail');
    expect(JSON.stringify(forward)).not.toContain('$ref');
  });

  it('takes path and query inputs from the operation’s parameters, with their words and limits', () => {
    const exportMessages = propertiesOf(schemaOf('highlevel.export-messages-by-location'));
    expect(exportMessages.limit).toMatchObject({ type: 'number', minimum: 10, maximum: 500, default: 100 });
    expect(exportMessages.sortOrder).toMatchObject({ enum: ['asc', 'desc'] });
    const get = schemaOf('highlevel.get-conversation');
    expect(get.required).toEqual(['conversationId']);
    expect(propertiesOf(get).conversationId).toMatchObject({ type: 'string', minLength: 1 });
  });

  it('describes the send guard’s conversationId, which HighLevel’s spec does not have', () => {
    expect(propertiesOf(schemaOf('highlevel.send-a-new-message')).conversationId).toEqual({
      type: 'string',
      description: 'the conversation the send guard looks in; not sent to HighLevel',
    });
  });

  it('types every input of parley’s own actions, accepting null for those a step may leave out', () => {
    const own = ACTIONS.filter((action) => !action.name.startsWith(HIGHLEVEL_ACTION_PREFIX));
    for (const action of own) {
      for (const input of action.inputs ?? []) {
        expect(Object.keys(OWN_INPUT_TYPES), `${action.name} ${input.name}`).toContain(input.name);
      }
    }
    const upsert = propertiesOf(schemaOf('contacts.upsert'));
    expect(upsert.phone?.type).toEqual(['string', 'null']);
    expect(upsert.tags?.anyOf).toEqual([
      { type: 'string' },
      { type: 'array', items: { type: 'string' } },
      { type: 'null' },
    ]);
    const save = schemaOf('preferences.save');
    expect(save.required).toEqual(['contactId', 'key', 'value']);
    expect(propertiesOf(save).contactId).toEqual({
      type: 'string',
      description: 'the HighLevel contact id',
      minLength: 1,
    });
  });

  it('accepts the inputs a step gives and rejects an unknown key, a missing input and an empty one', () => {
    const validate = newAjv().compile(schemaOf('highlevel.send-a-new-message'));
    expect(validate({ type: 'SMS', contactId: 'abc', message: 'Hi' })).toBe(true);
    expect(validate({ type: 'SMS', contactId: 'abc', mesage: 'Hi' })).toBe(false);
    expect(validate({ type: 'SMS', message: 'Hi' })).toBe(false);
    expect(validate({ type: 'SMS', contactId: '' })).toBe(false);
    expect(validate({ type: 'Fax', contactId: 'abc' })).toBe(false);
  });

  it('validates every built-in workflow’s rendered step inputs against its action’s schema, for every sample of its trigger', async () => {
    const ajv = newAjv();
    const validators = new Map<string, ValidateFunction>();
    const validatorOf = (name: string) => {
      let validate = validators.get(name);
      if (!validate) {
        validate = ajv.compile(schemaOf(name));
        validators.set(name, validate);
      }
      return validate;
    };
    const engine = createTemplateEngine();
    const failures: string[] = [];
    const validated = new Map<string, number>();
    for (const definition of await builtinDefinitions()) {
      for (const sample of TRIGGER_SAMPLES[definition.trigger]) {
        const rendered = renderWithSample(definition, sample, engine);
        // A skipped run or step renders inputs nobody sends; the sample that runs it is checked.
        if (!rendered.conditionsHold) continue;
        for (const step of rendered.steps.filter((s) => s.runs)) {
          const validate = validatorOf(step.action);
          if (!validate(step.input)) {
            failures.push(`${definition.name} / ${sample.name} / ${step.id}: ${ajv.errorsText(validate.errors)}`);
          }
          validated.set(definition.name, (validated.get(definition.name) ?? 0) + 1);
        }
      }
    }
    expect(failures).toEqual([]);
    // None is vacuous: each built-in had some sample its conditions let through.
    for (const definition of await builtinDefinitions()) {
      expect(validated.get(definition.name) ?? 0, definition.name).toBeGreaterThan(0);
    }
  });
});
