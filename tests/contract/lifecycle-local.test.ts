// The lifecycle ports' contracts over the embedded default's adapters: a bucket directory and a
// registry file. tests/integration/lifecycle runs the same suites on MinIO and MLflow.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelRegistry, FilesystemObjectStore } from '@sinbin/stores';
import { objectStoreContract } from './object-store-suite';
import { registryContract } from './registry-suite';

const root = mkdtempSync(join(tmpdir(), 'sinbin-lifecycle-contract-'));
objectStoreContract('bucket directory', async () => new FilesystemObjectStore(join(root, 'bucket')));
registryContract('registry file', async () => new FileModelRegistry(join(root, 'model-registry.json')));
