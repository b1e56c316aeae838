/**
 * The direction of imports in src/ (.dependency-cruiser.cjs): the pipeline's layers import only
 * downward, the front ends never import each other, only the application layer and the front ends
 * know source agents, and no modules import each other in a circle.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

/** Runs the check in `cwd`; its exit code and what it printed. */
async function depcruise(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'],
      { cwd, maxBuffer: 16 << 20 },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('import direction', () => {
  it('src/ imports only downward, with no cycles', async () => {
    const { code, out } = await depcruise(ROOT);
    expect(out).not.toMatch(/error /);
    expect(code).toBe(0);
  }, 120_000);

  it('catches an upward import, a front end importing another, an agent below the application layer and a cycle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-imports-'));
    try {
      const files: Record<string, string> = {
        'src/ledger/store.ts': "import { run } from '../cli/main.js';\nexport const store = run;\n",
        'src/cli/main.ts': "import { serve } from '../mcp/server.js';\nexport const run = serve;\n",
        'src/mcp/server.ts': 'export const serve = 1;\n',
        'src/capture/types.ts': "import { parse } from './claude/parse.js';\nexport const types = parse;\n",
        'src/capture/claude/parse.ts': 'export const parse = 1;\n',
        'src/util/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
        'src/util/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
        'src/app/use-case.ts':
          "import { parse } from '../capture/claude/parse.js';\nexport const useCase = parse;\n",
      };
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
      const { code, out } = await depcruise(dir);
      expect(code).not.toBe(0);
      expect(out).toContain('ledger-imports-upward: src/ledger/store.ts → src/cli/main.ts');
      expect(out).toContain('cli-imports-sibling: src/cli/main.ts → src/mcp/server.ts');
      expect(out).toContain('agent-knowledge-below-app: src/capture/types.ts → src/capture/claude/parse.ts');
      expect(out).toMatch(/no-cycle: src\/util\/(a|b)\.ts/);
      // The application layer may use an agent's folder.
      expect(out).not.toContain('src/app/use-case.ts');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
