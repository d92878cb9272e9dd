/**
 * A typed reader for environment variables that collects every problem before failing, so
 * that one boot attempt names all the variables an operator has to fix.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Source = Record<string, string | undefined>;

export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly source: Source = process.env) {}

  string(
    name: string,
    options: { minLength?: number; default?: string; pattern?: RegExp; describe?: string } = {},
  ): string {
    const expected =
      options.describe ?? (options.minLength ? `at least ${options.minLength} characters` : 'a non-empty string');
    const raw = this.raw(name, options.default);
    if (raw === undefined) return this.missing(name, expected, '');
    const tooShort = options.minLength !== undefined && raw.length < options.minLength;
    if (tooShort || (options.pattern && !options.pattern.test(raw))) {
      return this.invalid(name, raw, expected, '');
    }
    return raw;
  }

  int(name: string, options: { min?: number; max?: number; default?: number } = {}): number {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    const expected = `an integer from ${min} to ${max}`;
    const raw = this.raw(name, options.default?.toString());
    if (raw === undefined) return this.missing(name, expected, 0);
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      return this.invalid(name, raw, expected, 0);
    }
    return value;
  }

  port(name: string, fallback?: number): number {
    return this.int(name, { min: 1, max: 65535, default: fallback });
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const expected = `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
    const raw = this.raw(name, fallback);
    if (raw === undefined) return this.missing(name, expected, '');
    try {
      if (protocols.includes(new URL(raw).protocol)) return raw;
    } catch {
      // reported below with the expected form
    }
    return this.invalid(name, raw, expected, '');
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const expected = `one of ${allowed.join(', ')}`;
    const raw = this.raw(name, fallback);
    if (raw === undefined) return this.missing(name, expected, allowed[0]);
    if (!(allowed as readonly string[]).includes(raw)) return this.invalid(name, raw, expected, allowed[0]);
    return raw as T;
  }

  /**
   * A comma-separated list (spaces around items ignored); empty or unset is `fallback`. Every
   * item must pass `valid`; the bad ones are named.
   */
  list(name: string, options: { valid: (item: string) => boolean; describe: string; default?: string[] }): string[] {
    const raw = this.raw(name, undefined);
    if (raw === undefined) return options.default ?? [];
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    const bad = items.filter((item) => !options.valid(item));
    if (bad.length > 0) return this.invalid(name, bad.join(','), `a comma-separated list of ${options.describe}`, []);
    return items;
  }

  /** Records a problem found by a check across variables (`name` is the variable to change). */
  reject(name: string, reason: string): void {
    this.problems.push(`${name} ${reason}`);
  }

  /** Throws one ConfigError naming every variable that was missing or malformed. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  private raw(name: string, fallback: string | undefined): string | undefined {
    const value = this.source[name];
    return value === undefined || value === '' ? fallback : value;
  }

  private missing<T>(name: string, expected: string, placeholder: T): T {
    this.problems.push(`${name} is missing: expected ${expected}`);
    return placeholder;
  }

  private invalid<T>(name: string, raw: string, expected: string, placeholder: T): T {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
    this.problems.push(`${name} is invalid ("${shown}"): expected ${expected}`);
    return placeholder;
  }
}
