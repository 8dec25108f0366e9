/** The benchmark peers by name (pure data: the CLI parser validates --peers against it). */
export const PEER_LABELS = {
  steer: 'steer-engine',
  'steer-spin': 'steer-engine (spinning threads)',
  transformers: 'transformers.js',
  'transformers-nospin': 'transformers.js (no spinning)',
  llamacpp: 'llama.cpp',
  'llamacpp-1thread': 'llama.cpp (1 thread)',
  'llamacpp-clp': 'llama.cpp + CLP adapters',
} as const;

export type PeerName = keyof typeof PEER_LABELS;
export const PEER_NAMES = Object.keys(PEER_LABELS) as PeerName[];
/** Run when --peers is not given. */
export const DEFAULT_PEERS: PeerName[] = [
  'steer',
  'transformers',
  'transformers-nospin',
  'llamacpp',
  'llamacpp-1thread',
  'llamacpp-clp',
];
