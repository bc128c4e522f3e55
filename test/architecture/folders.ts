/** Every top-level folder of ours that holds TypeScript (the architecture tests walk these). */
export const FOLDERS = [
  'contract',
  'core',
  'db',
  'sync',
  'hq',
  'till',
  'electron',
  'renderer',
  'test',
  'bench',
  'demo',
  'scripts',
] as const;
