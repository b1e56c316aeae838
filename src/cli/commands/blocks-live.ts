import type { BlocksOptions } from './blocks.js';
export async function runBlocksLive(_opts: BlocksOptions): Promise<number> {
  return 1;
}
