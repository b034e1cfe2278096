// Bundles the CLI into one file: Node resolving and reading some 800 module files
// cost about 0.25 s at every start, and a student runs `docknet check` dozens of
// times per lab. tsc still type-checks and compiles dist/ for the tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

// The class page inlines Chart.js's browser build; an installed docknet has no node_modules to read it from.
const chartJs = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
  'utf8',
);

// dockerode loads gRPC and protobuf at start for BuildKit sessions (`buildImage` with
// version "2"), which docknet never asks for: a stand-in keeps them out of every start.
const withoutBuildKitSessions = {
  name: 'without-buildkit-sessions',
  setup(b) {
    b.onResolve({ filter: /^\.\/session$/ }, (args) =>
      /dockerode[\\/]lib/.test(args.importer) ? { path: 'dockerode-session', namespace: 'stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents:
        "module.exports = (docker, auth, handler) => handler(new Error('BuildKit build sessions are not available in docknet'));",
      loader: 'js',
    }));
  },
};

// docker-modem loads ssh2 and its ciphers at start for ssh:// hosts, which docknet reaches
// through its own agent: a stand-in that loads them on first use spares every start ~30 ms.
const sshOnFirstUse = {
  name: 'ssh-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^\.\/ssh$/ }, (args) =>
      /docker-modem[\\/]lib/.test(args.importer)
        ? { path: 'docker-modem-ssh', namespace: 'lazy', pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: "module.exports = (options) => require('./ssh.js')(options);",
      resolveDir: args.pluginData,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/docknet.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // optional native speed-ups that ssh2 loads only if present
  external: ['cpu-features', '*.node'],
  // CommonJS dependencies bundled into an ES module still ask for these
  banner: {
    js: [
      "import { createRequire as __createRequire } from 'node:module';",
      "import { fileURLToPath as __fileURLToPath } from 'node:url';",
      "import { dirname as __pathDirname } from 'node:path';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileURLToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join('\n'),
  },
  // bin/docknet.js turns source maps on under --debug, so a stack trace names TypeScript lines;
  // the sources themselves stay out of the package: the line is what a bug report needs
  sourcemap: true,
  sourcesContent: false,
  define: { BUNDLED_CHART_JS: JSON.stringify(chartJs) },
  plugins: [withoutBuildKitSessions, sshOnFirstUse],
  logLevel: 'warning',
});
