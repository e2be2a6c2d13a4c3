// One set of validators shared by flags, presets and prompts. Each returns an error message
// (what is wrong and what is allowed) or null when the value is fine.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Kept lookahead-free pieces separately so each rule gives its own message.
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Plain scalars that YAML (1.1 as Helm and Kubernetes read it, or 1.2) takes for a boolean, null
// or number. Names and environments are written into YAML bare by Helm's own idiom
// (`name: {{ include "x.fullname" . }}`), so "0", "1e3" or "yes" would become a number or a
// boolean and the objects would be rejected by the cluster or point at the wrong values file.
const YAML_NON_STRING = /^(?:y|n|yes|no|true|false|on|off|null|[0-9]+|0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+e-?[0-9]+)$/;

export function checkDnsLabel(value: string, what: string, max = 63): string | null {
  if (value.length === 0) return `${what} is empty`;
  if (value.length > max) return `${what} "${printable(value)}" is ${value.length} characters; at most ${max} allowed`;
  if (!DNS_LABEL.test(value))
    return `${what} "${printable(value)}" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit)`;
  if (YAML_NON_STRING.test(value)) return `${what} "${value}" would be read by YAML as a number, boolean or null; add a letter or a '-', e.g. "${value}-app"`;
  return null;
}

export function checkName(value: string): string | null {
  return checkDnsLabel(value, 'name', 53);
}

export function checkEnvs(list: string[]): string | null {
  if (list.length === 0) return 'envs is empty; give at least one environment, e.g. staging,prod';
  if (list.length > 10) return `envs lists ${list.length} environments; at most 10 allowed`;
  const seen = new Set<string>();
  for (const env of list) {
    const bad = checkDnsLabel(env, 'environment', 40);
    if (bad) return bad;
    if (seen.has(env)) return `environment "${env}" is listed twice`;
    seen.add(env);
  }
  return null;
}

export function checkPort(value: number): string | null {
  if (!Number.isInteger(value) || value < 1 || value > 65535) return `port "${value}" is not an integer from 1 to 65535`;
  return null;
}

// Every environment but production gets `<env>.` in front of the host, and an environment name is
// at most 40 characters: keeping room for that prefix keeps every derived host a valid DNS name.
const HOST_MAX = 253 - 41;

export function checkHost(value: string): string | null {
  if (value.length === 0) return 'host is empty';
  if (value.length > HOST_MAX) return `host "${printable(value)}" is ${value.length} characters; at most ${HOST_MAX} allowed (other environments get "<env>." in front)`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return `host "${printable(value)}" has a scheme; give a bare DNS name like app.example.com`;
  if (/[/?#]/.test(value)) return `host "${printable(value)}" has a path or query; give a bare DNS name like app.example.com`;
  const bare = value.startsWith('*.') ? value.slice(2) : value;
  if (!DNS_NAME.test(bare) || !bare.includes('.'))
    return `host "${printable(value)}" is not a lowercase DNS name with a dot (a wildcard is allowed only as a leading "*.")`;
  const labels = bare.split('.');
  if (labels.some((label) => label.length > 63)) return `host "${printable(value)}" has a label longer than 63 characters`;
  // An Ingress host may not be an IP address, and no top-level domain is all digits.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return `host "${printable(value)}" is an IP address or ends in a numeric label; give a DNS name like app.example.com`;
  return null;
}

// OCI reference: [registry[:port]/]path[:tag][@digest]. The path components follow the
// distribution grammar; a tag or a digest is required and "latest" is refused.
const REGISTRY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

export interface ImageRef {
  repository: string;
  tag: string;
  digest: string;
}

export function parseImage(value: string): ImageRef | string {
  const shown = printable(value);
  if (value.length === 0) return 'image is empty';
  if (value.length > 512) return 'image reference is longer than 512 characters';
  let rest = value;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `image "${shown}" has a malformed digest; use @sha256: followed by 64 hex digits`;
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `image "${shown}" has a malformed tag "${printable(tag)}"`;
  }
  if (!tag && !digest) return `image "${shown}" has no tag; pin a version like ${printable(rest, 60)}:1.2.3 or a digest @sha256:…`;
  if (tag === 'latest') return `image "${shown}" uses the tag "latest"; pin a version like ${printable(rest, 60)}:1.2.3`;
  const parts = rest.split('/');
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  if (hasRegistry && !REGISTRY.test(first)) return `image "${shown}" has a malformed registry "${printable(first)}"`;
  for (const part of hasRegistry ? parts.slice(1) : parts) {
    if (!PATH_COMPONENT.test(part))
      return `image "${shown}" is not a valid reference (path components are lowercase letters, digits and separators . _ __ -)`;
  }
  if (hasRegistry && parts.length < 2) return `image "${shown}" has a registry but no repository`;
  return { repository: rest, tag, digest };
}

export function checkImage(value: string): string | null {
  const parsed = parseImage(value);
  return typeof parsed === 'string' ? parsed : null;
}

// Hosts and users start with a letter or digit: git hands both to ssh, which would read a leading
// '-' as an option (e.g. -oProxyCommand).
const URL_HOST = '[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?';
const URL_USER = '[A-Za-z0-9_][A-Za-z0-9._-]*@';
const URL_SEGMENT = '[A-Za-z0-9._~%+-]+';
const HTTPS_URL = new RegExp(`^https://${URL_HOST}(?:/${URL_SEGMENT})*/?$`);
const SSH_URL = new RegExp(`^ssh://(?:${URL_USER})?${URL_HOST}(?:/${URL_SEGMENT})+/?$`);
const SCP_URL = new RegExp(`^${URL_USER}[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:${URL_SEGMENT}(?:/${URL_SEGMENT})*$`);

// `scheme://user:password@host` or `scheme://token@host`: credentials, which must never be
// written into a generated file nor echoed back.
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** The URL with any user information before the host replaced by `***`. */
export function redactUrl(value: string): string {
  return value.replace(URL_CREDENTIALS, '$1***@');
}

export function checkRepoUrl(value: string): string | null {
  if (HTTPS_URL.test(value) || SSH_URL.test(value) || SCP_URL.test(value)) return null;
  const credentials = URL_CREDENTIALS.exec(value);
  // ssh://git@host is a user name, not a secret; anything with a password, or any user on
  // https (a token in place of the user), is.
  if (credentials && (/^https?:/i.test(credentials[1]) || credentials[2].includes(':')))
    return `repo-url "${printable(redactUrl(value))}" holds credentials; give the URL without them (Argo CD takes credentials from a repository Secret)`;
  return `repo-url "${printable(value)}" is not a repository URL; use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git`;
}

const REPO_PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

export function checkRepoPath(value: string): string | null {
  if (value === '.') return null;
  const segments = value.split('/');
  if (segments.some((s) => !REPO_PATH_SEGMENT.test(s) || s === '.' || s === '..'))
    return `repo-path "${printable(value)}" is not a relative path inside the repository (letters, digits, . _ - separated by /)`;
  return null;
}

export function checkSecretKeys(list: string[]): string | null {
  const seen = new Set<string>();
  for (const key of list) {
    if (!ENV_KEY.test(key) || key.length > 128)
      return `secret key "${printable(key)}" is not an environment variable name (letters, digits and _, not starting with a digit)`;
    // A valid name, but JavaScript objects (and the values reader) give this key a meaning of its own.
    if (key === '__proto__') return 'secret key "__proto__" is reserved; choose another name';
    if (seen.has(key)) return `secret key "${key}" is listed twice`;
    seen.add(key);
  }
  if (list.length > 50) return `secret-keys lists ${list.length} keys; at most 50 allowed`;
  return null;
}

/**
 * Shows control characters visibly so an echoed string stays one line and cannot restyle the
 * terminal or reorder what it shows: C0 controls and ESC (escaped by JSON), DEL, the C1 controls
 * (a terminal may take U+009B as an escape), the Unicode line and paragraph separators, and the
 * bidirectional controls (U+061C, U+200E-F, U+202A-E, U+2066-9).
 */
export function printable(value: string, max = 80): string {
  const escaped = JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max - 3)}...` : escaped;
}

// Cron: five fields (minute hour day-of-month month day-of-week), each `*`, a number, a range or
// a comma list of them, with an optional `/step`; months and weekdays may be named. Or a macro.
const CRON_MACROS = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight'];
const CRON_FIELDS: { what: string; min: number; max: number; names?: string[] }[] = [
  { what: 'minute', min: 0, max: 59 },
  { what: 'hour', min: 0, max: 23 },
  { what: 'day of month', min: 1, max: 31 },
  { what: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { what: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function cronNumber(text: string, field: (typeof CRON_FIELDS)[number]): number | null {
  if (/^[0-9]{1,2}$/.test(text)) return Number(text);
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return named < 0 ? null : named + field.min;
}

function cronFieldOk(text: string, field: (typeof CRON_FIELDS)[number]): boolean {
  return text.split(',').every((part) => {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === '') return false;
    if (step !== undefined && !(/^[0-9]{1,2}$/.test(step) && Number(step) > 0)) return false;
    if (range === '*' || (range === '?' && field.what.startsWith('day'))) return true;
    const ends = range.split('-');
    if (ends.length > 2) return false;
    const numbers = ends.map((end) => cronNumber(end, field));
    if (numbers.some((n) => n === null || n < field.min || n > field.max)) return false;
    return numbers.length === 1 || numbers[0]! <= numbers[1]!;
  });
}

export function checkSchedule(value: string): string | null {
  const shown = printable(value);
  if (value.startsWith('@')) {
    return CRON_MACROS.includes(value) ? null : `schedule "${shown}" is not a known macro; use one of ${CRON_MACROS.join(', ')}`;
  }
  if (/^(CRON_)?TZ=/.test(value)) return `schedule "${shown}" sets a time zone; pass --timezone instead`;
  const fields = value.split(/ +/);
  if (fields.length !== 5 || value !== value.trim()) {
    return `schedule "${shown}" is not a cron expression: give five fields (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *", or a macro like @daily`;
  }
  const bad = fields.findIndex((text, i) => !cronFieldOk(text, CRON_FIELDS[i]));
  if (bad >= 0) {
    const f = CRON_FIELDS[bad];
    return `schedule "${shown}": "${printable(fields[bad])}" is not a valid ${f.what} (${f.min}-${f.max}${f.names ? ' or a name' : ''}, *, ranges, lists and /steps)`;
  }
  return null;
}

/** An IANA time zone name (`Europe/Berlin`, `Etc/UTC`) that this Node's time zone data knows. */
export function checkTimeZone(value: string): string | null {
  const shown = printable(value);
  // Names only: an offset like "+01:00" is accepted by Intl but not by a CronJob.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return `timezone "${shown}" is not an IANA time zone name like Europe/Berlin or Etc/UTC`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return null;
  } catch {
    return `timezone "${shown}" is not a known IANA time zone; use a name like Europe/Berlin, America/New_York or Etc/UTC`;
  }
}

/**
 * Text shown as it is, line by line (a diff of file contents): only what a terminal would act on
 * is escaped, as in printable (C0 and C1 controls, ESC, DEL, bidi controls, line and paragraph
 * separators), while newlines and tabs stay. A file in a pull request can hold escape sequences
 * that repaint the terminal or fake a line; printed by --dry-run they are shown, not run.
 */
export function printableText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) =>
    c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
