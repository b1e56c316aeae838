import { describe, expect, it } from 'vitest';
import { buildProgram, COMMAND_NAMES } from '../../src/cli/program.js';

describe('the command tree', () => {
  it('COMMAND_NAMES lists every top-level command, in help order', () => {
    expect(buildProgram(() => {}).commands.map((c) => c.name())).toEqual([...COMMAND_NAMES]);
  });

  it.each(
    COMMAND_NAMES,
  )('building only %s gives that command with the same options and subcommands', (name) => {
    const all = buildProgram(() => {}).commands.find((c) => c.name() === name);
    const only = buildProgram(() => {}, name);
    expect(only.commands.map((c) => c.name())).toEqual([name]);
    const one = only.commands[0];
    expect(one?.options.map((o) => o.flags)).toEqual(all?.options.map((o) => o.flags));
    expect(one?.commands.map((c) => c.name())).toEqual(all?.commands.map((c) => c.name()));
    expect(only.options.map((o) => o.flags)).toEqual(buildProgram(() => {}).options.map((o) => o.flags));
  });
});
