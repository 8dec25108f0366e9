/**
 * A source file is read without the licence its first comments state, so that the summary is about the code
 * ("You may use this file without permission." was written of a script under the Apache licence), while the
 * rest of those comments, which say what the file is, stays.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutLicenceHeader } from '../../src/engine/licence-header';
import { readingOf } from '../../src/engine/reading';

const APACHE = [
  '# -*- coding: utf-8 -*- #',
  '# Copyright 2014 Google LLC. All Rights Reserved.',
  '#',
  '# Licensed under the Apache License, Version 2.0 (the "License");',
  '# you may not use this file except in compliance with the License.',
  '# You may obtain a copy of the License at',
  '#',
  '#    http://www.apache.org/licenses/LICENSE-2.0',
  '#',
  '# Unless required by applicable law or agreed to in writing, software',
  '# distributed under the License is distributed on an "AS IS" BASIS.',
  '"""Command for adding access configs to virtual machine instances."""',
  '',
  'from googlecloudsdk.calliope import base',
  '',
  'def run(args):',
  '    return base.add(args)',
].join('\n');

test('a Python module is read from its docstring on: no Apache licence, copyright or coding line', () => {
  assert.equal(
    readingOf(APACHE),
    [
      '"""Command for adding access configs to virtual machine instances."""',
      '',
      'from googlecloudsdk.calliope import base',
      '',
      'def run(args):',
      '    return base.add(args)',
    ].join('\n'),
  );
});

test("a C file keeps what its header says it is, without the GPL's paragraphs and the words between them", () => {
  const source = [
    '/* base16dec -- a decoder for base16',
    '',
    '   Copyright (C) 2006, 2012 Jeronimo Pellegrini, Niels Möller',
    '',
    '   This file is part of GNU Nettle.',
    '',
    '   GNU Nettle is free software: you can redistribute it and/or',
    '   modify it under the terms of either:',
    '',
    '     * the GNU Lesser General Public License as published by the Free',
    '       Software Foundation; either version 3 of the License.',
    '',
    '   or',
    '',
    '     * the GNU General Public License as published by the Free',
    '       Software Foundation; either version 2 of the License.',
    '',
    '   or both in parallel, as here.',
    '',
    '   GNU Nettle is distributed in the hope that it will be useful,',
    '   but WITHOUT ANY WARRANTY; without even the implied warranty of',
    '   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.',
    '*/',
    '',
    '#include <stdio.h>',
    '',
    'int main(void) { return decode(stdin); }',
  ].join('\n');
  assert.equal(
    withoutLicenceHeader(source),
    [
      '/*',
      ' * base16dec -- a decoder for base16',
      ' *',
      ' * This file is part of GNU Nettle.',
      ' */',
      '',
      '#include <stdio.h>',
      '',
      'int main(void) { return decode(stdin); }',
    ].join('\n'),
  );
});

test("a licence after a compiled module's export lines, a one-line MIT notice and a script's GPL go too", () => {
  const compiled = [
    'exports.parseInteger = parseInteger;',
    '/*',
    'Copyright 2023 The Sigstore Authors.',
    '',
    'Licensed under the Apache License, Version 2.0 (the "License");',
    'you may not use this file except in compliance with the License.',
    '*/',
    'function parseInteger(buf) {',
    '    return BigInt(buf.length);',
    '}',
  ].join('\n');
  assert.equal(
    withoutLicenceHeader(compiled),
    'exports.parseInteger = parseInteger;\nfunction parseInteger(buf) {\n    return BigInt(buf.length);\n}',
  );
  const mit = [
    '// Copyright (c) Microsoft Corporation.',
    '// Licensed under the MIT License.',
    'import { delay } from "@azure/core-util";',
    'export const DEFAULT_CYCLER_OPTIONS = { retryIntervalInMs: 3000 };',
  ].join('\n');
  assert.equal(
    withoutLicenceHeader(mit),
    'import { delay } from "@azure/core-util";\nexport const DEFAULT_CYCLER_OPTIONS = { retryIntervalInMs: 3000 };',
  );
  const script = [
    '#! /bin/sh',
    '# runtest wrapper to reproduce racy incomplete reads in the testsuite.',
    '',
    '# This program is free software; you can redistribute it and/or modify',
    '# it under the terms of the GNU General Public License as published by',
    '# the Free Software Foundation; either version 3 of the License.',
    '',
    'exec runtest "$@"',
  ].join('\n');
  assert.equal(
    withoutLicenceHeader(script),
    '#! /bin/sh\n# runtest wrapper to reproduce racy incomplete reads in the testsuite.\n\nexec runtest "$@"',
  );
});

test('comments about licences that are no licence, a README and a licence file are read as they are', () => {
  const checker = [
    '# Checks the license field of the packages a project installs.',
    'import json',
    '',
    'def licence_of(package):',
    '    return json.loads(package)["license"]',
  ].join('\n');
  assert.equal(withoutLicenceHeader(checker), checker);
  const readme = '# yallist\n\nYet another linked list.\n\n## License\n\nLicensed under the ISC License.\n';
  assert.equal(withoutLicenceHeader(readme), readme);
  const licence =
    'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this ' +
    'software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.\n';
  assert.equal(withoutLicenceHeader(licence), licence);
  // a file that is nothing but its licence is read as it is
  const onlyLicence = '// SPDX-License-Identifier: MIT\n// Licensed under the MIT License.\n';
  assert.equal(withoutLicenceHeader(onlyLicence), onlyLicence);
});
