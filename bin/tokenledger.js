#!/usr/bin/env node
// CommonJS on purpose (bin/package.json): start-up time matters (Claude Code runs `tokenledger hook` on
// every hook event and `tokenledger statusline` on every status refresh), so each entry is a single
// CommonJS bundle, compiled with a V8 code cache kept in the user's cache dir (what Node 22's compile
// cache does; Node 20 has none). `hook` and `statusline` always exit 0.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** `$XDG_CACHE_HOME/tokenledger/v8`, else `~/.cache/tokenledger/v8`. */
function cacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(require('node:os').homedir(), '.cache');
  return path.join(base, 'tokenledger', 'v8');
}

/**
 * Loads a bundle like `require` does, but compiles it with V8 cached data when there is some for this
 * exact file, Node and CPU, and returns a function that saves fresh cached data (call it after the
 * work, so the functions that ran are in it). Any problem with the cache falls back to `require`.
 */
function loadBundle(name) {
  const file = path.join(__dirname, '..', 'dist', 'bin', name);
  try {
    const vm = require('node:vm');
    const Module = require('node:module');
    const st = fs.statSync(file);
    const key = `${name}-${st.size}-${Math.floor(st.mtimeMs)}-${process.version}-${process.arch}.bin`;
    const cacheFile = path.join(cacheDir(), key);
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    // latin1: the bundles are ASCII (scripts/bundle.mjs sees to it), and this skips decoding UTF-8.
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'latin1')), {
      filename: file,
      cachedData,
    });
    const mod = { exports: {}, filename: file, id: file, loaded: false };
    script
      .runInThisContext()
      .call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
    mod.loaded = true;
    const save = () => {
      if (cachedData !== undefined && !script.cachedDataRejected) return;
      try {
        const dir = path.dirname(cacheFile);
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        for (const old of fs.readdirSync(dir))
          if (old.startsWith(`${name}-`)) fs.rmSync(path.join(dir, old), { force: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
      } catch {
        // no cache this time
      }
    };
    return { exports: mod.exports, save };
  } catch {
    if (!fs.existsSync(file)) {
      const root = path.join(__dirname, '..');
      throw new Error(
        `${file} is missing: this copy of tokenledger is not built. Run \`npm install\` (or \`npm run build\`) in ${root}.`,
      );
    }
    return { exports: require(file), save: () => {} };
  }
}

const command = process.argv[2];
if (command === 'hook' || command === 'statusline') {
  let save = () => {};
  Promise.resolve()
    .then(() => {
      const bundle = loadBundle(command === 'hook' ? 'hook-main.cjs' : 'statusline-main.cjs');
      save = bundle.save;
      return command === 'hook'
        ? bundle.exports.hookMain(process.argv.slice(3))
        : bundle.exports.statuslineMain(process.argv.slice(3));
    })
    .catch((error) => {
      // A broken install must not fail the agent either; the status line says what is wrong.
      if (command === 'statusline')
        process.stdout.write(`tokenledger: ${error instanceof Error ? error.message : String(error)}\n`);
    })
    .finally(() => {
      save();
      process.exit(0);
    });
} else {
  let bundle;
  try {
    bundle = loadBundle('main.cjs');
  } catch (error) {
    process.stderr.write(`tokenledger: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(70);
  }
  bundle.exports.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    bundle.save();
  });
}
