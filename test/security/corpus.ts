// Hostile strings for every free-text answer. Each fragment is tried alone, in front of, inside
// and after a valid value of the field, so a validator that only checks a prefix, a suffix or
// "contains a valid value" lets it through and the round-trip test then catches it.

/** Pieces that mean something to YAML, Go templates, Handlebars, a shell, a path or a terminal. */
export const FRAGMENTS: readonly [label: string, text: string][] = [
  ['yaml mapping', ': '],
  ['yaml mapping no space', 'a:b'],
  ['yaml comment', ' #'],
  ['yaml comment tight', '#x'],
  ['newline', '\n'],
  ['crlf', '\r\n'],
  ['newline + key', '\nreplicaCount: 0'],
  ['yaml anchor', '&anchor '],
  ['yaml alias', '*alias'],
  ['yaml tag', '!!str '],
  ['yaml local tag', '!x '],
  ['document start', '---'],
  ['document end', '\n...\n'],
  ['flow mapping', '{a: 1}'],
  ['flow sequence', '[a]'],
  ['block scalar', '|\n  x'],
  ['go template', '{{ .Values.x }}'],
  ['go template trim', '{{- .Release.Name -}}'],
  ['go template call', '{{ include "x" . }}'],
  ['argo go template', '{{.env}}'],
  ['handlebars if', '{{#if x}}y{{/if}}'],
  ['handlebars raw', '{{{x}}}'],
  ['handlebars partial', '{{> partial}}'],
  ['handlebars comment', '{{! c }}'],
  ['handlebars escaped', '\\{{x}}'],
  ['closing braces', '}}'],
  ['double quote', '"'],
  ['single quote', "'"],
  ['backslash', '\\'],
  ['backslash escape', '\\n'],
  ['unicode line separator', '\u2028'],
  ['unicode paragraph separator', '\u2029'],
  ['next line (NEL)', '\u0085'],
  ['nul', '\u0000'],
  ['escape sequence', '\u001b[31m'],
  ['byte order mark', '\ufeff'],
  ['no-break space', '\u00a0'],
  ['tab', '\t'],
  ['space', ' '],
  ['leading/trailing spaces', '  '],
  ['wildcard', '*.'],
  ['double wildcard', '*.*.'],
  ['inner wildcard', '.*.'],
  ['parent path', '..'],
  ['parent path segment', '../'],
  ['absolute path', '/etc/passwd'],
  ['url scheme', 'https://'],
  ['query', '?x=1'],
  ['percent', '%0A'],
  ['at sign', '@'],
  ['colon', ':'],
  ['comma', ','],
  ['equals', '='],
  ['command substitution', '$(id)'],
  ['backticks', '`id`'],
  ['variable', '${HOME}'],
  ['semicolon', ';rm -rf /'],
  ['pipe', '|sh'],
  ['and', '&&true'],
  ['redirect', '>/tmp/x'],
  ['glob', '*'],
  ['dash option', '-oProxyCommand=x'],
  ['uppercase', 'ABC'],
  ['emoji', '🚀'],
  ['homoglyph', 'аpp'], // Cyrillic а
  ['html', '<script>'],
  ['ampersand entity', '&amp;'],
];

/** A valid value per free-text field, the carrier the fragments are put into. */
export const BASES = {
  name: 'demo',
  envs: 'staging,prod',
  host: 'app.example.com',
  image: 'registry.example.com/app:1.2.3',
  'repo-url': 'https://git.example.com/org/repo.git',
  'repo-path': 'apps/demo',
  'secret-keys': 'DB_URL,API_TOKEN',
  port: '8080',
} as const;

export type Field = keyof typeof BASES;
export const FIELDS = Object.keys(BASES) as Field[];

const DIGEST = 'sha256:' + 'ab'.repeat(32);

/** Whole values that are not "a valid value plus a fragment": lengths, edge forms, lookalikes. */
const WHOLE: Record<Field, string[]> = {
  name: [
    'a'.repeat(53), 'a'.repeat(54), 'x'.repeat(100_000), '-demo', 'demo-', 'de--mo', 'demo.app', 'de_mo', 'Demo', '',
    // DNS labels that YAML reads as a number, boolean or null
    '0', '123', '1e3', '1e-3', '0x1f', '0o17', '0b1', 'yes', 'no', 'y', 'n', 'on', 'off', 'true', 'null', 'nan', 'inf', 'a1', '1a', '0x', '1e',
  ],
  envs: [
    'prod', 'a,b,c,d,e,f,g,h,i,j', 'a,b,c,d,e,f,g,h,i,j,k', 'prod,prod', 'staging,,prod', ',', ' , ', 'e'.repeat(40), 'e'.repeat(41),
    'staging, prod', 'staging ,prod ', 'x'.repeat(100_000), 'dev,1,prod', 'yes,no', 'on,off', 'null', 'true,prod', '1e3,prod', 'dev,2024,prod',
  ],
  host: [
    '*.example.com', '*.apps.example.com', '*.com', '*', '*.', 'example', 'a.b', `${'a'.repeat(63)}.example.com`, `${'a'.repeat(64)}.example.com`,
    `${'a.'.repeat(106)}io`, `${'a.'.repeat(105)}io`, 'app.example.com.', '.example.com', 'app..example.com', 'xn--bcher-kva.example',
    '127.0.0.1', '1.2.3.4.example.com', 'app.123', 'app.example.c0m', 'app.example.com:443', 'user@app.example.com', 'x'.repeat(100_000), 'APP.example.com',
  ],
  image: [
    `registry.example.com/app@${DIGEST}`, `registry.example.com/app:1.2.3@${DIGEST}`, 'localhost:5000/app:1', '[::1]:5000/app:1',
    'app:latest', 'app', 'app:', 'app:1.0.', 'app:_x', `app:${'v'.repeat(128)}`, `app:${'v'.repeat(129)}`, `app:${'1.'.repeat(40)}x`,
    'registry.example.com:5000/org/team/app:2024.01.01-rc.1', 'REGISTRY.EXAMPLE.COM/app:1', 'registry.example.com/App:1',
    'registry.example.com//app:1', 'registry.example.com/app:1@sha256:short', 'x'.repeat(100_000),
  ],
  'repo-url': [
    'git@github.com:org/repo.git', 'ssh://git@git.example.com:2222/org/repo.git', 'https://git.example.com:8443/org/repo', 'https://git.example.com/',
    'https://git.example.com/org/../repo.git', 'https://git.example.com/org/%7B%7Bx%7D%7D.git', 'http://git.example.com/org/repo.git',
    'file:///etc/passwd', 'git://git.example.com/repo.git', 'ssh://-oProxyCommand=x/repo', '-oProxyCommand=x@host:repo', 'git@-host:repo',
    'https://user:pass@git.example.com/org/repo.git', `https://git.example.com/${'r'.repeat(5000)}.git`, 'x'.repeat(100_000),
  ],
  'repo-path': ['.', './apps', 'apps/.', 'apps/..', '..', '../apps', '/apps', 'apps/', 'apps//demo', 'a/b/c/d', '-rf', '...', '.hidden/dir', 'x'.repeat(5000)],
  'secret-keys': [
    'A', '_', 'Y,N,ON,NULL,TRUE,yes,no,on,null', 'A'.repeat(128), 'A'.repeat(129), '1A', 'A-B', 'A.B', 'A,A', 'A,,B', '', ' ', Array.from({ length: 50 }, (_, i) => `K${i}`).join(','),
    Array.from({ length: 51 }, (_, i) => `K${i}`).join(','),
  ],
  port: ['1', '65535', '0', '65536', '-1', '+80', '80.5', '1e3', '0x50', '0080', ' 80 ', '99999999999999999999', 'NaN', 'Infinity', ''],
};

export interface Case {
  field: Field;
  label: string;
  value: string;
}

/** Every hostile value for one field: each fragment alone, before, inside and after the base, plus the whole values. */
export function casesFor(field: Field): Case[] {
  const base = BASES[field];
  const mid = base.includes(',') ? base.indexOf(',') : base.includes('.') ? base.indexOf('.') : Math.ceil(base.length / 2);
  const cases: Case[] = [];
  for (const [label, text] of FRAGMENTS) {
    cases.push(
      { field, label: `${label} alone`, value: text },
      { field, label: `${label} before`, value: text + base },
      { field, label: `${label} inside`, value: base.slice(0, mid) + text + base.slice(mid) },
      { field, label: `${label} after`, value: base + text },
    );
  }
  for (const value of WHOLE[field]) cases.push({ field, label: `whole ${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? '…' : ''}`, value });
  // One value may arise twice (e.g. "," inside a list); test each once.
  const seen = new Set<string>();
  return cases.filter((c) => !seen.has(c.value) && seen.add(c.value));
}

/** Raw preset texts: YAML structure the file itself carries, beyond a quoted hostile value. */
export const RAW_PRESETS: readonly [label: string, text: string][] = [
  ['anchor and alias', 'host: &h app.example.com\nrepo-url: *h\n'],
  ['alias to a valid value', 'envs: &e [staging, prod]\nsecret-keys: &k [DB_URL]\n'],
  ['undefined alias', 'host: *nope\n'],
  ['recursive alias', 'envs: &a [*a]\n'],
  ['alias bomb', `envs: [${'&a0 [x, x, x, x, x, x, x, x, x, x]'}, ${Array.from({ length: 8 }, (_, i) => `&a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`).join(', ')}]\n`],
  ['merge key', 'base: &b {type: web}\n<<: *b\n'],
  ['str tag on a number', 'port: !!str 8080\n'],
  ['binary tag', 'host: !!binary aGVsbG8=\n'],
  ['unknown tag', 'host: !evil app.example.com\n'],
  ['python tag', 'host: !!python/object/apply:os.system ["id"]\n'],
  ['two documents', 'name: a\n---\nname: b\n'],
  ['document end marker', 'host: app.example.com\n...\n'],
  ['comment after value', 'host: app.example.com # {{ .Values.x }}\n'],
  ['plain scalar with braces', 'host: {{ .Values.x }}\n'],
  ['quoted braces', 'image: "registry.example.com/app:{{ .Values.tag }}"\n'],
  ['folded scalar', 'host: >\n  app.example.com\n'],
  ['literal scalar with newline', 'host: |\n  app.example.com\n'],
  ['literal scalar stripped', 'host: |-\n  app.example.com\n'],
  ['duplicate key', 'host: a.example.com\nhost: b.example.com\n'],
  ['key with newline', '"host\\nx": app.example.com\n'],
  ['complex key', '? [host]\n: app.example.com\n'],
  ['mapping value', 'host: {a: b}\n'],
  ['list for a string', 'host: [app.example.com]\n'],
  ['number for a string', 'name: 123\n'],
  ['bool for a list', 'envs: true\n'],
  ['null values', 'host: ~\nimage: null\n'],
  ['top-level list', '- host\n'],
  ['top-level scalar', 'app.example.com\n'],
  ['tab indentation', 'host:\n\tapp.example.com\n'],
  ['unterminated quote', 'host: "app.example.com\n'],
  ['nul byte', 'host: app.example.com\u0000\n'],
  ['byte order mark', '\ufeffhost: app.example.com\n'],
  ['directive', '%YAML 1.1\n---\nport: 0x1F90\n'],
  ['yaml 1.1 octal', 'port: 0o17620\n'],
  ['port float', 'port: 8080.0\n'],
  ['port huge', 'port: 1e400\n'],
  ['envs nested list', 'envs: [[prod]]\n'],
  ['secret keys with spaces', 'secret-keys: [" DB_URL ", "API_TOKEN"]\n'],
];
