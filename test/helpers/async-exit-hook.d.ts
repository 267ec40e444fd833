// Minimal types for async-exit-hook, used only to undo its 'beforeExit' hook (see global-setup.ts).
declare module 'async-exit-hook' {
  const hook: { unhookEvent(event: string): void; hookedEvents(): string[] };
  export default hook;
}
