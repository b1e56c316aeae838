/**
 * `tokenledger hooks install|uninstall|status` against real settings files in temp dirs, with HOME,
 * CLAUDE_CONFIG_DIR and TOKENLEDGER_HOME pointed there. Every scenario runs twice: in-process through
 * runHooks (argv parsed here the way main.ts registers the command), and as the built CLI
 * (`node bin/tokenledger.js hooks …`) once that CLI has the command (it is skipped, with a note,
 * while dist/ predates the registration).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type HooksAction, type HooksOptions, runHooks } from '../../src/cli/commands/hooks.js';
import { UserError } from '../../src/util/errors.js';
import { BIN, REPO } from '../helpers/built-cli.js';
import { cleanEnv, runCli, useSandbox } from '../helpers/cli.js';

/** The events, with their matchers, written out here rather than taken from the code under test. */
const EVENTS: [string, string | null][] = [
  ['SessionStart', '*'],
  ['UserPromptSubmit', null],
  ['SubagentStart', '*'],
  ['SubagentStop', '*'],
  ['Stop', null],
  ['PreCompact', '*'],
  ['SessionEnd', '*'],
];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Scene {
  root: string;
  home: string;
  claude: string;
  tl: string;
  repo: string;
  env: Record<string, string>;
}

type Runner = (args: string[], scene: Scene, cwd?: string, env?: Record<string, string>) => Promise<Result>;

/** argv after `hooks`, parsed into runHooks' options as the main.ts registration does. */
function parseArgs(args: readonly string[]): { action: HooksAction; opts: HooksOptions } {
  const [action, ...rest] = args;
  const opts: HooksOptions = {};
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    if (flag === '--settings' || flag === '--db' || flag === '--config') {
      opts[flag.slice(2) as 'settings' | 'db' | 'config'] = rest[++i]!;
    } else if (flag === '--dry-run') opts.dryRun = true;
    else if (flag === '--json' || flag === '-j') opts.json = true;
    else if (flag === '--user' || flag === '--project' || flag === '--local' || flag === '--all') {
      opts[flag.slice(2) as 'user' | 'project' | 'local' | 'all'] = true;
    } else throw new Error(`test parser: unknown flag ${flag}`);
  }
  return { action: (action ?? 'status') as HooksAction, opts };
}

const inProcess: Runner = async (args, scene, cwd = scene.repo, env = scene.env) => {
  let stdout = '';
  let stderr = '';
  const capture = (sink: (s: string) => void) =>
    ((chunk: string | Uint8Array, a?: unknown, b?: unknown) => {
      sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
      if (done !== undefined) (done as () => void)();
      return true;
    }) as typeof process.stdout.write;
  // Results go to fd 1 through fs.writeSync (src/cli/io.ts); messages to process.stderr.
  const out = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, offset?: number) => {
    if (fd !== 1 || !Buffer.isBuffer(data)) throw new Error(`unexpected writeSync(${fd})`);
    const rest = data.subarray(offset ?? 0);
    stdout += rest.toString('utf8');
    return rest.length;
  }) as typeof fs.writeSync);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)));
  try {
    const { action, opts } = parseArgs(args);
    const code = await runHooks(action, opts, { env, cwd });
    return { code, stdout, stderr };
  } catch (error) {
    // What main() does with a UserError.
    if (!(error instanceof UserError)) throw error;
    return { code: error.exitCode, stdout, stderr: `${stderr}tokenledger: ${error.message}\n` };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
};

const builtCli: Runner = async (args, scene, cwd = scene.repo, env = scene.env) => {
  const r = runCli(['hooks', ...args], { cwd, env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** The built CLI knows `hooks` once main.ts registers it and dist/ is rebuilt. */
const cliHasHooks = runCli(['hooks', '--help'], { env: cleanEnv() }).status === 0;
if (!cliHasHooks) {
  console.warn('hooks-command.test: the built CLI has no `hooks` command yet; its runs are skipped.');
}

const q = (p: string) => `'${p}'`;

// The script the hook command names: the package the code runs from (the CLI runs a copy of the build).
describe.each([
  { name: 'in-process', run: inProcess, skip: false, script: path.join(REPO, 'bin', 'tokenledger.js') },
  { name: 'built CLI', run: builtCli, skip: !cliHasHooks, script: BIN },
])('tokenledger hooks ($name)', ({ run, skip, script }) => {
  const cli = useSandbox('tl-hooks-', { dirs: ['repo/.git', 'repo/src'], env: { TZ: undefined } });
  let s: Scene;

  beforeEach(() => {
    s = {
      root: cli.root,
      home: cli.home,
      claude: cli.claude,
      tl: cli.tlHome,
      repo: cli.path('repo'),
      env: cli.env(),
    };
  });

  /** The command install writes for this scene (TOKENLEDGER_HOME is not the default: both flags). */
  const hookCommand = () =>
    `NODE_EXTRA_CA_CERTS= ${q(process.execPath)} ${q(script)} hook --db ${q(`${s.tl}/ledger.db`)} --config ${q(`${s.tl}/config.json`)}`;

  const fresh = (command: string) => {
    const hooks: Record<string, unknown> = {};
    for (const [event, matcher] of EVENTS) {
      const handler = { type: 'command', command, timeout: 30 };
      hooks[event] = [matcher === null ? { hooks: [handler] } : { matcher, hooks: [handler] }];
    }
    return { hooks };
  };

  const userFile = () => path.join(s.claude, 'settings.json');
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  describe.skipIf(skip)('install', () => {
    it('creates the user settings file with one group per event, and says what it added', async () => {
      fs.mkdirSync(s.tl, { recursive: true });
      fs.writeFileSync(path.join(s.tl, 'config.json'), '{}');
      const r = await run(['install'], s);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(read(userFile())).toBe(pretty(fresh(hookCommand())));
      expect(r.stdout).toContain(
        `Installed the tokenledger hook in ${userFile()} (user settings; created the file)`,
      );
      for (const [event] of EVENTS) expect(r.stdout).toContain(`+ hooks.${event}[0]`);
      expect(r.stdout).toContain('tokenledger hooks status');
      expect(fs.existsSync(`${userFile()}.tokenledger.bak`)).toBe(false);
    });

    it('notes a config file the command names that does not exist yet', async () => {
      const r = await run(['install'], s);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        `tokenledger: note: the hook reads the config file ${s.tl}/config.json, which does not exist yet; it uses the defaults until it does.\n`,
      );
    });

    it('is idempotent: a second run changes nothing and says so', async () => {
      await run(['install'], s);
      const before = fs.statSync(userFile());
      const text = read(userFile());
      const r = await run(['install'], s);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('already installed');
      expect(r.stdout).toContain('nothing changed');
      expect(read(userFile())).toBe(text);
      expect(fs.statSync(userFile()).mtimeMs).toBe(before.mtimeMs);
      expect(fs.readdirSync(s.claude)).toEqual(['settings.json']);
    });

    it('keeps other keys, their order and the user’s hooks; backs up the file once; keeps its mode', async () => {
      const original = {
        model: 'opus',
        hooks: {
          Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
          PostToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo tokenledger hook' }] }],
        },
        env: { FOO: '1' },
      };
      fs.mkdirSync(s.claude);
      fs.writeFileSync(userFile(), pretty(original));
      fs.chmodSync(userFile(), 0o600);

      const r = await run(['install'], s);
      expect(r.code).toBe(0);
      const after = JSON.parse(read(userFile()));
      expect(Object.keys(after)).toEqual(['model', 'hooks', 'env']);
      expect(Object.keys(after.hooks).slice(0, 2)).toEqual(['Stop', 'PostToolUse']);
      expect(after.hooks.Stop).toEqual([
        original.hooks.Stop[0],
        { hooks: [{ type: 'command', command: hookCommand(), timeout: 30 }] },
      ]);
      expect(after.hooks.PostToolUse).toEqual(original.hooks.PostToolUse);
      expect(fs.statSync(userFile()).mode & 0o777).toBe(0o600);
      expect(read(`${userFile()}.tokenledger.bak`)).toBe(pretty(original));
      expect(r.stdout).toContain(`Backup of the previous file: ${userFile()}.tokenledger.bak`);

      // uninstall restores the file exactly, and does not overwrite the first backup
      const u = await run(['uninstall'], s);
      expect(u.code).toBe(0);
      expect(read(userFile())).toBe(pretty(original));
      expect(read(`${userFile()}.tokenledger.bak`)).toBe(pretty(original));
      expect(u.stdout).not.toContain('Backup');
    });

    it('updates a stale entry in place and says what it was', async () => {
      const old = "'/usr/bin/node' '/old/place/bin/tokenledger.js' hook";
      fs.mkdirSync(s.claude);
      fs.writeFileSync(
        userFile(),
        pretty({
          hooks: {
            Stop: [
              {
                hooks: [
                  { type: 'command', command: 'say hi' },
                  { type: 'command', command: old },
                ],
              },
            ],
          },
        }),
      );
      const r = await run(['install'], s);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`~ hooks.Stop[0].hooks[1]`);
      expect(r.stdout).toContain(`was ${old}`);
      const after = JSON.parse(read(userFile()));
      expect(after.hooks.Stop).toEqual([
        {
          hooks: [
            { type: 'command', command: 'say hi' },
            { type: 'command', command: hookCommand(), timeout: 30 },
          ],
        },
      ]);
    });

    it('--dry-run shows the change and writes nothing', async () => {
      const r = await run(['install', '--dry-run'], s);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Dry run');
      expect(r.stdout).toContain('the file would be created');
      expect(r.stdout).toContain('+ hooks.SessionEnd[0]');
      expect(r.stdout).toContain(
        `HOOK = ${JSON.stringify({ type: 'command', command: hookCommand(), timeout: 30 })}`,
      );
      expect(r.stdout).toContain('Nothing was written.');
      expect(fs.existsSync(s.claude)).toBe(false);
    });

    it('--project and --local write at the git work tree of the cwd', async () => {
      const p = await run(['install', '--project'], s, path.join(s.repo, 'src'));
      expect(p.code).toBe(0);
      expect(JSON.parse(read(path.join(s.repo, '.claude', 'settings.json')))).toEqual(fresh(hookCommand()));
      expect(p.stderr).toContain('is usually committed');
      const l = await run(['install', '--local'], s, path.join(s.repo, 'src'));
      expect(l.code).toBe(0);
      expect(JSON.parse(read(path.join(s.repo, '.claude', 'settings.local.json')))).toEqual(
        fresh(hookCommand()),
      );
      expect(l.stderr).toContain('the hook is also in');
    });

    it('user settings: the first of a comma-separated CLAUDE_CONFIG_DIR; ~/.claude without it', async () => {
      const second = path.join(s.root, 'claude2');
      const env = { ...s.env, CLAUDE_CONFIG_DIR: `${s.claude},${second}` };
      expect((await run(['install'], s, s.repo, env)).code).toBe(0);
      expect(fs.existsSync(userFile())).toBe(true);
      expect(fs.existsSync(second)).toBe(false);
      const { CLAUDE_CONFIG_DIR: _, ...noDir } = s.env;
      expect((await run(['install'], s, s.repo, noDir)).code).toBe(0);
      expect(fs.existsSync(path.join(s.home, '.claude', 'settings.json'))).toBe(true);
    });

    it('--settings names the file; --db and --config go into the command as absolute paths', async () => {
      const file = path.join(s.root, 'custom', 'my-settings.json');
      const r = await run(
        ['install', '--settings', file, '--db', 'data/l.db', '--config', '/etc/tl.json'],
        s,
      );
      expect(r.code).toBe(0);
      const command = `NODE_EXTRA_CA_CERTS= ${q(process.execPath)} ${q(script)} hook --db ${q(`${s.repo}/data/l.db`)} --config '/etc/tl.json'`;
      expect(JSON.parse(read(file))).toEqual(fresh(command));
    });

    it('without TOKENLEDGER_* variables the command is node, the script and hook', async () => {
      const { TOKENLEDGER_HOME: _, ...env } = s.env;
      expect((await run(['install'], s, s.repo, env)).code).toBe(0);
      expect(JSON.parse(read(userFile()))).toEqual(
        fresh(`NODE_EXTRA_CA_CERTS= ${q(process.execPath)} ${q(script)} hook`),
      );
    });

    it('one target only', async () => {
      const r = await run(['install', '--user', '--project'], s);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('give one of --user, --project, --local, --settings');
      expect(fs.existsSync(s.claude)).toBe(false);
    });
  });

  describe.skipIf(skip)('files it cannot edit', () => {
    it.each([
      ['{\n  "model": "opus",\n}\n', "is not valid JSON (line 3, column 1: trailing comma before '}')"],
      ['[]\n', 'is valid JSON but an array, not an object'],
      ['{"hooks": "none"}', '"hooks" is a string, not an object'],
      ['{"hooks": {"Stop": {"hooks": []}}}', '"hooks.Stop" is an object, not an array'],
    ])('%j: exit 2, the file named and left unchanged, no backup', async (text, problem) => {
      fs.mkdirSync(s.claude);
      fs.writeFileSync(userFile(), text);
      for (const action of ['install', 'uninstall']) {
        const r = await run([action], s);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`cannot edit ${userFile()}`);
        expect(r.stderr).toContain(problem);
        expect(r.stderr).toContain('The file was left unchanged');
        expect(read(userFile())).toBe(text);
        expect(fs.readdirSync(s.claude)).toEqual(['settings.json']);
      }
    });
  });

  describe.skipIf(skip)('uninstall', () => {
    it('says when there is nothing to remove', async () => {
      const r = await run(['uninstall'], s);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${userFile()} (user settings) does not exist; nothing to remove.`);
      fs.mkdirSync(s.claude);
      fs.writeFileSync(userFile(), '{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"say x"}]}]}}');
      const again = await run(['uninstall'], s);
      expect(again.stdout).toContain(
        `No tokenledger hook in ${userFile()} (user settings); nothing removed.`,
      );
      expect(fs.readdirSync(s.claude)).toEqual(['settings.json']);
    });

    it('--all removes from user, project and local; --dry-run first writes nothing', async () => {
      const cwd = path.join(s.repo, 'src');
      for (const flag of ['--user', '--project', '--local'])
        expect((await run(['install', flag], s, cwd)).code).toBe(0);
      const files = [
        userFile(),
        path.join(s.repo, '.claude', 'settings.json'),
        path.join(s.repo, '.claude', 'settings.local.json'),
      ];
      const texts = files.map(read);
      const dry = await run(['uninstall', '--all', '--dry-run'], s, cwd);
      expect(dry.code).toBe(0);
      expect(files.map(read)).toEqual(texts);
      expect(dry.stdout.match(/Dry run: uninstalling would change/g)).toHaveLength(3);

      const r = await run(['uninstall', '--all'], s, cwd);
      expect(r.code).toBe(0);
      for (const file of files) {
        expect(read(file)).toBe('{}\n');
        expect(r.stdout).toContain(`Removed the tokenledger hook from ${file}`);
      }
      expect(r.stdout).toContain('- hooks.SessionEnd[0].hooks[0]');
    });

    it('--all with one unreadable file changes none of them', async () => {
      expect((await run(['install'], s)).code).toBe(0);
      const before = read(userFile());
      fs.mkdirSync(path.join(s.repo, '.claude'));
      fs.writeFileSync(path.join(s.repo, '.claude', 'settings.local.json'), '{oops');
      const r = await run(['uninstall', '--all'], s);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('settings.local.json: it is not valid JSON (line 1, column 2');
      expect(read(userFile())).toBe(before);
    });
  });

  describe.skipIf(skip)('status', () => {
    interface StatusJson {
      command: string;
      events: string[];
      files: {
        scopes: string[];
        path: string;
        exists: boolean;
        error: string | null;
        installed: string;
        current: boolean;
        events: {
          event: string;
          state: string;
          commands: string[];
          missingPaths: string[];
          otherHooks: number;
        }[];
        missingEvents: string[];
        extra: { event: string; command: string }[];
        otherHooks: number;
      }[];
    }
    const status = async (args: string[] = [], env?: Record<string, string>, cwd?: string) => {
      const r = await run(['status', '--json', ...args], s, cwd, env);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as StatusJson;
    };

    it('--json: nothing installed is still exit 0, one entry per file', async () => {
      const out = await status();
      expect(out.command).toBe(hookCommand());
      expect(out.events).toEqual(EVENTS.map(([e]) => e));
      expect(out.files.map((f) => [f.scopes, f.path, f.exists, f.installed])).toEqual([
        [['user'], userFile(), false, 'none'],
        [['project'], path.join(s.repo, '.claude', 'settings.json'), false, 'none'],
        [['local'], path.join(s.repo, '.claude', 'settings.local.json'), false, 'none'],
      ]);
      expect(out.files[0]!.missingEvents).toEqual(EVENTS.map(([e]) => e));
    });

    it('--json after install: current; then stale, broken and other hooks', async () => {
      await run(['install'], s);
      let user = (await status()).files[0]!;
      expect(user).toMatchObject({
        exists: true,
        error: null,
        installed: 'all',
        current: true,
        otherHooks: 0,
      });
      expect(user.events.every((e) => e.state === 'current' && e.commands[0] === hookCommand())).toBe(true);

      const settings = JSON.parse(read(userFile()));
      const gone = `'${process.execPath}' '/gone/bin/tokenledger.js' hook`;
      settings.hooks.Stop[0].hooks[0].command = gone;
      settings.hooks.SessionStart[0].hooks[0].command = `${q(process.execPath)} ${q(script)} hook`;
      settings.hooks.SessionEnd.unshift({ hooks: [{ type: 'command', command: 'say bye' }] });
      delete settings.hooks.PreCompact;
      settings.hooks.PostToolUse = [{ hooks: [{ type: 'command', command: 'tokenledger hook' }] }];
      fs.writeFileSync(userFile(), JSON.stringify(settings));

      user = (await status()).files[0]!;
      expect(user).toMatchObject({
        installed: 'some',
        current: false,
        otherHooks: 1,
        missingEvents: ['PreCompact'],
      });
      const byEvent = Object.fromEntries(user.events.map((e) => [e.event, e]));
      expect(byEvent.Stop).toMatchObject({ state: 'broken', missingPaths: ['/gone/bin/tokenledger.js'] });
      expect(byEvent.SessionStart?.state).toBe('stale');
      expect(byEvent.SessionEnd).toMatchObject({ state: 'current', otherHooks: 1 });
      expect(user.extra).toEqual([{ event: 'PostToolUse', command: 'tokenledger hook' }]);

      const text = await run(['status'], s);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`user settings: ${userFile()}`);
      expect(text.stdout).toContain(
        'installed on 6 of 7 events, needs an update; 1 other hook on these events',
      );
      expect(text.stdout).toContain('missing on: PreCompact');
      expect(text.stdout).toContain('broken on Stop: /gone/bin/tokenledger.js does not exist');
      expect(text.stdout).toContain('stale on SessionStart:');
      expect(text.stdout).toContain('to fix: tokenledger hooks install');
      expect(text.stdout).toContain('also on PostToolUse');
    });

    it('human output for a current install, and a file it cannot read', async () => {
      await run(['install'], s);
      fs.mkdirSync(path.join(s.repo, '.claude'));
      const project = path.join(s.repo, '.claude', 'settings.json');
      fs.writeFileSync(project, '{"a":1,}');
      const r = await run(['status'], s);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(hookCommand());
      expect(r.stdout).toContain(
        `  "statusLine": ${JSON.stringify({ type: 'command', command: hookCommand().replace(' hook ', ' statusline ') })}`,
      );
      expect(r.stdout).toContain(
        'installed on all 7 events, command current; no other hooks on these events',
      );
      expect(r.stdout).toContain(
        "cannot read it: it is not valid JSON (line 1, column 8: trailing comma before '}')",
      );
      expect(r.stdout).toContain('project settings:');
      expect(r.stdout).toContain('local settings:');
      expect(r.stdout).toContain(
        `${project} is not valid JSON (line 1, column 8: trailing comma before '}'). Nothing will be written to it until it is fixed`,
      );
      expect(r.stdout).toContain('The hook is installed and current (user settings).');
      const j = await run(['status', '--json'], s);
      expect(j.code).toBe(2);
      const json = JSON.parse(j.stdout) as StatusJson;
      expect(json.files[1]).toMatchObject({
        exists: true,
        error: expect.stringContaining('line 1, column 8'),
        installed: 'unknown',
      });
    });

    it('a user settings file that is not valid JSON: says where, that nothing is written until it is fixed, exits 2', async () => {
      fs.mkdirSync(s.claude, { recursive: true });
      const broken = '{\n  "model": "opus",\n  "hooks": {,\n}\n';
      fs.writeFileSync(userFile(), broken);
      const where = `${userFile()} is not valid JSON (line 3, column 13: unexpected ",", expected a property name in double quotes)`;

      const r = await run(['status'], s);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(`user settings: ${userFile()}`);
      expect(r.stdout).toContain(where);
      expect(r.stdout).toContain('Nothing will be written to it until it is fixed');
      // The old advice, which the install then refused, must not be given.
      expect(r.stdout).not.toContain('The hook is not installed');
      expect(r.stdout).not.toContain('Install it with');

      const j = await run(['status', '--json'], s);
      expect(j.code).toBe(2);
      const out = JSON.parse(j.stdout) as StatusJson;
      expect(out.files[0]).toMatchObject({
        scopes: ['user'],
        path: userFile(),
        exists: true,
        error: expect.stringContaining('is not valid JSON (line 3, column 13'),
        installed: 'unknown',
        current: false,
      });
      expect(j.stderr).toContain(where);

      // Nothing was written, and the install still refuses with the same location.
      const install = await run(['install'], s);
      expect(install.code).toBe(2);
      expect(install.stderr).toContain('is not valid JSON (line 3, column 13');
      expect(read(userFile())).toBe(broken);

      // Once it is fixed, status is back to exit 0 and "not installed".
      fs.writeFileSync(userFile(), '{"model": "opus"}\n');
      const fixed = await run(['status'], s);
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toContain('The hook is not installed. Install it with: tokenledger hooks install');
    });

    it('lists one file once when two scopes name it (project settings in the home dir)', async () => {
      const { CLAUDE_CONFIG_DIR: _, ...env } = s.env;
      const out = await status([], env, s.home);
      expect(out.files[0]).toMatchObject({
        scopes: ['user', 'project'],
        path: path.join(s.home, '.claude', 'settings.json'),
      });
      expect(out.files).toHaveLength(2);
    });

    it('--settings adds a file', async () => {
      const file = path.join(s.root, 'x.json');
      const out = await status(['--settings', file]);
      expect(out.files.at(-1)).toMatchObject({ scopes: ['settings'], path: file, exists: false });
    });
  });
});
