declare const __VERSION__: string;

/** The generator's version, set at build time from package.json. */
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
