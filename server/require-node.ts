/**
 * Refuses Node older than 20 before anything else is loaded (#17): the server relies on
 * Node 20 APIs, and on older versions it starts and then misbehaves (on SIGTERM it kept the
 * database port for more than 15 s). Imported first by main.ts, so it runs before any module
 * that needs a newer Node.
 */
export const MINIMUM_NODE_MAJOR = 20;

/** Why this Node version cannot run the server, or undefined when it can. */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return `Node ${MINIMUM_NODE_MAJOR} or newer is required; this is Node ${version}. Install Node ${MINIMUM_NODE_MAJOR} LTS or later (e.g. nvm install ${MINIMUM_NODE_MAJOR}) and run npm start again.`;
}

const problem = nodeVersionProblem(process.version);
if (problem) {
  process.stderr.write(`Cannot start: ${problem}\n`);
  process.exit(1);
}
