// extensionTestsPath is only honoured together with an extensionDevelopmentPath. When the extension under
// test is an installed VSIX, an empty stub extension fills that slot so the installed copy is the one loaded.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes the stub extension into `parent`/stub-extension and returns its path. */
export function makeStubExtension(parent: string): string {
  const dir = path.join(parent, 'stub-extension');
  fs.mkdirSync(dir);
  const manifest = {
    name: 'vsix-test-stub',
    publisher: 'steer-test',
    version: '0.0.0',
    engines: { vscode: '*' },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}
