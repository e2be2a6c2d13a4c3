// Debian packages the behaviour tests need (promtool, Go and the Go libraries Argo builds on),
// installed on demand the way test/support/helm.ts fetches Helm: nothing to do where they are
// already present, `apt-get install` when running as root on Debian, else one clear error line.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** The installers that already refreshed their package lists in this process. */
const updated = new WeakSet<Installer>();

export interface Installer { root: boolean; aptGet: boolean; run(args: string[]): Promise<unknown> }

const system: Installer = {
  root: process.getuid?.() === 0,
  aptGet: existsSync('/usr/bin/apt-get'),
  // Parallel test workers may install at once; apt-get waits for the dpkg lock instead of failing.
  run: (args) =>
    execFileP('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    }),
};

/**
 * Makes sure `ready()` holds, installing `packages` with apt-get if it does not.
 * `how` completes the error line when nothing can be installed, e.g. "or set PROMTOOL_BIN".
 */
export async function ensureDebianPackages(packages: string[], ready: () => boolean, how: string, installer: Installer = system): Promise<void> {
  if (ready()) return;
  const install = `apt-get install -y ${packages.join(' ')}`;
  if (!installer.root || !installer.aptGet) throw new Error(`${packages.join(', ')} missing: run \`${install}\` as root ${how}`);
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  try {
    try {
      await installer.run(args);
    } catch {
      // A fresh machine has no package lists yet: fetch them once and retry.
      if (!updated.has(installer)) {
        updated.add(installer);
        await installer.run(['update']);
      }
      await installer.run(args);
    }
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const last = String(e.stderr || e.message || err).trim().split('\n').pop();
    throw new Error(`\`${install}\` failed (${last}) ${how}`);
  }
  if (!ready()) throw new Error(`\`${install}\` ran but the tools are still missing ${how}`);
}

/** The absolute path of `name` on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}
