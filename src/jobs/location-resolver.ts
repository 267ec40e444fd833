/**
 * Which HighLevel location an Accelevents event's runs act for. An explicit map (Accelevents event
 * URL or id → location id) wins; otherwise the one default location (the only or first connected
 * one, or the sandbox's default). Without either, the job cannot run anywhere: a PipelineError that
 * names the event, so the operator can add the mapping and replay the dead job.
 */
import { PipelineError } from './job-error.js';

export interface LocationResolver {
  /** `eventKey` is the Accelevents event URL (or id) of the delivery; null when the payload had none. */
  resolve(eventKey: string | null): string;
}

export interface LocationResolverOptions {
  byEvent?: Record<string, string>;
  defaultLocationId?: string | null;
}

export function createLocationResolver(options: LocationResolverOptions): LocationResolver {
  const byEvent = new Map(Object.entries(options.byEvent ?? {}));
  const fallback = options.defaultLocationId ?? null;
  return {
    resolve(eventKey) {
      const mapped = eventKey === null ? undefined : byEvent.get(eventKey);
      if (mapped) return mapped;
      if (fallback) return fallback;
      throw new PipelineError(
        'no_location',
        `no HighLevel location for Accelevents event ${eventKey ?? '(none in the payload)'}: connect a location or map the event to one`,
      );
    },
  };
}
