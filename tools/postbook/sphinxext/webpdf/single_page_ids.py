"""Make anchors unique when all chapters share one page, and repoint links at them."""

from __future__ import annotations

from collections.abc import Collection

from docutils import nodes
from sphinx import addnodes

IdMap = dict[tuple[str, str], str]  # (docname, id in the chapter) -> id in the single page


def chapter_prefix(docname: str) -> str:
    """The anchor prefix of a chapter: its docname with '/' made id-safe."""
    return docname.replace("/", "-") + "--"


def rename_ids(tree: nodes.Node) -> IdMap:
    """Prefix every id inside each chapter with the chapter's name; return old -> new."""
    renamed: IdMap = {}
    for chapter in tree.findall(addnodes.start_of_file):
        docname = chapter["docname"]
        for node in chapter.findall(nodes.Element):
            if node is chapter or not node.get("ids"):
                continue
            new_ids = [chapter_prefix(docname) + i for i in node["ids"]]
            renamed.update(zip(((docname, i) for i in node["ids"]), new_ids))
            node["ids"] = new_ids
    return renamed


def target_of(refuri: str, docname: str | None, renamed: IdMap,
              elsewhere: Collection[str] = ()) -> str | None:
    """The in-page fragment for #document-DOC[#ID] or a same-chapter #ID link; None for others.
    A chapter in `elsewhere` is not in this tree (another piece of the book): its anchors get
    the name rename_ids gives them there."""
    if refuri.startswith("#document-"):
        target_doc, _, anchor = refuri[len("#document-"):].partition("#")
        if not anchor:
            return "#document-" + target_doc
        if (target_doc, anchor) not in renamed and target_doc in elsewhere:
            return "#" + chapter_prefix(target_doc) + anchor
        return "#" + renamed.get((target_doc, anchor), anchor)
    if refuri.startswith("#") and docname is not None:
        return "#" + renamed.get((docname, refuri[1:]), refuri[1:])
    return None


def make_ids_unique(tree: nodes.Node, elsewhere: Collection[str] = ()) -> None:
    """Rename the chapters' ids and rewrite every internal link to the renamed anchor (in a
    chapter of `elsewhere` for one that is not in this tree).

    Walks down from each chapter: parent pointers are not reliable after Sphinx's inlining.
    """
    renamed = rename_ids(tree)
    done: set[int] = set()
    for chapter in tree.findall(addnodes.start_of_file):
        for ref in chapter.findall(nodes.reference):
            _repoint(ref, chapter["docname"], renamed, elsewhere)
            done.add(id(ref))
        _repoint_notes(chapter, chapter["docname"], renamed)
    for ref in tree.findall(nodes.reference):
        if id(ref) not in done:
            _repoint(ref, None, renamed, elsewhere)


def _repoint_notes(chapter: nodes.Element, docname: str, renamed: IdMap) -> None:
    """Footnote references (refid) and footnotes' links back to them (backrefs)."""
    for ref in chapter.findall(nodes.footnote_reference):
        if "refid" in ref:
            ref["refid"] = renamed.get((docname, ref["refid"]), ref["refid"])
    for note in chapter.findall(nodes.footnote):
        note["backrefs"] = [renamed.get((docname, b), b) for b in note.get("backrefs", [])]


def _repoint(ref: nodes.reference, docname: str | None, renamed: IdMap,
             elsewhere: Collection[str]) -> None:
    """Point one link (in chapter docname, or on the root page when None) at its renamed anchor."""
    if "refid" in ref and docname is not None:
        ref["refid"] = renamed.get((docname, ref["refid"]), ref["refid"])
    elif "refuri" in ref:
        fragment = target_of(ref["refuri"], docname, renamed, elsewhere)
        if fragment is not None:
            ref["refuri"] = fragment
