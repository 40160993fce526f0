// Published manifests take the other Lacuna packages as peer dependencies, as @tensorflow/tfjs-layers
// takes tfjs-core: an app then installs one @lacuna/tensor (and one @lacuna/autograd) that every
// Lacuna package shares, and npm reports a version clash at install instead of nesting a second
// copy. (Two copies of one version still work together at run time: see "One copy" in the
// @lacuna/tensor README; two versions meeting is a VersionConflictError.)
//
// In the workspace they stay plain `dependencies`: changesets bumps a package whose peer dependency
// leaves its range with a MAJOR bump (a 0.x minor of @lacuna/tensor would take every dependent to
// 1.0.0), while for dependencies it patch-bumps the dependents so their ranges follow, the flow
// scripts/check-changesets.mjs checks. The move happens here, when `pnpm pack` / `pnpm publish`
// (and so `changeset publish`) writes the tarball's package.json, after `workspace:^` has become
// a real range such as ^0.2.0. scripts/release-check.mjs checks the packed manifests.
const PEERS = ['@lacuna/tensor', '@lacuna/autograd'];

function beforePacking(pkg) {
  if (!pkg.name?.startsWith('@lacuna/') || !pkg.dependencies) return pkg;
  for (const name of PEERS) {
    const range = pkg.dependencies[name];
    if (range === undefined) continue;
    delete pkg.dependencies[name];
    pkg.peerDependencies = { ...pkg.peerDependencies, [name]: range };
  }
  if (Object.keys(pkg.dependencies).length === 0) delete pkg.dependencies;
  return pkg;
}

module.exports = { hooks: { beforePacking } };
