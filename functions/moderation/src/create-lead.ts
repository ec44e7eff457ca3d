// Creates a moderator account (the first lead, typically) directly in the moderation database:
// PostgreSQL when DATABASE_URL (or --database-url) is set, else the embedded runtime's PGlite
// directory. Leads create further accounts through the API (POST /v1/moderators).
//
//   npm run moderation:create-lead -- --username alice --password-file ./alice.pw [--role lead|moderator]
//   (password on stdin instead: --password-file -)
import { adoptFormerEnvAtStart, type ModeratorStore } from '@sinbin/contract';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, migrate, pgliteModerationStores, SqlModeratorStore } from '@sinbin/stores';
import { hashPassword } from './auth';
import { PasswordSchema, RoleSchema, UsernameSchema } from '@sinbin/contract';

adoptFormerEnvAtStart();

const USAGE = `usage: npm run moderation:create-lead -- --username NAME --password-file FILE [--role lead|moderator]
                                         [--database-url URL | --pglite-dir DIR]
  --password-file FILE  the password is the file's first line (- reads stdin); at least 12 characters
  --database-url URL    PostgreSQL of the real stack (default: $DATABASE_URL)
  --pglite-dir DIR      the embedded runtime's moderation database (default: $SINBIN_STATE_DIR/moderation, .run/moderation)
                        stop \`make run\` first: PGlite is opened by one process at a time`;

function fail(message: string): never {
  process.stderr.write(`create-lead: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    'password-file': { type: 'string' },
    role: { type: 'string', default: 'lead' },
    'database-url': { type: 'string' },
    'pglite-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const username = UsernameSchema.safeParse(values.username);
if (!username.success) fail(`--username: ${username.error.issues[0]?.message ?? 'required'}`);
const role = RoleSchema.safeParse(values.role);
if (!role.success) fail('--role must be lead or moderator');
if (!values['password-file']) fail('--password-file is required (the password never goes on the command line)');
const rawPassword = readFileSync(values['password-file'] === '-' ? 0 : values['password-file'], 'utf8').split(/\r?\n/)[0] ?? '';
const password = PasswordSchema.safeParse(rawPassword);
if (!password.success) fail(`password: ${password.error.issues[0]?.message}`);

const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
let store: ModeratorStore;
let close: () => Promise<void>;
let where: string;
if (databaseUrl) {
  const pool = createPool(databaseUrl, 1);
  await migrate(pool);
  store = new SqlModeratorStore(pool);
  close = () => pool.end();
  where = 'PostgreSQL (DATABASE_URL)';
} else {
  const dir = resolve(values['pglite-dir'] ?? resolve(process.env.SINBIN_STATE_DIR ?? '.run', 'moderation'));
  const stores = await pgliteModerationStores(dir).catch((error: Error) => {
    process.stderr.write(`create-lead: ${error.message}\n`);
    process.exit(1);
  });
  store = stores.moderators;
  close = stores.close;
  where = `PGlite ${dir}`;
}

try {
  const now = new Date();
  const outcome = await store.create({ username: username.data, role: role.data, passwordHash: await hashPassword(password.data) }, now);
  if (outcome === 'exists') {
    process.stderr.write(`create-lead: ${username.data} already exists in ${where}; nothing changed\n`);
    process.exitCode = 1;
  } else {
    await store.audit({ at: now, actor: 'create-lead', action: 'moderator-created', detail: { username: username.data, role: role.data } });
    process.stderr.write(`created ${role.data} ${username.data} in ${where}\n`);
  }
} finally {
  await close();
}
