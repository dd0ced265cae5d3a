import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { EsxError } from '../../errors.js';
import { getCredentials, parseAuthConf, type Prompter } from './auth.js';

const dir = mkdtempSync(join(tmpdir(), 'esxvirt-auth-'));
const file = join(dir, 'auth.conf');
writeFileSync(
  file,
  `# libvirt auth file
[credentials-lab]
username=labadmin
password=s3cr=t

[credentials-other]
username=someone

[auth-esx-esx1.example.com]
credentials=lab

[auth-esx-default]
credentials=other
`,
);
const env = { LIBVIRT_AUTH_FILE: file, HOME: dir };

test('auth.conf: [auth-esx-HOST] → [credentials-NAME]', async () => {
  assert.deepEqual(await getCredentials({ host: 'esx1.example.com', defaultUsername: 'root', env }), {
    username: 'labadmin',
    password: 's3cr=t',
  });
});

test('the URI user name wins; a password from the file is used only for that same user', async () => {
  const asked: string[] = [];
  const prompter: Prompter = {
    ask: async (q) => {
      asked.push(q);
      return 'typed';
    },
  };
  const c = await getCredentials({ host: 'esx1.example.com', uriUsername: 'root', defaultUsername: 'root', env, prompter });
  assert.deepEqual(c, { username: 'root', password: 'typed' });
  assert.match(asked[0] ?? '', /root's password for esx1\.example\.com/);
});

test('missing password falls back to the prompt; default user offered', async () => {
  const prompter: Prompter = { ask: async (q, o) => (o.secret ? 'pw' : '') };
  assert.deepEqual(await getCredentials({ host: 'other.example.com', defaultUsername: 'root', env, prompter }), {
    username: 'someone',
    password: 'pw',
  });
  const empty = { LIBVIRT_AUTH_FILE: join(dir, 'none.conf'), HOME: dir };
  writeFileSync(join(dir, 'none.conf'), '');
  assert.deepEqual(await getCredentials({ host: 'h', defaultUsername: 'administrator', env: empty, prompter }), {
    username: 'administrator',
    password: 'pw',
  });
});

test('no terminal and nothing on file: fail at once, saying how to give credentials', async () => {
  await assert.rejects(
    getCredentials({ host: 'other.example.com', defaultUsername: 'root', env }),
    (e: unknown) =>
      e instanceof EsxError && e.code === 'AuthFailed' && /auth-esx-other\.example\.com/.test(e.message) && !/s3cr/.test(e.message),
  );
});

test('malformed auth.conf names file and line', () => {
  assert.throws(() => parseAuthConf('[a]\nno equals here\n', '/x/auth.conf'), /\/x\/auth\.conf:2/);
});
