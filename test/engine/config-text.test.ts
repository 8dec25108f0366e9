/**
 * A configuration or data file is read as its settings, what it says it is first: the model summarized a
 * file's punctuation and order when it read the file as written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configReading } from '../../src/engine/config-text';
import { readingOf } from '../../src/engine/reading';

const PACKAGE_JSON = JSON.stringify(
  {
    version: '1.2.0',
    name: 'yallist',
    author: 'Isaac Z. Schlueter <i@izs.me>',
    repository: { type: 'git', url: 'git+https://github.com/isaacs/yallist.git' },
    description: 'Yet Another Linked List',
    scripts: { test: 'tap test/*.js' },
    dependencies: { tap: '^12.1.0', semver: '>=7' },
    contributes: {
      commands: [{ command: 'x.run', title: 'Run X' }],
      // a setting's description is about the setting, not the package: left out
      configuration: { properties: { 'x.device': { type: 'string', description: 'Where the model runs.' } } },
    },
  },
  null,
  2,
);

test('a package.json reads as its name and description first, without keys, its dependencies by name, no people or addresses', () => {
  assert.equal(
    configReading(PACKAGE_JSON),
    [
      'yallist: Yet Another Linked List',
      '',
      'version: 1.2.0',
      // one line per key, with its values from anywhere in the file
      'type: git, string',
      'test: tap test/*.js',
      'dependencies: tap, semver',
      'command: x.run',
      // a nested "title" is a setting like any other, not what the file is
      'title: Run X',
    ].join('\n'),
  );
  assert.equal(readingOf(PACKAGE_JSON), configReading(PACKAGE_JSON));
});

test('JSON with comments and trailing commas (tsconfig.json) is read too', () => {
  const tsconfig =
    '{\n  // compile for Node\n  "compilerOptions": { "target": "ES2022", "strict": true, },\n  "include": ["src/**/*.ts"],\n}\n';
  assert.equal(configReading(tsconfig), 'target: ES2022\nstrict: true\ninclude: src/**/*.ts');
});

test('YAML reads as one line per key with its values; scripts and templates are left out', () => {
  assert.equal(
    configReading('language: node_js\nnode_js:\n  - "6"\n  - "7"\n  - "8"\n'),
    'language: node_js\nnode_js: 6, 7, 8',
  );
  const workflow = [
    'name: publish',
    'on: [release]',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - run: npm ci',
    '      - run: |',
    '          npm test',
    '          npm publish',
    '        env:',
    '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
  ].join('\n');
  assert.equal(
    configReading(workflow),
    'publish\n\non: release\nruns-on: ubuntu-latest\nuses: actions/checkout@v4\nrun: npm ci',
  );
});

test("TOML and INI read with the project section's identity first and lists over lines joined", () => {
  const pyproject = [
    '[build-system]',
    'requires = ["hatchling>=1.6.0"]',
    '',
    '[project]',
    'name = "urllib3"',
    'description = "HTTP library with thread-safe connection pooling."',
    'authors = [{name = "Andrey Petrov"}]',
    'keywords = [',
    '  "urllib",',
    '  "http",',
    ']',
  ].join('\n');
  assert.equal(
    configReading(pyproject),
    'urllib3: HTTP library with thread-safe connection pooling.\n\nrequires: hatchling>=1.6.0\nkeywords: urllib, http',
  );
  const setupCfg =
    '[metadata]\nname = chardet\nauthor = Mark Pilgrim\nclassifiers =\n    Programming Language :: Python\n    Topic :: Text Processing\n';
  assert.equal(
    configReading(setupCfg),
    'chardet\n\nclassifiers: Programming Language :: Python, Topic :: Text Processing',
  );
});

test('prose, a chat, Markdown and source code are not settings', () => {
  const chat =
    'Laura: Kas, can you tidy up my dreads this weekend?\nKas: Sure, Saturday at noon works for me.\nLaura: Great, see you then!\n';
  const csharp =
    'namespace X\n{\n    [Flags]\n    public enum State : uint\n    {\n        None = 0,\n        Local = 1,\n        Registered = 2,\n    }\n}\n';
  const readme = '# tool\n\nA tool.\n\n## Options\n\n- debug: prints more\n- quiet: prints less\n';
  const mail =
    'From: ann@example.com\nTo: bob@example.com\nSubject: lunch\n\nBob, are we still on for lunch on Friday? Ann\n';
  for (const text of [chat, csharp, readme, mail, 'The board met on Monday.', '[1, 2, 3]', '"a string"'])
    assert.equal(configReading(text), null, text);
});
