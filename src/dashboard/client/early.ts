/**
 * The page's first requests, started by a small script of their own as soon as the page loads, while
 * the app's script is still being fetched and evaluated; the app takes their answers (api.ts).
 */
import { startEarly } from './early-requests.js';
import { firstPaths, readUrl } from './url-state.js';

startEarly(firstPaths(readUrl()));
