"""The two sets of this report, rebuilt from this machine's documentation and one fetched repository.

    python make_sets.py OUT_DIR [NOTEBOOK_REPO_GIT_DIR]

html.jsonl: 32 HTML pages (Node.js API docs, the Rust book, Cargo, rustc, Valgrind, libffi, libxslt), seed 25;
nb.jsonl: 10 notebooks of jakevdp/PythonDataScienceHandbook (MIT / CC BY-NC-ND text), seed 5. Neither is committed.
"""

import glob
import json
import os
import random
import re
import subprocess
import sys

out_dir = sys.argv[1]
R = "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/"
groups = {
    "node": [
        f
        for f in glob.glob("/usr/share/doc/nodejs/api/*.html")
        if os.path.basename(f) not in ("all.html", "index.html")
    ],
    "rustbook": glob.glob(R + "book/ch*.html"),
    "cargo": glob.glob(R + "cargo/**/*.html", recursive=True),
    "rustc": glob.glob(R + "rustc/**/*.html", recursive=True),
    "valgrind": glob.glob("/usr/share/doc/valgrind/html/*.html"),
    "libffi": glob.glob("/usr/share/doc/libffi8/html/*.html"),
    "xslt": glob.glob("/usr/share/doc/libxslt1-dev/html/*.html"),
}
take = {"node": 10, "rustbook": 8, "cargo": 4, "rustc": 3, "valgrind": 3, "libffi": 2, "xslt": 2}
random.seed(25)
with open(os.path.join(out_dir, "html.jsonl"), "w") as out:
    for g, files in groups.items():
        files = [f for f in files if 3000 < os.path.getsize(f) < 400000 and "print.html" not in f and "toc" not in f]
        for f in random.sample(files, min(take[g], len(files))):
            doc = open(f, errors="ignore").read()
            row = {"id": g + "-" + re.sub(r"\W+", "-", f.split("/")[-1]), "kind": "html", "document": doc}
            out.write(json.dumps(row) + "\n")

if len(sys.argv) > 2:
    repo = sys.argv[2]
    listing = subprocess.check_output(["git", "-C", repo, "ls-tree", "-r", "-l", "HEAD", "notebooks/"], text=True)
    notebooks = [line for line in listing.splitlines() if line.endswith(".ipynb")]
    random.seed(5)
    with open(os.path.join(out_dir, "nb.jsonl"), "w") as out:
        for line in random.sample(notebooks, 10):
            path = line.split("\t")[1]
            doc = subprocess.check_output(["git", "-C", repo, "show", "HEAD:" + path], text=True)
            out.write(json.dumps({"id": "nb-" + path.split("/")[-1][:40], "kind": "notebook", "document": doc}) + "\n")
