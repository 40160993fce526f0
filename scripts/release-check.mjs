#!/usr/bin/env node
// The release check: what a user who runs `npm install @lacuna/<pkg>` gets must work.
//
// For every publishable package under packages/: pack it with pnpm (so `workspace:` and
// `catalog:` ranges become real semver ranges), inspect the tarball, run publint and
// @arethetypeswrong/cli on it, install every tarball with plain npm into a fresh project outside
// the workspace, then import it from ESM, require it from CJS, type-check a TypeScript consumer,
// and bundle the browser-safe entries for the browser, failing on any Node built-in. Then: one
// process that mixes ESM imports and CJS requires of the packages and passes tensors and
// generators across; two versions of @lacuna/tensor nested in one project, which must meet with a
// VersionConflictError naming both; error class names in the built bundles; and, where Chromium
// is installed, a page that loads the ESM builds with an import map and no bundler.
//
// Each check lives in release-check/, one file per concern; this script runs them in order.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBrowserBundle } from './release-check/browser-bundle.mjs';
import { checkBrowserPage } from './release-check/browser-page.mjs';
import { installConsumer } from './release-check/consumer.mjs';
import { checkExportsAndTypes } from './release-check/exports-and-types.mjs';
import { checkModuleSystems } from './release-check/module-systems.mjs';
import { checkNestedVersions } from './release-check/nested-versions.mjs';
import { pack } from './release-check/pack.mjs';
import { checkReadmeExamples } from './release-check/readme-examples.mjs';
import { createReport, run } from './release-check/report.mjs';
import { checkTarballContents } from './release-check/tarball-contents.mjs';
import { checkTypeScriptConsumer } from './release-check/typescript-consumer.mjs';
import { bin, readManifests, root } from './release-check/workspace.mjs';

const report = createReport();
const manifests = readManifests();

console.log('Release check: building packages');
run(bin('turbo'), ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
});

const work = mkdtempSync(join(tmpdir(), 'lacuna-release-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
/** @type {string[]} */
const tarballs = [];

for (const { dir, pkg } of manifests) {
  console.log(`\n${pkg.name}@${pkg.version}`);
  const tarball = pack(report, dir, tarballDir);
  tarballs.push(tarball);
  checkTarballContents(report, tarball, join(work, 'extract', pkg.name.replace('/', '__')));
  checkExportsAndTypes(report, tarball);
}

console.log('\nConsumer project (npm install of the tarballs)');
const app = join(work, 'consumer');
installConsumer(report, app, tarballs, manifests);
checkModuleSystems(report, app);

console.log('\nTwo versions of @lacuna/tensor nested in one project');
checkNestedVersions(report, { app, work, manifests, tarballs });

await checkReadmeExamples(report, app, manifests);
checkTypeScriptConsumer(report, app);

console.log('\nBrowser bundle (esbuild, platform browser)');
await checkBrowserBundle(report, app);

console.log('\nBrowser page with an import map, no bundler (Chromium)');
await checkBrowserPage(report, app, manifests);

rmSync(work, { recursive: true, force: true });
if (report.failures.length) {
  console.error(`\nRelease check failed: ${report.failures.length} problem(s).`);
  process.exit(1);
}
console.log('\nRelease check passed for', manifests.map(({ pkg }) => pkg.name).join(', '));
