// Validates custom resources against their operators' schemas (npm's kubernetes-models, fetched by ./platform test
// into the folder given as the first argument). Reads a JSON array of objects on stdin; writes a JSON array of
// { name, error } (error null when valid, "no-schema" when no package here knows the kind).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const models = join(process.argv[2], 'node_modules', '@kubernetes-models');
const packages = {
  'monitoring.coreos.com': 'prometheus-operator',
  'postgresql.cnpg.io': 'cloudnative-pg',
  'gateway.networking.k8s.io': 'gateway-api',
};
const results = [];
for (const object of JSON.parse(readFileSync(0, 'utf8'))) {
  const name = `${object.kind}/${object.metadata?.name}`;
  const [group, version] = object.apiVersion.split('/');
  const file = packages[group] && join(models, packages[group], group, version, `${object.kind}.js`);
  if (!file || !existsSync(file)) { results.push({ name, error: 'no-schema' }); continue; }
  const Model = (await import(pathToFileURL(file).href))[object.kind];
  try {
    new Model(object).validate();
    results.push({ name, error: null });
  } catch (e) {
    results.push({ name, error: e.message });
  }
}
process.stdout.write(JSON.stringify(results));
