#!/usr/bin/env node
// Claude Code runs `tokenledger hook` on every hook event and `tokenledger statusline` on every status
// refresh: each has its own small entry point, which starts faster than the full command line and
// always exits 0.
if (process.argv[2] === 'hook') {
  try {
    const { hookMain } = await import('../dist/bin/hook-main.js');
    await hookMain(process.argv.slice(3));
  } catch {
    // A broken install must not fail the agent either.
  }
  process.exit(0);
} else if (process.argv[2] === 'statusline') {
  try {
    const { statuslineMain } = await import('../dist/bin/statusline-main.js');
    await statuslineMain(process.argv.slice(3));
  } catch (error) {
    process.stdout.write(`tokenledger: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(0);
} else {
  const { main } = await import('../dist/bin/main.js');
  process.exitCode = await main(process.argv.slice(2));
}
