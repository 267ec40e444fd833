/**
 * The studio's live preview (POST /api/workflows/preview): a draft's message templates, its send steps'
 * messages and its choice question's texts, rendered with the real template engine against one of the
 * trigger's samples, as a run would see them (src/workflows/run-workflow.ts: the event's data,
 * `location`, `question`, `steps`, `run`). No step runs, so a later step's reference to an earlier
 * one (`steps.contact.id`) shows a placeholder naming it. The draft may be half-written: a broken
 * template is answered with its own error in place, and the rest still renders.
 */
import { actionOutputs } from '../../features/action-outputs.js';
import type { TemplateEngine, TemplateScope } from '../../lib/template-engine.js';
import { type Question, QuestionSchema, questionScope } from '../../preferences/question.js';
import { confirmationOf, reaskOf } from '../../preferences/reply-text.js';
import { STEP_ID_PATTERN } from '../../workflows/definition-schema.js';
import { findTriggerSample, TRIGGER_SAMPLES } from '../../workflows/trigger-samples.js';
import { TRIGGER_NAMES, type TriggerName } from '../../workflows/triggers.js';
import { ConsoleError } from '../console-error.js';
import { type SmsLength, smsLength } from './sms-segments.js';

/** The send action whose `type` says the channel (SMS, Email, …) of the message it sends. */
const SEND_ACTION = 'highlevel.send-a-new-message';
const PREVIEW_LOCATION = 'preview-location';

export interface PreviewRequest {
  /** The draft, as the editor holds it: trigger, templates, steps and question are read. */
  definition: Record<string, unknown>;
  /** A sample of the trigger (GET /api/catalog); default its first. */
  sample?: string;
  /** Run data to render against instead of a sample. */
  data?: Record<string, unknown>;
  /** More texts to render beside the templates (a step's subject, say), by a name the caller picks. */
  texts?: Record<string, string>;
}

/** A rendered text, or why it could not be (line and col inside the text when it does not parse). */
export interface Rendered {
  text: string | null;
  error: { message: string; line?: number; col?: number } | null;
}

export interface TemplatePreview extends Rendered {
  name: string;
  /** The channels of the send steps whose message uses it, as rendered for this sample. */
  channels: string[];
  /** When an SMS uses it (or no message does yet): its length as an SMS. */
  sms: SmsLength | null;
}

export interface MessagePreview {
  step: string;
  /** The step's rendered `type`: SMS, Email, …; null when it cannot render. */
  channel: string | null;
  subject: Rendered | null;
  body: Rendered;
  sms: SmsLength | null;
}

export interface PreviewAnswer {
  trigger: TriggerName;
  sample: string | null;
  data: Record<string, unknown>;
  templates: TemplatePreview[];
  messages: MessagePreview[];
  texts: (Rendered & { name: string; sms: SmsLength | null })[];
  question: {
    /** Why the question cannot be previewed yet (its first problem); null when it can. */
    error: string | null;
    prompt: string | null;
    choices: string | null;
    confirm: (Rendered & { sms: SmsLength | null }) | null;
    reask: (Rendered & { sms: SmsLength | null }) | null;
  } | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, message: string): ConsoleError {
  return new ConsoleError('invalid_request', `${field}: ${message}`, { field });
}

function triggerOf(definition: Record<string, unknown>): TriggerName {
  const trigger = definition.trigger;
  if (typeof trigger !== 'string' || !(TRIGGER_NAMES as readonly string[]).includes(trigger)) {
    throw invalid('definition.trigger', `expected one of ${TRIGGER_NAMES.join(', ')}`);
  }
  return trigger as TriggerName;
}

function stringRecord(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalid(field, 'expected an object of texts by name');
  for (const [name, text] of Object.entries(value)) {
    if (typeof text !== 'string') throw invalid(`${field}.${name}`, 'expected a text');
  }
  return value as Record<string, string>;
}

/** The run data: `data` as given, else the named (or first) sample's. */
function dataOf(
  trigger: TriggerName,
  request: PreviewRequest,
): { sample: string | null; data: Record<string, unknown> } {
  if (request.data !== undefined) return { sample: null, data: request.data };
  if (request.sample !== undefined) {
    return { sample: request.sample, data: structuredClone(findTriggerSample(trigger, request.sample).data) };
  }
  const first = TRIGGER_SAMPLES[trigger][0];
  return first ? { sample: first.name, data: structuredClone(first.data) } : { sample: null, data: {} };
}

/** Steps with a usable id, and placeholders for what each returns (later steps read them). */
function stepsOf(definition: Record<string, unknown>): {
  steps: { id: string; action: string; with: Record<string, unknown> }[];
  outputs: Record<string, Record<string, string>>;
} {
  if (definition.steps !== undefined && !Array.isArray(definition.steps)) {
    throw invalid('definition.steps', 'expected a list of steps');
  }
  const steps = ((definition.steps ?? []) as unknown[]).flatMap((step) =>
    isRecord(step) && typeof step.id === 'string' && STEP_ID_PATTERN.test(step.id) && typeof step.action === 'string'
      ? [{ id: step.id, action: step.action, with: isRecord(step.with) ? step.with : {} }]
      : [],
  );
  const outputs: Record<string, Record<string, string>> = {};
  for (const step of steps) {
    outputs[step.id] = Object.fromEntries(
      actionOutputs({ name: step.action }).map((key) => [key, `[${step.id}.${key}]`]),
    );
  }
  return { steps, outputs };
}

function questionOf(value: unknown): { question: Question | null; error: string | null } {
  if (value === undefined) return { question: null, error: null };
  const parsed = QuestionSchema.safeParse(value);
  if (parsed.success) return { question: parsed.data, error: null };
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { question: null, error: `${path}${issue?.message ?? 'not a valid question'}` };
}

export function previewTemplates(engine: TemplateEngine, request: PreviewRequest): PreviewAnswer {
  if (!isRecord(request.definition)) throw invalid('definition', 'expected the draft workflow as an object');
  const definition = request.definition;
  const trigger = triggerOf(definition);
  const templates = stringRecord(definition.templates, 'definition.templates');
  const texts = stringRecord(request.texts, 'texts');
  const { sample, data } = dataOf(trigger, request);
  const { steps, outputs } = stepsOf(definition);
  const { question, error: questionError } = questionOf(definition.question);
  const name = typeof definition.name === 'string' && definition.name !== '' ? definition.name : 'draft';
  const scope: TemplateScope = {
    ...data,
    location: { id: PREVIEW_LOCATION },
    ...(question ? { question: questionScope(question) } : {}),
    steps: outputs,
    run: { id: 'preview', workflow: name, key: `preview:${trigger}` },
  };

  /** `produce` renders `source`; a text that does not parse is answered with where, before rendering. */
  function attempt(source: string, produce: () => unknown): Rendered {
    const problem = engine.checkTemplate(source);
    if (problem) return { text: null, error: problem };
    try {
      const value = produce();
      return { text: value === null || value === undefined ? '' : String(value), error: null };
    } catch (error) {
      return { text: null, error: { message: error instanceof Error ? error.message : String(error) } };
    }
  }

  function render(source: string, used?: Set<string>): Rendered {
    // The engine reads a named template only when the text uses it: a proxy tells which ones did.
    const tracked = used
      ? new Proxy(templates, {
          get(target, key) {
            if (typeof key === 'string' && Object.hasOwn(target, key)) used.add(key);
            return Reflect.get(target, key);
          },
        })
      : templates;
    return attempt(source, () => engine.render(source, scope, tracked));
  }

  const channelsByTemplate = new Map<string, Set<string>>();
  const messages: MessagePreview[] = steps
    .filter((step) => step.action === SEND_ACTION)
    .map((step) => {
      const typed = typeof step.with.type === 'string' ? render(step.with.type) : null;
      const channel = typed?.text ? typed.text : null;
      const used = new Set<string>();
      const bodySource = channel === 'Email' ? (step.with.html ?? step.with.message) : step.with.message;
      const body = typeof bodySource === 'string' ? render(bodySource, used) : { text: '', error: null };
      const subject =
        channel === 'Email' && typeof step.with.subject === 'string' ? render(step.with.subject, used) : null;
      for (const template of used) {
        const channels = channelsByTemplate.get(template) ?? new Set<string>();
        if (channel) channels.add(channel);
        channelsByTemplate.set(template, channels);
      }
      return {
        step: step.id,
        channel,
        subject,
        body,
        sms: channel === 'SMS' && body.text !== null ? smsLength(body.text) : null,
      };
    });

  const withSms = (rendered: Rendered) => ({
    ...rendered,
    sms: rendered.text === null ? null : smsLength(rendered.text),
  });

  return {
    trigger,
    sample,
    data,
    templates: Object.entries(templates).map(([template, source]) => {
      const rendered = render(source);
      const channels = [...(channelsByTemplate.get(template) ?? [])].sort();
      const smsOrUnknown = channels.length === 0 || channels.includes('SMS');
      return {
        name: template,
        ...rendered,
        channels,
        sms: smsOrUnknown && rendered.text !== null ? smsLength(rendered.text) : null,
      };
    }),
    messages,
    texts: Object.entries(texts).map(([text, source]) => ({ name: text, ...withSms(render(source)) })),
    question:
      definition.question === undefined
        ? null
        : question
          ? {
              error: null,
              prompt: question.prompt,
              choices: questionScope(question).choices,
              // The texts exactly as a reply gets them (only `question` and `choice`), for the first option.
              confirm: withSms(attempt(question.confirm, () => confirmationOf(question, question.options[0]!))),
              reask: withSms(attempt(question.reask, () => reaskOf(question))),
            }
          : { error: questionError, prompt: null, choices: null, confirm: null, reask: null },
  };
}
