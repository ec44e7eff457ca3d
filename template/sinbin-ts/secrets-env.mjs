// Preloaded before the function (node --import): OpenFaaS mounts each secret as a file under
// /var/openfaas/secrets/<name>, while the functions read their configuration from the
// environment. Each file `some-secret-name` becomes SOME_SECRET_NAME, unless that variable is
// already set (Knative passes secrets as env through secretKeyRef, and this is then a no-op).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const dir = process.env.OPENFAAS_SECRETS_DIR ?? '/var/openfaas/secrets';
let names = [];
try {
  names = readdirSync(dir);
} catch {
  // No secrets mounted: nothing to do.
}
for (const name of names) {
  if (name.startsWith('.')) continue; // Kubernetes' ..data symlinks
  const path = join(dir, name);
  if (!statSync(path).isFile()) continue;
  const variable = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  if (process.env[variable] === undefined) process.env[variable] = readFileSync(path, 'utf8').trim();
}
