/** Runs `work` and returns what it resolved to and every console.warn message it produced. */
export async function capturingWarnings<T>(work: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  try {
    return { value: await work(), warnings };
  } finally {
    console.warn = original;
  }
}
