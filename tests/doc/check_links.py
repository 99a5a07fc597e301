#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
"""check_links.py SOURCE_DIR

The README, every page of doc/ and bench/results.md link only to files that
exist and to headings that are there (GitHub's anchors), and the README links
to every page of doc/ but the man page's header and trailer: the reference
moved out of the README must stay reachable from it.
"""
import os
import re
import sys

FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# The man page's own pieces (doc/CMakeLists.txt), not pages to read on their own.
MAN_PARTS = re.compile(r"^tracer\.1(\..*)?\.md$")


def prose(text):
    """The text without its code blocks: what a reader sees as links and headings."""
    return FENCE.sub("", text)


def anchors(path):
    """GitHub's anchors for the headings of a Markdown file."""
    seen = {}
    out = set()
    with open(path, encoding="utf-8") as f:
        text = prose(f.read())
    for m in HEADING.finditer(text):
        title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(2))
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else "%s-%d" % (slug, n))
    return out


def links(path):
    """(line, target) of every inline link and image outside code."""
    with open(path, encoding="utf-8") as f:
        text = prose(f.read())
    text = CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    for m in LINK.finditer(text):
        yield text.count("\n", 0, m.start()) + 1, m.group(2)


def check(top, path, errors):
    """Checks path's links; returns the files they lead to."""
    targets = set()
    here = os.path.dirname(path)
    for line, target in links(path):
        if URL.match(target):
            continue
        file, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(here, file)) if file else path
        where = "%s:%d: %s" % (os.path.relpath(path, top), line, target)
        if not os.path.exists(dest):
            errors.append("%s: no such file" % where)
            continue
        targets.add(dest)
        if anchor and dest.endswith(".md") and anchor not in anchors(dest):
            errors.append("%s: no such heading in %s" % (where, os.path.basename(dest)))
    return targets


def main():
    top = os.path.abspath(sys.argv[1])
    readme = os.path.join(top, "README.md")
    doc = os.path.join(top, "doc")
    pages = sorted(os.path.join(doc, f) for f in os.listdir(doc) if f.endswith(".md"))
    errors = []
    from_readme = check(top, readme, errors)
    for path in pages + [os.path.join(top, "bench", "results.md")]:
        check(top, path, errors)
    for page in pages:
        if not MAN_PARTS.match(os.path.basename(page)) and page not in from_readme:
            errors.append("README.md does not link to %s" % os.path.relpath(page, top))
    for e in errors:
        print("doc_links: " + e, file=sys.stderr)
    if errors:
        return 1
    print("doc_links: the links of README.md, %d pages of doc/ and bench/results.md lead "
          "somewhere" % len(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
