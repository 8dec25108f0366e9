"""A mixed summarization set of what people summarize in an editor: documentation, code and the shared sets.

    python -m steer_train.editor_data --out DIR [--shared-data PATH] [--limit-per-kind N]

writes DIR/<kind>/data.jsonl (the shared sets' record format plus `kind`, `origin`, `package`, `licence`)
and DIR/manifest.json. Kinds:

- docs: a package's long description (PyPI METADATA body, npm README) -> its one-line summary/description.
- code: a Python function/class without its docstring, a Python module without its module docstring, or a
  JavaScript/TypeScript function without its JSDoc -> the first sentence of that docstring/JSDoc.
- long, email, news, dialogue, science: the shared sets (../shared/data/summarization), splits as published.

docs and code are split by package (a stable hash of the package name), so no package is in two splits;
everything is read from local files (installed packages, node_modules, the stdlib) and nothing is fetched.

Modules: ``records`` (the record, the kinds and the text rules), ``docs_markup`` (a README as a document),
``packages`` (installed Python and npm packages), ``python_code`` and ``js_code`` (the code kind), ``build``
(the shared sets, mixing and writing) and ``cli``.
"""

from .build import Sources, balanced_sample, build, collect, dedupe, shared_records
from .cli import main
from .docs_markup import HTML_TAG, docs_document, strip_description_line, strip_markup
from .js_code import code_from_js, js_functions, jsdoc_description, npm_sources
from .packages import (
    Distribution,
    NpmPackage,
    docs_from_distributions,
    docs_from_npm,
    find_distributions,
    find_npm_packages,
    long_description,
    npm_licence,
    pep503,
    python_licence,
    read_text,
)
from .python_code import (
    TEST_DIRS,
    CodeSource,
    cap_code,
    code_from_python,
    code_record,
    distribution_sources,
    is_test_or_generated,
    parse_python,
    python_functions,
    python_module,
    sample_files,
    source_lines,
    stdlib_sources,
    usable_code,
)
from .records import (
    DEFAULT_SHARED,
    KINDS,
    MAX_DOC_WORDS,
    MAX_FILE_BYTES,
    MAX_REF_WORDS,
    MIN_CODE_LINES,
    MIN_DOCS_WORDS,
    REPO,
    RST_UNDERLINE,
    SPLITS,
    Record,
    cap_paragraphs,
    first_sentence,
    is_good_code_reference,
    is_good_description,
    n_words,
    normalized,
    record_id,
    split_for,
    text_hash,
)

__all__ = [
    "CodeSource",
    "DEFAULT_SHARED",
    "Distribution",
    "HTML_TAG",
    "KINDS",
    "MAX_DOC_WORDS",
    "MAX_FILE_BYTES",
    "MAX_REF_WORDS",
    "MIN_CODE_LINES",
    "MIN_DOCS_WORDS",
    "NpmPackage",
    "REPO",
    "RST_UNDERLINE",
    "Record",
    "SPLITS",
    "Sources",
    "TEST_DIRS",
    "balanced_sample",
    "build",
    "cap_code",
    "cap_paragraphs",
    "code_from_js",
    "code_from_python",
    "code_record",
    "collect",
    "dedupe",
    "distribution_sources",
    "docs_document",
    "docs_from_distributions",
    "docs_from_npm",
    "find_distributions",
    "find_npm_packages",
    "first_sentence",
    "is_good_code_reference",
    "is_good_description",
    "is_test_or_generated",
    "js_functions",
    "jsdoc_description",
    "long_description",
    "main",
    "n_words",
    "normalized",
    "npm_licence",
    "npm_sources",
    "parse_python",
    "pep503",
    "python_functions",
    "python_licence",
    "python_module",
    "read_text",
    "record_id",
    "sample_files",
    "shared_records",
    "source_lines",
    "split_for",
    "stdlib_sources",
    "strip_description_line",
    "strip_markup",
    "text_hash",
    "usable_code",
]
