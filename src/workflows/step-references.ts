/**
 * The step outputs a template uses: `steps.<id>` and `steps['<id>']`, found in the template text.
 * A regex over the source is enough because step ids are plain identifiers (definition-schema.ts).
 */
const REFERENCE = /\bsteps\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*(['"])([^'"]*)\2\s*\])/g;

export interface StepReference {
  id: string;
  /** Offset of the reference in the text. */
  index: number;
}

export function findStepReferences(text: string): StepReference[] {
  const found: StepReference[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const id = match[1] ?? match[3];
    if (id !== undefined) found.push({ id, index: match.index ?? 0 });
  }
  return found;
}

/** 1-based line and column of an offset, the way liquid reports template positions. */
export function positionInText(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const lines = before.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}
