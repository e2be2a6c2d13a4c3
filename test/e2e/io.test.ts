// The CLI's output streams, as a shell connects them: a reader that goes away early (`| head`).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { tempRoot } from '../support/project.js';

const root = tempRoot('ck8s-io-');
afterAll(() => root.cleanup());

describe('output', () => {
  it('stops quietly when the reader of stdout goes away, exiting with the command’s own code', async () => {
    const cwd = join(root.dir, 'head');
    mkdirSync(cwd);
    const apps = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const app of apps) expect(runCli([app, '--type', 'web', '--strategy', 'rolling', '--yes', '--no-lint'], { cwd }).code).toBe(0);
    // Hundreds of kilobytes of diff, more than a pipe holds: the writes outlast the reader.
    const child = spawn(process.execPath, [CLI, 'upgrade', '--dry-run', '--set', 'strategy=canary', '--set', 'scaling=keda', '--set', 'security=restricted', ...apps], {
      cwd,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.once('data', () => child.stdout.destroy());
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    // What the dry run exits with when its output is read whole: 1, a clean upgrade would change files.
    expect(code).toBe(1);
  });
});
