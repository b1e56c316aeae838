/** The tool calls of the generated main threads (besides delegations). */

/**
 * A main-thread tool call that is not a delegation: a file written now and then, else mostly tests
 * run, with a skill and an MCP server's tool every few turns (chosen by the turn, so the random
 * stream, and with it every usage figure, stays as it was).
 */
export function otherTool(
  write: boolean,
  turn: number,
  cwd: string,
  content: () => string,
): { name: string; input: Record<string, unknown> } {
  if (write) return { name: 'Write', input: { file_path: `${cwd}/src/f${turn}.ts`, content: content() } };
  if (turn % 9 === 4)
    return { name: 'Skill', input: { skill: turn % 2 === 0 ? 'code-review' : 'release-notes' } };
  if (turn % 7 === 3) return { name: 'mcp__github__search_issues', input: { query: 'flaky test' } };
  if (turn % 11 === 6) return { name: 'mcp__postgres__query', input: { sql: 'select 1' } };
  return { name: 'Bash', input: { command: 'npm test', description: 'Run tests' } };
}
