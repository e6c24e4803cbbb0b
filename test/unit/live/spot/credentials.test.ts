import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spotCredentials, SpotCredentialsError } from '../../../../src/live/spot/credentials.js';

const home = mkdtempSync(join(tmpdir(), 'vngshift-spot-creds-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(join(home, '.spotinst'));
const defaultFile = join(home, '.spotinst', 'credentials');

describe('Spot credentials, found as Spot\'s tools find them', () => {
  it('takes SPOTINST_TOKEN and SPOTINST_ACCOUNT first', () => {
    writeFileSync(defaultFile, '[default]\ntoken = from-file\naccount = act-file\n');
    expect(spotCredentials({ SPOTINST_TOKEN: 'tok', SPOTINST_ACCOUNT: 'act-env' }, home)).toEqual({ token: 'tok', account: 'act-env', source: 'SPOTINST_TOKEN' });
  });

  it('reads the INI file, a named profile taking what it lacks from [default]', () => {
    writeFileSync(defaultFile, '[default]\ntoken = default-token\naccount = act-default\n\n[team]\ntoken = team-token\n');
    expect(spotCredentials({}, home)).toMatchObject({ token: 'default-token', account: 'act-default' });
    expect(spotCredentials({ SPOTINST_CREDENTIALS_PROFILE: 'team' }, home)).toMatchObject({ token: 'team-token', account: 'act-default' });
    // An account in the environment goes with a token from the file.
    expect(spotCredentials({ SPOTINST_ACCOUNT: 'act-env' }, home)).toMatchObject({ token: 'default-token', account: 'act-env' });
  });

  it('reads the JSON form, from SPOTINST_CREDENTIALS_FILE', () => {
    const file = join(home, 'creds.json');
    writeFileSync(file, '{"token": "json-token", "account": "act-json"}');
    expect(spotCredentials({ SPOTINST_CREDENTIALS_FILE: file }, home)).toEqual({ token: 'json-token', account: 'act-json', source: `${file} [default]` });
  });

  it('says what to do when there is no token', () => {
    expect(() => spotCredentials({ SPOTINST_CREDENTIALS_FILE: join(home, 'none') }, home)).toThrow(SpotCredentialsError);
    expect(() => spotCredentials({ SPOTINST_CREDENTIALS_FILE: join(home, 'none') }, home)).toThrow(/set SPOTINST_TOKEN/);
    writeFileSync(defaultFile, '[default]\naccount = act-only\n');
    expect(() => spotCredentials({}, home)).toThrow(/profile "default" has no token/);
  });
});
