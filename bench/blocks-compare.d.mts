// Types of blocks-compare.mjs, for the tests that use it.
export interface BlocksComparison {
  blocks: { ours: number; ccusage: number };
  gaps: { ours: number; ccusage: number };
  sameBlocks: number;
  sameGaps: number;
  gapsOffByMs: number;
  costDiffs: number;
  totalTokens: { ours: number; ccusage: number };
  equal: boolean;
  differences: { index: number; ours: unknown; ccusage: unknown }[];
}

export function compareBlocks(
  oursJson: string | object,
  peerJson: string | object,
  limit?: number,
): BlocksComparison;
