import { OPTIONS, flagOf } from './options.js';

const COMMAND_FLAGS: [string, string][] = [
  ['--preset <name|file>', 'a built-in preset (see `create-k8s-app presets`) or a YAML file of answers'],
  ['-y, --yes', 'never prompt; defaults for anything not given'],
  ['--force', 'allow writing into a non-empty directory (only generated paths are written)'],
  ['--allow-dirty', 'with --force: write even over files with uncommitted git changes'],
  ['--dry-run', 'list the files that would be written; write nothing'],
  ['--no-lint', 'skip `helm lint` after generating (run when helm is on PATH or HELM_BIN is set)'],
  ['-h, --help / -v, --version', ''],
];

function rows(list: [string, string][]): string {
  const width = Math.max(...list.map(([flag]) => flag.length)) + 2;
  return list.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`.trimEnd()).join('\n');
}

export function helpText(): string {
  const options: [string, string][] = OPTIONS.map((o) => [
    o.kind === 'bool' ? `--[no-]${o.key}` : `--${flagOf(o)} ${o.arg}`,
    o.help,
  ]);
  return `create-k8s-app: a production Helm chart, per-environment values and an Argo CD ApplicationSet

Usage:
  create-k8s-app [directory] [options]      (directory defaults to --name, or asks)
  create-k8s-app upgrade [directory...] [--set key=value] [--check] [--dry-run] [--restore path] [-y]
  create-k8s-app presets                    list the built-in presets

Answers (flags > preset > prompts > defaults):
${rows(options)}

Options:
${rows(COMMAND_FLAGS)}

At a terminal it asks what was not given, then lists the answers and asks before writing.
Without a terminal (or with CI=true) it never prompts: pass --yes or --preset to take defaults.
Exit codes: 0 ok, 1 failure, 2 bad input, 3 upgrade conflicts, 130 interrupted.
`;
}

export function upgradeHelpText(): string {
  return `Usage: create-k8s-app upgrade [directory...] [options]   (default: .)

Re-renders each project with this version and its recorded answers, and merges the result with
your edits (a three-way merge against the recorded base).

  --set <key=value>   change an answer (repeatable): scaling=keda, strategy=canary, envs=staging,prod,
                      clusters.prod=https://prod.k8s.example.com
  --check             change nothing; exit 0 if up to date, 1 if a clean upgrade would change
                      files, 3 if it would conflict (or conflict markers are present)
  --dry-run           change nothing; print each file's status and a unified diff (exits as --check)
  --allow-dirty       write even over files with uncommitted git changes
  --no-lint           skip the helm checks of the merged chart
  --restore <path>    bring back a generated file you deleted (repeatable)
  -y, --yes           never prompt
`;
}
