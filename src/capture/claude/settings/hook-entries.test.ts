import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HOOK_EVENTS,
  HOOK_TIMEOUT_SECONDS,
  hooksShapeProblem,
  installHooks,
  isTokenledgerHandler,
  isTokenledgerHookCommand,
  type JsonObject,
  parseShellWords,
  uninstallHooks,
} from './hook-entries.js';
import { inspectHooks } from './hook-inspection.js';

const CMD = "'/usr/bin/node' '/opt/tl/bin/tokenledger.js' hook";
const OLD = "'/usr/local/bin/node' '/old/place/bin/tokenledger.js' hook";
const handler = (command: string): JsonObject => ({
  type: 'command',
  command,
  timeout: HOOK_TIMEOUT_SECONDS,
});

describe('isTokenledgerHookCommand', () => {
  it.each([
    CMD,
    OLD,
    'tokenledger hook',
    '/usr/local/bin/tokenledger hook',
    '~/bin/tokenledger hook',
    '"$HOME/.local/bin/tokenledger" hook',
    "tokenledger hook --db '/a b/ledger.db' --config /c.json",
    'node /x/tokenledger.js hook',
    'node --no-warnings /x/tokenledger.js hook',
    'npx tokenledger hook',
    'npx -y tokenledger@0.1.0 hook',
    'pnpm exec tokenledger hook',
    'npm exec -- tokenledger hook',
    'env TOKENLEDGER_HOME=/x tokenledger hook',
    'TOKENLEDGER_DB=/x.db tokenledger hook',
    'exec /x/tokenledger hook',
    "'/path with '\\''quote'\\''/node' '/p/tokenledger.js' hook",
    'tokenledger hook 2>/dev/null',
    'tokenledger hook >>/tmp/tl.log 2>&1',
    'tokenledger hook   # import transcripts',
    '  tokenledger hook\n',
    "'C:\\tools\\tokenledger.js' hook",
  ])('ours: %s', (command) => {
    expect(isTokenledgerHookCommand(command)).toBe(true);
  });

  it.each([
    'echo tokenledger hook',
    'echo "tokenledger hook"',
    "printf '%s' 'node /x/tokenledger.js hook'",
    'notify-send tokenledger hook',
    '/usr/bin/python3 tokenledger.js hook',
    'bash -c "tokenledger hook"',
    'tokenledger hooks status',
    'tokenledger hooks install',
    'tokenledger hook-debug',
    'tokenledger status',
    'tokenledger',
    'node /x/tokenledger.js import',
    '/x/tokenledger-hook',
    '/x/my-tokenledger hook',
    'tokenledger.json hook',
    '"/x/tokenledger.js hook"',
    'tokenledger hook && say done',
    'tokenledger hook; rm -f x',
    'tokenledger hook || true',
    'cat log | tokenledger hook',
    'tokenledger hook &',
    'echo $(tokenledger hook)',
    'echo `tokenledger hook`',
    "'unterminated tokenledger hook",
    'tokenledger hook "unterminated',
    '# tokenledger hook',
    'tokenledger hook <<EOF',
    '',
  ])('not ours: %s', (command) => {
    expect(isTokenledgerHookCommand(command)).toBe(false);
  });
});

describe('parseShellWords', () => {
  it.each([
    ['a \'b c\' "d e" f\\ g', ['a', 'b c', 'd e', 'f g']],
    ["'it'\\''s'", ["it's"]],
    ['"a\\"b" "\\$x" "$HOME"', ['a"b', '$x', '$HOME']],
    ["''", ['']],
    ['x 2>/dev/null y', ['x', 'y']],
    ['x >> log 2>&1', ['x']],
    ['x # y z', ['x']],
    ['a#b', ['a#b']],
  ])('%s', (text, words) => {
    expect(parseShellWords(text)).toEqual({ words, simple: true });
  });

  it('stops at a control operator and says so', () => {
    expect(parseShellWords('a b; c')).toEqual({ words: ['a', 'b'], simple: false });
    expect(parseShellWords('a "$(b)"')).toEqual({ words: ['a', '$(b)'], simple: false });
  });

  it('returns null for an unterminated quote', () => {
    expect(parseShellWords("a 'b")).toBeNull();
    expect(parseShellWords('a "b')).toBeNull();
  });
});

describe('isTokenledgerHandler', () => {
  it('recognises command handlers, shell and exec form', () => {
    expect(isTokenledgerHandler(handler(CMD))).toBe(true);
    expect(isTokenledgerHandler({ command: 'tokenledger hook' })).toBe(true);
    expect(
      isTokenledgerHandler({
        type: 'command',
        command: '/usr/bin/node',
        args: ['/x/tokenledger.js', 'hook'],
      }),
    ).toBe(true);
  });

  it('ignores other handler types, exec-form args that are not ours, and non-objects', () => {
    expect(isTokenledgerHandler({ type: 'http', command: 'tokenledger hook', url: 'http://x' })).toBe(false);
    expect(isTokenledgerHandler({ type: 'command', command: 'tokenledger', args: ['status'] })).toBe(false);
    expect(isTokenledgerHandler({ type: 'command', command: 'echo', args: ['tokenledger', 'hook'] })).toBe(
      false,
    );
    expect(isTokenledgerHandler({ type: 'command', command: 'tokenledger', args: [1, 'hook'] })).toBe(false);
    expect(isTokenledgerHandler('tokenledger hook')).toBe(false);
    expect(isTokenledgerHandler(null)).toBe(false);
    expect(isTokenledgerHandler(['tokenledger', 'hook'])).toBe(false);
  });
});

/** The settings install writes into an empty object. */
function expectedFresh(command: string): JsonObject {
  const hooks: JsonObject = {};
  for (const spec of HOOK_EVENTS) {
    hooks[spec.event] = [
      spec.matcher === undefined
        ? { hooks: [handler(command)] }
        : { matcher: spec.matcher, hooks: [handler(command)] },
    ];
  }
  return { hooks };
}

const USER_STOP = { hooks: [{ type: 'command', command: 'say done' }] };
const USER_TOOL = {
  matcher: 'Bash',
  hooks: [{ type: 'command', command: 'echo tokenledger hook', timeout: 5 }],
};

function userSettings(): JsonObject {
  return {
    model: 'opus',
    hooks: { PostToolUse: [USER_TOOL], Stop: [USER_STOP] },
    permissions: { allow: ['Bash(ls:*)'] },
  };
}

describe('HOOK_EVENTS', () => {
  it('lists the seven events, matchers only where Claude Code supports them', () => {
    expect(HOOK_EVENTS.map((s) => [s.event, s.matcher ?? null])).toEqual([
      ['SessionStart', '*'],
      ['UserPromptSubmit', null],
      ['SubagentStart', '*'],
      ['SubagentStop', '*'],
      ['Stop', null],
      ['PreCompact', '*'],
      ['SessionEnd', '*'],
    ]);
  });
});

describe('installHooks', () => {
  it('adds one matcher group per event to an empty object, in HOOK_EVENTS order', () => {
    const edit = installHooks({}, CMD);
    expect(edit.changed).toBe(true);
    expect(edit.settings).toEqual(expectedFresh(CMD));
    expect(JSON.stringify(edit.settings)).toBe(JSON.stringify(expectedFresh(CMD)));
    expect(edit.changes.map((c) => [c.event, c.action, c.path])).toEqual(
      HOOK_EVENTS.map((s) => [s.event, 'added', `hooks.${s.event}[0]`]),
    );
  });

  it('keeps other keys, their order, and the user’s groups; appends its own group', () => {
    const input = userSettings();
    const before = JSON.stringify(input);
    const edit = installHooks(input, CMD);
    expect(JSON.stringify(input)).toBe(before); // input untouched
    expect(Object.keys(edit.settings)).toEqual(['model', 'hooks', 'permissions']);
    const hooks = edit.settings.hooks as JsonObject;
    expect(Object.keys(hooks)).toEqual([
      'PostToolUse',
      'Stop',
      ...HOOK_EVENTS.map((s) => s.event).filter((e) => e !== 'Stop'),
    ]);
    expect(hooks.PostToolUse).toEqual([USER_TOOL]);
    expect(hooks.Stop).toEqual([USER_STOP, { hooks: [handler(CMD)] }]);
    expect(edit.changes.find((c) => c.event === 'Stop')?.path).toBe('hooks.Stop[1]');
  });

  it('is idempotent', () => {
    const once = installHooks(userSettings(), CMD);
    const twice = installHooks(once.settings, CMD);
    expect(twice.changed).toBe(false);
    expect(JSON.stringify(twice.settings)).toBe(JSON.stringify(once.settings));
    expect(twice.changes.every((c) => c.action === 'unchanged')).toBe(true);
  });

  it('updates a stale entry in place, keeping its other fields and its neighbours', () => {
    const input: JsonObject = {
      hooks: {
        Stop: [
          USER_STOP,
          {
            hooks: [
              { type: 'command', command: 'say hi' },
              { type: 'command', command: OLD, timeout: 10, statusMessage: 'ledger' },
            ],
          },
        ],
      },
    };
    const edit = installHooks(input, CMD);
    const stop = (edit.settings.hooks as JsonObject).Stop;
    expect(stop).toEqual([
      USER_STOP,
      {
        hooks: [
          { type: 'command', command: 'say hi' },
          { type: 'command', command: CMD, timeout: HOOK_TIMEOUT_SECONDS, statusMessage: 'ledger' },
        ],
      },
    ]);
    expect(edit.changes.find((c) => c.event === 'Stop')).toEqual({
      event: 'Stop',
      action: 'updated',
      path: 'hooks.Stop[1].hooks[1]',
      before: OLD,
      after: CMD,
    });
  });

  it('replaces an exec-form entry (args) with the shell form', () => {
    const input: JsonObject = {
      hooks: {
        Stop: [
          { hooks: [{ type: 'command', command: '/usr/bin/node', args: ['/x/tokenledger.js', 'hook'] }] },
        ],
      },
    };
    const stop = (installHooks(input, CMD).settings.hooks as JsonObject).Stop;
    expect(stop).toEqual([{ hooks: [handler(CMD)] }]);
  });

  it('removes duplicates of its own entry, and groups they leave empty', () => {
    const input: JsonObject = {
      hooks: {
        Stop: [
          { hooks: [handler(CMD)] },
          USER_STOP,
          { hooks: [handler(OLD)] },
          { hooks: [handler(OLD), handler('x')] },
        ],
      },
    };
    const edit = installHooks(input, CMD);
    expect((edit.settings.hooks as JsonObject).Stop).toEqual([
      { hooks: [handler(CMD)] },
      USER_STOP,
      { hooks: [handler('x')] },
    ]);
    expect(edit.changes.filter((c) => c.event === 'Stop').map((c) => [c.action, c.path, c.note])).toEqual([
      ['unchanged', 'hooks.Stop[0].hooks[0]', undefined],
      ['removed', 'hooks.Stop[2].hooks[0]', 'duplicate; emptied matcher group removed'],
      ['removed', 'hooks.Stop[3].hooks[0]', 'duplicate'],
    ]);
    expect(edit.changed).toBe(true);
  });

  it('throws on a shape it cannot edit', () => {
    expect(() => installHooks({ hooks: [] }, CMD)).toThrow(/"hooks" is an array/);
  });
});

describe('uninstallHooks', () => {
  it('undoes install exactly, key order included', () => {
    for (const input of [{}, userSettings(), { hooks: { Stop: [USER_STOP] }, z: 1 }]) {
      const back = uninstallHooks(installHooks(input, CMD).settings);
      expect(JSON.stringify(back.settings)).toBe(JSON.stringify(input));
    }
  });

  it('drops an event list, and "hooks", that only our entries filled (even if they were there empty)', () => {
    expect(uninstallHooks(installHooks({ hooks: {} }, CMD).settings).settings).toEqual({});
    const back = uninstallHooks(installHooks({ hooks: { Stop: [], X: [] } }, CMD).settings).settings;
    expect(back).toEqual({ hooks: { X: [] } });
  });

  it('removes hand-written entries on any event, and only groups and events it emptied', () => {
    const input: JsonObject = {
      hooks: {
        PostToolUse: [{ matcher: 'Agent|Task', hooks: [{ type: 'command', command: 'tokenledger hook' }] }],
        Stop: [{ hooks: [{ type: 'command', command: 'say done' }, handler(OLD)] }],
        SessionEnd: [],
      },
      env: { A: '1' },
    };
    const edit = uninstallHooks(input);
    expect(edit.settings).toEqual({
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }], SessionEnd: [] },
      env: { A: '1' },
    });
    expect(edit.changes.map((c) => [c.event, c.action, c.path, c.before, c.note])).toEqual([
      [
        'PostToolUse',
        'removed',
        'hooks.PostToolUse[0].hooks[0]',
        'tokenledger hook',
        'emptied matcher group removed; emptied event removed',
      ],
      ['Stop', 'removed', 'hooks.Stop[0].hooks[1]', OLD, undefined],
    ]);
  });

  it('changes nothing when there is nothing of ours', () => {
    const edit = uninstallHooks(userSettings());
    expect(edit.changed).toBe(false);
    expect(edit.changes).toEqual([]);
    expect(edit.settings).toEqual(userSettings());
  });

  it('leaves groups it cannot read alone', () => {
    const input: JsonObject = { hooks: { Stop: ['weird', { hooks: 'x' }, { matcher: '*' }] } };
    expect(uninstallHooks(input)).toEqual({ settings: input, changes: [], changed: false });
  });
});

describe('hooksShapeProblem', () => {
  it.each([
    [{}, null],
    [{ hooks: {} }, null],
    [{ hooks: { Stop: [] } }, null],
    [{ hooks: null }, '"hooks" is null, not an object'],
    [{ hooks: [] }, '"hooks" is an array, not an object'],
    [{ hooks: 'x' }, '"hooks" is a string, not an object'],
    [{ hooks: { Stop: {} } }, '"hooks.Stop" is an object, not an array'],
    [{ hooks: { Stop: [], SessionEnd: 3 } }, '"hooks.SessionEnd" is a number, not an array'],
  ] as [JsonObject, string | null][])('%j', (settings, problem) => {
    expect(hooksShapeProblem(settings)).toBe(problem);
  });
});

describe('inspectHooks', () => {
  const exists = (p: string) => !p.startsWith('/gone/');

  it('reports missing events on an empty object', () => {
    const found = inspectHooks({}, CMD, exists);
    expect(found.events.map((e) => e.state)).toEqual(HOOK_EVENTS.map(() => 'missing'));
    expect(found.otherHooks).toBe(0);
    expect(found.extra).toEqual([]);
  });

  it('tells current, stale, broken and missing apart, and counts other hooks', () => {
    const settings = installHooks(userSettings(), CMD).settings;
    const hooks = settings.hooks as JsonObject;
    hooks.SessionStart = [{ matcher: '*', hooks: [handler(OLD)] }];
    hooks.SubagentStop = [{ matcher: '*', hooks: [handler("'/gone/node' '/gone/tokenledger.js' hook")] }];
    hooks.SubagentStart = [{ matcher: '*', hooks: [{ type: 'command', command: 'say start' }] }];
    hooks.PreCompact = [{ matcher: '*', hooks: [{ type: 'command', command: CMD }] }]; // no timeout
    hooks.PostToolUse = [{ hooks: [handler('tokenledger hook')] }];
    const found = inspectHooks(settings, CMD, exists);
    expect(Object.fromEntries(found.events.map((e) => [e.event, e.state]))).toEqual({
      SessionStart: 'stale',
      UserPromptSubmit: 'current',
      SubagentStart: 'missing',
      SubagentStop: 'broken',
      Stop: 'current',
      PreCompact: 'stale',
      SessionEnd: 'current',
    });
    expect(found.events.find((e) => e.event === 'SubagentStop')?.missingPaths).toEqual([
      '/gone/node',
      '/gone/tokenledger.js',
    ]);
    expect(found.events.find((e) => e.event === 'SessionStart')?.commands).toEqual([OLD]);
    expect(found.otherHooks).toBe(2); // say done (Stop), say start (SubagentStart)
    expect(found.extra).toEqual([{ event: 'PostToolUse', command: 'tokenledger hook' }]);
  });
});

describe('install and uninstall, on generated settings', () => {
  const userCommand = fc.constantFrom(
    'say done',
    'echo tokenledger hook',
    'tokenledger hooks status',
    'tokenledger hook && say x',
    "printf '%s' tokenledger",
  );
  const userHandler = fc.record({ type: fc.constant('command'), command: userCommand });
  const group = fc.record(
    { matcher: fc.constantFrom('*', 'Bash', 'startup'), hooks: fc.array(userHandler, { maxLength: 3 }) },
    { requiredKeys: ['hooks'] },
  );
  const event = fc.constantFrom('Stop', 'SessionStart', 'PostToolUse', 'SessionEnd', 'Notification');
  const settings = fc.record(
    {
      model: fc.string(),
      // Non-empty: uninstall drops event lists and a "hooks" object that only our entries filled.
      hooks: fc.dictionary(event, fc.array(group, { minLength: 1, maxLength: 3 }), { minKeys: 1 }),
      env: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
    },
    { requiredKeys: [] },
  );

  it('uninstall(install(s)) is s, and install is idempotent', () => {
    fc.assert(
      fc.property(settings, (raw) => {
        const s = JSON.parse(JSON.stringify(raw)) as JsonObject;
        const once = installHooks(s, CMD);
        expect(installHooks(once.settings, CMD).changed).toBe(false);
        const back = uninstallHooks(once.settings).settings;
        expect(JSON.stringify(back)).toBe(JSON.stringify(s));
        expect(inspectHooks(once.settings, CMD, () => true).events.every((e) => e.state === 'current')).toBe(
          true,
        );
      }),
    );
  });
});
