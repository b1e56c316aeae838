/**
 * The `onTaskEnd` command template, made into an argument vector. A string template is split into
 * words first (quotes and backslashes as a POSIX shell reads them, nothing else: no variables, globs
 * or operators), and only then are the placeholders replaced inside each word, so a value (a title
 * with quotes, spaces or newlines) always stays one argument and is never read by a shell.
 *
 * With `shell: true` the template goes to `/bin/sh -c` instead, and each placeholder becomes a
 * quoted reference to an environment variable holding the value (`{id}` → `"$TOKENLEDGER_ID"`), so
 * the shell expands it as data and never parses it as code.
 * @module
 */

/** Placeholder names, each with the environment variable that carries it in shell mode. */
export const PLACEHOLDERS = {
  id: 'TOKENLEDGER_ID',
  title: 'TOKENLEDGER_TITLE',
  summaryFile: 'TOKENLEDGER_SUMMARY_FILE',
  tokens: 'TOKENLEDGER_TOKENS',
  cost: 'TOKENLEDGER_COST',
  apiCalls: 'TOKENLEDGER_API_CALLS',
  estimate: 'TOKENLEDGER_ESTIMATE',
  variance: 'TOKENLEDGER_VARIANCE',
  project: 'TOKENLEDGER_PROJECT',
  event: 'TOKENLEDGER_EVENT',
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;
export type PlaceholderValues = Record<PlaceholderName, string>;

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Splits a template into words as a shell would quote them; throws on an unclosed quote. */
export function splitWords(template: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < template.length && '"\\$`'.includes(template.charAt(i + 1)))
        word += template.charAt(++i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < template.length) {
      word += template.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** Placeholders a template names that are not known: the config check reports them. */
export function unknownPlaceholders(parts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of parts)
    for (const m of p.matchAll(PLACEHOLDER)) if (!((m[1] ?? '') in PLACEHOLDERS)) out.add(m[0]);
  return [...out];
}

/** Replaces the placeholders in one word (unknown ones stay as written). */
export function fillWord(word: string, values: PlaceholderValues): string {
  return word.replace(PLACEHOLDER, (whole, name: string) =>
    name in PLACEHOLDERS ? values[name as PlaceholderName] : whole,
  );
}

/** The program and its arguments, placeholders filled per word. */
export function commandArgv(words: readonly string[], values: PlaceholderValues): string[] {
  return words.map((w) => fillWord(w, values));
}

/** Shell mode: the script with each placeholder as a quoted variable, and those variables. */
export function shellScript(
  script: string,
  values: PlaceholderValues,
): { script: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [name, variable] of Object.entries(PLACEHOLDERS))
    env[variable] = values[name as PlaceholderName];
  return {
    script: script.replace(PLACEHOLDER, (whole, name: string) =>
      name in PLACEHOLDERS ? `"$${PLACEHOLDERS[name as PlaceholderName]}"` : whole,
    ),
    env,
  };
}
