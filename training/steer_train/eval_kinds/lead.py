"""The lead baseline: the opening sentences of a document, skipping what a summary would not open with (code,
front matter, headings), as the reference point for ROUGE-L."""

from __future__ import annotations

import re

from ..metrics import word_count
from ..text_quality import split_sentences

_CODE_SKIP = re.compile(
    r"""^\s*(?:
        $                                            # blank
      | import\s | from\s+\S+\s+import\s             # Python imports
      | (?:import|export)\s.*\sfrom\s+['"]           # ES imports and re-exports
      | import\s*['"(]                               # import 'x'  import('x')
      | (?:const|let|var)\s+[\w{},\s]+=\s*require\(  # CommonJS
      | ['"]use\sstrict['"]                          # 'use strict'
      | \#!                                          # shebang
      | \#.*coding[:=]                               # encoding line
      | from\s+__future__\s                          # (also an import)
    )""",
    re.VERBOSE,
)
_DOCS_SKIP = re.compile(
    r"""^\s*(?:
        $
      | \#{1,6}(?:\s|$)                  # heading
      | (=|-|~|\^|\*|\+|\#|"|'|`){3,}\s*$ # setext / reST underline or rule
      | ```|~~~                          # fence
      | </?[A-Za-z!]                     # HTML
      | !?\[!?\[                         # badge  [![...
      | !\[                              # image
      | \.\.\s                           # reST directive
      | \|                               # table row
    )""",
    re.VERBOSE,
)
MIN_LEAD_WORDS = 3


def lead_baseline(document: str, kind: str) -> str:
    """The lead baseline: what a summarizer that copies the opening would say.

    - prose kinds: the first sentence of :func:`~steer_train.text_quality.split_sentences`;
    - ``docs`` (Markdown/reST READMEs): the same over the lines left after dropping headings, underlines and
      rules, fences, HTML, badges and images, reST directives and table rows, skipping sentences of fewer than
      :data:`MIN_LEAD_WORDS` words (a README's first "sentence" is usually its title);
    - ``code``: the first line that is not blank, an import or require, ``'use strict'``, a shebang or an
      encoding line (stripped); there is no prose to take a sentence from.
    """
    if kind == "code":
        for line in document.split("\n"):
            if not _CODE_SKIP.match(line):
                return line.strip()
        return ""
    text = document
    if kind == "docs":
        text = "\n".join(line for line in document.split("\n") if not _DOCS_SKIP.match(line))
    sentences = split_sentences(text)
    if kind == "docs":
        sentences = [s for s in sentences if word_count(s) >= MIN_LEAD_WORDS] or sentences
    return sentences[0] if sentences else ""
