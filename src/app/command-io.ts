/**
 * What a diagnostics command reads and writes, passed in so tests run commands in-process against
 * their own environment, directory and sandbox: the environment, where the answer goes (stdout by
 * default; logs go to stderr), and the side effects the runtime takes as options.
 */
export interface CommandIo {
  env: NodeJS.ProcessEnv;
  /** The command's answer. */
  write(text: string): void;
  /** Where a relative PARLEY_CONFIG / parley.config.yaml is looked up (config only). Default process.cwd(). */
  cwd?: string;
  /** The built-in sandbox's URL when it is not on 127.0.0.1:PARLEY_SANDBOX_PORT. */
  sandboxUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export function processIo(): CommandIo {
  return {
    env: process.env,
    write: (text) => {
      process.stdout.write(text);
    },
  };
}

/** Piped stdin's text, or null when stdin is a terminal: how commands read a secret without argv. */
export async function readPipedStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
