// Child process for neighbour-cache.test.ts: opens the library at argv[2], scores the fixture of argv[3] photos with
// the library's kept neighbour lists (key argv[4]), and prints how the lists were brought up to date and the scores.
import { openLibrary } from '../../../../src-main/core/library/library.js';
import { neighbourCache } from '../../../../src-main/core/ml/neighbours/neighbour-cache-file.js';
import { nearestLabeled } from '../../../../src-main/core/ml/runs/outlier-scores.js';
import { neighbourFixture } from '../../../helpers/neighbour-fixture.js';

const [, , dir, count, key] = process.argv;
const library = openLibrary(dir!);
const fixture = neighbourFixture(Number(count));
const result = await nearestLabeled(fixture, { source: { ids: fixture.ids, cache: neighbourCache(library.paths.root, key!) } });
library.close();
console.log(JSON.stringify({ lists: result.lists, exactRows: result.exactRows, distance: Array.from(result.distance), neighbourClass: Array.from(result.neighbourClass) }));
