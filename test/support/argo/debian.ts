// Debian packages the behaviour tests need (promtool, Go and the Go libraries Argo builds on),
// installed on demand the way test/support/helm.ts fetches Helm: nothing to do where they are
// already present, `apt-get install` when running as root on Debian, else one clear error line.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
let updated = false;

/**
 * Makes sure `ready()` holds, installing `packages` with apt-get if it does not.
 * `how` completes the error line when nothing can be installed, e.g. "or set PROMTOOL_BIN".
 */
export async function ensureDebianPackages(packages: string[], ready: () => boolean, how: string): Promise<void> {
  if (ready()) return;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) throw new Error(`${packages.join(', ')} missing: run \`apt-get install -y ${packages.join(' ')}\` as root ${how}`);
  // Parallel test workers may install at once; apt-get waits for the dpkg lock instead of failing.
  const apt = (args: string[]) =>
    execFileP('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    });
  try {
    await apt(['install', '-y', '--no-install-recommends', ...packages]);
  } catch {
    // A fresh machine has no package lists yet: fetch them once and retry.
    if (!updated) {
      updated = true;
      await apt(['update']);
    }
    await apt(['install', '-y', '--no-install-recommends', ...packages]);
  }
  if (!ready()) throw new Error(`apt-get installed ${packages.join(', ')} but the tools are still missing ${how}`);
}

/** The absolute path of `name` on PATH, or undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}
