/**
 * The Spot account and token, found as Spot's own tools find them (spotinst-sdk-go's credentials package, which the
 * Terraform provider and the Spot CLI use): the environment first (SPOTINST_TOKEN, SPOTINST_ACCOUNT), then the credentials
 * file (SPOTINST_CREDENTIALS_FILE, default ~/.spotinst/credentials) in its INI form (a section per profile with `token`
 * and `account`; a named profile missing one takes it from [default]) or its JSON form ({"token": ..., "account": ...});
 * the profile from SPOTINST_CREDENTIALS_PROFILE (default "default"). A token is required; the account may be absent (the
 * token's default account).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseIni } from 'ini';

export interface SpotCredentials {
  readonly token: string;
  readonly account: string | null;
  /** Where they came from, for messages (never the token itself). */
  readonly source: string;
}

export class SpotCredentialsError extends Error {
  override readonly name = 'SpotCredentialsError';
}

type Env = Readonly<Record<string, string | undefined>>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** The credentials file's token and account for `profile` (null fields when absent); throws on an unreadable file. */
function fromFile(file: string, profile: string): { token: string | null; account: string | null } {
  const text = readFileSync(file, 'utf8');
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      throw new SpotCredentialsError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    return { token: str(o['token']), account: str(o['account']) };
  }
  const ini = parseIni(text) as Record<string, unknown>;
  const section = (name: string): Record<string, unknown> => {
    const s = ini[name];
    return typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
  };
  const own = section(profile);
  const fallback = profile === 'default' ? {} : section('default');
  return { token: str(own['token']) ?? str(fallback['token']), account: str(own['account']) ?? str(fallback['account']) };
}

export function spotCredentials(env: Env = process.env, home: string = homedir()): SpotCredentials {
  const envToken = str(env['SPOTINST_TOKEN']);
  const envAccount = str(env['SPOTINST_ACCOUNT']);
  if (envToken !== null) return { token: envToken, account: envAccount, source: 'SPOTINST_TOKEN' };
  const file = str(env['SPOTINST_CREDENTIALS_FILE']) ?? join(home, '.spotinst', 'credentials');
  const profile = str(env['SPOTINST_CREDENTIALS_PROFILE']) ?? 'default';
  if (!existsSync(file)) {
    throw new SpotCredentialsError(`no Spot token: set SPOTINST_TOKEN (and SPOTINST_ACCOUNT), or write ${file} as Spot's CLI does`);
  }
  const found = fromFile(file, profile);
  if (found.token === null) throw new SpotCredentialsError(`${file}: profile "${profile}" has no token`);
  return { token: found.token, account: envAccount ?? found.account, source: `${file} [${profile}]` };
}
