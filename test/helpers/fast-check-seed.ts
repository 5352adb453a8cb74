/**
 * Jest setup (setupFilesAfterEnv): gives every fast-check call in the test file the file's seed
 * from test/helpers/seeds.ts, so no property draws a fresh random sample in `npm test`. A call
 * that passes its own `seed` would escape the fuzz runner; properties therefore never do.
 */
import fc from 'fast-check';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { propertySeed } from './seeds.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const testFile = relative(projectRoot, expect.getState().testPath ?? '').split('\\').join('/');
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: propertySeed(testFile) });
